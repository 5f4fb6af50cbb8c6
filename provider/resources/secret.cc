// encore_secret: a secret of an app, with a value per environment type or
// named environment. Values go to the agent, which keeps them encrypted and
// returns only a fingerprint per key.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/framework/checks.h"
#include "provider/framework/resource.h"
#include "provider/resources/common.h"

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
      "diff. Import brings everything but the values: set `values` or "
      "`values_wo` in the configuration and the next apply sends them.");
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
  s.block.Add(Attribute("fingerprints", Type::Map(Type::String()))
                  .Computed()
                  .Doc("A fingerprint per key of the values (an HMAC by the "
                       "agent's key), as the agent reports them. A value "
                       "changed outside Terraform changes its fingerprint."));
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
};

}  // namespace

std::unique_ptr<Resource> NewSecretResource() {
  return std::make_unique<SecretResource>();
}

}  // namespace encore::catalog
