// Data source encore_environment: one environment of an app, its status and
// the infrastructure it has (or plans to have).
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

Type InfrastructureType() {
  return Type::List(Type::Object({
      {"kind", Type::String()},
      {"name", Type::String()},
      {"provider_id", Type::String()},
      {"owner", Type::String()},
      {"status", Type::String()},
      {"planned_calls", Type::List(Type::String())},
  }));
}

framework::Schema MakeSchema() {
  framework::Schema schema;
  framework::Block& b = schema.block;
  b.Doc(
      "Looks up one environment of an app: its type, cloud, URL, status and "
      "the infrastructure the agent provisioned (or plans to) for it.");
  b.Add(data_sources::AppArgument());
  b.Add(framework::StringAttr("name")
            .Required()
            .Check(framework::MatchesPattern(resources::kEnvNamePattern,
                                             resources::kEnvNameMeaning))
            .Doc("The environment's name, e.g. `production` or `pr:42`."));
  b.Add(ComputedString("id", "`APP/NAME`."));
  b.Add(ComputedString("type",
                       "`production`, `development`, `preview` or `local`."));
  b.Add(ComputedString("cloud", "`local`, `encore`, `aws` or `gcp`."));
  b.Add(ComputedString(
      "region", "The cloud region (aws and gcp); null for local and encore."));
  b.Add(ComputedString(
      "url",
      "The environment's gateway URL, e.g. `http://127.0.0.1:4000` locally. "
      "Pass the whole object to `provider::encore::service_url` to get a "
      "service's URL."));
  b.Add(ComputedString("status",
                       "Where the environment is: e.g. `ready`, "
                       "`provisioning`, `awaiting_approval` or `failed`."));
  b.Add(ComputedString(
      "version",
      "The environment's version (an etag); it changes with every change."));
  b.Add(framework::Attribute("infrastructure", InfrastructureType())
            .Computed()
            .Doc("What the environment has or will have, one entry per "
                 "resource: `kind` (`sql_database`, `pubsub_topic`, "
                 "`pubsub_subscription`, `cache`, `bucket`, `service`, "
                 "`gateway`, ...), `name`, `provider_id` (the backend's own "
                 "id), `owner` (`encore`, or who owns an adopted resource), "
                 "`status` and `planned_calls` (the calls the agent would "
                 "make, for clouds it does not execute yet)."));
  return schema;
}

class EnvironmentDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_environment"; }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    auto app = data_sources::ResolveApp(req.ctx, req.config, resp.diags);
    if (!app) return;
    std::string name = resources::AttrOr(req.config, "name").AsString();
    auto env = client->GetEnvironment(*app, name);
    if (!env.ok()) {
      resources::AddAgentError(req.ctx, env.status(),
                               "reading environment " + *app + "/" + name,
                               resp.diags, AttributePath::Root("name"));
      return;
    }
    const Type item_type = InfrastructureType().element();
    std::vector<Value> infra;
    for (const auto& i : env->infrastructure) {
      std::vector<Value> calls;
      for (const auto& c : i.planned_calls) calls.push_back(Value::String(c));
      infra.push_back(Value::ObjectOf(
          item_type,
          {{"kind", Value::String(i.kind)},
           {"name", Value::String(i.name)},
           {"provider_id", Value::String(i.provider_id)},
           {"owner", Value::String(i.owner)},
           {"status", Value::String(i.status)},
           {"planned_calls", Value::List(Type::String(), std::move(calls))}}));
    }
    auto str_or_null = [](const std::string& s) {
      return s.empty() ? Value::Null(Type::String()) : Value::String(s);
    };
    const model::EnvironmentSpec& s = env->spec;
    resp.state = Value::ObjectOf(
        schema_.block.ImpliedType(),
        {{"app", Value::String(s.app)},
         {"name", Value::String(s.name)},
         {"id", Value::String(s.app + "/" + s.name)},
         {"type", Value::String(s.type)},
         {"cloud", Value::String(s.cloud)},
         {"region", str_or_null(s.region)},
         {"url", str_or_null(env->url)},
         {"status", Value::String(env->status)},
         {"version", Value::String(std::to_string(env->version))},
         {"infrastructure", Value::List(item_type, std::move(infra))}});
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewEnvironmentDataSource() {
  return std::make_unique<EnvironmentDataSource>();
}

}  // namespace encore::catalog
