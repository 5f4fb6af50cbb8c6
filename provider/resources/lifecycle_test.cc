// encore_app, encore_primary_environment, encore_secret and
// encore_infra_override through a fake agent.
#include <gtest/gtest.h>

#include "provider/catalog.h"
#include "provider/resources/agent_calls.h"
#include "provider/resources/fake_agent_client.h"
#include "provider/resources/secret_sync.h"
#include "provider/resources/test_util.h"

namespace encore::resources {
namespace {

using testing::ContextWith;
using testing::FakeAgentClient;
using testing::Obj;
using testing::Plan;
using testing::S;
using testing::StrMap;
using values::Value;

class Harness {
 public:
  explicit Harness(std::unique_ptr<framework::Resource> r) : r_(std::move(r)) {}
  std::unique_ptr<framework::Resource> r_;
  std::shared_ptr<FakeAgentClient> fake_ = std::make_shared<FakeAgentClient>();
  framework::CallContext ctx_ = ContextWith(fake_);

  const framework::Block& block() { return r_->schema().block; }
  Value Null() { return Value::Null(block().ImpliedType()); }
  Value Cfg(std::map<std::string, Value> a) { return Obj(block(), a); }

  framework::ApplyResponse Apply(const Value& prior, const Value& config,
                                 const std::string& priv) {
    Value planned = Plan(*r_, prior, config).planned_state;
    framework::ApplyResponse resp;
    framework::ApplyRequest req{ctx_, prior, planned, config, priv};
    if (prior.IsNull()) {
      r_->Create(req, resp);
    } else {
      r_->Update(req, resp);
    }
    return resp;
  }
  framework::ReadResponse Read(const Value& state, const std::string& priv) {
    framework::ReadResponse resp;
    r_->Read(framework::ReadRequest{ctx_, state, priv}, resp);
    return resp;
  }
  framework::ApplyResponse Delete(const Value& prior, const std::string& priv) {
    framework::ApplyResponse resp;
    r_->Delete(framework::ApplyRequest{ctx_, prior, Null(), Null(), priv},
               resp);
    return resp;
  }
};

constexpr char kModel[] =
    R"({"services":[{"name":"orders"},{"name":"email"}]})";
constexpr char kModelReordered[] =
    R"({ "services" : [ {"name":"orders"}, {"name":"email"} ] })";

TEST(AppLifecycleTest, CreateReadUpdateDelete) {
  Harness h(catalog::NewAppResource());
  Value config = h.Cfg({{"name", S("shop")}, {"model", S(kModelReordered)}});
  auto created = h.Apply(h.Null(), config, "");
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  // The configured text is kept: it means the same as the canonical JSON.
  EXPECT_EQ(created.new_state.GetAttr("model"), S(kModelReordered));
  EXPECT_EQ(created.new_state, Plan(*h.r_, h.Null(), config).planned_state);
  EXPECT_EQ(PrivateVersion(created.private_data), 1);

  auto read = h.Read(created.new_state, created.private_data);
  EXPECT_EQ(read.new_state, created.new_state);

  // Changed out of band: the agent's model shows.
  auto made = model::ParseAppModel(R"({"services":[{"name":"orders"}]})");
  h.fake_->apps["shop"].model_json = made->canonical_json;
  read = h.Read(created.new_state, created.private_data);
  EXPECT_EQ(read.new_state.GetAttr("model"), S(made->canonical_json));

  auto updated = h.Apply(read.new_state,
                         h.Cfg({{"name", S("shop")}, {"model", S(kModel)}}),
                         read.private_data);
  ASSERT_FALSE(updated.diags.HasError()) << updated.diags.ToString();
  EXPECT_EQ(h.fake_->last_mask, std::vector<std::string>{"model"});
  EXPECT_EQ(h.fake_->last_expected_version, 1);
  EXPECT_EQ(PrivateVersion(updated.private_data), 2);

  // A stale version (a saved plan) is a conflict.
  auto stale = h.Apply(read.new_state,
                       h.Cfg({{"name", S("shop")}, {"model", S(kModel)}}),
                       read.private_data);
  ASSERT_TRUE(stale.diags.HasError());
  EXPECT_EQ(stale.diags.items()[0].summary, "Changed since your plan");

  auto deleted = h.Delete(updated.new_state, updated.private_data);
  EXPECT_FALSE(deleted.diags.HasError()) << deleted.diags.ToString();
  EXPECT_TRUE(h.fake_->apps.empty());
  EXPECT_TRUE(h.Read(updated.new_state, "").new_state.IsNull());
}

TEST(AppLifecycleTest, ImportReadsTheWholeApp) {
  Harness h(catalog::NewAppResource());
  auto created = h.Apply(
      h.Null(), h.Cfg({{"name", S("shop")}, {"model", S(kModel)}}), "");
  auto stub = testing::Import(*h.r_, "shop");
  auto read = h.Read(stub.state, stub.private_data);
  ASSERT_TRUE(read.new_state.IsWhollyKnown());
  EXPECT_EQ(read.new_state.GetAttr("model_hash"),
            created.new_state.GetAttr("model_hash"));
  EXPECT_EQ(PrivateVersion(read.private_data), 1);
}

TEST(AppLifecycleTest, UnreachableAgentNamesTheAddress) {
  Harness h(catalog::NewAppResource());
  h.fake_->fail_next["CreateApp"] = Status::Unavailable("connection refused");
  auto r = h.Apply(h.Null(), h.Cfg({{"name", S("shop")}, {"model", S(kModel)}}),
                   "");
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(r.diags.items()[0].summary, "Cannot reach the encore agent");
  EXPECT_NE(r.diags.items()[0].detail.find("unix:///tmp/test/agent.sock"),
            std::string::npos);
}

TEST(PrimaryEnvironmentLifecycleTest, SetMoveRemove) {
  Harness h(catalog::NewPrimaryEnvironmentResource());
  auto created = h.Apply(
      h.Null(), h.Cfg({{"app", S("shop")}, {"environment", S("prod")}}), "");
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  EXPECT_EQ(h.fake_->last_expected_version, 0);
  auto read = h.Read(created.new_state, created.private_data);
  EXPECT_EQ(read.new_state, created.new_state);
  auto moved = h.Apply(read.new_state,
                       h.Cfg({{"app", S("shop")}, {"environment", S("stg")}}),
                       read.private_data);
  ASSERT_FALSE(moved.diags.HasError()) << moved.diags.ToString();
  EXPECT_EQ(h.fake_->last_expected_version, 1);
  EXPECT_EQ(h.fake_->primaries["shop"].environment, "stg");
  EXPECT_FALSE(h.Delete(moved.new_state, moved.private_data).diags.HasError());
  EXPECT_EQ(h.fake_->last_expected_version, 2);
  EXPECT_TRUE(h.fake_->primaries.empty());
}

TEST(SecretLifecycleTest, ValuesInStateAndDriftShowsAsAnUpdate) {
  Harness h(catalog::NewSecretResource());
  Value config = h.Cfg({{"app", S("shop")},
                        {"name", S("StripeKey")},
                        {"values", StrMap({{"production", "sk_1"}})}});
  auto created = h.Apply(h.Null(), config, "");
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  EXPECT_EQ(h.fake_->last_secret.values.at("production"), "sk_1");
  EXPECT_EQ(created.new_state, Plan(*h.r_, h.Null(), config).planned_state);
  EXPECT_EQ(created.new_state.GetAttr("values_sync"), S(kValuesInSync));

  auto read = h.Read(created.new_state, created.private_data);
  EXPECT_EQ(read.new_state, created.new_state);
  // Refresh then plan: nothing to do.
  auto plan = Plan(*h.r_, read.new_state, config);
  EXPECT_EQ(plan.planned_state, read.new_state);

  // Changed with the CLI: a new fingerprint.
  h.fake_->secrets["shop/StripeKey"].fingerprints["production"] = "other";
  read = h.Read(created.new_state, created.private_data);
  EXPECT_EQ(read.new_state.GetAttr("values_sync"), S(kValuesChanged));
  plan = Plan(*h.r_, read.new_state, config);
  EXPECT_NE(plan.planned_state, read.new_state);
  EXPECT_EQ(plan.planned_state.GetAttr("values_sync"), S(kValuesInSync));
  auto fixed = h.Apply(read.new_state, config, read.private_data);
  ASSERT_FALSE(fixed.diags.HasError()) << fixed.diags.ToString();
  EXPECT_EQ(h.fake_->last_expected_version, 1);
  EXPECT_EQ(h.Read(fixed.new_state, fixed.private_data).new_state,
            fixed.new_state);

  // A key added out of band is drift too.
  h.fake_->secrets["shop/StripeKey"].fingerprints["local"] = "x";
  EXPECT_EQ(h.Read(fixed.new_state, fixed.private_data)
                .new_state.GetAttr("values_sync"),
            S(kValuesChanged));
}

TEST(SecretLifecycleTest, WriteOnlyValuesComeFromConfigAndNeverReachState) {
  Harness h(catalog::NewSecretResource());
  Value config = h.Cfg({{"app", S("shop")},
                        {"name", S("StripeKey")},
                        {"values_wo", StrMap({{"production", "sk_wo"}})},
                        {"values_wo_version", Value::Int(1)}});
  auto created = h.Apply(h.Null(), config, "");
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  EXPECT_EQ(h.fake_->last_secret.values.at("production"), "sk_wo");
  EXPECT_EQ(h.fake_->last_secret.values_wo_version, 1);
  EXPECT_TRUE(created.new_state.GetAttr("values_wo").IsNull());
  EXPECT_TRUE(created.new_state.GetAttr("values").IsNull());
  EXPECT_EQ(created.private_data.find("sk_wo"), std::string::npos);

  // Drift with write-only values shows through values_sync too.
  h.fake_->secrets["shop/StripeKey"].fingerprints.erase("production");
  auto read = h.Read(created.new_state, created.private_data);
  EXPECT_EQ(read.new_state.GetAttr("values_sync"), S(kValuesChanged));
  EXPECT_NE(Plan(*h.r_, read.new_state, config).planned_state, read.new_state);
}

TEST(SecretLifecycleTest, ImportBringsNoValuesAndPlansAnUpdate) {
  Harness h(catalog::NewSecretResource());
  Value config = h.Cfg({{"app", S("shop")},
                        {"name", S("StripeKey")},
                        {"values_wo", StrMap({{"production", "sk_wo"}})},
                        {"values_wo_version", Value::Int(3)}});
  h.Apply(h.Null(), config, "");
  auto stub = testing::Import(*h.r_, "shop/StripeKey");
  auto read = h.Read(stub.state, stub.private_data);
  ASSERT_TRUE(read.new_state.IsWhollyKnown());
  EXPECT_TRUE(read.new_state.GetAttr("values").IsNull());
  EXPECT_EQ(read.new_state.GetAttr("values_wo_version"), Value::Int(3));
  EXPECT_EQ(read.new_state.GetAttr("values_sync"), S(kValuesImported));
}

TEST(InfraOverrideLifecycleTest, PutWaitsAndKeepsTheVersion) {
  Harness h(catalog::NewInfraOverrideResource());
  Value config = h.Cfg({{"app", S("shop")},
                        {"environment", S("prod")},
                        {"kind", S("cache")},
                        {"name", S("sessions")},
                        {"settings", StrMap({{"max_memory", "256mb"}})}});
  auto created = h.Apply(h.Null(), config, "");
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  EXPECT_EQ(created.new_state, Plan(*h.r_, h.Null(), config).planned_state);
  auto read = h.Read(created.new_state, created.private_data);
  EXPECT_EQ(read.new_state, created.new_state);

  h.fake_->new_change_set_state = "pending_approval";
  model::ChangeSet rejected;
  rejected.state = "rejected";
  rejected.decided_by = "admin";
  rejected.reason = "no";
  h.fake_->scripted_change_sets = {rejected};
  auto updated = h.Apply(
      read.new_state,
      h.Cfg({{"app", S("shop")},
             {"environment", S("prod")},
             {"kind", S("cache")},
             {"name", S("sessions")},
             {"settings", StrMap({{"max_memory", "512mb"}})}}),
      read.private_data);
  ASSERT_TRUE(updated.diags.HasError());
  EXPECT_EQ(updated.diags.items()[0].summary, "Change set cs-2 was rejected");
  EXPECT_EQ(h.fake_->last_expected_version, 1);
  EXPECT_TRUE(updated.new_state.IsNull());
}

}  // namespace
}  // namespace encore::resources
