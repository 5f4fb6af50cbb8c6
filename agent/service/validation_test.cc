#include "agent/service/validation.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace encore::agent {
namespace {

model::EnvironmentSpec Good() {
  model::EnvironmentSpec s;
  s.app = "shop";
  s.name = "dev";
  s.type = "development";
  s.cloud = "local";
  return s;
}

TEST(ValidationTest, Names) {
  EXPECT_TRUE(ValidateAppName("shop").ok());
  EXPECT_FALSE(ValidateAppName("s").ok());
  EXPECT_FALSE(ValidateAppName("Shop").ok());
  EXPECT_TRUE(ValidateEnvironmentName("dev").ok());
  EXPECT_TRUE(ValidateEnvironmentName("pr:12").ok());
  EXPECT_FALSE(ValidateEnvironmentName("pr:x").ok());
  EXPECT_FALSE(ValidateEnvironmentName("-dev").ok());
  EXPECT_TRUE(ValidateSecretName("StripeKey").ok());
  EXPECT_FALSE(ValidateSecretName("1key").ok());
  EXPECT_TRUE(ValidateSecretKey("production").ok());
  EXPECT_TRUE(ValidateSecretKey("env:pr:3").ok());
  Status bad = ValidateSecretKey("prod");
  EXPECT_EQ(bad.message(),
            "secret key \"prod\" is not valid; use an environment type "
            "(\"production\", \"development\", \"preview\" or \"local\") or "
            "\"env:NAME\" for one environment");
  EXPECT_TRUE(ValidateTokenName("ci-bot").ok());
  EXPECT_FALSE(ValidateTokenName("CI").ok());
}

TEST(ValidationTest, EnvironmentSpecRules) {
  EXPECT_TRUE(ValidateEnvironmentSpec(Good()).ok());
  struct Case {
    const char* label;
    std::function<void(model::EnvironmentSpec&)> edit;
    const char* message_part;  // nullptr: valid
  };
  std::vector<Case> cases = {
      {"bad type", [](auto& s) { s.type = "prod"; }, "type = \"prod\""},
      {"bad cloud", [](auto& s) { s.cloud = "azure"; }, "cloud = \"azure\""},
      {"region on local", [](auto& s) { s.region = "x"; },
       "region is only for aws and gcp"},
      {"aws needs region", [](auto& s) { s.cloud = "aws"; },
       "region is required"},
      {"aws ok",
       [](auto& s) {
         s.cloud = "aws";
         s.region = "eu-west-1";
       },
       nullptr},
      {"branch needed",
       [](auto& s) { s.deploy = model::DeploySpec{"branch", ""}; },
       "deploy.branch is required"},
      {"branch forbidden",
       [](auto& s) { s.deploy = model::DeploySpec{"manual", "main"}; },
       "must not be set"},
      {"approval", [](auto& s) { s.infra_approval = "sometimes"; },
       "infra_approval"},
      {"fargate on local",
       [](auto& s) { s.compute = model::ComputeSpec{"fargate", std::nullopt}; },
       "not available on cloud \"local\""},
      {"k8s needs block",
       [](auto& s) {
         s.cloud = "gcp";
         s.region = "europe-west1";
         s.compute = model::ComputeSpec{"kubernetes", std::nullopt};
       },
       "compute.kubernetes is required"},
      {"eks on gcp",
       [](auto& s) {
         s.cloud = "gcp";
         s.region = "europe-west1";
         s.compute = model::ComputeSpec{
             "kubernetes", model::KubernetesSpec{"eks", "new", ""}};
       },
       "provider = \"eks\""},
      {"rds on local",
       [](auto& s) { s.database = model::DatabaseSpec{"rds", "", {}}; },
       "database.provider = \"rds\""},
      {"existing server needs host",
       [](auto& s) {
         s.database = model::DatabaseSpec{"postgres", "",
                                          model::ExistingServer{}};
       },
       "existing_server.host is required"},
      {"adopt policy",
       [](auto& s) { s.adopt = {{"cache", "sessions", "steal"}}; },
       "adopt.policy"},
      {"deletion policy", [](auto& s) { s.deletion_policy = "keep"; },
       "deletion_policy"},
      {"groups and allocation",
       [](auto& s) {
         s.process_allocation = "single";
         s.process_groups = {{"a", {"x"}}};
       },
       "exclusive"},
  };
  for (const auto& c : cases) {
    auto s = Good();
    c.edit(s);
    Status st = ValidateEnvironmentSpec(s);
    if (c.message_part == nullptr) {
      EXPECT_TRUE(st.ok()) << c.label << ": " << st.message();
      continue;
    }
    ASSERT_FALSE(st.ok()) << c.label;
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.label;
    EXPECT_NE(st.message().find(c.message_part), std::string::npos)
        << c.label << ": " << st.message();
  }
}

}  // namespace
}  // namespace encore::agent
