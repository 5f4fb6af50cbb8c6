#include "agent/api/convert.h"

#include <gtest/gtest.h>

namespace encore::agent {
namespace {

template <typename Proto, typename T>
T RoundTrip(const T& in) {
  Proto p;
  ToProto(in, &p);
  // Through the wire form too: what the other side sees.
  Proto back;
  EXPECT_TRUE(back.ParseFromString(p.SerializeAsString()));
  return FromProto(back);
}

model::EnvironmentSpec FullSpec() {
  model::EnvironmentSpec s;
  s.app = "shop";
  s.name = "prod";
  s.type = "production";
  s.cloud = "aws";
  s.region = "eu-west-1";
  s.deploy = model::DeploySpec{"branch", "main"};
  s.infra_approval = "manual";
  s.process_allocation = "";
  s.process_groups = {{"web", {"api", "frontend"}}, {"jobs", {"worker"}}};
  s.compute = model::ComputeSpec{
      "kubernetes", model::KubernetesSpec{"eks", "existing", "main-cluster"}};
  model::ExistingServer srv;
  srv.host = "db.internal";
  srv.port = 6543;
  srv.admin_user = "root";
  srv.admin_password = "p4ss";
  srv.admin_password_wo_version = 3;
  srv.sslmode = "require";
  srv.admin_password_fingerprint = "hmac-sha256:00ff";
  s.database = model::DatabaseSpec{"postgres", "staging", srv};
  s.adopt = {{"cache", "sessions", "observe"}, {"bucket", "media", "manage"}};
  s.deletion_policy = "retain";
  return s;
}

model::ChangeSet FullChangeSet() {
  model::ChangeSet cs;
  cs.id = "cs-7";
  cs.app = "shop";
  cs.environment = "prod";
  cs.state = "pending_approval";
  cs.summary = "update: deploy";
  cs.base_version = 4;
  cs.operations = {
      {"create", "sql_database", "orders", {"CREATE DATABASE orders"}, ""},
      {"no-op", "cache", "sessions", {}, "aws: plan only"}};
  cs.changes_infrastructure = true;
  cs.created_by = "ci";
  cs.decided_by = "admin";
  cs.reason = "not now";
  cs.created_at_ms = 1700000000000;
  cs.decided_at_ms = 1700000001000;
  return cs;
}

void ExpectSameChangeSet(const model::ChangeSet& a, const model::ChangeSet& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.app, b.app);
  EXPECT_EQ(a.environment, b.environment);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.base_version, b.base_version);
  EXPECT_EQ(a.operations, b.operations);
  EXPECT_EQ(a.changes_infrastructure, b.changes_infrastructure);
  EXPECT_EQ(a.created_by, b.created_by);
  EXPECT_EQ(a.decided_by, b.decided_by);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.created_at_ms, b.created_at_ms);
  EXPECT_EQ(a.decided_at_ms, b.decided_at_ms);
}

model::Environment FullEnvironment() {
  model::Environment e;
  e.spec = FullSpec();
  e.version = 9;
  e.status = "plan_only";
  e.url = "http://127.0.0.1:4000";
  e.infrastructure = {{"cache",
                       "sessions",
                       "redis:local/sessions",
                       "encore-agent",
                       "planned",
                       {"CONFIG SET maxmemory 64mb"},
                       {{"maxmemory-policy", "allkeys-lru"}}}};
  e.pending_change_set = "cs-7";
  e.drift = {{"cache", "sessions", "maxmemory", "64mb", "128mb", "foreign"}};
  return e;
}

void ExpectSameEnvironment(const model::Environment& a,
                           const model::Environment& b) {
  EXPECT_EQ(a.spec, b.spec);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.url, b.url);
  EXPECT_EQ(a.infrastructure, b.infrastructure);
  EXPECT_EQ(a.pending_change_set, b.pending_change_set);
  EXPECT_EQ(a.drift, b.drift);
}

TEST(ConvertTest, AppRoundTrips) {
  model::App app{"shop", R"({"services":[]})", "sha256:ab", {"api", "web"}, 3};
  auto back = RoundTrip<pb::App>(app);
  EXPECT_EQ(back.name, app.name);
  EXPECT_EQ(back.model_json, app.model_json);
  EXPECT_EQ(back.model_hash, app.model_hash);
  EXPECT_EQ(back.services, app.services);
  EXPECT_EQ(back.version, 3);
}

TEST(ConvertTest, FullEnvironmentSpecRoundTrips) {
  auto spec = FullSpec();
  EXPECT_EQ(RoundTrip<pb::EnvironmentSpec>(spec), spec);
}

TEST(ConvertTest, AbsentBlocksStayAbsent) {
  model::EnvironmentSpec spec;
  spec.app = "shop";
  spec.name = "dev";
  auto back = RoundTrip<pb::EnvironmentSpec>(spec);
  EXPECT_EQ(back, spec);
  EXPECT_FALSE(back.deploy.has_value());
  EXPECT_FALSE(back.compute.has_value());
  EXPECT_FALSE(back.database.has_value());

  pb::EnvironmentSpec p;
  ToProto(spec, &p);
  EXPECT_FALSE(p.has_deploy());
  EXPECT_FALSE(p.has_compute());
  EXPECT_FALSE(p.has_database());
}

TEST(ConvertTest, EmptyBlocksStayPresent) {
  model::EnvironmentSpec spec;
  spec.deploy = model::DeploySpec{};
  spec.compute = model::ComputeSpec{};  // no kubernetes inside
  spec.database = model::DatabaseSpec{};  // no existing_server inside
  auto back = RoundTrip<pb::EnvironmentSpec>(spec);
  ASSERT_TRUE(back.deploy.has_value());
  ASSERT_TRUE(back.compute.has_value());
  EXPECT_FALSE(back.compute->kubernetes.has_value());
  ASSERT_TRUE(back.database.has_value());
  EXPECT_FALSE(back.database->existing_server.has_value());
}

TEST(ConvertTest, OptionalVersionsKeepUnsetApartFromZero) {
  model::ExistingServer srv;
  EXPECT_FALSE(RoundTrip<pb::ExistingServer>(srv)
                   .admin_password_wo_version.has_value());
  srv.admin_password_wo_version = 0;
  auto back = RoundTrip<pb::ExistingServer>(srv);
  ASSERT_TRUE(back.admin_password_wo_version.has_value());
  EXPECT_EQ(*back.admin_password_wo_version, 0);

  model::Secret s;
  EXPECT_FALSE(RoundTrip<pb::Secret>(s).values_wo_version.has_value());
  s.values_wo_version = 0;
  ASSERT_TRUE(RoundTrip<pb::Secret>(s).values_wo_version.has_value());
}

TEST(ConvertTest, EnvironmentRoundTrips) {
  auto env = FullEnvironment();
  ExpectSameEnvironment(RoundTrip<pb::Environment>(env), env);
}

TEST(ConvertTest, EnvironmentChangeRoundTrips) {
  model::EnvironmentChange c{FullEnvironment(), FullChangeSet()};
  auto back = RoundTrip<pb::EnvironmentChange>(c);
  ExpectSameEnvironment(back.environment, c.environment);
  ExpectSameChangeSet(back.change_set, c.change_set);
}

TEST(ConvertTest, PrimaryEnvironmentRoundTrips) {
  model::PrimaryEnvironment p{"shop", "prod", 2};
  auto back = RoundTrip<pb::PrimaryEnvironment>(p);
  EXPECT_EQ(back.app, "shop");
  EXPECT_EQ(back.environment, "prod");
  EXPECT_EQ(back.version, 2);
}

TEST(ConvertTest, SecretRoundTrips) {
  model::Secret s;
  s.app = "shop";
  s.name = "stripe";
  s.values = {{"production", "sk_live"}, {"env:pr:1", "sk_test"}};
  s.fingerprints = {{"production", "hmac-sha256:aa"}};
  s.values_wo_version = 5;
  s.version = 8;
  auto back = RoundTrip<pb::Secret>(s);
  EXPECT_EQ(back.app, s.app);
  EXPECT_EQ(back.name, s.name);
  EXPECT_EQ(back.values, s.values);
  EXPECT_EQ(back.fingerprints, s.fingerprints);
  EXPECT_EQ(back.values_wo_version, s.values_wo_version);
  EXPECT_EQ(back.version, 8);
}

TEST(ConvertTest, InfraOverrideAndChangeRoundTrip) {
  model::InfraOverride o{"shop", "prod", "cache", "sessions",
                         {{"node_type", "cache.t3.micro"}}, 4};
  model::InfraOverrideChange c{o, FullChangeSet()};
  auto back = RoundTrip<pb::InfraOverrideChange>(c);
  EXPECT_EQ(back.override_record.app, o.app);
  EXPECT_EQ(back.override_record.environment, o.environment);
  EXPECT_EQ(back.override_record.kind, o.kind);
  EXPECT_EQ(back.override_record.name, o.name);
  EXPECT_EQ(back.override_record.settings, o.settings);
  EXPECT_EQ(back.override_record.version, 4);
  ExpectSameChangeSet(back.change_set, c.change_set);
}

TEST(ConvertTest, ChangeSetRoundTrips) {
  auto cs = FullChangeSet();
  ExpectSameChangeSet(RoundTrip<pb::ChangeSet>(cs), cs);
}

TEST(ConvertTest, AuditEntryAndVerificationRoundTrip) {
  model::AuditEntry e{12, 1700000000123, "admin", "environment.update",
                      "shop/prod", R"({"fields":["deploy"]})", "h11", "h12"};
  auto back = RoundTrip<pb::AuditEntry>(e);
  EXPECT_EQ(back.seq, 12);
  EXPECT_EQ(back.time_ms, e.time_ms);
  EXPECT_EQ(back.actor, e.actor);
  EXPECT_EQ(back.action, e.action);
  EXPECT_EQ(back.target, e.target);
  EXPECT_EQ(back.details, e.details);
  EXPECT_EQ(back.prev_hash, e.prev_hash);
  EXPECT_EQ(back.hash, e.hash);

  model::AuditVerification v{false, 30, 7, "row 7: hash does not match"};
  auto vb = RoundTrip<pb::VerifyAuditResponse>(v);
  EXPECT_FALSE(vb.ok);
  EXPECT_EQ(vb.entries, 30);
  EXPECT_EQ(vb.bad_seq, 7);
  EXPECT_EQ(vb.problem, v.problem);
}

TEST(ConvertTest, TokensRoundTripWithEveryRole) {
  for (model::Role role :
       {model::Role::kViewer, model::Role::kMember, model::Role::kAdmin}) {
    model::NewToken t{{"ci", role, 1700000000000, 1700000005000}, "enc_xyz"};
    auto back = RoundTrip<pb::CreateTokenResponse>(t);
    EXPECT_EQ(back.info.name, "ci");
    EXPECT_EQ(back.info.role, role);
    EXPECT_EQ(back.info.created_at_ms, t.info.created_at_ms);
    EXPECT_EQ(back.info.revoked_at_ms, t.info.revoked_at_ms);
    EXPECT_EQ(back.secret, "enc_xyz");
  }
  EXPECT_EQ(RoleFromName("root"), model::Role::kViewer);
}

TEST(ConvertTest, StatusCodesMapBothWays) {
  const StatusCode codes[] = {
      StatusCode::kInvalidArgument,  StatusCode::kNotFound,
      StatusCode::kAlreadyExists,    StatusCode::kFailedPrecondition,
      StatusCode::kAborted,          StatusCode::kUnavailable,
      StatusCode::kUnimplemented,    StatusCode::kCancelled,
      StatusCode::kInternal,         StatusCode::kPermissionDenied,
      StatusCode::kUnauthenticated,  StatusCode::kDeadlineExceeded};
  for (StatusCode c : codes) {
    Status s(c, "message for a person");
    Status back = FromGrpcStatus(ToGrpcStatus(s));
    EXPECT_EQ(back.code(), c);
    EXPECT_EQ(back.message(), "message for a person");
  }
  EXPECT_EQ(ToGrpcCode(StatusCode::kAborted), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ToGrpcCode(StatusCode::kPermissionDenied),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ToGrpcCode(StatusCode::kUnauthenticated),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  EXPECT_TRUE(ToGrpcStatus(Status::Ok()).ok());
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::DATA_LOSS, "x"))
                .code(),
            StatusCode::kInternal);
  EXPECT_EQ(
      FromGrpcStatus(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "x"))
          .code(),
      StatusCode::kUnavailable);
  // A message-less error still says something.
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::ABORTED, ""))
                .message(),
            "ABORTED");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::PERMISSION_DENIED),
               "PERMISSION_DENIED");
}

}  // namespace
}  // namespace encore::agent
