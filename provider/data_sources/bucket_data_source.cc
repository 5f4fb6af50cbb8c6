// Data source encore_bucket: where one of an environment's object storage
// buckets lives.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/data_sources/lookup_arguments.h"

namespace encore::catalog {
namespace {

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
          ComputedString("path",
                         "The directory that holds the bucket's objects (local "
                         "and encore clouds; null elsewhere)."),
          ComputedBool("public",
                       "Whether the bucket's objects are readable by anyone."),
          ComputedBool(
              "versioned",
              "Whether the bucket keeps earlier versions of its objects."),
          ComputedString("base_url",
                         "The URL public objects are served from; null for "
                         "private buckets."),
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

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewBucketDataSource() {
  return std::make_unique<BucketDataSource>();
}

}  // namespace encore::catalog
