#include <gtest/gtest.h>

#include "provider/catalog.h"
#include "provider/resources/test_util.h"

namespace encore::resources {
namespace {

using testing::ErrorAt;
using testing::Import;
using testing::Nested;
using testing::NestedList;
using testing::Obj;
using testing::Plan;
using testing::S;
using testing::StrList;
using testing::Validate;
using values::Type;
using values::Value;

const AttributePath kRoot;

class EnvironmentTest : public ::testing::Test {
 protected:
  std::unique_ptr<framework::Resource> r_ = catalog::NewEnvironmentResource();
  const framework::Block& block() { return r_->schema().block; }
  const framework::Block& sub(const std::string& name) {
    return block().FindBlock(name)->block;
  }

  // A valid local development environment, with `extra` on top.
  Value Config(std::map<std::string, Value> extra = {}) {
    std::map<std::string, Value> attrs = {{"app", S("shop")},
                                          {"name", S("staging")},
                                          {"type", S("development")},
                                          {"cloud", S("local")}};
    for (auto& [k, v] : extra) attrs[k] = v;
    return Obj(block(), attrs);
  }
  Value Group(const std::string& name, std::vector<std::string> services) {
    return Nested(block(), "process_group",
                  {{"name", S(name)}, {"services", StrList(services)}});
  }
  Value Compute(std::map<std::string, Value> attrs) {
    return Nested(block(), "compute", std::move(attrs));
  }
  Value Kube(std::map<std::string, Value> attrs) {
    return Obj(sub("compute").FindBlock("kubernetes")->block, std::move(attrs));
  }
  Value Database(std::map<std::string, Value> attrs) {
    return Nested(block(), "database", std::move(attrs));
  }
  Value Server(std::map<std::string, Value> attrs) {
    std::map<std::string, Value> base = {{"host", S("db.internal")},
                                         {"admin_user", S("postgres")}};
    for (auto& [k, v] : attrs) base[k] = v;
    return Obj(sub("database").FindBlock("existing_server")->block, base);
  }
  Value Null() { return Value::Null(block().ImpliedType()); }

  // Expects exactly one error, at `path`, whose detail contains `fix`.
  void ExpectOnlyErrorAt(const Value& config, const AttributePath& path,
                         const std::string& fix) {
    Diagnostics d = Validate(*r_, config);
    const Diagnostic* e = ErrorAt(d, path);
    ASSERT_NE(e, nullptr) << "no error at " << path.ToString() << ":\n"
                          << d.ToString();
    EXPECT_EQ(d.size(), 1u) << d.ToString();
    EXPECT_NE(e->detail.find(fix), std::string::npos)
        << "detail lacks \"" << fix << "\": " << e->detail;
  }
  void ExpectValid(const Value& config) {
    Diagnostics d = Validate(*r_, config);
    EXPECT_TRUE(d.empty()) << d.ToString();
  }
};

TEST_F(EnvironmentTest, Basics) {
  EXPECT_EQ(r_->type_name(), "encore_environment");
  EXPECT_EQ(r_->import_id_format(), "APP/ENV");
  for (const auto& a : block().attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
  for (const auto& b : block().blocks) {
    EXPECT_FALSE(b.block.description.empty()) << b.type_name;
    for (const auto& a : b.block.attributes) {
      EXPECT_FALSE(a.description.empty()) << b.type_name << "." << a.name;
    }
  }
}

TEST_F(EnvironmentTest, MinimalConfigIsValid) { ExpectValid(Config()); }

TEST_F(EnvironmentTest, FullAwsConfigIsValid) {
  ExpectValid(Config(
      {{"type", S("production")},
       {"name", S("prod")},
       {"cloud", S("aws")},
       {"region", S("eu-west-1")},
       {"deploy", Nested(block(), "deploy",
                         {{"trigger", S("branch")}, {"branch", S("main")}})},
       {"process_group",
        NestedList(block(), "process_group",
                   {Group("web", {"orders"}), Group("bg", {"email"})})},
       {"compute",
        Compute({{"platform", S("kubernetes")},
                 {"kubernetes", Kube({{"provider", S("eks")},
                                      {"cluster", S("existing")},
                                      {"cluster_name", S("main")}})}})},
       {"database",
        Database({{"provider", S("rds")},
                  {"branch_from", S("staging")},
                  {"existing_server",
                   Server({{"admin_password_wo", S("pw")},
                           {"admin_password_wo_version", Value::Int(1)}})}})},
       {"adopt", NestedList(block(), "adopt",
                            {Nested(block(), "adopt",
                                    {{"kind", S("sql_database")},
                                     {"name", S("orders")}})})},
       {"timeouts", Nested(block(), "timeouts", {{"create", S("30m")}})}}));
}

TEST_F(EnvironmentTest, UnknownValuesAreNotChecked) {
  Value u = Value::Unknown(Type::String());
  ExpectValid(Config({{"name", u}, {"type", u}, {"cloud", u}, {"region", u}}));
  ExpectValid(Config({{"cloud", S("aws")}, {"region", u}}));
  ExpectValid(
      Config({{"deploy", Nested(block(), "deploy",
                                {{"trigger", S("branch")}, {"branch", u}})}}));
}

TEST_F(EnvironmentTest, PreviewTypeNeedsPrName) {
  ExpectOnlyErrorAt(Config({{"type", S("preview")}}), kRoot.Attr("name"),
                    "\"pr:<N>\"");
  ExpectValid(Config({{"type", S("preview")}, {"name", S("pr:12")}}));
}

TEST_F(EnvironmentTest, PrNameOnlyForPreview) {
  ExpectOnlyErrorAt(Config({{"name", S("pr:12")}}), kRoot.Attr("name"),
                    "set type = \"preview\"");
}

TEST_F(EnvironmentTest, BadNameIsAnErrorAtName) {
  Diagnostics d = Validate(*r_, Config({{"name", S("Staging")}}));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("name")), nullptr) << d.ToString();
  d = Validate(*r_, Config({{"name", S("pr:x")}}));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("name")), nullptr) << d.ToString();
}

TEST_F(EnvironmentTest, RegionRequiredForAwsAndGcp) {
  ExpectOnlyErrorAt(Config({{"cloud", S("aws")}}), kRoot.Attr("region"),
                    "set region");
  ExpectOnlyErrorAt(Config({{"cloud", S("gcp")}}), kRoot.Attr("region"),
                    "set region");
}

TEST_F(EnvironmentTest, RegionForbiddenForLocalAndEncore) {
  ExpectOnlyErrorAt(Config({{"region", S("eu-west-1")}}), kRoot.Attr("region"),
                    "remove region");
  ExpectOnlyErrorAt(Config({{"cloud", S("encore")}, {"region", S("x")}}),
                    kRoot.Attr("region"), "remove region");
}

TEST_F(EnvironmentTest, BadEnumsAreErrors) {
  Diagnostics d = Validate(*r_, Config({{"type", S("prod")}}));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("type")), nullptr) << d.ToString();
  d = Validate(*r_, Config({{"cloud", S("azure")}}));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("cloud")), nullptr) << d.ToString();
  d = Validate(*r_, Config({{"infra_approval", S("auto")}}));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("infra_approval")), nullptr);
  d = Validate(*r_, Config({{"deletion_policy", S("keep")}}));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("deletion_policy")), nullptr);
}

TEST_F(EnvironmentTest, BranchTriggerNeedsBranch) {
  ExpectOnlyErrorAt(Config({{"deploy", Nested(block(), "deploy",
                                              {{"trigger", S("branch")}})}}),
                    kRoot.Attr("deploy").Attr("branch"), "set branch");
}

TEST_F(EnvironmentTest, ManualTriggerForbidsBranch) {
  ExpectOnlyErrorAt(
      Config({{"deploy",
               Nested(block(), "deploy",
                      {{"trigger", S("manual")}, {"branch", S("main")}})}}),
      kRoot.Attr("deploy").Attr("branch"), "remove deploy.branch");
}

TEST_F(EnvironmentTest, ProcessAllocationConflictsWithGroups) {
  ExpectOnlyErrorAt(
      Config({{"process_allocation", S("single")},
              {"process_group",
               NestedList(block(), "process_group", {Group("a", {"x"})})}}),
      kRoot.Attr("process_allocation"), "Remove process_allocation");
}

TEST_F(EnvironmentTest, EmptyProcessGroupIsAnError) {
  ExpectOnlyErrorAt(Config({{"process_group",
                             NestedList(block(), "process_group",
                                        {Group("a", {"x"}), Group("b", {})})}}),
                    kRoot.Attr("process_group").Index(1).Attr("services"),
                    "add at least one service");
}

TEST_F(EnvironmentTest, ServiceInTwoGroupsNamesItAndBothGroups) {
  Value config =
      Config({{"process_group", NestedList(block(), "process_group",
                                           {Group("web", {"orders", "email"}),
                                            Group("bg", {"email"})})}});
  ExpectOnlyErrorAt(config,
                    kRoot.Attr("process_group").Index(1).Attr("services"),
                    "remove it from one of them");
  Diagnostics d = Validate(*r_, config);
  const std::string& detail = d.items()[0].detail;
  EXPECT_NE(detail.find("\"email\""), std::string::npos) << detail;
  EXPECT_NE(detail.find("\"web\""), std::string::npos) << detail;
  EXPECT_NE(detail.find("\"bg\""), std::string::npos) << detail;
}

TEST_F(EnvironmentTest, DuplicateGroupName) {
  ExpectOnlyErrorAt(
      Config({{"process_group",
               NestedList(block(), "process_group",
                          {Group("a", {"x"}), Group("a", {"y"})})}}),
      kRoot.Attr("process_group").Index(1).Attr("name"), "unique name");
}

TEST_F(EnvironmentTest, PlatformMustSuitCloud) {
  ExpectOnlyErrorAt(
      Config({{"compute", Compute({{"platform", S("fargate")}})}}),
      kRoot.Attr("compute").Attr("platform"), "\"processes\"");
  ExpectOnlyErrorAt(
      Config({{"cloud", S("aws")},
              {"region", S("us-east-1")},
              {"compute", Compute({{"platform", S("cloud_run")}})}}),
      kRoot.Attr("compute").Attr("platform"), "\"fargate\" or \"kubernetes\"");
  ExpectOnlyErrorAt(
      Config({{"cloud", S("gcp")},
              {"region", S("europe-west1")},
              {"compute", Compute({{"platform", S("fargate")}})}}),
      kRoot.Attr("compute").Attr("platform"),
      "\"cloud_run\" or \"kubernetes\"");
  ExpectValid(Config({{"cloud", S("gcp")},
                      {"region", S("europe-west1")},
                      {"compute", Compute({{"platform", S("cloud_run")}})}}));
}

TEST_F(EnvironmentTest, KubernetesProviderMustSuitCloud) {
  ExpectOnlyErrorAt(
      Config({{"cloud", S("gcp")},
              {"region", S("europe-west1")},
              {"compute",
               Compute({{"platform", S("kubernetes")},
                        {"kubernetes", Kube({{"provider", S("eks")}})}})}}),
      kRoot.Attr("compute").Attr("kubernetes").Attr("provider"),
      "set provider = \"gke\"");
}

TEST_F(EnvironmentTest, KubernetesBlockOnlyWithKubernetesPlatform) {
  ExpectOnlyErrorAt(
      Config({{"cloud", S("aws")},
              {"region", S("us-east-1")},
              {"compute",
               Compute({{"platform", S("fargate")},
                        {"kubernetes", Kube({{"provider", S("eks")}})}})}}),
      kRoot.Attr("compute").Attr("kubernetes"),
      "compute.platform = \"kubernetes\"");
  ExpectOnlyErrorAt(
      Config({{"cloud", S("aws")},
              {"region", S("us-east-1")},
              {"compute", Compute({{"platform", S("kubernetes")}})}}),
      kRoot.Attr("compute").Attr("kubernetes"), "kubernetes {");
}

TEST_F(EnvironmentTest, ExistingClusterNeedsName) {
  ExpectOnlyErrorAt(
      Config({{"cloud", S("aws")},
              {"region", S("us-east-1")},
              {"compute",
               Compute({{"platform", S("kubernetes")},
                        {"kubernetes", Kube({{"provider", S("eks")},
                                             {"cluster", S("existing")}})}})}}),
      kRoot.Attr("compute").Attr("kubernetes").Attr("cluster_name"),
      "set cluster_name");
}

TEST_F(EnvironmentTest, DatabaseProviderMustSuitCloud) {
  ExpectOnlyErrorAt(Config({{"database", Database({{"provider", S("rds")}})}}),
                    kRoot.Attr("database").Attr("provider"), "\"postgres\"");
  ExpectOnlyErrorAt(Config({{"cloud", S("gcp")},
                            {"region", S("europe-west1")},
                            {"database", Database({{"provider", S("rds")}})}}),
                    kRoot.Attr("database").Attr("provider"),
                    "\"cloudsql\" or \"neon\"");
  ExpectValid(Config({{"cloud", S("aws")},
                      {"region", S("us-east-1")},
                      {"database", Database({{"provider", S("neon")}})}}));
}

TEST_F(EnvironmentTest, BranchFromMustDifferFromName) {
  ExpectOnlyErrorAt(
      Config({{"database", Database({{"branch_from", S("staging")}})}}),
      kRoot.Attr("database").Attr("branch_from"), "another environment");
  ExpectValid(Config({{"database", Database({{"branch_from", S("main")}})}}));
}

TEST_F(EnvironmentTest, ExistingServerNeedsExactlyOnePassword) {
  AttributePath server = kRoot.Attr("database").Attr("existing_server");
  ExpectOnlyErrorAt(
      Config({{"database", Database({{"existing_server", Server({})}})}}),
      server, "Set exactly one of admin_password");
  ExpectOnlyErrorAt(
      Config({{"database", Database({{"existing_server",
                                      Server({{"admin_password", S("a")},
                                              {"admin_password_wo", S("b")},
                                              {"admin_password_wo_version",
                                               Value::Int(1)}})}})}}),
      server.Attr("admin_password_wo"), "keep exactly one");
  ExpectValid(Config(
      {{"database", Database({{"existing_server",
                               Server({{"admin_password", S("a")}})}})}}));
}

TEST_F(EnvironmentTest, WriteOnlyPasswordNeedsVersion) {
  AttributePath version = kRoot.Attr("database")
                              .Attr("existing_server")
                              .Attr("admin_password_wo_version");
  ExpectOnlyErrorAt(
      Config({{"database",
               Database({{"existing_server",
                          Server({{"admin_password_wo", S("b")}})}})}}),
      version, "set admin_password_wo_version");
  ExpectOnlyErrorAt(
      Config({{"database", Database({{"existing_server",
                                      Server({{"admin_password", S("a")},
                                              {"admin_password_wo_version",
                                               Value::Int(2)}})}})}}),
      version, "remove it");
}

TEST_F(EnvironmentTest, AdoptingTwiceIsAnError) {
  Value a = Nested(block(), "adopt", {{"kind", S("cache")}, {"name", S("c")}});
  ExpectOnlyErrorAt(Config({{"adopt", NestedList(block(), "adopt", {a, a})}}),
                    kRoot.Attr("adopt").Index(1), "remove one");
}

TEST_F(EnvironmentTest, BadTimeoutIsAnError) {
  Diagnostics d = Validate(
      *r_, Config({{"timeouts",
                    Nested(block(), "timeouts", {{"create", S("soon")}})}}));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("timeouts").Attr("create")), nullptr)
      << d.ToString();
}

TEST_F(EnvironmentTest, PlanDefaultsForLocalDevelopment) {
  Value config = Config({{"compute", Compute({})}, {"database", Database({})}});
  auto resp = Plan(*r_, Null(), config);
  const Value& p = resp.planned_state;
  EXPECT_EQ(p.GetAttr("id"), S("shop/staging"));
  EXPECT_EQ(p.GetAttr("deletion_policy"), S("delete"));
  EXPECT_EQ(p.GetAttr("process_allocation"), S("single"));
  EXPECT_EQ(p.GetAttr("infra_approval"), S("automatic"));
  EXPECT_EQ(p.GetAttr("compute").GetAttr("platform"), S("processes"));
  EXPECT_EQ(p.GetAttr("database").GetAttr("provider"), S("postgres"));
  EXPECT_TRUE(p.GetAttr("url").IsUnknown());
  EXPECT_TRUE(p.GetAttr("status").IsUnknown());
  EXPECT_TRUE(p.GetAttr("infrastructure").IsUnknown());
}

TEST_F(EnvironmentTest, PlanDefaultsPerCloud) {
  Value aws = Config({{"cloud", S("aws")},
                      {"region", S("us-east-1")},
                      {"type", S("production")},
                      {"name", S("prod")},
                      {"compute", Compute({})},
                      {"database", Database({})}});
  Value p = Plan(*r_, Null(), aws).planned_state;
  EXPECT_EQ(p.GetAttr("compute").GetAttr("platform"), S("fargate"));
  EXPECT_EQ(p.GetAttr("database").GetAttr("provider"), S("rds"));
  EXPECT_EQ(p.GetAttr("deletion_policy"), S("retain"));
  Value gcp = Config({{"cloud", S("gcp")},
                      {"region", S("europe-west1")},
                      {"compute", Compute({})},
                      {"database", Database({})}});
  p = Plan(*r_, Null(), gcp).planned_state;
  EXPECT_EQ(p.GetAttr("compute").GetAttr("platform"), S("cloud_run"));
  EXPECT_EQ(p.GetAttr("database").GetAttr("provider"), S("cloudsql"));
}

TEST_F(EnvironmentTest, PlanKeepsConfiguredValues) {
  Value config =
      Config({{"deletion_policy", S("retain")},
              {"process_allocation", S("per_service")},
              {"database", Database({{"provider", S("postgres")}})}});
  Value p = Plan(*r_, Null(), config).planned_state;
  EXPECT_EQ(p.GetAttr("deletion_policy"), S("retain"));
  EXPECT_EQ(p.GetAttr("process_allocation"), S("per_service"));
  EXPECT_TRUE(p.GetAttr("compute").IsNull());
}

TEST_F(EnvironmentTest, PlanProcessAllocationNullWithGroups) {
  Value config =
      Config({{"process_group", NestedList(block(), "process_group",
                                           {Group("web", {"orders"})})}});
  Value p = Plan(*r_, Null(), config).planned_state;
  EXPECT_TRUE(p.GetAttr("process_allocation").IsNull());
}

TEST_F(EnvironmentTest, PlanWithUnknownsStaysUnknown) {
  Value u = Value::Unknown(Type::String());
  Value config =
      Config({{"app", u}, {"type", u}, {"cloud", u}, {"compute", Compute({})}});
  Value p = Plan(*r_, Null(), config).planned_state;
  EXPECT_TRUE(p.GetAttr("id").IsUnknown());
  EXPECT_TRUE(p.GetAttr("deletion_policy").IsUnknown());
  EXPECT_TRUE(p.GetAttr("compute").GetAttr("platform").IsUnknown());
}

TEST_F(EnvironmentTest, PlanDefaultsNestedAttributes) {
  Value config = Config(
      {{"database",
        Database({{"existing_server", Server({{"admin_password", S("pw")}})}})},
       {"adopt",
        NestedList(block(), "adopt",
                   {Nested(block(), "adopt",
                           {{"kind", S("cache")}, {"name", S("c")}})})}});
  Value p = Plan(*r_, Null(), config).planned_state;
  Value server = p.GetAttr("database").GetAttr("existing_server");
  EXPECT_EQ(server.GetAttr("port"), Value::Int(5432));
  EXPECT_EQ(server.GetAttr("sslmode"), S("prefer"));
  EXPECT_EQ(p.GetAttr("adopt").Elements()[0].GetAttr("policy"), S("observe"));
}

// The state after applying `config`: its create plan with the unknowns
// filled in as the agent would.
Value Applied(const framework::Resource& r, const Value& config) {
  const framework::Block& b = r.schema().block;
  Value plan = Plan(r, Value::Null(b.ImpliedType()), config).planned_state;
  std::map<std::string, Value> attrs = plan.Entries();
  attrs["url"] = S("http://127.0.0.1:4000");
  attrs["status"] = S("ready");
  attrs["version"] = S("v1");
  attrs["pending_change_set"] = S("");
  attrs["infrastructure"] =
      Value::List(b.FindAttribute("infrastructure")->type.element(), {});
  attrs["drift"] = Value::List(b.FindAttribute("drift")->type.element(), {});
  return Value::ObjectOf(b.ImpliedType(), attrs);
}

// Terraform's proposed new state: config, with prior values for computed
// attributes the config leaves null (recursing into single blocks; enough
// here).
Value Proposed(const framework::Block& b, const Value& prior,
               const Value& config) {
  if (!config.IsKnown() || !prior.IsKnown()) return config;
  std::map<std::string, Value> attrs = config.Entries();
  for (const auto& a : b.attributes) {
    if (a.is_computed() && config.GetAttr(a.name).IsNull()) {
      attrs[a.name] = prior.GetAttr(a.name);
    }
  }
  for (const auto& nb : b.blocks) {
    if (nb.nesting != framework::Nesting::kSingle) continue;
    attrs[nb.type_name] = Proposed(nb.block, prior.GetAttr(nb.type_name),
                                   config.GetAttr(nb.type_name));
  }
  return Value::ObjectOf(b.ImpliedType(), attrs);
}

TEST_F(EnvironmentTest, UnchangedConfigPlansNoChange) {
  Value config = Config({{"compute", Compute({})}});
  Value prior = Applied(*r_, config);
  ASSERT_TRUE(prior.IsWhollyKnown()) << prior.DebugString();
  auto resp = Plan(*r_, prior, config, Proposed(block(), prior, config));
  EXPECT_EQ(resp.planned_state, prior)
      << resp.planned_state.DebugString() << "\n"
      << prior.DebugString();
  EXPECT_TRUE(resp.requires_replace.empty());
}

TEST_F(EnvironmentTest, InPlaceUpdateKeepsIdAndUrl) {
  Value prior = Applied(*r_, Config());
  Value config = Config({{"infra_approval", S("manual")}});
  auto resp = Plan(*r_, prior, config, Proposed(block(), prior, config));
  const Value& p = resp.planned_state;
  EXPECT_TRUE(resp.requires_replace.empty());
  EXPECT_EQ(p.GetAttr("infra_approval"), S("manual"));
  EXPECT_EQ(p.GetAttr("id"), S("shop/staging"));
  EXPECT_EQ(p.GetAttr("url"), S("http://127.0.0.1:4000"));
  EXPECT_EQ(p.GetAttr("deletion_policy"), S("delete"));
  EXPECT_EQ(p.GetAttr("process_allocation"), S("single"));
  EXPECT_TRUE(p.GetAttr("version").IsUnknown());
}

TEST_F(EnvironmentTest, ChangingCloudOrRegionReplaces) {
  Value prior =
      Applied(*r_, Config({{"cloud", S("aws")}, {"region", S("us-east-1")}}));
  Value config = Config({{"cloud", S("aws")}, {"region", S("eu-west-1")}});
  auto resp = Plan(*r_, prior, config, Proposed(block(), prior, config));
  ASSERT_EQ(resp.requires_replace.size(), 1u);
  EXPECT_EQ(resp.requires_replace[0], kRoot.Attr("region"));
}

TEST_F(EnvironmentTest, ImportGoodIds) {
  auto resp = Import(*r_, "shop/staging");
  ASSERT_FALSE(resp.diags.HasError()) << resp.diags.ToString();
  EXPECT_EQ(resp.state.GetAttr("app"), S("shop"));
  EXPECT_EQ(resp.state.GetAttr("name"), S("staging"));
  EXPECT_EQ(resp.state.GetAttr("id"), S("shop/staging"));
  EXPECT_EQ(resp.state.GetAttr("adopt").Length(), 0u);
  resp = Import(*r_, "shop/pr:12");
  ASSERT_FALSE(resp.diags.HasError()) << resp.diags.ToString();
  EXPECT_EQ(resp.state.GetAttr("name"), S("pr:12"));
}

TEST_F(EnvironmentTest, ImportBadIds) {
  for (const char* id : {"", "shop", "shop/", "/staging", "shop/staging/x",
                         "Shop/staging", "shop/Staging", "shop/pr:"}) {
    auto resp = Import(*r_, id);
    ASSERT_TRUE(resp.diags.HasError()) << id;
    EXPECT_NE(resp.diags.items()[0].detail.find("APP/ENV"), std::string::npos)
        << resp.diags.ToString();
  }
}

}  // namespace
}  // namespace encore::resources
