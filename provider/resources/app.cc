// encore_app: an Encore application and its model (DESIGN §3, §6).
#include <memory>
#include <string>
#include <vector>

#include "model/app_model.h"
#include "provider/catalog.h"
#include "provider/config/provider_settings.h"
#include "provider/framework/checks.h"
#include "provider/framework/resource.h"
#include "provider/resources/agent_calls.h"
#include "provider/resources/common.h"

namespace encore::catalog {
namespace {

using framework::Attribute;
using framework::Schema;
using framework::StringAttr;
using framework::ValueCheck;
using resources::AttrOr;
using resources::KnownString;
using resources::WithAttr;
using values::Type;
using values::Value;

// The state for `app`, keeping `model_text` (the configuration's or the
// prior state's text) when it means the same as the agent's canonical
// JSON, so whitespace or key order never shows a diff.
Value AppState(const framework::Block& block, const model::App& app,
               const Value& model_text) {
  Value agent_model = Value::String(app.model_json);
  Value model = agent_model;
  if (model_text.IsKnown() && !model_text.IsNull() &&
      framework::JsonSemanticallyEqual(model_text, agent_model)) {
    model = model_text;
  }
  std::vector<Value> services;
  for (const auto& svc : app.services) services.push_back(Value::String(svc));
  return Value::ObjectOf(
      block.ImpliedType(),
      {{"name", Value::String(app.name)},
       {"model", model},
       {"id", Value::String(app.name)},
       {"model_hash", Value::String(app.model_hash)},
       {"services", Value::List(Type::String(), std::move(services))}});
}

ValueCheck ValidAppModel() {
  return {
      "a JSON object following the application model (every reference "
      "resolves)",
      [](const Value& v, const AttributePath& path, Diagnostics& diags) {
        auto model = model::ParseAppModel(v.AsString());
        if (!model.ok()) {
          diags.AddAttributeError(path, "Invalid application model",
                                  model.status().message());
        }
      }};
}

Schema MakeSchema() {
  Schema s;
  s.block.Doc(
      "An Encore application: its name and its **application model**, the "
      "JSON document that lists what the app's code declares (services, SQL "
      "databases, Pub/Sub topics and subscriptions, caches, cron jobs, "
      "buckets, secrets). Every environment of the app provisions what the "
      "model declares, so changing the model changes every environment's "
      "plan.");
  s.block.Add(
      StringAttr("name")
          .Required()
          .RequiresReplace()
          .Check(framework::MatchesPattern(resources::kAppNamePattern,
                                           resources::kAppNameMeaning))
          .Doc("The app's name: 2 to 63 lowercase letters, digits and "
               "dashes, starting with a letter. Changing it replaces the "
               "app."));
  s.block.Add(
      StringAttr("model")
          .Required()
          .Check(ValidAppModel())
          .SemanticallyEqual(framework::JsonSemanticallyEqual)
          .Doc("The application model as a JSON object, usually written "
               "with `jsonencode({...})` or `file(\"model.json\")`. Keys: "
               "`services` (each with `name` and optional `databases`, "
               "`publishes`, `caches`, `buckets`, `secrets`), `databases`, "
               "`topics` (`delivery`, `ordering_key`), `subscriptions` "
               "(`topic`, `service`, `ack_deadline`, `retention`, "
               "`max_retries`, `min_backoff`, `max_backoff`), `caches` "
               "(`eviction_policy`), `cron_jobs` (`schedule` or `every`, "
               "`endpoint`), `buckets` (`public`, `versioned`) and "
               "`secrets`. Every reference must resolve. Compared by "
               "meaning: whitespace and key order never show a diff."));
  s.block.Add(StringAttr("id").Computed().UseStateForUnknown().Doc(
      "The app's id: its name."));
  s.block.Add(StringAttr("model_hash")
                  .Computed()
                  .Doc("SHA-256 (hex) of the model in canonical form "
                       "(compact JSON, sorted keys). Changes exactly when "
                       "the model's meaning changes."));
  s.block.Add(Attribute("services", Type::List(Type::String()))
                  .Computed()
                  .Doc("The names of the model's services, in model order."));
  return s;
}

class AppResource : public framework::Resource {
 public:
  std::string type_name() const override { return "encore_app"; }
  const Schema& schema() const override {
    static const Schema* kSchema = new Schema(MakeSchema());
    return *kSchema;
  }
  std::string import_id_format() const override { return "APP"; }

  void ModifyPlan(const framework::PlanRequest& req,
                  framework::PlanResponse& resp) const override {
    Value plan = resp.planned_state;
    if (!plan.IsKnown()) return;
    if (auto name = KnownString(AttrOr(plan, "name"))) {
      plan = WithAttr(plan, "id", Value::String(*name));
    }
    if (auto text = KnownString(AttrOr(plan, "model"))) {
      auto model = model::ParseAppModel(*text);
      if (model.ok()) {
        std::vector<Value> services;
        for (const auto& svc : model->services) {
          services.push_back(Value::String(svc.name));
        }
        plan = WithAttr(plan, "model_hash",
                        Value::String(model::AppModelHash(*model)));
        plan = WithAttr(plan, "services",
                        Value::List(Type::String(), std::move(services)));
      }
    }
    resp.planned_state = plan;
  }

  void Create(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    model::App app;
    app.name = AttrOr(req.planned_state, "name").AsString();
    app.model_json = AttrOr(req.planned_state, "model").AsString();
    auto created = client->CreateApp(app);
    if (!created.ok()) {
      resources::AddAgentError(req.ctx, created.status(),
                               "creating app " + app.name, resp.diags);
      return;
    }
    resp.new_state =
        AppState(schema().block, *created, AttrOr(req.planned_state, "model"));
    resp.private_data = resources::VersionPrivate(created->version);
  }

  void Read(const framework::ReadRequest& req,
            framework::ReadResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string name = AttrOr(req.current_state, "name").AsString();
    auto app = client->GetApp(name);
    if (resources::ReadFailed(req.ctx, app.status(), "reading app " + name,
                              schema().block, resp)) {
      return;
    }
    resp.new_state =
        AppState(schema().block, *app, AttrOr(req.current_state, "model"));
    resp.private_data = resources::VersionPrivate(app->version);
  }

  void Update(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    model::App app;
    app.name = AttrOr(req.planned_state, "name").AsString();
    app.model_json = AttrOr(req.planned_state, "model").AsString();
    int64_t version = resources::PrivateVersion(req.planned_private);
    if (version == 0) {  // state written without private data
      auto current = client->GetApp(app.name);
      if (!current.ok()) {
        resources::AddAgentError(req.ctx, current.status(),
                                 "reading app " + app.name, resp.diags);
        return;
      }
      version = current->version;
    }
    auto updated = client->UpdateApp(app, version, {"model"});
    if (!updated.ok()) {
      resources::AddAgentError(req.ctx, updated.status(),
                               "updating app " + app.name, resp.diags,
                               AttributePath::Root("model"));
      return;
    }
    resp.new_state =
        AppState(schema().block, *updated, AttrOr(req.planned_state, "model"));
    resp.private_data = resources::VersionPrivate(updated->version);
  }

  void Delete(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string name = AttrOr(req.prior_state, "name").AsString();
    int64_t version = resources::PrivateVersion(req.planned_private);
    if (version == 0) {  // state written without private data
      auto current = client->GetApp(name);
      if (!current.ok()) {
        if (current.status().code() == StatusCode::kNotFound) return;
        resources::AddAgentError(req.ctx, current.status(),
                                 "reading app " + name, resp.diags);
        return;
      }
      version = current->version;
    }
    Status s = client->DeleteApp(name, version);
    if (!s.ok() && s.code() != StatusCode::kNotFound) {
      resources::AddAgentError(req.ctx, s, "deleting app " + name, resp.diags);
    }
  }

  void Import(const framework::ImportRequest& req,
              framework::ImportResponse& resp) const override {
    resources::ImportFromId(schema().block, req.id,
                            {resources::AppNamePart("name")},
                            import_id_format(), "shop", resp);
  }
};

}  // namespace

std::unique_ptr<Resource> NewAppResource() {
  return std::make_unique<AppResource>();
}

}  // namespace encore::catalog
