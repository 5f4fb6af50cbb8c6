// encore_primary_environment: which environment is an app's primary one
// (the default for data sources that name no environment). One per app.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/config/provider_settings.h"
#include "provider/framework/checks.h"
#include "provider/framework/resource.h"
#include "provider/resources/agent_calls.h"
#include "provider/resources/common.h"

namespace encore::catalog {
namespace {

using framework::Schema;
using framework::StringAttr;
using resources::AttrOr;
using resources::KnownString;
using resources::WithAttr;
using values::Value;

Schema MakeSchema() {
  Schema s;
  s.block.Doc(
      "Marks one environment as the app's primary environment: the one "
      "data sources use when they name no environment and the provider "
      "sets no `env`. An app has one primary environment, so declare one "
      "of these per app.");
  s.block.Add(StringAttr("app")
                  .Required()
                  .RequiresReplace()
                  .Check(framework::MatchesPattern(resources::kAppNamePattern,
                                                   resources::kAppNameMeaning))
                  .Doc("The app's name (`encore_app.name`)."));
  s.block.Add(StringAttr("environment")
                  .Required()
                  .Check(framework::MatchesPattern(resources::kEnvNamePattern,
                                                   resources::kEnvNameMeaning))
                  .Doc("The name of the environment to make primary "
                       "(`encore_environment.name`). Changing it updates the "
                       "app in place."));
  s.block.Add(
      StringAttr("id").Computed().UseStateForUnknown().Doc("The app's name."));
  return s;
}

Value PrimaryState(const framework::Block& block,
                   const model::PrimaryEnvironment& p) {
  return Value::ObjectOf(block.ImpliedType(),
                         {{"app", Value::String(p.app)},
                          {"environment", Value::String(p.environment)},
                          {"id", Value::String(p.app)}});
}

class PrimaryEnvironmentResource : public framework::Resource {
 public:
  std::string type_name() const override {
    return "encore_primary_environment";
  }
  const Schema& schema() const override {
    static const Schema* kSchema = new Schema(MakeSchema());
    return *kSchema;
  }
  std::string import_id_format() const override { return "APP"; }

  void ModifyPlan(const framework::PlanRequest& req,
                  framework::PlanResponse& resp) const override {
    if (!resp.planned_state.IsKnown()) return;
    if (auto app = KnownString(AttrOr(resp.planned_state, "app"))) {
      resp.planned_state =
          WithAttr(resp.planned_state, "id", Value::String(*app));
    }
  }

  void Create(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    Set(req, resp, 0, /*report_not_found=*/true);
  }

  void Update(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    int64_t version = resources::PrivateVersion(req.planned_private);
    if (version == 0) {  // state written without private data
      auto client = config::ClientOf(req.ctx, resp.diags);
      if (!client) return;
      std::string app = AttrOr(req.planned_state, "app").AsString();
      auto current = client->GetPrimaryEnvironment(app);
      if (current.ok()) version = current->version;
    }
    // The agent drops the record when the environment it names is deleted
    // (as happens when that environment is replaced earlier in this same
    // apply): then set it afresh.
    if (version != 0 && Set(req, resp, version, /*report_not_found=*/false)) {
      return;
    }
    Set(req, resp, 0, /*report_not_found=*/true);
  }

  void Read(const framework::ReadRequest& req,
            framework::ReadResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string app = AttrOr(req.current_state, "app").AsString();
    auto p = client->GetPrimaryEnvironment(app);
    if (resources::ReadFailed(req.ctx, p.status(),
                              "reading the primary environment of app " + app,
                              schema().block, resp)) {
      return;
    }
    resp.new_state = PrimaryState(schema().block, *p);
    resp.private_data = resources::VersionPrivate(p->version);
  }

  void Delete(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string app = AttrOr(req.prior_state, "app").AsString();
    int64_t version = resources::PrivateVersion(req.planned_private);
    if (version == 0) {
      auto current = client->GetPrimaryEnvironment(app);
      if (!current.ok()) {
        if (current.status().code() == StatusCode::kNotFound) return;
        resources::AddAgentError(
            req.ctx, current.status(),
            "reading the primary environment of app " + app, resp.diags);
        return;
      }
      version = current->version;
    }
    Status s = client->DeletePrimaryEnvironment(app, version);
    if (!s.ok() && s.code() != StatusCode::kNotFound) {
      resources::AddAgentError(req.ctx, s,
                               "removing the primary environment of app " + app,
                               resp.diags);
    }
  }

  void Import(const framework::ImportRequest& req,
              framework::ImportResponse& resp) const override {
    resources::ImportFromId(schema().block, req.id,
                            {resources::AppNamePart("app")}, import_id_format(),
                            "shop", resp);
  }

 private:
  // Returns true when done (set, or an error reported); false only for a
  // NotFound that `report_not_found` says to leave to the caller.
  bool Set(const framework::ApplyRequest& req, framework::ApplyResponse& resp,
           int64_t expected_version, bool report_not_found) const {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return true;
    model::PrimaryEnvironment p;
    p.app = AttrOr(req.planned_state, "app").AsString();
    p.environment = AttrOr(req.planned_state, "environment").AsString();
    auto set = client->SetPrimaryEnvironment(p, expected_version);
    if (!set.ok()) {
      if (!report_not_found && set.status().code() == StatusCode::kNotFound) {
        return false;
      }
      resources::AddAgentError(req.ctx, set.status(),
                               "making " + p.environment +
                                   " the primary environment of app " + p.app,
                               resp.diags, AttributePath::Root("environment"));
      return true;
    }
    resp.new_state = PrimaryState(schema().block, *set);
    resp.private_data = resources::VersionPrivate(set->version);
    return true;
  }
};

}  // namespace

std::unique_ptr<Resource> NewPrimaryEnvironmentResource() {
  return std::make_unique<PrimaryEnvironmentResource>();
}

}  // namespace encore::catalog
