// Data source encore_bucket: where one of an environment's object storage
// buckets lives.
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

using data_sources::ComputedBool;
using data_sources::ComputedString;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block = data_sources::LookupBlock(
      "Looks up one of the app's object storage buckets in an environment. "
      "Locally and on the hosted cloud a bucket is a directory on the agent's "
      "disk; on AWS an S3 bucket, on GCP a GCS bucket.",
      "bucket",
      {
          ComputedString(
              "path",
              "The directory that holds the bucket's objects (local "
              "and encore clouds; null elsewhere)." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedBool("public",
                       "Whether the bucket's objects are readable by anyone."),
          ComputedBool(
              "versioned",
              "Whether the bucket keeps earlier versions of its objects."),
          ComputedString(
              "base_url",
              "The bucket's URL as the agent gives it: locally `file://` "
              "and the directory; on a cloud, where objects are served "
              "from." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString("provider_id",
                         "The backend's own identifier for the bucket: the "
                         "directory, an S3 bucket ARN or a GCS bucket name."),
      });
  return schema;
}

class BucketDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_bucket"; }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto l = data_sources::StartLookup(req, "bucket", resp.diags);
    if (!l) return;
    auto model = data_sources::AppModelOf(req.ctx, *l->client, l->env.spec.app,
                                          resp.diags);
    if (!model) return;
    auto f = data_sources::FetchResourceFacts(req.ctx, *l, "bucket",
                                              /*include_credentials=*/false,
                                              resp.diags);
    if (resp.diags.HasError()) return;
    const model::ResourceFacts* rf = f ? &*f : nullptr;
    std::map<std::string, Value> facts;
    facts["path"] = data_sources::FactString(rf, "path");
    facts["base_url"] = data_sources::FactString(rf, "url");
    if (rf && !rf->provider_id.empty()) {
      facts["provider_id"] = Value::String(rf->provider_id);
    }
    for (const auto& b : model->buckets) {
      if (b.name == l->name) {
        facts["public"] = Value::Bool(b.is_public);
        facts["versioned"] = Value::Bool(b.versioned);
      }
    }
    resp.state = data_sources::LookupState(schema_.block, l->env, "bucket",
                                           l->name, l->item, std::move(facts));
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewBucketDataSource() {
  return std::make_unique<BucketDataSource>();
}

}  // namespace encore::catalog
