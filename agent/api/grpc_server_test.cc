// AgentClient <-> AgentGrpcServer <-> AgentService over a real SQLite
// store, on a unix socket in a temp dir.
#include "agent/api/grpc_server.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <regex>

#include "agent/api/agent_client.h"

namespace encore::agent {
namespace {

class GrpcServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/encore-api-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenSqliteStore(dir_ + "/agent.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    service_ = std::make_unique<AgentService>(
        std::move(*store), SecretBox::FromKey(std::string(32, 'k')),
        SystemClock());
    auto admin = service_->BootstrapAdminToken();
    ASSERT_TRUE(admin.ok());
    admin_token_ = *admin;
    ServerOptions o;
    o.listen = "unix://" + dir_ + "/agent.sock";
    o.version = "9.9.9";
    o.data_dir = dir_;
    o.log = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      log_.emplace_back(line);
    };
    auto server = AgentGrpcServer::Start(service_.get(), o);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::milliseconds(100));
    server_.reset();
    service_.reset();
    std::string cmd = "rm -rf '" + dir_ + "'";
    (void)!std::system(cmd.c_str());
  }

  std::unique_ptr<AgentClient> Client(const std::string& token) {
    ClientOptions o;
    o.address = server_->client_address();
    o.token = token;
    o.client_name = "grpc_server_test";
    o.on_call = [this](const CallLog& c) {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(c);
    };
    auto c = AgentClient::Open(o);
    EXPECT_TRUE(c.ok());
    return std::move(*c);
  }
  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }

  std::string dir_;
  std::unique_ptr<AgentService> service_;
  std::unique_ptr<AgentGrpcServer> server_;
  std::string admin_token_;
  std::mutex mu_;
  std::vector<std::string> log_;
  std::vector<CallLog> calls_;
};

TEST_F(GrpcServerTest, SocketIsPrivateAndAddressIsUnix) {
  EXPECT_EQ(server_->client_address(), "unix://" + dir_ + "/agent.sock");
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/agent.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(GrpcServerTest, GetInfoNamesTheCaller) {
  auto c = Client(admin_token_);
  auto info = c->GetInfo("req-given");
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->version, "9.9.9");
  EXPECT_EQ(info->caller_role, "admin");
  EXPECT_FALSE(info->caller.empty());
  EXPECT_EQ(info->data_dir, dir_);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].rpc, "GetInfo");
  EXPECT_EQ(calls_[0].request_id, "req-given");
  EXPECT_TRUE(calls_[0].status.ok());
}

TEST_F(GrpcServerTest, MissingOrUnknownTokenIsUnauthenticated) {
  for (const std::string token : {"", "enc_not-a-token"}) {
    auto c = Client(token);
    auto r = c->ListApps();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(r.status().message(),
              "missing or unknown token; pass one with --token / "
              "ENCORE_TOKEN");
  }
  auto log = Log();
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find(" WARN agent: rpc=ListApps "), std::string::npos);
  EXPECT_NE(log.back().find(" caller=- code=UNAUTHENTICATED "),
            std::string::npos);
  // The token tried is not in the log.
  for (const auto& line : log) {
    EXPECT_EQ(line.find("enc_not-a-token"), std::string::npos);
  }
}

TEST_F(GrpcServerTest, OneLogLinePerCallWithTheRequestId) {
  auto c = Client(admin_token_);
  ASSERT_TRUE(c->ListApps("req-00000000000000aa").ok());
  auto missing = c->GetEnvironment("nope", "dev", "req-00000000000000bb");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto log = Log();
  ASSERT_EQ(log.size(), 2u);
  std::regex ok_line(
      R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO agent: rpc=ListApps )"
      R"(request_id=req-00000000000000aa caller=\S+ code=OK ms=\d+\.\d\d$)");
  EXPECT_TRUE(std::regex_match(log[0], ok_line)) << log[0];
  EXPECT_NE(log[1].find(" WARN agent: rpc=GetEnvironment "
                        "request_id=req-00000000000000bb "),
            std::string::npos)
      << log[1];
  EXPECT_NE(log[1].find("code=NOT_FOUND"), std::string::npos);
  EXPECT_NE(log[1].find(" error=\""), std::string::npos);
}

TEST_F(GrpcServerTest, MalformedRequestIdIsReplaced) {
  auto c = Client(admin_token_);
  ASSERT_TRUE(c->ListApps("bad id with spaces").ok());
  auto log = Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].find("bad id"), std::string::npos);
  EXPECT_NE(log[0].find("request_id=req-"), std::string::npos);
}

TEST_F(GrpcServerTest, TokensAndRolesGoThroughTheWire) {
  auto admin = Client(admin_token_);
  auto viewer = admin->CreateToken("reader", model::Role::kViewer);
  ASSERT_TRUE(viewer.ok()) << viewer.status().message();
  EXPECT_EQ(viewer->info.role, model::Role::kViewer);
  auto v = Client(viewer->secret);
  auto info = v->GetInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->caller, "reader");
  EXPECT_EQ(info->caller_role, "viewer");
  auto denied = v->CreateToken("x", model::Role::kAdmin);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  for (const auto& line : Log()) {
    EXPECT_EQ(line.find(viewer->secret), std::string::npos) << line;
  }
}

TEST_F(GrpcServerTest, ShutdownRemovesTheSocket) {
  server_->Shutdown(std::chrono::milliseconds(100));
  EXPECT_NE(::access((dir_ + "/agent.sock").c_str(), F_OK), 0);
}

TEST(AgentClientTest, UnreachableAgentIsRetriedThenNamed) {
  ClientOptions o;
  o.address = "unix:///tmp/encore-no-such-agent.sock";
  o.token = "t";
  o.retry_unavailable_ms = 400;
  auto c = AgentClient::Open(o);
  ASSERT_TRUE(c.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*c)->ListApps();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start)
                .count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message().rfind(
                "agent not reachable at unix:///tmp/encore-no-such-agent.sock "
                "(",
                0),
            0u)
      << r.status().message();
  EXPECT_NE(r.status().message().find("; start it with `encore-agent serve`"),
            std::string::npos);
  EXPECT_GE(ms, 250);
}

TEST(AgentClientTest, RejectsBadAddresses) {
  for (const char* a : {"", "http://x:1", "unix://relative", "https://host",
                        "https://host:99999", "tcp://h:1"}) {
    ClientOptions o;
    o.address = a;
    auto c = AgentClient::Open(o);
    ASSERT_FALSE(c.ok()) << a;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << a;
  }
  for (const char* a : {"unix:///x/agent.sock", "https://agent.example:7443",
                        "https://127.0.0.1:1/"}) {
    ClientOptions o;
    o.address = a;
    EXPECT_TRUE(AgentClient::Open(o).ok()) << a;
  }
}

TEST(AgentClientTest, RequestIdsAreFreshAndWellFormed) {
  std::regex form("^req-[0-9a-f]{16}$");
  std::string a = NewRequestId(), b = NewRequestId();
  EXPECT_TRUE(std::regex_match(a, form)) << a;
  EXPECT_NE(a, b);
}

TEST(LogLineTest, Format) {
  using namespace std::chrono;
  system_clock::time_point t{milliseconds(1795428000123)};  // 2026-11-23
  EXPECT_EQ(FormatLogLine("INFO", "rpc=GetInfo", t),
            "2026-11-23T10:00:00.123Z INFO agent: rpc=GetInfo");
}

}  // namespace
}  // namespace encore::agent

namespace encore::agent {
namespace {

TEST_F(GrpcServerTest, ALiveSocketIsNotTakenOver) {
  ServerOptions o;
  o.listen = server_->client_address();
  auto second = AgentGrpcServer::Start(service_.get(), o);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos);
  // The first still serves.
  EXPECT_TRUE(Client(admin_token_)->ListApps().ok());
}

}  // namespace
}  // namespace encore::agent
