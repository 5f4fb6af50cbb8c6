#include "model/records.h"

#include <gtest/gtest.h>

namespace encore::model {
namespace {

EnvironmentSpec FullSpec() {
  EnvironmentSpec s;
  s.app = "shop";
  s.name = "prod";
  s.type = "production";
  s.cloud = "aws";
  s.region = "eu-west-1";
  s.deploy = DeploySpec{"branch", "main"};
  s.infra_approval = "manual";
  s.process_groups = {{"api", {"orders", "email"}}};
  s.compute = ComputeSpec{"kubernetes", KubernetesSpec{"eks", "existing", "c1"}};
  ExistingServer e;
  e.host = "db.internal";
  e.port = 6432;
  e.admin_user = "root";
  e.admin_password_wo_version = 2;
  e.sslmode = "require";
  e.admin_password_fingerprint = "hmac-sha256:ab";
  s.database = DatabaseSpec{"rds", "", e};
  s.adopt = {{"cache", "sessions", "observe"}};
  s.deletion_policy = "retain";
  return s;
}

TEST(RecordsJsonTest, EnvironmentSpecRoundTrips) {
  EnvironmentSpec s = FullSpec();
  auto back = EnvironmentSpecFromJson(ToJson(s));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, s);

  EnvironmentSpec minimal;
  minimal.app = "a";
  minimal.name = "dev";
  auto m = EnvironmentSpecFromJson(ToJson(minimal));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, minimal);
  EXPECT_FALSE(m->deploy.has_value());
  EXPECT_FALSE(m->database.has_value());
}

TEST(RecordsJsonTest, AdminPasswordNeverSerialised) {
  EnvironmentSpec s = FullSpec();
  s.database->existing_server->admin_password = "hunter2-secret";
  EXPECT_EQ(ToJson(s).find("hunter2-secret"), std::string::npos);
}

TEST(RecordsJsonTest, ListsRoundTrip) {
  std::vector<InfraItem> items = {
      {"cache", "sessions", "redis:local/sessions", "encore-agent", "planned",
       {"redis-server --port 6380"}, {{"maxmemory-policy", "allkeys-lru"}}}};
  auto i = InfraItemsFromJson(ToJson(items));
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(*i, items);
  std::vector<Operation> ops = {{"create", "cache", "sessions", {"x"}, "n"}};
  auto o = OperationsFromJson(ToJson(ops));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(*o, ops);
  std::vector<DriftItem> drift = {{"cache", "s", "maxmemory", "1", "2", "c"}};
  auto d = DriftFromJson(ToJson(drift));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, drift);
  auto m = StringMapFromJson(ToJson(std::map<std::string, std::string>{
      {"a", "1"}}));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->at("a"), "1");
}

TEST(RecordsJsonTest, BadJsonIsAnError) {
  EXPECT_EQ(EnvironmentSpecFromJson("{").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(InfraItemsFromJson("[{\"kind\": 3}]").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(RecordsTest, RolesAndChangeSetIds) {
  for (Role r : {Role::kViewer, Role::kMember, Role::kAdmin}) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_FALSE(ParseRole("root").has_value());
  EXPECT_EQ(ChangeSetId(12), "cs-12");
  EXPECT_EQ(ParseChangeSetId("cs-12"), 12);
  EXPECT_FALSE(ParseChangeSetId("cs-").has_value());
  EXPECT_FALSE(ParseChangeSetId("cs-0").has_value());
  EXPECT_FALSE(ParseChangeSetId("x-1").has_value());
  EXPECT_FALSE(ParseChangeSetId("cs-1a").has_value());
}

}  // namespace
}  // namespace encore::model
