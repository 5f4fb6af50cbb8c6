// encore_environment through a fake agent: value <-> spec conversion,
// field masks, create/read/update/delete, approval waits, passwords.
#include <gtest/gtest.h>

#include "provider/catalog.h"
#include "provider/resources/environment_record.h"
#include "provider/resources/fake_agent_client.h"
#include "provider/resources/test_util.h"

namespace encore::resources {
namespace {

using testing::ContextWith;
using testing::FakeAgentClient;
using testing::Nested;
using testing::Obj;
using testing::Plan;
using testing::S;
using testing::StrList;
using values::Type;
using values::Value;

class EnvironmentLifecycleTest : public ::testing::Test {
 protected:
  std::unique_ptr<framework::Resource> r_ = catalog::NewEnvironmentResource();
  std::shared_ptr<FakeAgentClient> fake_ = std::make_shared<FakeAgentClient>();
  framework::CallContext ctx_ = ContextWith(fake_);
  std::string no_private_;

  const framework::Block& block() { return r_->schema().block; }
  const framework::Block& sub(const std::string& name) {
    return block().FindBlock(name)->block;
  }
  Value Null() { return Value::Null(block().ImpliedType()); }

  Value Config(std::map<std::string, Value> extra = {}) {
    std::map<std::string, Value> attrs = {{"app", S("shop")},
                                          {"name", S("staging")},
                                          {"type", S("development")},
                                          {"cloud", S("local")}};
    for (auto& [k, v] : extra) attrs[k] = v;
    return Obj(block(), attrs);
  }
  Value Server(std::map<std::string, Value> attrs) {
    std::map<std::string, Value> base = {{"host", S("db.internal")},
                                         {"admin_user", S("postgres")},
                                         {"port", Value::Int(5432)},
                                         {"sslmode", S("prefer")}};
    for (auto& [k, v] : attrs) base[k] = v;
    return Obj(sub("database").FindBlock("existing_server")->block, base);
  }
  Value Database(Value server) {
    return Nested(block(), "database", {{"existing_server", server}});
  }
  Value FullConfig() {
    Value kube = Obj(sub("compute").FindBlock("kubernetes")->block,
                     {{"provider", S("eks")},
                      {"cluster", S("existing")},
                      {"cluster_name", S("main")}});
    return Config(
        {{"deploy", Nested(block(), "deploy",
                           {{"trigger", S("branch")}, {"branch", S("main")}})},
         {"infra_approval", S("manual")},
         {"process_group",
          testing::NestedList(
              block(), "process_group",
              {Nested(block(), "process_group",
                      {{"name", S("web")}, {"services", StrList({"a", "b"})}}),
               Nested(block(), "process_group",
                      {{"name", S("jobs")}, {"services", StrList({"c"})}})})},
         {"compute",
          Nested(block(), "compute",
                 {{"platform", S("processes")}, {"kubernetes", kube}})},
         {"database", Database(Server({{"admin_password", S("pw1")}}))},
         {"adopt", testing::NestedList(block(), "adopt",
                                       {Nested(block(), "adopt",
                                               {{"kind", S("cache")},
                                                {"name", S("sessions")},
                                                {"policy", S("manage")}})})},
         {"timeouts", Nested(block(), "timeouts", {{"create", S("5m")}})}});
  }

  // Planned state for a create from `config`.
  Value Planned(const Value& config, const Value& prior = Value()) {
    Value p = prior.IsNull() || !prior.IsKnown() ? Null() : prior;
    return Plan(*r_, p, config).planned_state;
  }

  framework::ApplyResponse Create(const Value& config) {
    Value planned = Planned(config);
    framework::ApplyResponse resp;
    std::string priv;
    r_->Create(framework::ApplyRequest{ctx_, Null(), planned, config, priv},
               resp);
    return resp;
  }
  framework::ApplyResponse Update(const Value& prior, const Value& config,
                                  const std::string& priv) {
    Value planned = Plan(*r_, prior, config).planned_state;
    framework::ApplyResponse resp;
    r_->Update(framework::ApplyRequest{ctx_, prior, planned, config, priv},
               resp);
    return resp;
  }
  framework::ReadResponse Read(const Value& state, const std::string& priv) {
    framework::ReadResponse resp;
    r_->Read(framework::ReadRequest{ctx_, state, priv}, resp);
    return resp;
  }

  // Every argument (not computed-only) of `a` equals `b`'s.
  void ExpectSameArguments(const Value& a, const Value& b) {
    for (const auto& attr : block().attributes) {
      if (attr.presence == framework::Presence::kComputed) continue;
      EXPECT_EQ(a.GetAttr(attr.name), b.GetAttr(attr.name)) << attr.name;
    }
    for (const auto& nb : block().blocks) {
      EXPECT_EQ(a.GetAttr(nb.type_name), b.GetAttr(nb.type_name))
          << nb.type_name;
    }
  }
};

TEST_F(EnvironmentLifecycleTest, ValueSpecValueRoundTrip) {
  Value planned = Planned(FullConfig());
  model::EnvironmentSpec spec = SpecFromValue(planned);
  EXPECT_EQ(spec.app, "shop");
  ASSERT_TRUE(spec.deploy);
  EXPECT_EQ(spec.deploy->branch, "main");
  EXPECT_EQ(spec.infra_approval, "manual");
  EXPECT_EQ(spec.process_allocation, "");
  ASSERT_EQ(spec.process_groups.size(), 2u);
  EXPECT_EQ(spec.process_groups[0].services,
            (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(spec.compute && spec.compute->kubernetes);
  EXPECT_EQ(spec.compute->kubernetes->cluster_name, "main");
  ASSERT_TRUE(spec.database && spec.database->existing_server);
  EXPECT_EQ(spec.database->provider, "postgres");  // the cloud's default
  EXPECT_EQ(spec.database->existing_server->port, 5432);
  EXPECT_EQ(spec.database->existing_server->admin_password, "pw1");
  ASSERT_EQ(spec.adopt.size(), 1u);
  EXPECT_EQ(spec.adopt[0].policy, "manage");
  EXPECT_EQ(spec.deletion_policy, "delete");

  model::Environment env;
  env.spec = spec;
  env.version = 3;
  Value state = EnvironmentState(block(), env, planned, {});
  ExpectSameArguments(state, planned);
  EXPECT_EQ(state.GetAttr("version"), S("3"));
  EXPECT_EQ(state.GetAttr("pending_change_set"), S(""));
  EXPECT_TRUE(state.GetAttr("url").IsNull());
  EXPECT_TRUE(state.IsWhollyKnown());
  EXPECT_EQ(SpecFromValue(state), spec);
}

TEST_F(EnvironmentLifecycleTest, AbsentOptionalsRoundTripAsNull) {
  Value planned = Planned(Config());
  model::EnvironmentSpec spec = SpecFromValue(planned);
  EXPECT_FALSE(spec.deploy);
  EXPECT_FALSE(spec.compute);
  EXPECT_FALSE(spec.database);
  EXPECT_EQ(spec.region, "");
  EXPECT_EQ(spec.process_allocation, "single");
  model::Environment env;
  env.spec = spec;
  Value state = EnvironmentState(block(), env, planned, {});
  ExpectSameArguments(state, planned);
  EXPECT_TRUE(state.GetAttr("region").IsNull());
  EXPECT_TRUE(state.GetAttr("deploy").IsNull());
  EXPECT_EQ(state.GetAttr("process_group").Length(), 0);
  EXPECT_TRUE(state.GetAttr("timeouts").IsNull());
}

TEST_F(EnvironmentLifecycleTest, FieldMaskHasExactlyTheChangedFields) {
  model::EnvironmentSpec a = SpecFromValue(Planned(FullConfig()));
  model::EnvironmentSpec b = a;
  EXPECT_TRUE(ChangedFields(a, b).empty());
  b.deploy->branch = "release";
  b.database->existing_server->sslmode = "require";
  EXPECT_EQ(ChangedFields(a, b),
            (std::vector<std::string>{"deploy", "database"}));
  b = a;
  b.process_groups.pop_back();
  b.deletion_policy = "retain";
  EXPECT_EQ(ChangedFields(a, b),
            (std::vector<std::string>{"process_groups", "deletion_policy"}));
}

TEST_F(EnvironmentLifecycleTest, CreateThenRefreshIsTheSame) {
  Value config = FullConfig();
  auto created = Create(config);
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  ASSERT_TRUE(created.new_state.IsWhollyKnown());
  ExpectSameArguments(created.new_state, Planned(config));
  EXPECT_EQ(created.new_state.GetAttr("id"), S("shop/staging"));
  EXPECT_EQ(created.new_state.GetAttr("url"), S("http://127.0.0.1:4000"));
  EXPECT_EQ(created.new_state.GetAttr("infrastructure").Length(), 1);
  EXPECT_EQ(fake_->last_spec.database->existing_server->admin_password, "pw1");

  auto read = Read(created.new_state, created.private_data);
  ASSERT_FALSE(read.diags.HasError()) << read.diags.ToString();
  EXPECT_EQ(read.new_state, created.new_state);
  EXPECT_EQ(read.private_data, created.private_data);
}

TEST_F(EnvironmentLifecycleTest, UpdateSendsMaskAndVersionAndConflictsShow) {
  auto created = Create(Config());
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  Value config = Config({{"infra_approval", S("manual")}});
  auto updated = Update(created.new_state, config, created.private_data);
  ASSERT_FALSE(updated.diags.HasError()) << updated.diags.ToString();
  EXPECT_EQ(fake_->last_mask, std::vector<std::string>{"infra_approval"});
  EXPECT_EQ(fake_->last_expected_version, 1);
  EXPECT_EQ(updated.new_state.GetAttr("version"), S("2"));
  EXPECT_EQ(updated.new_state.GetAttr("infra_approval"), S("manual"));

  // A saved plan made on version 1 loses against the change above.
  auto stale =
      Update(created.new_state, Config({{"deletion_policy", S("retain")}}),
             created.private_data);
  ASSERT_TRUE(stale.diags.HasError());
  EXPECT_EQ(stale.diags.items()[0].summary, "Changed since your plan");
  EXPECT_TRUE(stale.new_state.IsNull());
}

TEST_F(EnvironmentLifecycleTest, OutOfBandChangeShowsOnRefresh) {
  auto created = Create(Config());
  fake_->envs["shop/staging"].spec.infra_approval = "manual";
  auto read = Read(created.new_state, created.private_data);
  EXPECT_EQ(read.new_state.GetAttr("infra_approval"), S("manual"));
}

TEST_F(EnvironmentLifecycleTest,
       DefaultRestoredAfterOutOfBandChangePlansNewVersion) {
  auto created = Create(Config());
  fake_->envs["shop/staging"].spec.deletion_policy = "retain";
  fake_->envs["shop/staging"].version = 2;
  auto read = Read(created.new_state, created.private_data);
  // The config leaves deletion_policy to its default ("delete").
  Value planned = Plan(*r_, read.new_state, Config()).planned_state;
  EXPECT_EQ(planned.GetAttr("deletion_policy"), S("delete"));
  EXPECT_TRUE(planned.GetAttr("version").IsUnknown());
  EXPECT_TRUE(planned.GetAttr("status").IsUnknown());
  // No change: the prior values stay.
  Value same =
      Plan(*r_, created.new_state, Config(), created.new_state).planned_state;
  EXPECT_EQ(same, created.new_state);
}

TEST_F(EnvironmentLifecycleTest, GoneEnvironmentReadsAsNull) {
  auto created = Create(Config());
  fake_->envs.clear();
  auto read = Read(created.new_state, created.private_data);
  EXPECT_FALSE(read.diags.HasError());
  EXPECT_TRUE(read.new_state.IsNull());
}

TEST_F(EnvironmentLifecycleTest, PasswordChangedOutOfBandShowsADiff) {
  Value config =
      Config({{"database", Database(Server({{"admin_password", S("pw1")}}))}});
  auto created = Create(config);
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  EXPECT_EQ(Read(created.new_state, created.private_data).new_state,
            created.new_state);
  fake_->envs["shop/staging"]
      .spec.database->existing_server->admin_password_fingerprint = "other";
  auto read = Read(created.new_state, created.private_data);
  Value server = read.new_state.GetAttr("database").GetAttr("existing_server");
  EXPECT_TRUE(server.GetAttr("admin_password").IsNull());
  // The next apply sends the configured password again.
  auto updated = Update(read.new_state, config, read.private_data);
  ASSERT_FALSE(updated.diags.HasError()) << updated.diags.ToString();
  EXPECT_EQ(fake_->last_mask, std::vector<std::string>{"database"});
  EXPECT_EQ(fake_->last_spec.database->existing_server->admin_password, "pw1");
}

TEST_F(EnvironmentLifecycleTest,
       WriteOnlyPasswordIsSentOnlyWhenItsVersionMoves) {
  auto cfg = [&](int64_t version, const std::string& sslmode) {
    return Config(
        {{"database",
          Database(Server({{"admin_password_wo", S("secret-1")},
                           {"admin_password_wo_version", Value::Int(version)},
                           {"sslmode", S(sslmode)}}))}});
  };
  auto created = Create(cfg(1, "prefer"));
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  EXPECT_EQ(fake_->last_spec.database->existing_server->admin_password,
            "secret-1");
  Value server =
      created.new_state.GetAttr("database").GetAttr("existing_server");
  EXPECT_TRUE(server.GetAttr("admin_password_wo").IsNull());
  EXPECT_EQ(server.GetAttr("admin_password_wo_version"), Value::Int(1));

  auto same =
      Update(created.new_state, cfg(1, "require"), created.private_data);
  ASSERT_FALSE(same.diags.HasError()) << same.diags.ToString();
  EXPECT_EQ(fake_->last_spec.database->existing_server->admin_password, "");

  auto bumped = Update(same.new_state, cfg(2, "require"), same.private_data);
  ASSERT_FALSE(bumped.diags.HasError()) << bumped.diags.ToString();
  EXPECT_EQ(fake_->last_spec.database->existing_server->admin_password,
            "secret-1");
}

TEST_F(EnvironmentLifecycleTest, ManualApprovalWaitsThenApplies) {
  auto created = Create(Config());
  fake_->new_change_set_state = "pending_approval";
  model::ChangeSet applied;
  applied.state = "applied";
  fake_->scripted_change_sets = {applied};
  auto updated =
      Update(created.new_state, Config({{"deletion_policy", S("retain")}}),
             created.private_data);
  ASSERT_FALSE(updated.diags.HasError()) << updated.diags.ToString();
  EXPECT_EQ(updated.new_state.GetAttr("deletion_policy"), S("retain"));
  EXPECT_EQ(updated.new_state.GetAttr("version"), S("2"));
}

TEST_F(EnvironmentLifecycleTest, RejectedChangeKeepsThePriorState) {
  auto created = Create(Config());
  fake_->new_change_set_state = "pending_approval";
  model::ChangeSet rejected;
  rejected.state = "rejected";
  rejected.decided_by = "alice";
  rejected.reason = "not now";
  fake_->scripted_change_sets = {rejected};
  auto updated =
      Update(created.new_state, Config({{"deletion_policy", S("retain")}}),
             created.private_data);
  ASSERT_TRUE(updated.diags.HasError());
  EXPECT_EQ(updated.diags.items()[0].detail.rfind(
                "Change set cs-2 was rejected by alice: not now.", 0),
            0u)
      << updated.diags.items()[0].detail;
  EXPECT_TRUE(updated.new_state.IsNull());  // Terraform keeps the prior one
}

TEST_F(EnvironmentLifecycleTest, ImportThenReadGivesAFullState) {
  auto created = Create(Config({{"infra_approval", S("manual")}}));
  auto stub = testing::Import(*r_, "shop/staging");
  ASSERT_FALSE(stub.diags.HasError());
  auto read = Read(stub.state, stub.private_data);
  ASSERT_FALSE(read.diags.HasError()) << read.diags.ToString();
  ASSERT_TRUE(read.new_state.IsWhollyKnown());
  EXPECT_EQ(read.new_state, created.new_state);
}

TEST_F(EnvironmentLifecycleTest, DeleteWaitsAndUsesTheVersion) {
  auto created = Create(Config());
  framework::ApplyResponse resp;
  r_->Delete(framework::ApplyRequest{ctx_, created.new_state, Null(), Null(),
                                     created.private_data},
             resp);
  EXPECT_FALSE(resp.diags.HasError()) << resp.diags.ToString();
  EXPECT_EQ(fake_->last_expected_version, 1);
  EXPECT_TRUE(fake_->envs.empty());
}

TEST_F(EnvironmentLifecycleTest, NoClientIsAClearError) {
  framework::CallContext bare;
  framework::ApplyResponse resp;
  Value config = Config();
  Value planned = Planned(config);
  r_->Create(
      framework::ApplyRequest{bare, Null(), planned, config, no_private_},
      resp);
  ASSERT_TRUE(resp.diags.HasError());
  EXPECT_EQ(resp.diags.items()[0].summary, "Provider not configured");
}

// ---- failed applies (DESIGN §5): reconcile, and keep what the agent kept --

TEST_F(EnvironmentLifecycleTest, FailedStatusPlansAnUpdateThatReconciles) {
  auto created = Create(Config());
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  fake_->envs["shop/staging"].status =
      "failed: conflict: cache sessions: maxmemory changed";
  auto read = Read(created.new_state, created.private_data);
  ASSERT_EQ(read.new_state.GetAttr("status").AsString().rfind("failed", 0), 0u);

  // Nothing in the configuration changed, yet the plan is an update.
  Value planned =
      Plan(*r_, read.new_state, Config(), read.new_state).planned_state;
  EXPECT_TRUE(planned.GetAttr("status").IsUnknown());
  EXPECT_NE(planned, read.new_state);
  EXPECT_EQ(planned.GetAttr("infra_approval"), S("automatic"));

  fake_->calls.clear();
  framework::ApplyResponse resp;
  r_->Update(framework::ApplyRequest{ctx_, read.new_state, planned, Config(),
                                     read.private_data},
             resp);
  ASSERT_FALSE(resp.diags.HasError()) << resp.diags.ToString();
  EXPECT_EQ(fake_->calls, std::vector<std::string>{"ReconcileEnvironment"});
  EXPECT_EQ(resp.new_state.GetAttr("status"), S("ready"));
  EXPECT_EQ(resp.new_state.GetAttr("version"), S("1"));

  // Reconciled: the next plan is empty again.
  Value again =
      Plan(*r_, resp.new_state, Config(), resp.new_state).planned_state;
  EXPECT_EQ(again, resp.new_state);
}

TEST_F(EnvironmentLifecycleTest, UpdateFailedAfterRecordingKeepsTheNewState) {
  auto created = Create(Config());
  ASSERT_FALSE(created.diags.HasError()) << created.diags.ToString();
  fake_->fail_after_record["UpdateEnvironment"] = Status::FailedPrecondition(
      "conflict: cache sessions: maxmemory is 64mb, expected 32mb");
  auto updated =
      Update(created.new_state, Config({{"infra_approval", S("manual")}}),
             created.private_data);
  ASSERT_TRUE(updated.diags.HasError());
  EXPECT_EQ(updated.diags.items()[0].summary, "Ownership conflict");
  EXPECT_NE(updated.diags.items()[0].detail.find("force_conflicts"),
            std::string::npos);
  ASSERT_TRUE(updated.new_state.IsKnown());
  EXPECT_EQ(updated.new_state.GetAttr("version"), S("2"));
  EXPECT_EQ(updated.new_state.GetAttr("infra_approval"), S("manual"));
  EXPECT_EQ(updated.new_state.GetAttr("status").AsString().rfind("failed", 0),
            0u);

  // The next apply retries through ReconcileEnvironment, which fails again.
  fake_->fail_after_record["ReconcileEnvironment"] =
      Status::FailedPrecondition("apply failed: redis-server not reachable");
  Value config = Config({{"infra_approval", S("manual")}});
  Value planned =
      Plan(*r_, updated.new_state, config, updated.new_state).planned_state;
  ASSERT_TRUE(planned.GetAttr("status").IsUnknown());
  framework::ApplyResponse retry;
  r_->Update(framework::ApplyRequest{ctx_, updated.new_state, planned, config,
                                     updated.private_data},
             retry);
  ASSERT_TRUE(retry.diags.HasError());
  EXPECT_EQ(retry.diags.items()[0].summary, "Apply failed");
  ASSERT_TRUE(retry.new_state.IsKnown());
  EXPECT_EQ(retry.new_state.GetAttr("version"), S("2"));
}

TEST_F(EnvironmentLifecycleTest, CreateFailedAfterRecordingKeepsTheState) {
  fake_->fail_after_record["CreateEnvironment"] =
      Status::FailedPrecondition("apply failed: initdb exited with 1");
  auto created = Create(Config());
  ASSERT_TRUE(created.diags.HasError());
  EXPECT_EQ(created.diags.items()[0].summary, "Apply failed");
  ASSERT_TRUE(created.new_state.IsKnown());
  EXPECT_EQ(created.new_state.GetAttr("id"), S("shop/staging"));
  // Other failures leave no state.
  fake_->envs.clear();
  fake_->fail_next["CreateEnvironment"] =
      Status::FailedPrecondition("app shop has no model yet");
  auto refused = Create(Config());
  ASSERT_TRUE(refused.diags.HasError());
  EXPECT_EQ(refused.diags.items()[0].summary, "Not possible now");
  EXPECT_TRUE(refused.new_state.IsNull());
}

}  // namespace
}  // namespace encore::resources
