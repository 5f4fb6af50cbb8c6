// Data source encore_service: one of an environment's services.
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

using data_sources::ComputedString;
using data_sources::ComputedStringList;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block = data_sources::LookupBlock(
      "Looks up one of the app's services in an environment: its base URL and "
      "the infrastructure it uses.",
      "service",
      {
          ComputedString("base_url",
                         "The URL the service's endpoints are served under, "
                         "through the environment's gateway (the "
                         "environment's `url`); null for `aws` and `gcp` "
                         "environments until the app is deployed there."),
          ComputedStringList("databases",
                             "The SQL databases the service uses."),
          ComputedStringList("topics",
                             "The Pub/Sub topics the service publishes to."),
          ComputedStringList("caches", "The caches the service uses."),
          ComputedStringList("buckets", "The buckets the service uses."),
          ComputedString("provider_id",
                         "The backend's own identifier for the service's "
                         "compute: a process group, a Fargate service, a Cloud "
                         "Run service or a Kubernetes deployment."),
      });
  return schema;
}

class ServiceDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_service"; }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto l = data_sources::StartLookup(req, "", resp.diags);
    if (!l) return;
    auto model = data_sources::AppModelOf(req.ctx, *l->client, l->env.spec.app,
                                          resp.diags);
    if (!model) return;
    const model::AppService* service = nullptr;
    std::vector<std::string> names;
    for (const auto& s : model->services) {
      names.push_back(s.name);
      if (s.name == l->name) service = &s;
    }
    if (service == nullptr) {
      resp.diags.AddAttributeError(
          AttributePath::Root("name"), "Not found",
          "App \"" + l->env.spec.app + "\" (environment " + l->env.spec.name +
              ") has no service named \"" + l->name + "\"; " +
              (names.empty() ? std::string("its model declares no services.")
                             : "its services are " +
                                   model::QuotedList(names, "and") + "."));
      return;
    }
    auto list = [](const std::vector<std::string>& items) {
      std::vector<Value> out;
      for (const auto& i : items) out.push_back(Value::String(i));
      return Value::List(Type::String(), std::move(out));
    };
    // The agent's facts for the service (its url) when it has them; the
    // environment's URL otherwise. A service not provisioned yet is no
    // reason to warn: its base URL is the environment's anyway.
    auto f = data_sources::FetchResourceFacts(req.ctx, *l, "service",
                                              /*include_credentials=*/false,
                                              resp.diags, /*warn=*/false);
    if (resp.diags.HasError()) return;
    std::map<std::string, Value> facts;
    facts["base_url"] = data_sources::FactString(f ? &*f : nullptr, "url");
    if (facts["base_url"].IsNull() && !l->env.url.empty()) {
      facts["base_url"] = Value::String(l->env.url);
    }
    facts["databases"] = list(service->databases);
    facts["topics"] = list(service->publishes);
    facts["caches"] = list(service->caches);
    facts["buckets"] = list(service->buckets);
    resp.state = data_sources::LookupState(
        schema_.block, l->env, "service", l->name,
        data_sources::ProcessOf(l->env, l->name), std::move(facts));
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewServiceDataSource() {
  return std::make_unique<ServiceDataSource>();
}

}  // namespace encore::catalog
