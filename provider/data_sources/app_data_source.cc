// Data source encore_app: an app the agent knows, with its model.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/data_sources/agent_lookup.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/resources/agent_calls.h"
#include "provider/config/provider_settings.h"
#include <algorithm>
#include "model/text.h"
#include <map>
#include <vector>
#include "provider/framework/checks.h"

namespace encore::catalog {
namespace {

using values::Type;
using values::Value;

using data_sources::ComputedString;
using data_sources::ComputedStringList;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block.Doc(
      "Looks up an app the agent knows (made by an `encore_app` resource, "
      "here or in another configuration) and its application model.");
  schema.block.Add(
      framework::StringAttr("name")
          .Required()
          .Check(framework::MatchesPattern(resources::kAppNamePattern,
                                           resources::kAppNameMeaning))
          .Doc("The app's name."));
  schema.block.Add(ComputedString("id", "The app's id: its name."));
  schema.block.Add(ComputedString(
      "model",
      "The application model as JSON: services, databases, topics, "
      "subscriptions, caches, cron jobs, buckets and secrets."));
  schema.block.Add(ComputedString(
      "model_hash",
      "A hash of the model's canonical form; it changes whenever the model "
      "does."));
  schema.block.Add(ComputedStringList(
      "services", "The names of the model's services, in model order."));
  return schema;
}

class AppDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_app"; }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string name = resources::AttrOr(req.config, "name").AsString();
    auto app = client->GetApp(name);
    if (!app.ok()) {
      resources::AddAgentError(req.ctx, app.status(), "reading app " + name,
                               resp.diags, AttributePath::Root("name"));
      return;
    }
    std::vector<Value> services;
    for (const auto& s : app->services) services.push_back(Value::String(s));
    resp.state = Value::ObjectOf(
        schema_.block.ImpliedType(),
        {{"name", Value::String(app->name)},
         {"id", Value::String(app->name)},
         {"model", Value::String(app->model_json)},
         {"model_hash", Value::String(app->model_hash)},
         {"services", Value::List(Type::String(), std::move(services))}});
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewAppDataSource() {
  return std::make_unique<AppDataSource>();
}

}  // namespace encore::catalog
