// Data source encore_cache: how to reach one of an environment's caches.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/text.h"
#include "provider/catalog.h"
#include "provider/data_sources/agent_lookup.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/resources/agent_calls.h"

namespace encore::catalog {
namespace {

using values::Type;
using values::Value;

using data_sources::ComputedNumber;
using data_sources::ComputedString;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block = data_sources::LookupBlock(
      "Looks up one of the app's caches in an environment: the Redis server "
      "that holds it. Locally and on the hosted cloud each cache is its own "
      "redis-server; on AWS ElastiCache, on GCP Memorystore.",
      "cache",
      {
          ComputedString(
              "host", "The Redis server's host name or IP address." +
                          std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedNumber(
              "port", "The Redis server's port." +
                          std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "address",
              "`host:port`, as Redis clients take it." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "url",
              "A `redis://` URL of the server, as the agent gives "
              "it." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "eviction_policy",
              "The eviction policy the model declares, e.g. `allkeys-lru`."),
          ComputedString(
              "key_prefix",
              "The prefix the app's keys carry; null when the cache "
              "has its server to itself (as it does locally)." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "provider_id",
              "The backend's own identifier for the cache: the redis-server's "
              "directory, an ElastiCache or Memorystore resource name."),
      });
  return schema;
}

class CacheDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_cache"; }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto l = data_sources::StartLookup(req, "cache", resp.diags);
    if (!l) return;
    auto model = data_sources::AppModelOf(req.ctx, *l->client, l->env.spec.app,
                                          resp.diags);
    if (!model) return;
    auto f = data_sources::FetchResourceFacts(req.ctx, *l, "cache",
                                              /*include_credentials=*/false,
                                              resp.diags);
    if (resp.diags.HasError()) return;
    const model::ResourceFacts* rf = f ? &*f : nullptr;
    std::map<std::string, Value> facts;
    facts["host"] = data_sources::FactString(rf, "host");
    facts["port"] = data_sources::FactNumber(rf, "port");
    facts["address"] = data_sources::FactString(rf, "address");
    if (facts["address"].IsNull() && facts["host"].IsKnown() &&
        facts["port"].IsKnown()) {
      facts["address"] = Value::String(facts["host"].AsString() + ":" +
                                       facts["port"].AsNumber().ToString());
    }
    facts["url"] = data_sources::FactString(rf, "url");
    facts["key_prefix"] = data_sources::FactString(rf, "key_prefix");
    if (rf && !rf->provider_id.empty()) {
      facts["provider_id"] = Value::String(rf->provider_id);
    }
    for (const auto& c : model->caches) {
      if (c.name == l->name) {
        facts["eviction_policy"] = Value::String(c.eviction_policy);
      }
    }
    resp.state = data_sources::LookupState(schema_.block, l->env, "cache",
                                           l->name, l->item, std::move(facts));
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewCacheDataSource() {
  return std::make_unique<CacheDataSource>();
}

}  // namespace encore::catalog
