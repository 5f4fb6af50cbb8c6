// Data source encore_service: one of an environment's services.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/data_sources/lookup_arguments.h"

namespace encore::catalog {
namespace {

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
                         "through the environment's gateway."),
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

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewServiceDataSource() {
  return std::make_unique<ServiceDataSource>();
}

}  // namespace encore::catalog
