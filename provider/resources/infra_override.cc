// encore_infra_override: settings for one piece of an environment's
// infrastructure (instance sizes, limits) beyond what the model implies.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "provider/catalog.h"
#include "provider/framework/checks.h"
#include "provider/framework/resource.h"
#include "provider/resources/common.h"

namespace encore::catalog {
namespace {

using framework::Attribute;
using framework::OneOf;
using framework::Schema;
using framework::StringAttr;
using resources::AttrOr;
using resources::KnownString;
using resources::QuotedList;
using resources::WithAttr;
using values::Type;
using values::Value;

const AttributePath kRoot;

// The settings each kind takes (DESIGN §3).
const std::map<std::string, std::vector<std::string>>& AllowedKeys() {
  static const auto* kKeys =
      new std::map<std::string, std::vector<std::string>>{
          {"sql_database",
           {"instance_class", "storage_gb", "max_connections", "version"}},
          {"cache", {"node_type", "max_memory"}},
          {"pubsub_topic", {"max_bytes"}},
          {"bucket", {}},
          {"service", {"min_instances", "max_instances", "cpu", "memory"}},
      };
  return *kKeys;
}

bool IsIntegerSetting(const std::string& key) {
  return key == "storage_gb" || key == "max_connections" ||
         key == "min_instances" || key == "max_instances" || key == "max_bytes";
}

bool IsPositiveInteger(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return std::stoll(s) > 0;
}

Schema MakeSchema() {
  Schema s;
  s.block.Doc(
      "Settings for one piece of an environment's infrastructure beyond "
      "what the app's model implies, such as a database's instance class or "
      "a service's instance limits. Keys per kind: `sql_database`: "
      "`instance_class`, `storage_gb`, `max_connections`, `version`; "
      "`cache`: `node_type`, `max_memory`; `pubsub_topic`: `max_bytes`; "
      "`service`: `min_instances`, `max_instances`, `cpu`, `memory`; "
      "`bucket`: none yet.");
  s.block.Add(StringAttr("app")
                  .Required()
                  .RequiresReplace()
                  .Check(framework::MatchesPattern(resources::kAppNamePattern,
                                                   resources::kAppNameMeaning))
                  .Doc("The app's name (`encore_app.name`)."));
  s.block.Add(StringAttr("environment")
                  .Required()
                  .RequiresReplace()
                  .Check(framework::MatchesPattern(resources::kEnvNamePattern,
                                                   resources::kEnvNameMeaning))
                  .Doc("The environment's name (`encore_environment.name`)."));
  s.block.Add(StringAttr("kind")
                  .Required()
                  .RequiresReplace()
                  .Check(OneOf(resources::OverrideKinds()))
                  .Doc("`sql_database`, `cache`, `pubsub_topic`, `bucket` or "
                       "`service`."));
  s.block.Add(StringAttr("name").Required().RequiresReplace().Doc(
      "The resource's name in the app's model."));
  s.block.Add(
      Attribute("settings", Type::Map(Type::String()))
          .Required()
          .Doc("The settings, as strings. Only the keys of `kind` are "
               "allowed; `storage_gb`, `max_connections`, `min_instances`, "
               "`max_instances` and `max_bytes` are positive whole "
               "numbers."));
  s.block.Add(StringAttr("id").Computed().UseStateForUnknown().Doc(
      "`app/environment/kind/name`."));
  return s;
}

class InfraOverrideResource : public framework::Resource {
 public:
  std::string type_name() const override { return "encore_infra_override"; }
  const Schema& schema() const override {
    static const Schema* kSchema = new Schema(MakeSchema());
    return *kSchema;
  }
  std::string import_id_format() const override { return "APP/ENV/KIND/NAME"; }

  void ValidateConfig(const framework::CallContext& ctx, const Value& config,
                      Diagnostics& diags) const override {
    if (!config.IsKnown()) return;
    Value settings = AttrOr(config, "settings");
    if (!settings.IsKnown()) return;
    auto kind = KnownString(AttrOr(config, "kind"));
    const std::vector<std::string>* allowed = nullptr;
    if (kind) {
      auto it = AllowedKeys().find(*kind);
      if (it == AllowedKeys().end()) return;  // the kind's own check reports
      allowed = &it->second;
    }
    for (const auto& [key, value] : settings.Entries()) {
      AttributePath at = kRoot.Attr("settings").Key(key);
      if (allowed) {
        bool ok = false;
        for (const auto& a : *allowed) ok = ok || a == key;
        if (!ok) {
          diags.AddAttributeError(
              at, "Unknown setting",
              allowed->empty()
                  ? "Kind \"" + *kind + "\" takes no settings yet; remove \"" +
                        key + "\" (settings = {})."
                  : "Kind \"" + *kind + "\" has no setting \"" + key +
                        "\"; the allowed keys are " + QuotedList(*allowed) +
                        ".");
          continue;
        }
      }
      auto v = KnownString(value);
      if (v && IsIntegerSetting(key) && !IsPositiveInteger(*v)) {
        diags.AddAttributeError(
            at, "Setting is not a positive whole number",
            "\"" + key + "\" is \"" + *v +
                "\"; set it to a positive whole number such as \"10\".");
      }
    }
  }

  void ModifyPlan(const framework::PlanRequest& req,
                  framework::PlanResponse& resp) const override {
    const Value& plan = resp.planned_state;
    if (!plan.IsKnown()) return;
    std::string id;
    for (const char* attr : {"app", "environment", "kind", "name"}) {
      auto part = KnownString(AttrOr(plan, attr));
      if (!part) return;
      id += (id.empty() ? "" : "/") + *part;
    }
    resp.planned_state = WithAttr(plan, "id", Value::String(id));
  }

  void Import(const framework::ImportRequest& req,
              framework::ImportResponse& resp) const override {
    std::string kinds;
    for (const auto& k : resources::OverrideKinds()) {
      kinds += (kinds.empty() ? "" : "|") + k;
    }
    resources::ImportFromId(
        schema().block, req.id,
        {resources::AppNamePart("app"),
         resources::EnvNamePart("environment"),
         {"kind", "^(" + kinds + ")$",
          "a kind (use " + QuotedList(resources::OverrideKinds()) + ")"},
         {"name", "^.+$", "a name"}},
        import_id_format(), "shop/production/sql_database/orders", resp);
  }
};

}  // namespace

std::unique_ptr<Resource> NewInfraOverrideResource() {
  return std::make_unique<InfraOverrideResource>();
}

}  // namespace encore::catalog
