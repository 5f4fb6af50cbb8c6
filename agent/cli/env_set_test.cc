#include "agent/cli/env_set.h"

#include <gtest/gtest.h>

namespace encore::agent::cli {
namespace {

using Assignments = std::vector<std::pair<std::string, std::string>>;
using Mask = std::vector<std::string>;

model::EnvironmentSpec Base() {
  model::EnvironmentSpec s;
  s.app = "shop";
  s.name = "dev";
  s.type = "development";
  s.cloud = "local";
  s.infra_approval = "automatic";
  s.process_allocation = "";
  s.process_groups = {{"all", {"api"}}};
  s.deploy = model::DeploySpec{"branch", "main"};
  s.deletion_policy = "delete";
  return s;
}

TEST(EnvSetTest, Table) {
  struct Case {
    std::string name;
    Assignments in;
    Mask mask;
    std::function<void(model::EnvironmentSpec&)> expect;  // edits Base()
  };
  const Case cases[] = {
      {"approval", {{"infra_approval", "manual"}}, {"infra_approval"},
       [](auto& s) { s.infra_approval = "manual"; }},
      {"deletion", {{"deletion_policy", "retain"}}, {"deletion_policy"},
       [](auto& s) { s.deletion_policy = "retain"; }},
      {"allocation clears groups", {{"process_allocation", "per_service"}},
       {"process_allocation", "process_groups"},
       [](auto& s) {
         s.process_allocation = "per_service";
         s.process_groups.clear();
       }},
      {"branch", {{"deploy.branch", "release"}}, {"deploy"},
       [](auto& s) { s.deploy->branch = "release"; }},
      {"manual drops branch", {{"deploy.trigger", "manual"}}, {"deploy"},
       [](auto& s) { s.deploy = model::DeploySpec{"manual", ""}; }},
      {"empty trigger removes block", {{"deploy.trigger", ""}}, {"deploy"},
       [](auto& s) { s.deploy.reset(); }},
      {"two fields", {{"infra_approval", "manual"}, {"deploy.branch", "x"}},
       {"infra_approval", "deploy"},
       [](auto& s) {
         s.infra_approval = "manual";
         s.deploy->branch = "x";
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto spec = Base();
    auto mask = ApplyEnvSet(c.in, spec);
    ASSERT_TRUE(mask.ok()) << mask.status().message();
    EXPECT_EQ(*mask, c.mask);
    auto want = Base();
    c.expect(want);
    EXPECT_EQ(spec, want);
  }
}

TEST(EnvSetTest, BranchWithoutDeployBlockMeansBranchTrigger) {
  auto spec = Base();
  spec.deploy.reset();
  auto mask = ApplyEnvSet({{"deploy.branch", "main"}}, spec);
  ASSERT_TRUE(mask.ok());
  ASSERT_TRUE(spec.deploy.has_value());
  EXPECT_EQ(spec.deploy->trigger, "branch");
  EXPECT_EQ(spec.deploy->branch, "main");
}

TEST(EnvSetTest, UnknownFieldListsTheKnownOnes) {
  auto spec = Base();
  auto mask = ApplyEnvSet({{"cloud", "aws"}}, spec);
  ASSERT_FALSE(mask.ok());
  EXPECT_EQ(mask.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mask.status().message().find("deploy.trigger"), std::string::npos);
  EXPECT_EQ(spec, Base());
}

}  // namespace
}  // namespace encore::agent::cli
