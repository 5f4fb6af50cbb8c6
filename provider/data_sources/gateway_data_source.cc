// Data source encore_gateway: where one of an environment's API gateways
// listens.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/data_sources/lookup_arguments.h"

namespace encore::catalog {
namespace {

using data_sources::ComputedString;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block = data_sources::LookupBlock(
      "Looks up one of the app's API gateways in an environment: the address "
      "its public endpoints are served on. Most apps have one gateway, "
      "`api-gateway`.",
      "gateway",
      {
          ComputedString("url",
                         "The gateway's public URL, e.g. "
                         "`http://127.0.0.1:4000` for a local environment."),
          ComputedString("address", "`host:port` the gateway listens on."),
          ComputedString(
              "provider_id",
              "The backend's own identifier for the gateway: the reserved "
              "local port, a load balancer ARN or a Cloud Run service."),
      });
  return schema;
}

class GatewayDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_gateway"; }
  const framework::Schema& schema() const override { return schema_; }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewGatewayDataSource() {
  return std::make_unique<GatewayDataSource>();
}

}  // namespace encore::catalog
