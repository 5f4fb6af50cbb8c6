// AgentService over a real SQLite store in a temp dir and a real SecretBox.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "agent/service/agent_service.h"

namespace encore::agent {
namespace {

using model::Actor;
using model::Role;

constexpr char kModel[] = R"json({
  "services": [
    {"name": "orders", "databases": ["orders"], "publishes": ["order-created"],
     "caches": ["sessions"], "buckets": ["receipts"], "secrets": ["StripeKey"]},
    {"name": "email"}
  ],
  "databases": [{"name": "orders"}],
  "topics": [{"name": "order-created", "delivery": "at-least-once"}],
  "subscriptions": [{"name": "send-email", "topic": "order-created", "service": "email",
     "ack_deadline": "30s", "retention": "7d", "max_retries": 5,
     "min_backoff": "10s", "max_backoff": "10m"}],
  "caches": [{"name": "sessions", "eviction_policy": "allkeys-lru"}],
  "cron_jobs": [{"name": "cleanup", "schedule": "0 4 * * *", "endpoint": "orders.Cleanup"}],
  "buckets": [{"name": "receipts", "public": false, "versioned": true}],
  "secrets": ["StripeKey"]
})json";

const Actor kAdmin{"root", Role::kAdmin};
const Actor kMember{"dev-bot", Role::kMember};
const Actor kViewer{"reader", Role::kViewer};

constexpr char kSecretValue[] = "sk_live_TOPSECRET_4242";
constexpr char kPassword[] = "pg-admin-PASSWORD-9876";

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/service_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenSqliteStore(dir_ + "/agent.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto box = SecretBox::OpenOrCreate(dir_ + "/agent.key");
    ASSERT_TRUE(box.ok()) << box.status().message();
    svc_ = std::make_unique<AgentService>(std::move(*store), std::move(*box),
                                          [this] { return ++now_; });
    auto app = svc_->CreateApp(kAdmin, {"shop", kModel, "", {}, 0});
    ASSERT_TRUE(app.ok()) << app.status().message();
  }
  void TearDown() override {
    svc_.reset();
    std::filesystem::remove_all(dir_);
  }

  static model::EnvironmentSpec Spec(const std::string& name,
                                     const std::string& type = "development",
                                     const std::string& cloud = "local") {
    model::EnvironmentSpec s;
    s.app = "shop";
    s.name = name;
    s.type = type;
    s.cloud = cloud;
    if (cloud == "aws") s.region = "eu-west-1";
    return s;
  }

  model::EnvironmentChange MustCreate(const model::EnvironmentSpec& s,
                                      const Actor& who = kAdmin) {
    auto r = svc_->CreateEnvironment(who, s);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : model::EnvironmentChange{};
  }

  model::Environment MustGet(const std::string& name) {
    auto e = svc_->GetEnvironment(kViewer, "shop", name);
    EXPECT_TRUE(e.ok()) << e.status().message();
    return e.ok() ? *e : model::Environment{};
  }

  std::vector<model::AuditEntry> Audit() {
    auto a = svc_->ListAudit(kViewer, 0, 1000);
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : std::vector<model::AuditEntry>{};
  }

  std::string dir_;
  int64_t now_ = 1000;
  std::unique_ptr<AgentService> svc_;
};

// ---- apps
// ------------------------------------------------------------------------

TEST_F(ServiceTest, AppCrudAndIdempotentCreate) {
  auto app = svc_->GetApp(kViewer, "shop");
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->version, 1);
  EXPECT_EQ(app->services, (std::vector<std::string>{"orders", "email"}));
  EXPECT_EQ(app->model_hash.size(), 64u);
  // Same model, other whitespace: returns it.
  std::string spaced = std::string(kModel) + "\n  ";
  auto again = svc_->CreateApp(kMember, {"shop", spaced, "", {}, 0});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->version, 1);
  auto other = svc_->CreateApp(kMember, {"shop", "{}", "", {}, 0});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(other.status().message(),
            "app shop exists already; import it with: terraform import "
            "encore_app.NAME shop");
  auto bad =
      svc_->CreateApp(kMember, {"other", "{\"services\": 3}", "", {}, 0});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  auto bad_name = svc_->CreateApp(kMember, {"X", "{}", "", {}, 0});
  EXPECT_EQ(bad_name.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      svc_->CreateApp(kViewer, {"other", "{}", "", {}, 0}).status().code(),
      StatusCode::kPermissionDenied);
  // Update with no change: no version bump.
  auto same =
      svc_->UpdateApp(kMember, {"shop", kModel, "", {}, 0}, 1, {"model"});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->version, 1);
  auto stale = svc_->UpdateApp(kMember, {"shop", "{}", "", {}, 0}, 7, {});
  EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(),
            "app shop changed since your plan (version 7, now 1); re-run "
            "terraform plan");
  auto list = svc_->ListApps(kViewer);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
  EXPECT_TRUE(svc_->DeleteApp(kMember, "shop", 1).ok());
  EXPECT_EQ(svc_->GetApp(kViewer, "shop").status().code(),
            StatusCode::kNotFound);
}

TEST_F(ServiceTest, DeleteAppWithEnvironmentsNamesThem) {
  MustCreate(Spec("dev"));
  MustCreate(Spec("staging"));
  Status s = svc_->DeleteApp(kAdmin, "shop", 1);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "app shop still has environments \"dev\" and \"staging\"; delete "
            "them first");
}

// ---- environments
// -----------------------------------------------------------------

TEST_F(ServiceTest, EnvironmentLifecycle) {
  auto created = MustCreate(Spec("dev"), kMember);
  EXPECT_EQ(created.environment.version, 1);
  EXPECT_EQ(created.environment.status, "planned");
  EXPECT_EQ(created.environment.url, "http://127.0.0.1:4000");
  EXPECT_EQ(created.change_set.state, "applied");
  EXPECT_EQ(created.change_set.id, "cs-1");
  EXPECT_TRUE(created.change_set.changes_infrastructure);
  EXPECT_FALSE(created.environment.infrastructure.empty());
  for (const auto& op : created.change_set.operations) {
    EXPECT_EQ(op.action, "create");
  }
  auto got = MustGet("dev");
  EXPECT_EQ(got.spec, created.environment.spec);
  EXPECT_EQ(got.infrastructure, created.environment.infrastructure);

  // Update: deploy only, no infrastructure change.
  auto spec = Spec("dev");
  spec.deploy = model::DeploySpec{"branch", "main"};
  auto up = svc_->UpdateEnvironment(kMember, spec, 1, {"deploy"});
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(up->environment.version, 2);
  EXPECT_EQ(up->environment.url, "http://127.0.0.1:4000");
  EXPECT_EQ(up->change_set.state, "applied");
  EXPECT_FALSE(up->change_set.changes_infrastructure);
  EXPECT_EQ(up->change_set.summary, "update: deploy");

  // The same update again: nothing changes, no audit row.
  size_t audit_rows = Audit().size();
  auto same = svc_->UpdateEnvironment(kMember, spec, 2, {"deploy"});
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_EQ(same->environment.version, 2);
  EXPECT_EQ(Audit().size(), audit_rows);

  // Stale version.
  spec.deploy = model::DeploySpec{"manual", ""};
  auto stale = svc_->UpdateEnvironment(kMember, spec, 1, {"deploy"});
  EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(),
            "environment shop/dev changed since your plan (version 1, now 2); "
            "re-run terraform plan");
  EXPECT_EQ(MustGet("dev").spec.deploy->trigger, "branch");

  // Immutable fields.
  auto moved = Spec("dev", "development", "encore");
  auto bad = svc_->UpdateEnvironment(kMember, moved, 2, {});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  auto bad_mask = svc_->UpdateEnvironment(kMember, Spec("dev"), 2, {"cloud"});
  EXPECT_EQ(bad_mask.status().code(), StatusCode::kInvalidArgument);

  // Delete: stale, then real.
  EXPECT_EQ(svc_->DeleteEnvironment(kMember, "shop", "dev", 1).status().code(),
            StatusCode::kAborted);
  auto del = svc_->DeleteEnvironment(kMember, "shop", "dev", 2);
  ASSERT_TRUE(del.ok()) << del.status().message();
  EXPECT_EQ(del->change_set.state, "applied");
  EXPECT_EQ(del->change_set.summary, "delete environment");
  EXPECT_EQ(svc_->GetEnvironment(kViewer, "shop", "dev").status().code(),
            StatusCode::kNotFound);

  // Audit has create, update, delete with the token name as actor.
  std::vector<std::string> actions;
  for (const auto& e : Audit()) {
    if (e.target == "shop/dev") {
      actions.push_back(e.action);
      EXPECT_EQ(e.actor, "dev-bot");
    }
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"environment.create",
                                               "environment.update",
                                               "environment.delete"}));
}

TEST_F(ServiceTest, IdempotentCreateAndImportHint) {
  auto first = MustCreate(Spec("dev"));
  auto again = svc_->CreateEnvironment(kAdmin, Spec("dev"));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->environment.version, 1);
  EXPECT_EQ(again->change_set.id, first.change_set.id);
  auto other = Spec("dev");
  other.deletion_policy = "retain";
  auto clash = svc_->CreateEnvironment(kAdmin, other);
  EXPECT_EQ(clash.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(clash.status().message(),
            "environment shop/dev exists already; import it with: terraform "
            "import encore_environment.NAME shop/dev");
}

TEST_F(ServiceTest, ValidationAndPlanErrors) {
  auto no_app = Spec("dev");
  no_app.app = "nope";
  EXPECT_EQ(svc_->CreateEnvironment(kAdmin, no_app).status().code(),
            StatusCode::kNotFound);
  auto bad = Spec("dev");
  bad.type = "prod";
  EXPECT_EQ(svc_->CreateEnvironment(kAdmin, bad).status().code(),
            StatusCode::kInvalidArgument);
  auto groups = Spec("dev");
  groups.process_groups = {{"api", {"orders"}}};
  auto r = svc_->CreateEnvironment(kAdmin, groups);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "environment shop/dev: service \"email\" is in no process_group; "
            "add it to exactly one group");
  auto adopt = Spec("dev");
  adopt.adopt = {{"cache", "ghost", "observe"}};
  EXPECT_EQ(svc_->CreateEnvironment(kAdmin, adopt).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ServiceTest, CloudEnvironmentsArePlanOnlyWithoutUrl) {
  auto c = MustCreate(Spec("prod", "production", "aws"));
  EXPECT_EQ(c.environment.status, "plan_only");
  EXPECT_EQ(c.environment.url, "");
  for (const auto& op : c.change_set.operations) {
    EXPECT_EQ(op.note,
              "aws driver is plan-only: it lists the API calls it would make "
              "and never executes them");
  }
  for (const auto& i : c.environment.infrastructure) {
    EXPECT_EQ(i.status, "plan_only");
  }
}

TEST_F(ServiceTest, UrlPortsAllocatedLowestFreeAndReused) {
  EXPECT_EQ(MustCreate(Spec("a")).environment.url, "http://127.0.0.1:4000");
  // Hosted environments count from 5000, so 4000 stays a local one's.
  EXPECT_EQ(MustCreate(Spec("b", "development", "encore")).environment.url,
            "http://127.0.0.1:5000");
  EXPECT_EQ(MustCreate(Spec("c")).environment.url, "http://127.0.0.1:4001");
  EXPECT_EQ(MustCreate(Spec("b2", "development", "encore")).environment.url,
            "http://127.0.0.1:5001");
  ASSERT_TRUE(svc_->DeleteEnvironment(kAdmin, "shop", "a", 1).ok());
  EXPECT_EQ(MustCreate(Spec("d")).environment.url, "http://127.0.0.1:4000");
  EXPECT_EQ(MustCreate(Spec("e")).environment.url, "http://127.0.0.1:4002");
}

// ---- roles
// ---------------------------------------------------------------------------

TEST_F(ServiceTest, RolesOnEnvironments) {
  auto v = svc_->CreateEnvironment(kViewer, Spec("dev"));
  EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(v.status().message(),
            "role viewer may not change environment shop/dev; use a member or "
            "admin token");
  auto m = svc_->CreateEnvironment(kMember, Spec("prod", "production"));
  EXPECT_EQ(m.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(m.status().message(),
            "role member may not change production environment shop/prod; use "
            "an admin token");
  MustCreate(Spec("prod", "production"), kAdmin);
  auto spec = Spec("prod", "production");
  spec.deletion_policy = "delete";
  EXPECT_EQ(svc_->UpdateEnvironment(kMember, spec, 1, {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->DeleteEnvironment(kMember, "shop", "prod", 1).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(svc_->GetEnvironment(kViewer, "shop", "prod").ok());
  EXPECT_TRUE(svc_->UpdateEnvironment(kAdmin, spec, 1, {}).ok());
  EXPECT_EQ(svc_->CreateToken(kMember, "ci", Role::kMember).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->ListTokens(kMember).status().code(),
            StatusCode::kPermissionDenied);
}

// ---- manual approval
// -------------------------------------------------------------------

TEST_F(ServiceTest, ManualApprovalCreateWaitsThenApproveApplies) {
  auto spec = Spec("dev");
  spec.infra_approval = "manual";
  auto c = MustCreate(spec, kMember);
  EXPECT_EQ(c.change_set.state, "pending_approval");
  EXPECT_EQ(c.environment.status, "pending_approval");
  EXPECT_EQ(c.environment.version, 0);
  EXPECT_EQ(c.environment.pending_change_set, c.change_set.id);
  EXPECT_EQ(svc_->GetEnvironment(kViewer, "shop", "dev").status().code(),
            StatusCode::kNotFound);
  // A retry waits on the same change set.
  auto retry = MustCreate(spec, kMember);
  EXPECT_EQ(retry.change_set.id, c.change_set.id);
  // Only admin approves.
  auto denied = svc_->ApproveChangeSet(kMember, c.change_set.id);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  auto ok = svc_->ApproveChangeSet(kAdmin, c.change_set.id);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->state, "applied");
  EXPECT_EQ(ok->decided_by, "root");
  auto env = MustGet("dev");
  EXPECT_EQ(env.version, 1);
  EXPECT_EQ(env.status, "planned");
  EXPECT_EQ(env.url, "http://127.0.0.1:4000");
  EXPECT_EQ(env.pending_change_set, "");
  // Approving twice is refused.
  EXPECT_EQ(svc_->ApproveChangeSet(kAdmin, c.change_set.id).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(ServiceTest, ManualApprovalUpdateRejectSupersedeExpire) {
  auto spec = Spec("dev");
  spec.infra_approval = "manual";
  auto c = MustCreate(spec);
  ASSERT_TRUE(svc_->ApproveChangeSet(kAdmin, c.change_set.id).ok());
  const auto before = MustGet("dev");

  // A change that does not touch infrastructure applies at once.
  auto deploy = spec;
  deploy.deploy = model::DeploySpec{"manual", ""};
  auto d = svc_->UpdateEnvironment(kMember, deploy, 1, {"deploy"});
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->change_set.state, "applied");
  EXPECT_EQ(d->environment.version, 2);

  // per_service changes infrastructure: waits.
  auto per = deploy;
  per.process_allocation = "per_service";
  auto p1 = svc_->UpdateEnvironment(kMember, per, 2, {"process_allocation"});
  ASSERT_TRUE(p1.ok()) << p1.status().message();
  EXPECT_EQ(p1->change_set.state, "pending_approval");
  EXPECT_EQ(p1->environment.version, 2);
  EXPECT_EQ(MustGet("dev").status, "pending_approval");
  EXPECT_EQ(MustGet("dev").pending_change_set, p1->change_set.id);
  EXPECT_EQ(MustGet("dev").spec.process_allocation, "");

  // Identical retry: same change set.
  auto retry = svc_->UpdateEnvironment(kMember, per, 2, {"process_allocation"});
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->change_set.id, p1->change_set.id);

  // Reject: kept, environment as it was.
  auto rej = svc_->RejectChangeSet(kAdmin, p1->change_set.id, "not now");
  ASSERT_TRUE(rej.ok()) << rej.status().message();
  EXPECT_EQ(rej->state, "rejected");
  EXPECT_EQ(rej->reason, "not now");
  auto after_reject = MustGet("dev");
  EXPECT_EQ(after_reject.version, 2);
  EXPECT_EQ(after_reject.status, "planned");
  EXPECT_EQ(after_reject.pending_change_set, "");
  EXPECT_EQ(after_reject.infrastructure, before.infrastructure);
  EXPECT_EQ(svc_->GetChangeSet(kViewer, p1->change_set.id)->state, "rejected");

  // A different change supersedes a pending one.
  auto p2 = svc_->UpdateEnvironment(kMember, per, 2, {"process_allocation"});
  ASSERT_TRUE(p2.ok());
  EXPECT_NE(p2->change_set.id, p1->change_set.id);
  auto groups = deploy;
  groups.process_groups = {
      {"all", {"orders", "email"}},
  };
  groups.deletion_policy = "delete";
  auto p3 = svc_->UpdateEnvironment(kMember, groups, 2, {});
  ASSERT_TRUE(p3.ok()) << p3.status().message();
  EXPECT_EQ(p3->change_set.state, "pending_approval");
  auto superseded = svc_->GetChangeSet(kViewer, p2->change_set.id);
  EXPECT_EQ(superseded->state, "superseded");
  EXPECT_EQ(superseded->reason, "superseded by " + p3->change_set.id);
  EXPECT_EQ(MustGet("dev").pending_change_set, p3->change_set.id);

  // A write that does not change infrastructure still supersedes it.
  auto deploy2 = deploy;
  deploy2.deploy = model::DeploySpec{"branch", "main"};
  auto d2 = svc_->UpdateEnvironment(kMember, deploy2, 2, {"deploy"});
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->change_set.state, "applied");
  EXPECT_EQ(d2->environment.version, 3);
  EXPECT_EQ(svc_->GetChangeSet(kViewer, p3->change_set.id)->state,
            "superseded");
  EXPECT_EQ(MustGet("dev").pending_change_set, "");
  EXPECT_EQ(MustGet("dev").status, "planned");
}

TEST_F(ServiceTest, ApproveAfterConcurrentChangeExpires) {
  auto spec = Spec("dev");
  spec.infra_approval = "manual";
  auto c = MustCreate(spec);
  ASSERT_TRUE(svc_->ApproveChangeSet(kAdmin, c.change_set.id).ok());
  auto per = spec;
  per.process_allocation = "per_service";
  auto pending = svc_->UpdateEnvironment(kMember, per, 1, {});
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->change_set.state, "pending_approval");
  // The app's model changes in a way that leaves this environment's
  // infrastructure alone: the change set stays pending, but it was planned
  // on the old model, so approving it expires it.
  std::string model2 = kModel;
  model2.replace(model2.find("\"secrets\": [\"StripeKey\"]\n}"),
                 std::string("\"secrets\": [\"StripeKey\"]\n}").size(),
                 "\"secrets\": [\"StripeKey\", \"Other\"]\n}");
  auto up = svc_->UpdateApp(kMember, {"shop", model2, "", {}, 0}, 1, {});
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(MustGet("dev").pending_change_set, pending->change_set.id);
  auto approve = svc_->ApproveChangeSet(kAdmin, pending->change_set.id);
  EXPECT_EQ(approve.status().code(), StatusCode::kAborted);
  EXPECT_NE(approve.status().message().find("expired"), std::string::npos);
  auto cs = svc_->GetChangeSet(kViewer, pending->change_set.id);
  EXPECT_EQ(cs->state, "expired");
  EXPECT_NE(cs->reason.find("model of app shop changed"), std::string::npos)
      << cs->reason;
  EXPECT_EQ(cs->decided_by, "root");
  auto env = MustGet("dev");
  EXPECT_EQ(env.pending_change_set, "");
  EXPECT_EQ(env.status, "planned");
  EXPECT_EQ(env.version, 1);
  EXPECT_EQ(env.spec.process_allocation, "");
}

TEST_F(ServiceTest, ManualApprovalOfAnOverride) {
  auto spec = Spec("dev");
  spec.infra_approval = "manual";
  auto c = MustCreate(spec);
  ASSERT_TRUE(svc_->ApproveChangeSet(kAdmin, c.change_set.id).ok());
  model::InfraOverride o{
      "shop", "dev", "cache", "sessions", {{"max_memory", "256mb"}}, 0};
  auto put = svc_->PutInfraOverride(kMember, o, 0);
  ASSERT_TRUE(put.ok()) << put.status().message();
  ASSERT_EQ(put->change_set.state, "pending_approval");
  EXPECT_EQ(put->override_record.version, 0);
  EXPECT_EQ(svc_->GetInfraOverride(kViewer, "shop", "dev", "cache", "sessions")
                .status()
                .code(),
            StatusCode::kNotFound);
  auto ok = svc_->ApproveChangeSet(kAdmin, put->change_set.id);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  auto stored =
      svc_->GetInfraOverride(kViewer, "shop", "dev", "cache", "sessions");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version, 1);
  auto env = MustGet("dev");
  bool found = false;
  for (const auto& i : env.infrastructure) {
    if (i.kind == "cache") {
      EXPECT_EQ(i.attributes.at("maxmemory"), "256mb");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(env.version, 1);  // an override does not change the env version
}

// ---- overrides
// -------------------------------------------------------------------------

TEST_F(ServiceTest, OverridesReplanTheirEnvironment) {
  MustCreate(Spec("dev"));
  model::InfraOverride o{
      "shop", "dev", "cache", "sessions", {{"max_memory", "256mb"}}, 0};
  auto put = svc_->PutInfraOverride(kMember, o, 0);
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(put->override_record.version, 1);
  EXPECT_EQ(put->change_set.state, "applied");
  int updates = 0;
  for (const auto& op : put->change_set.operations) {
    if (op.action == "no-op") continue;
    ++updates;
    EXPECT_EQ(op.action, "update");
    EXPECT_EQ(op.calls, std::vector<std::string>{"CONFIG SET maxmemory 256mb"});
  }
  EXPECT_EQ(updates, 1);
  // Idempotent create; different values need the version.
  auto again = svc_->PutInfraOverride(kMember, o, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->override_record.version, 1);
  o.settings["max_memory"] = "512mb";
  EXPECT_EQ(svc_->PutInfraOverride(kMember, o, 0).status().code(),
            StatusCode::kAlreadyExists);
  auto up = svc_->PutInfraOverride(kMember, o, 1);
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(up->override_record.version, 2);
  // Unknown key and unknown resource.
  model::InfraOverride bad{"shop",     "dev",           "cache",
                           "sessions", {{"size", "1"}}, 0};
  auto r = svc_->PutInfraOverride(kAdmin, bad, 2);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  model::InfraOverride ghost{
      "shop", "dev", "cache", "ghost", {{"max_memory", "1mb"}}, 0};
  EXPECT_EQ(svc_->PutInfraOverride(kAdmin, ghost, 0).status().code(),
            StatusCode::kInvalidArgument);
  // Delete re-plans back.
  auto del =
      svc_->DeleteInfraOverride(kMember, "shop", "dev", "cache", "sessions", 2);
  ASSERT_TRUE(del.ok()) << del.status().message();
  bool saw = false;
  for (const auto& op : del->change_set.operations) {
    if (op.kind == "cache") {
      EXPECT_EQ(op.calls, std::vector<std::string>{"CONFIG SET maxmemory 0"});
      saw = true;
    }
  }
  EXPECT_TRUE(saw);
  // Overrides of a missing environment.
  model::InfraOverride nowhere{"shop", "qa", "cache", "sessions", {}, 0};
  EXPECT_EQ(svc_->PutInfraOverride(kAdmin, nowhere, 0).status().code(),
            StatusCode::kFailedPrecondition);
}

// ---- model changes
// ----------------------------------------------------------------------

TEST_F(ServiceTest, ModelChangeReplansEveryEnvironment) {
  MustCreate(Spec("dev"));
  MustCreate(Spec("qa"));
  std::string model2 = kModel;
  model2.replace(model2.find("\"ack_deadline\": \"30s\""),
                 std::string("\"ack_deadline\": \"30s\"").size(),
                 "\"ack_deadline\": \"1m\"");
  auto up = svc_->UpdateApp(kMember, {"shop", model2, "", {}, 0}, 1, {"model"});
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(up->version, 2);
  for (const char* env : {"dev", "qa"}) {
    auto list = svc_->ListChangeSets(kViewer, {"shop", env, ""});
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u) << env;
    const auto& cs = list->front();
    EXPECT_EQ(cs.summary, "re-plan: app model changed");
    EXPECT_EQ(cs.state, "applied");
    bool saw = false;
    for (const auto& op : cs.operations) {
      if (op.kind == "pubsub_subscription") {
        EXPECT_EQ(op.action, "update");
        EXPECT_EQ(op.calls,
                  std::vector<std::string>{
                      "JetStream CONSUMER.UPDATE order-created send-email "
                      "{ack_wait: 1m}"});
        saw = true;
      }
    }
    EXPECT_TRUE(saw);
    auto e = MustGet(env);
    EXPECT_EQ(e.version, 1);
    for (const auto& i : e.infrastructure) {
      if (i.kind == "pubsub_subscription") {
        EXPECT_EQ(i.attributes.at("ack_wait"), "1m");
      }
    }
  }
  // A model that breaks an environment's plan is refused as a whole.
  auto groups = Spec("grp");
  groups.process_groups = {{"all", {"orders", "email"}}};
  MustCreate(groups);
  std::string model3 = model2;
  model3.replace(model3.find("{\"name\": \"email\"}"),
                 std::string("{\"name\": \"email\"}").size(),
                 "{\"name\": \"email\"}, {\"name\": \"billing\"}");
  auto broken =
      svc_->UpdateApp(kMember, {"shop", model3, "", {}, 0}, 2, {"model"});
  EXPECT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(broken.status().message().find(
                "environment shop/grp: service \"billing\" is in no "
                "process_group"),
            std::string::npos)
      << broken.status().message();
  EXPECT_EQ(svc_->GetApp(kViewer, "shop")->version, 2);
}

TEST_F(ServiceTest, ModelChangeOnManualEnvironmentWaits) {
  auto spec = Spec("dev");
  spec.infra_approval = "manual";
  auto c = MustCreate(spec);
  ASSERT_TRUE(svc_->ApproveChangeSet(kAdmin, c.change_set.id).ok());
  std::string model2 = kModel;
  model2.replace(model2.find("\"max_retries\": 5"),
                 std::string("\"max_retries\": 5").size(),
                 "\"max_retries\": 9");
  ASSERT_TRUE(
      svc_->UpdateApp(kMember, {"shop", model2, "", {}, 0}, 1, {}).ok());
  auto env = MustGet("dev");
  EXPECT_EQ(env.status, "pending_approval");
  ASSERT_FALSE(env.pending_change_set.empty());
  auto ok = svc_->ApproveChangeSet(kAdmin, env.pending_change_set);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  for (const auto& i : MustGet("dev").infrastructure) {
    if (i.kind == "pubsub_subscription") {
      EXPECT_EQ(i.attributes.at("max_deliver"), "10");
    }
  }
}

// ---- secrets
// -------------------------------------------------------------------------------

TEST_F(ServiceTest, SecretsFingerprintsRolesAndReveal) {
  MustCreate(Spec("prod", "production"));
  model::Secret s;
  s.app = "shop";
  s.name = "StripeKey";
  s.values = {{"development", kSecretValue}, {"env:dev2", "other-value"}};
  auto put = svc_->PutSecret(kMember, s, 0);
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(put->version, 1);
  EXPECT_TRUE(put->values.empty());
  ASSERT_EQ(put->fingerprints.size(), 2u);
  EXPECT_EQ(put->fingerprints.at("development").rfind("hmac-sha256:", 0), 0u);
  auto got = svc_->GetSecret(kViewer, "shop", "StripeKey");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->fingerprints, put->fingerprints);
  EXPECT_TRUE(got->values.empty());
  // Same values again: idempotent; a changed value needs the version.
  EXPECT_EQ(svc_->PutSecret(kMember, s, 0)->version, 1);
  s.values["development"] = "changed";
  EXPECT_EQ(svc_->PutSecret(kMember, s, 0).status().code(),
            StatusCode::kAlreadyExists);
  auto up = svc_->PutSecret(kMember, s, 1);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->version, 2);
  EXPECT_NE(up->fingerprints.at("development"),
            put->fingerprints.at("development"));
  // Production keys need admin: "production" and env:<production env>.
  s.values["production"] = kSecretValue;
  auto denied = svc_->PutSecret(kMember, s, 2);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  s.values.erase("production");
  s.values["env:prod"] = kSecretValue;
  EXPECT_EQ(svc_->PutSecret(kMember, s, 2).status().code(),
            StatusCode::kPermissionDenied);
  auto admin = svc_->PutSecret(kAdmin, s, 2);
  ASSERT_TRUE(admin.ok()) << admin.status().message();
  // Removing a production value is a production write too.
  s.values.erase("env:prod");
  EXPECT_EQ(svc_->PutSecret(kMember, s, 3).status().code(),
            StatusCode::kPermissionDenied);
  // Bad key.
  model::Secret bad = s;
  bad.values = {{"prod", kSecretValue}};
  auto badr = svc_->PutSecret(kAdmin, bad, 3);
  EXPECT_EQ(badr.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(badr.status().message().find(kSecretValue), std::string::npos);
  // Reveal: admin only, audited without values.
  EXPECT_EQ(svc_->RevealSecret(kMember, "shop", "StripeKey").status().code(),
            StatusCode::kPermissionDenied);
  auto revealed = svc_->RevealSecret(kAdmin, "shop", "StripeKey");
  ASSERT_TRUE(revealed.ok()) << revealed.status().message();
  EXPECT_EQ(revealed->at("env:prod"), kSecretValue);
  EXPECT_EQ(revealed->at("development"), "changed");
  bool reveal_audited = false;
  for (const auto& e : Audit()) {
    if (e.action == "secret.reveal") reveal_audited = true;
  }
  EXPECT_TRUE(reveal_audited);
  // Delete (production keys: admin).
  EXPECT_EQ(svc_->DeleteSecret(kMember, "shop", "StripeKey", 3).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->DeleteSecret(kAdmin, "shop", "StripeKey", 2).code(),
            StatusCode::kAborted);
  EXPECT_TRUE(svc_->DeleteSecret(kAdmin, "shop", "StripeKey", 3).ok());
  EXPECT_EQ(svc_->GetSecret(kViewer, "shop", "StripeKey").status().code(),
            StatusCode::kNotFound);
}

TEST_F(ServiceTest, SecretValuesNeverInAuditOrOnDiskInClear) {
  model::Secret s;
  s.app = "shop";
  s.name = "StripeKey";
  s.values = {{"development", kSecretValue}};
  ASSERT_TRUE(svc_->PutSecret(kAdmin, s, 0).ok());
  auto spec = Spec("dev");
  spec.database = model::DatabaseSpec{
      "postgres", "",
      model::ExistingServer{"db.internal", 5432, "admin", kPassword,
                            std::nullopt, "require", ""}};
  auto c = MustCreate(spec);
  const auto& es = *c.environment.spec.database->existing_server;
  EXPECT_EQ(es.admin_password, "");
  EXPECT_EQ(es.admin_password_fingerprint.rfind("hmac-sha256:", 0), 0u);
  // An update that sends no password keeps the stored one.
  auto no_pw = spec;
  no_pw.database->existing_server->admin_password = "";
  no_pw.database->existing_server->sslmode = "verify-full";
  auto up = svc_->UpdateEnvironment(kAdmin, no_pw, 1, {"database"});
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(up->environment.spec.database->existing_server
                ->admin_password_fingerprint,
            es.admin_password_fingerprint);
  EXPECT_EQ(up->change_set.summary, "update: database");
  // Same password again: no change at all.
  auto same = spec;
  same.database->existing_server->sslmode = "verify-full";
  auto r = svc_->UpdateEnvironment(kAdmin, same, 2, {"database"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->environment.version, 2);
  // A new password: a change, named without its value.
  same.database->existing_server->admin_password = "a-new-password-555";
  auto changed = svc_->UpdateEnvironment(kAdmin, same, 2, {"database"});
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->environment.version, 3);
  EXPECT_EQ(changed->change_set.summary,
            "update: database.existing_server.admin_password");
  svc_->RevealSecret(kAdmin, "shop", "StripeKey").ok();

  for (const auto& e : Audit()) {
    EXPECT_EQ(e.details.find(kSecretValue), std::string::npos) << e.details;
    EXPECT_EQ(e.details.find(kPassword), std::string::npos) << e.details;
    EXPECT_EQ(e.details.find("a-new-password-555"), std::string::npos);
  }
  // Nothing in the data dir holds a clear value.
  svc_.reset();
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir_)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string bytes = buf.str();
    EXPECT_EQ(bytes.find(kSecretValue), std::string::npos) << f.path();
    EXPECT_EQ(bytes.find(kPassword), std::string::npos) << f.path();
    EXPECT_EQ(bytes.find("a-new-password-555"), std::string::npos) << f.path();
  }
}

// ---- primary environment
// -------------------------------------------------------------------

TEST_F(ServiceTest, PrimaryEnvironment) {
  auto missing = svc_->SetPrimaryEnvironment(kMember, {"shop", "dev", 0}, 0);
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  MustCreate(Spec("dev"));
  MustCreate(Spec("qa"));
  auto p = svc_->SetPrimaryEnvironment(kMember, {"shop", "dev", 0}, 0);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->version, 1);
  EXPECT_EQ(
      svc_->SetPrimaryEnvironment(kMember, {"shop", "dev", 0}, 0)->version, 1);
  EXPECT_EQ(svc_->SetPrimaryEnvironment(kMember, {"shop", "qa", 0}, 0)
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  auto moved = svc_->SetPrimaryEnvironment(kMember, {"shop", "qa", 0}, 1);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->version, 2);
  EXPECT_EQ(svc_->GetPrimaryEnvironment(kViewer, "shop")->environment, "qa");
  EXPECT_EQ(svc_->DeletePrimaryEnvironment(kMember, "shop", 1).code(),
            StatusCode::kAborted);
  EXPECT_TRUE(svc_->DeletePrimaryEnvironment(kMember, "shop", 2).ok());
}

// ---- tokens
// --------------------------------------------------------------------------------

TEST_F(ServiceTest, TokensBootstrapCreateAuthenticateRevoke) {
  auto boot = svc_->BootstrapAdminToken();
  ASSERT_TRUE(boot.ok());
  ASSERT_FALSE(boot->empty());
  EXPECT_EQ(*svc_->BootstrapAdminToken(), "");  // idempotent
  auto admin = svc_->Authenticate(*boot);
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->name, "admin");
  EXPECT_EQ(admin->role, Role::kAdmin);
  auto ci = svc_->CreateToken(*admin, "ci", Role::kMember);
  ASSERT_TRUE(ci.ok()) << ci.status().message();
  EXPECT_EQ(svc_->Authenticate(ci->secret)->role, Role::kMember);
  EXPECT_EQ(svc_->CreateToken(*admin, "ci", Role::kViewer).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(
      svc_->CreateToken(*admin, "Bad Name", Role::kViewer).status().code(),
      StatusCode::kInvalidArgument);
  auto list = svc_->ListTokens(*admin);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  ASSERT_TRUE(svc_->RevokeToken(*admin, "ci").ok());
  auto gone = svc_->Authenticate(ci->secret);
  EXPECT_EQ(gone.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(svc_->Authenticate("enc_nonsense").status().code(),
            StatusCode::kUnauthenticated);
  for (const auto& e : Audit()) {
    EXPECT_EQ(e.details.find(ci->secret), std::string::npos);
    EXPECT_EQ(e.details.find(*boot), std::string::npos);
  }
}

TEST_F(ServiceTest, AuditChainVerifies) {
  MustCreate(Spec("dev"));
  auto v = svc_->VerifyAudit(kViewer);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_GE(v->entries, 2);
  EXPECT_EQ(*svc_->CountEnvironments(), 1);
}

}  // namespace
}  // namespace encore::agent
