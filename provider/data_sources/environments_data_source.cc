// Data source encore_environments: an app's environments, optionally of
// one type.
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
using values::Type;

framework::Schema MakeSchema() {
  framework::Schema schema;
  framework::Block& b = schema.block;
  b.Doc(
      "Lists an app's environments, optionally only those of one type (for "
      "example every preview environment, to clean up old ones).");
  b.Add(data_sources::AppArgument());
  b.Add(framework::StringAttr("type")
            .Optional()
            .Check(framework::OneOf(
                {"production", "development", "preview", "local"}))
            .Doc("Only environments of this type: `production`, "
                 "`development`, `preview` or `local`. All when unset."));
  b.Add(ComputedString("id", "`APP` or `APP/TYPE`: what was listed."));
  b.Add(framework::Attribute("environments", Type::List(Type::Object({
                                                 {"name", Type::String()},
                                                 {"type", Type::String()},
                                                 {"cloud", Type::String()},
                                                 {"url", Type::String()},
                                                 {"status", Type::String()},
                                             })))
            .Computed()
            .Doc("The environments, sorted by name: `name`, `type`, `cloud`, "
                 "`url` (the gateway URL) and `status`."));
  return schema;
}

class EnvironmentsDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_environments"; }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    auto app = data_sources::ResolveApp(req.ctx, req.config, resp.diags);
    if (!app) return;
    std::string type =
        resources::KnownString(resources::AttrOr(req.config, "type"))
            .value_or("");
    auto list = client->ListEnvironments(*app, type);
    if (!list.ok()) {
      resources::AddAgentError(req.ctx, list.status(),
                               "listing the environments of app " + *app,
                               resp.diags);
      return;
    }
    std::vector<model::Environment> envs = std::move(list).value();
    std::sort(envs.begin(), envs.end(), [](const auto& a, const auto& b) {
      return a.spec.name < b.spec.name;
    });
    const Type elem =
        schema_.block.FindAttribute("environments")->type.element();
    std::vector<Value> out;
    for (const auto& e : envs) {
      if (!type.empty() && e.spec.type != type) continue;
      out.push_back(Value::ObjectOf(
          elem, {{"name", Value::String(e.spec.name)},
                 {"type", Value::String(e.spec.type)},
                 {"cloud", Value::String(e.spec.cloud)},
                 {"url", e.url.empty() ? Value::Null(Type::String())
                                       : Value::String(e.url)},
                 {"status", Value::String(e.status)}}));
    }
    resp.state = Value::ObjectOf(
        schema_.block.ImpliedType(),
        {{"app", Value::String(*app)},
         {"type", type.empty() ? Value::Null(Type::String())
                               : Value::String(type)},
         {"id", Value::String(type.empty() ? *app : *app + "/" + type)},
         {"environments", Value::List(elem, std::move(out))}});
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewEnvironmentsDataSource() {
  return std::make_unique<EnvironmentsDataSource>();
}

}  // namespace encore::catalog
