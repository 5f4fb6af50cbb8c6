// AgentClient against a minimal in-process gRPC service on a unix socket:
// the force-conflicts metadata and the conversions of the infrastructure
// RPCs (facts, counters, database credentials).
#include "agent/api/agent_client.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "agent/v1/agent.grpc.pb.h"

namespace encore::agent {
namespace {

namespace pb = ::encore::agent::v1;

// Records the force metadata of each call and answers with fixed values.
class RecordingService final : public pb::Agent::Service {
 public:
  grpc::Status GetInfo(grpc::ServerContext* ctx, const pb::GetInfoRequest*,
                       pb::AgentInfo* resp) override {
    Record(ctx, "GetInfo");
    resp->set_version("1.2.3");
    return grpc::Status::OK;
  }
  grpc::Status ReconcileEnvironment(grpc::ServerContext* ctx,
                                    const pb::ReconcileEnvironmentRequest* req,
                                    pb::Environment* resp) override {
    Record(ctx, "ReconcileEnvironment");
    if (req->name() == "broken") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "conflict: database orders: owner changed");
    }
    resp->mutable_spec()->set_app(req->app());
    resp->mutable_spec()->set_name(req->name());
    resp->set_status("ready");
    return grpc::Status::OK;
  }
  grpc::Status GetResourceFacts(grpc::ServerContext* ctx,
                                const pb::GetResourceFactsRequest* req,
                                pb::ResourceFacts* resp) override {
    Record(ctx, "GetResourceFacts");
    resp->set_kind(req->kind());
    resp->set_name(req->name());
    resp->set_provider_id("pg:orders");
    resp->set_status("ready");
    (*resp->mutable_facts())["host"] = "127.0.0.1";
    (*resp->mutable_facts())["port"] = "5433";
    if (req->include_credentials()) {
      (*resp->mutable_credentials())["password"] = "pw";
    }
    return grpc::Status::OK;
  }
  grpc::Status GetBackendCounters(grpc::ServerContext* ctx,
                                  const pb::GetBackendCountersRequest*,
                                  pb::BackendCounters* resp) override {
    Record(ctx, "GetBackendCounters");
    auto& pg = (*resp->mutable_drivers())["postgres"];
    pg.set_reads(3);
    pg.set_writes(1);
    return grpc::Status::OK;
  }
  grpc::Status IssueDatabaseCredentials(
      grpc::ServerContext* ctx, const pb::IssueDatabaseCredentialsRequest* req,
      pb::DatabaseCredentials* resp) override {
    Record(ctx, "IssueDatabaseCredentials");
    last_ttl = req->ttl_seconds();
    resp->set_login("tmp_orders_1");
    resp->set_password("secret");
    resp->set_host("127.0.0.1");
    resp->set_port(5433);
    resp->set_database(req->database());
    resp->set_sslmode("disable");
    resp->set_valid_until("2030-01-01T00:00:00Z");
    return grpc::Status::OK;
  }
  grpc::Status RevokeDatabaseCredentials(
      grpc::ServerContext* ctx, const pb::RevokeDatabaseCredentialsRequest* req,
      pb::DeleteResponse*) override {
    Record(ctx, "RevokeDatabaseCredentials");
    last_login = req->login();
    return grpc::Status::OK;
  }

  // "RPC=force value" ("RPC=" when the metadata was absent), in order.
  std::vector<std::string> seen;
  int64_t last_ttl = 0;
  std::string last_login;
  std::mutex mu;

 private:
  void Record(grpc::ServerContext* ctx, const std::string& rpc) {
    std::string value;
    auto range = ctx->client_metadata().equal_range(kForceConflictsMetadata);
    for (auto it = range.first; it != range.second; ++it) {
      value += std::string(it->second.data(), it->second.size());
    }
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(rpc + "=" + value);
  }
};

class AgentClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/encore-client-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    address_ = "unix://" + dir_ + "/agent.sock";
    grpc::ServerBuilder b;
    b.AddListeningPort(address_, grpc::InsecureServerCredentials());
    b.RegisterService(&service_);
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    std::string cmd = "rm -rf '" + dir_ + "'";
    (void)!std::system(cmd.c_str());
  }
  std::unique_ptr<AgentClient> Client(bool force) {
    ClientOptions o;
    o.address = address_;
    o.token = "t";
    o.force_conflicts = force;
    auto c = AgentClient::Open(o);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return std::move(c).value();
  }

  std::string dir_, address_;
  RecordingService service_;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(AgentClientTest, ForceConflictsMetadataFollowsTheOption) {
  auto plain = Client(false);
  ASSERT_TRUE(plain->GetInfo().ok());
  EXPECT_FALSE(plain->force_conflicts());
  auto forced = Client(true);
  EXPECT_TRUE(forced->force_conflicts());
  ASSERT_TRUE(forced->GetInfo().ok());
  ASSERT_TRUE(forced->ReconcileEnvironment("shop", "dev").ok());
  forced->SetForceConflicts(false);
  ASSERT_TRUE(forced->GetInfo().ok());
  plain->SetForceConflicts(true);
  ASSERT_TRUE(plain->GetBackendCounters().ok());
  EXPECT_EQ(service_.seen,
            (std::vector<std::string>{"GetInfo=", "GetInfo=true",
                                      "ReconcileEnvironment=true",
                                      "GetInfo=", "GetBackendCounters=true"}));
}

TEST_F(AgentClientTest, InfrastructureCallsConvert) {
  auto c = Client(false);
  auto env = c->ReconcileEnvironment("shop", "dev");
  ASSERT_TRUE(env.ok()) << env.status().message();
  EXPECT_EQ(env->spec.app, "shop");
  EXPECT_EQ(env->status, "ready");
  auto failed = c->ReconcileEnvironment("shop", "broken");
  EXPECT_EQ(failed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(failed.status().message(),
            "conflict: database orders: owner changed");

  auto facts = c->GetResourceFacts("shop", "dev", "sql_database", "orders",
                                   /*include_credentials=*/true);
  ASSERT_TRUE(facts.ok()) << facts.status().message();
  EXPECT_EQ(facts->kind, "sql_database");
  EXPECT_EQ(facts->provider_id, "pg:orders");
  EXPECT_EQ(facts->facts.at("port"), "5433");
  EXPECT_EQ(facts->credentials.at("password"), "pw");

  auto counters = c->GetBackendCounters();
  ASSERT_TRUE(counters.ok());
  EXPECT_EQ(counters->at("postgres").reads, 3);
  EXPECT_EQ(counters->at("postgres").writes, 1);

  auto creds = c->IssueDatabaseCredentials("shop", "dev", "orders", "", 900);
  ASSERT_TRUE(creds.ok()) << creds.status().message();
  EXPECT_EQ(service_.last_ttl, 900);
  EXPECT_EQ(creds->login, "tmp_orders_1");
  EXPECT_EQ(creds->password, "secret");
  EXPECT_EQ(creds->port, 5433);
  EXPECT_EQ(creds->database, "orders");
  EXPECT_EQ(creds->valid_until, "2030-01-01T00:00:00Z");
  ASSERT_TRUE(
      c->RevokeDatabaseCredentials("shop", "dev", "orders", "tmp_orders_1")
          .ok());
  EXPECT_EQ(service_.last_login, "tmp_orders_1");
}

TEST_F(AgentClientTest, UnimplementedRpcIsAnError) {
  auto c = Client(false);
  auto r = c->ScanDrift("shop", "dev");
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace encore::agent
