// encore_secret: a secret of an app, with a value per environment type or
// named environment. Values go to the agent, which keeps them encrypted and
// returns only a fingerprint per key.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/config/provider_settings.h"
#include "provider/framework/checks.h"
#include "provider/framework/resource.h"
#include "provider/resources/agent_calls.h"
#include "provider/resources/common.h"
#include "provider/resources/secret_sync.h"

namespace encore::catalog {
namespace {

using framework::Attribute;
using framework::NumberAttr;
using framework::Schema;
using framework::StringAttr;
using framework::ValueCheck;
using resources::AttrOr;
using resources::KnownString;
using resources::WithAttr;
using values::Type;
using values::Value;

const AttributePath kRoot;

constexpr char kKeyForms[] =
    "\"production\", \"development\", \"preview\", \"local\" (an "
    "environment type) or \"env:<name>\" (one environment, for example "
    "\"env:staging\" or \"env:pr:12\"; it overrides its type's value)";

// A key of `values` / `values_wo`: an environment type or env:<name>.
ValueCheck SecretKey() {
  return {std::string("each key is ") + kKeyForms,
          [](const Value& key, const AttributePath& path, Diagnostics& diags) {
            const std::string& k = key.AsString();
            for (const auto& t : resources::EnvironmentTypes()) {
              if (k == t) return;
            }
            if (k.rfind("env:", 0) == 0 &&
                resources::FullMatch(k.substr(4), resources::kEnvNamePattern)) {
              return;
            }
            diags.AddAttributeError(
                path, "Invalid secret key",
                "\"" + k + "\" is not a key a secret value can have. Use " +
                    kKeyForms + ".");
          }};
}

Schema MakeSchema() {
  Schema s;
  s.block.Doc(
      "A secret of an app (declared under `secrets` in the app's model), "
      "with a value per environment type or per named environment. The "
      "agent stores values encrypted and never returns them: it reports a "
      "fingerprint per key, so a value changed outside Terraform shows as a "
      "diff (see `values_sync`). Import brings `app`, `name` and "
      "`values_wo_version`, never the values: set `values` or `values_wo` "
      "in the configuration and the next apply sends them.");
  s.block.Add(StringAttr("app")
                  .Required()
                  .RequiresReplace()
                  .Check(framework::MatchesPattern(resources::kAppNamePattern,
                                                   resources::kAppNameMeaning))
                  .Doc("The app's name (`encore_app.name`)."));
  s.block.Add(
      StringAttr("name")
          .Required()
          .RequiresReplace()
          .Check(framework::MatchesPattern(
              "^[A-Za-z][A-Za-z0-9_]*$",
              "letters, digits and underscores, starting with a letter (for "
              "example \"StripeKey\")"))
          .Doc("The secret's name as the app's code uses it, such as "
               "`StripeKey`."));
  s.block.Add(
      Attribute("values", Type::Map(Type::String()))
          .Optional()
          .Sensitive()
          .Check(framework::MapKeys(SecretKey()))
          .Doc("The values, kept in state (sensitive). Keys: "
               "`production`, `development`, `preview`, `local` (an "
               "environment type) or `env:<name>` (one environment; it "
               "overrides its type's value). Set exactly one of `values` "
               "or `values_wo`."));
  s.block.Add(
      Attribute("values_wo", Type::Map(Type::String()))
          .Optional()
          .Sensitive()
          .WriteOnly()
          .Check(framework::MapKeys(SecretKey()))
          .Doc("The same map as `values`, write-only: never stored in plan "
               "or state (Terraform 1.11 or later). Requires "
               "`values_wo_version`."));
  s.block.Add(NumberAttr("values_wo_version")
                  .Optional()
                  .Doc("A number you change (for example increment) to send "
                       "`values_wo` again: Terraform cannot see write-only "
                       "values change. Required with `values_wo`, not "
                       "allowed without it."));
  s.block.Add(
      StringAttr("id").Computed().UseStateForUnknown().Doc("`app/name`."));
  s.block.Add(
      StringAttr("values_sync")
          .Computed()
          .Doc("Whether the agent holds the values this resource last "
               "wrote: `in_sync`; `changed_outside_terraform` when a "
               "refresh found that a value was changed, added or removed "
               "outside Terraform (for example with the agent's CLI); "
               "`imported` after an import, which cannot bring the values. "
               "In the last two cases the next plan updates the secret "
               "(this attribute back to `in_sync`) and the apply sends the "
               "configured `values` or `values_wo` again. The agent reports "
               "a fingerprint per key, never the values; the fingerprints "
               "stay in the provider's private state, not here, because "
               "equal fingerprints would show which keys share a value."));
  return s;
}

class SecretResource : public framework::Resource {
 public:
  std::string type_name() const override { return "encore_secret"; }
  const Schema& schema() const override {
    static const Schema* kSchema = new Schema(MakeSchema());
    return *kSchema;
  }
  std::string import_id_format() const override { return "APP/NAME"; }

  void ValidateConfig(const framework::CallContext& ctx, const Value& config,
                      Diagnostics& diags) const override {
    if (!config.IsKnown()) return;
    Value values = AttrOr(config, "values");
    Value wo = AttrOr(config, "values_wo");
    Value version = AttrOr(config, "values_wo_version");
    if (values.IsNull() && wo.IsNull()) {
      diags.AddAttributeError(
          kRoot.Attr("values"), "Missing secret values",
          "Set exactly one of values (kept in state, sensitive) or values_wo "
          "with values_wo_version (write-only, never stored), for example "
          "values = { production = var.stripe_key }.");
    } else if (values.IsKnown() && wo.IsKnown()) {
      diags.AddAttributeError(
          kRoot.Attr("values_wo"), "Both values and values_wo are set",
          "A secret takes its values from exactly one of values or "
          "values_wo: remove one of them.");
    }
    if (wo.IsKnown() && version.IsNull()) {
      diags.AddAttributeError(
          kRoot.Attr("values_wo_version"), "Missing values_wo_version",
          "values_wo is write-only, so Terraform cannot see when it changes: "
          "set values_wo_version (for example 1) and change it whenever the "
          "values change.");
    } else if (wo.IsNull() && version.IsKnown()) {
      diags.AddAttributeError(
          kRoot.Attr("values_wo_version"),
          "values_wo_version without values_wo",
          "values_wo_version only says when values_wo changed: remove it, "
          "or set values_wo.");
    }
  }

  void ModifyPlan(const framework::PlanRequest& req,
                  framework::PlanResponse& resp) const override {
    if (!resp.planned_state.IsKnown()) return;
    auto app = KnownString(AttrOr(resp.planned_state, "app"));
    auto name = KnownString(AttrOr(resp.planned_state, "name"));
    if (app && name) {
      resp.planned_state =
          WithAttr(resp.planned_state, "id", Value::String(*app + "/" + *name));
    }
    // An apply always leaves the agent holding the configured values.
    resp.planned_state = WithAttr(resp.planned_state, "values_sync",
                                  Value::String(resources::kValuesInSync));
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
      auto current =
          client->GetSecret(AttrOr(req.planned_state, "app").AsString(),
                            AttrOr(req.planned_state, "name").AsString());
      if (current.ok()) version = current->version;
    }
    Put(req, resp, version);
  }

  void Read(const framework::ReadRequest& req,
            framework::ReadResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string app = AttrOr(req.current_state, "app").AsString();
    std::string name = AttrOr(req.current_state, "name").AsString();
    auto secret = client->GetSecret(app, name);
    if (resources::ReadFailed(req.ctx, secret.status(),
                              "reading secret " + app + "/" + name,
                              schema().block, resp)) {
      return;
    }
    resources::SecretPrivate priv =
        resources::ParseSecretPrivate(req.private_data);
    Value state = req.current_state;
    state = WithAttr(state, "app", Value::String(secret->app));
    state = WithAttr(state, "name", Value::String(secret->name));
    state =
        WithAttr(state, "id", Value::String(secret->app + "/" + secret->name));
    state = WithAttr(state, "values_wo", Value::Null(values_map_type()));
    if (AttrOr(state, "values_wo_version").IsNull() &&
        secret->values_wo_version) {
      state = WithAttr(state, "values_wo_version",
                       Value::Int(*secret->values_wo_version));
    }
    state = WithAttr(
        state, "values_sync",
        Value::String(resources::ValuesSync(priv, secret->fingerprints)));
    resp.new_state = state;
    priv.version = secret->version;  // keep the fingerprints we wrote
    resp.private_data = resources::SecretPrivateJson(priv);
  }

  void Delete(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string app = AttrOr(req.prior_state, "app").AsString();
    std::string name = AttrOr(req.prior_state, "name").AsString();
    int64_t version = resources::PrivateVersion(req.planned_private);
    if (version == 0) {
      auto current = client->GetSecret(app, name);
      if (!current.ok()) {
        if (current.status().code() == StatusCode::kNotFound) return;
        resources::AddAgentError(req.ctx, current.status(),
                                 "reading secret " + app + "/" + name,
                                 resp.diags);
        return;
      }
      version = current->version;
    }
    Status s = client->DeleteSecret(app, name, version);
    if (!s.ok() && s.code() != StatusCode::kNotFound) {
      resources::AddAgentError(
          req.ctx, s, "deleting secret " + app + "/" + name, resp.diags);
    }
  }

  void Import(const framework::ImportRequest& req,
              framework::ImportResponse& resp) const override {
    resources::ImportFromId(
        schema().block, req.id,
        {resources::AppNamePart("app"),
         {"name", "^[A-Za-z][A-Za-z0-9_]*$",
          "a secret name (letters, digits and underscores, starting with a "
          "letter)"}},
        import_id_format(), "shop/StripeKey", resp);
  }

 private:
  static Type values_map_type() { return Type::Map(Type::String()); }

  // PutSecret with the configured values: `values` from the plan, or
  // `values_wo` from the configuration (write-only values are only there).
  void Put(const framework::ApplyRequest& req, framework::ApplyResponse& resp,
           int64_t expected_version) const {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    model::Secret secret;
    secret.app = AttrOr(req.planned_state, "app").AsString();
    secret.name = AttrOr(req.planned_state, "name").AsString();
    Value values = AttrOr(req.planned_state, "values");
    if (values.IsNull()) values = AttrOr(req.config, "values_wo");
    if (!values.IsKnown()) {
      resp.diags.AddAttributeError(
          kRoot.Attr("values_wo"), "Missing secret values",
          "Neither values nor values_wo reached the provider at apply time. "
          "With values_wo, run Terraform 1.11 or later.");
      return;
    }
    for (const auto& [k, v] : values.Entries()) {
      if (v.IsNull()) {
        resp.diags.AddAttributeError(
            kRoot.Attr("values").Key(k), "Null secret value",
            "The value for \"" + k +
                "\" is null; give it a value or remove "
                "the key.");
        return;
      }
      secret.values[k] = v.AsString();
    }
    Value wo_version = AttrOr(req.planned_state, "values_wo_version");
    if (wo_version.IsKnown()) {
      secret.values_wo_version = wo_version.AsNumber().AsInt64();
    }
    auto put = client->PutSecret(secret, expected_version);
    if (!put.ok()) {
      resources::AddAgentError(
          req.ctx, put.status(),
          "writing secret " + secret.app + "/" + secret.name, resp.diags);
      return;
    }
    Value state = req.planned_state;
    state =
        WithAttr(state, "id", Value::String(secret.app + "/" + secret.name));
    state = WithAttr(state, "values_wo", Value::Null(values_map_type()));
    state =
        WithAttr(state, "values_sync", Value::String(resources::kValuesInSync));
    resp.new_state = state;
    resp.private_data =
        resources::SecretPrivateJson({put->version, put->fingerprints, true});
  }
};

}  // namespace

std::unique_ptr<Resource> NewSecretResource() {
  return std::make_unique<SecretResource>();
}

}  // namespace encore::catalog
