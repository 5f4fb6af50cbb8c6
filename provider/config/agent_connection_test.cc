#include "provider/config/agent_connection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace encore::config {
namespace {

class AgentConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("encore-conn-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "encore-agent");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  EnvLookup Env() {
    std::string xdg = dir_.string();
    return [xdg](std::string_view name) -> std::optional<std::string> {
      if (name == "XDG_STATE_HOME") return xdg;
      return std::nullopt;
    };
  }
  std::filesystem::path dir_;
};

TEST_F(AgentConnectionTest, DefaultSocketReadsAdminToken) {
  std::ofstream(dir_ / "encore-agent" / "admin.token") << "tok-123\n";
  ProviderSettings s = ResolveSettings(values::Value(), Env(), 1000);
  ASSERT_EQ(s.agent_source, Source::kDefault);
  auto o = ClientOptionsFor(s, Env(), 1000);
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->token, "tok-123");
  EXPECT_EQ(o->address,
            "unix://" + (dir_ / "encore-agent" / "agent.sock").string());
  EXPECT_EQ(o->client_name.rfind("terraform-provider-encore/", 0), 0u);
  EXPECT_EQ(o->retry_unavailable_ms, kRetryUnavailableMs);
  EXPECT_TRUE(static_cast<bool>(o->on_call));
}

TEST_F(AgentConnectionTest, ExplicitAddressDoesNotReadAdminToken) {
  std::ofstream(dir_ / "encore-agent" / "admin.token") << "tok-123\n";
  ProviderSettings s = ResolveSettings(values::Value(), Env(), 1000);
  s.agent = "https://agent.example:7443";
  s.agent_source = Source::kConfig;
  auto o = ClientOptionsFor(s, Env(), 1000);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->token, "");
}

TEST_F(AgentConnectionTest, NoTokenFileIsNoToken) {
  ProviderSettings s = ResolveSettings(values::Value(), Env(), 1000);
  auto o = ClientOptionsFor(s, Env(), 1000);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->token, "");
}

TEST_F(AgentConnectionTest, CaCertFromFileOrText) {
  std::ofstream(dir_ / "ca.pem") << "-----BEGIN CERTIFICATE-----\nx\n";
  ProviderSettings s;
  s.agent = "https://agent.example:7443";
  s.ca_cert = (dir_ / "ca.pem").string();
  auto o = ClientOptionsFor(s, Env(), 1000);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->ca_cert_pem, "-----BEGIN CERTIFICATE-----\nx\n");
  s.ca_cert = "-----BEGIN CERTIFICATE-----\ny\n";
  EXPECT_EQ(ClientOptionsFor(s, Env(), 1000)->ca_cert_pem, s.ca_cert);
  s.ca_cert = (dir_ / "missing.pem").string();
  EXPECT_FALSE(ClientOptionsFor(s, Env(), 1000).ok());
}

TEST(ClientOfTest, UnknownSettingsAndUnconfigured) {
  Diagnostics d;
  framework::CallContext bare;
  EXPECT_EQ(ClientOf(bare, d), nullptr);
  EXPECT_EQ(d.items().at(0).summary, "Provider not configured");
  ProviderSettings s;
  s.unknown.insert("token");
  framework::CallContext ctx;
  ctx.provider = std::make_shared<ConfiguredEncore>(s);
  Diagnostics d2;
  EXPECT_EQ(ClientOf(ctx, d2), nullptr);
  EXPECT_EQ(d2.items().at(0).summary, "Provider configuration not known yet");
  EXPECT_NE(d2.items().at(0).detail.find("token"), std::string::npos);
}

TEST_F(AgentConnectionTest, ForceConflictsReachesTheClient) {
  ProviderSettings s = ResolveSettings(values::Value(), Env(), 1000);
  auto plain = ClientOptionsFor(s, Env(), 1000);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->force_conflicts);
  s.force_conflicts = true;
  auto forced = ClientOptionsFor(s, Env(), 1000);
  ASSERT_TRUE(forced.ok());
  EXPECT_TRUE(forced->force_conflicts);
  auto client = OpenAgentClient(s, Env(), 1000);
  ASSERT_TRUE(client.ok()) << client.status().message();
  EXPECT_TRUE((*client)->force_conflicts());
}

}  // namespace
}  // namespace encore::config
