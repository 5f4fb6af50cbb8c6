// encore_infra_override: settings for one piece of an environment's
// infrastructure (instance sizes, limits) beyond what the model implies.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "provider/catalog.h"
#include "provider/config/provider_settings.h"
#include "provider/framework/checks.h"
#include "provider/framework/resource.h"
#include "provider/resources/agent_calls.h"
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

std::string OverrideId(const model::InfraOverride& o) {
  return o.app + "/" + o.environment + "/" + o.kind + "/" + o.name;
}

model::InfraOverride OverrideFrom(const Value& v) {
  model::InfraOverride o;
  o.app = AttrOr(v, "app").AsString();
  o.environment = AttrOr(v, "environment").AsString();
  o.kind = AttrOr(v, "kind").AsString();
  o.name = AttrOr(v, "name").AsString();
  Value settings = AttrOr(v, "settings");
  if (settings.IsKnown()) {
    for (const auto& [k, val] : settings.Entries()) {
      if (val.IsKnown()) o.settings[k] = val.AsString();
    }
  }
  return o;
}

Value OverrideState(const framework::Block& block,
                    const model::InfraOverride& o) {
  std::map<std::string, Value> settings;
  for (const auto& [k, v] : o.settings) settings[k] = Value::String(v);
  return Value::ObjectOf(
      block.ImpliedType(),
      {{"app", Value::String(o.app)},
       {"environment", Value::String(o.environment)},
       {"kind", Value::String(o.kind)},
       {"name", Value::String(o.name)},
       {"settings", Value::Map(Type::String(), std::move(settings))},
       {"id", Value::String(OverrideId(o))}});
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

  void Create(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    Put(req, resp, 0);
  }

  void Update(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    int64_t version = resources::PrivateVersion(req.planned_private);
    if (version == 0) {  // state written without private data
      auto client = config::ClientOf(req.ctx, resp.diags);
      if (!client) return;
      model::InfraOverride o = OverrideFrom(req.planned_state);
      auto current =
          client->GetInfraOverride(o.app, o.environment, o.kind, o.name);
      if (current.ok()) version = current->version;
    }
    Put(req, resp, version);
  }

  void Read(const framework::ReadRequest& req,
            framework::ReadResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    model::InfraOverride key = OverrideFrom(req.current_state);
    auto o =
        client->GetInfraOverride(key.app, key.environment, key.kind, key.name);
    if (resources::ReadFailed(
            req.ctx, o.status(),
            "reading infrastructure override " + OverrideId(key),
            schema().block, resp)) {
      return;
    }
    resp.new_state = OverrideState(schema().block, *o);
    resp.private_data = resources::VersionPrivate(o->version);
  }

  void Delete(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    model::InfraOverride o = OverrideFrom(req.prior_state);
    int64_t version = resources::PrivateVersion(req.planned_private);
    if (version == 0) {
      auto current =
          client->GetInfraOverride(o.app, o.environment, o.kind, o.name);
      if (!current.ok()) {
        if (current.status().code() == StatusCode::kNotFound) return;
        resources::AddAgentError(
            req.ctx, current.status(),
            "reading infrastructure override " + OverrideId(o), resp.diags);
        return;
      }
      version = current->version;
    }
    auto change = client->DeleteInfraOverride(o.app, o.environment, o.kind,
                                              o.name, version);
    if (!change.ok()) {
      if (change.status().code() == StatusCode::kNotFound) return;
      resources::AddAgentError(
          req.ctx, change.status(),
          "deleting infrastructure override " + OverrideId(o), resp.diags);
      return;
    }
    resources::WaitOptions wait;
    wait.timeout_seconds = resources::kDefaultTimeoutSeconds;
    resources::WaitForChangeSet(*client, req.ctx, change->change_set, wait,
                                resp.diags);
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

 private:
  void Put(const framework::ApplyRequest& req, framework::ApplyResponse& resp,
           int64_t expected_version) const {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    model::InfraOverride o = OverrideFrom(req.planned_state);
    auto change = client->PutInfraOverride(o, expected_version);
    if (!change.ok()) {
      resources::AddAgentError(
          req.ctx, change.status(),
          "writing infrastructure override " + OverrideId(o), resp.diags,
          kRoot.Attr("settings"));
      return;
    }
    resources::WaitOptions wait;
    wait.timeout_seconds = resources::kDefaultTimeoutSeconds;
    bool waited = change->change_set.state == "pending_approval";
    if (!resources::WaitForChangeSet(*client, req.ctx, change->change_set, wait,
                                     resp.diags)) {
      return;  // the state keeps the previous values
    }
    model::InfraOverride record = change->override_record;
    if (waited) {
      auto fresh =
          client->GetInfraOverride(o.app, o.environment, o.kind, o.name);
      if (!fresh.ok()) {
        resources::AddAgentError(
            req.ctx, fresh.status(),
            "reading infrastructure override " + OverrideId(o), resp.diags);
        return;
      }
      record = *fresh;
    }
    resp.new_state = OverrideState(schema().block, record);
    resp.private_data = resources::VersionPrivate(record.version);
  }
};

}  // namespace

std::unique_ptr<Resource> NewInfraOverrideResource() {
  return std::make_unique<InfraOverrideResource>();
}

}  // namespace encore::catalog
