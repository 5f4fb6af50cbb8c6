// encore_primary_environment: which environment is an app's primary one
// (the default for data sources that name no environment). One per app.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/framework/checks.h"
#include "provider/framework/resource.h"
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

  void Import(const framework::ImportRequest& req,
              framework::ImportResponse& resp) const override {
    resources::ImportFromId(schema().block, req.id,
                            {resources::AppNamePart("app")}, import_id_format(),
                            "shop", resp);
  }
};

}  // namespace

std::unique_ptr<Resource> NewPrimaryEnvironmentResource() {
  return std::make_unique<PrimaryEnvironmentResource>();
}

}  // namespace encore::catalog
