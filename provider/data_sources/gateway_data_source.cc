// Data source encore_gateway: where one of an environment's API gateways
// listens.
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
                         "`http://127.0.0.1:4000` for a local environment; "
                         "null for `aws` and `gcp` environments until the app "
                         "is deployed there."),
          ComputedString("address",
                         "`host:port` the gateway listens on (null when "
                         "`url` is)."),
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

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto l = data_sources::StartLookup(req, "gateway", resp.diags);
    if (!l) return;
    auto f = data_sources::FetchResourceFacts(req.ctx, *l, "gateway",
                                              /*include_credentials=*/false,
                                              resp.diags, /*warn=*/false);
    if (resp.diags.HasError()) return;
    const model::ResourceFacts* rf = f ? &*f : nullptr;
    std::map<std::string, Value> facts;
    Value fact_url = data_sources::FactString(rf, "url");
    const std::string url =
        fact_url.IsKnown() ? fact_url.AsString() : l->env.url;
    if (Value address = data_sources::FactString(rf, "address");
        address.IsKnown()) {
      facts["address"] = address;
    } else if (Value host = data_sources::FactString(rf, "host"),
               port = data_sources::FactNumber(rf, "port");
               host.IsKnown() && port.IsKnown()) {
      facts["address"] =
          Value::String(host.AsString() + ":" + port.AsNumber().ToString());
    }
    if (rf && !rf->provider_id.empty()) {
      facts["provider_id"] = Value::String(rf->provider_id);
    }
    if (!url.empty()) {
      facts["url"] = Value::String(url);
      size_t scheme = url.find("://");
      std::string rest =
          scheme == std::string::npos ? url : url.substr(scheme + 3);
      if (!facts.count("address")) {
        facts["address"] = Value::String(rest.substr(0, rest.find('/')));
      }
    }
    resp.state = data_sources::LookupState(schema_.block, l->env, "gateway",
                                           l->name, l->item, std::move(facts));
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewGatewayDataSource() {
  return std::make_unique<GatewayDataSource>();
}

}  // namespace encore::catalog
