#include "agent/cli/client_settings.h"

#include <gtest/gtest.h>

#include <map>

namespace encore::agent::cli {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(DataDirTest, FollowsTheProvidersRule) {
  EXPECT_EQ(DefaultDataDir(Env({{"HOME", "/home/u"}}), 0),
            "/var/lib/encore-agent");
  EXPECT_EQ(DefaultDataDir(Env({{"HOME", "/home/u"},
                                {"XDG_STATE_HOME", "/state"}}),
                           1000),
            "/state/encore-agent");
  EXPECT_EQ(DefaultDataDir(Env({{"HOME", "/home/u"},
                                {"XDG_STATE_HOME", "relative"}}),
                           1000),
            "/home/u/.local/state/encore-agent");
  EXPECT_EQ(DefaultDataDir(Env({{"HOME", "/home/u"}}), 1000),
            "/home/u/.local/state/encore-agent");
  EXPECT_EQ(DefaultDataDir(Env({}), 1000), "");
}

TEST(ClientSettingsTest, DefaultsToTheDefaultSocketAndItsAdminToken) {
  auto s = ResolveClientSettings({}, Env({{"HOME", "/home/u"}}), 1000);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->address,
            "unix:///home/u/.local/state/encore-agent/agent.sock");
  EXPECT_EQ(s->token, "");
  EXPECT_EQ(s->token_file,
            "/home/u/.local/state/encore-agent/admin.token");
}

TEST(ClientSettingsTest, FlagsBeatEnvironment) {
  Globals g;
  g.agent = "unix:///flag.sock";
  g.token = "flag-token";
  g.ca_cert = "/flag.pem";
  auto s = ResolveClientSettings(
      g,
      Env({{"ENCORE_AGENT", "unix:///env.sock"},
           {"ENCORE_TOKEN", "env-token"},
           {"ENCORE_CA_CERT", "/env.pem"},
           {"HOME", "/h"}}),
      1000);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->address, "unix:///flag.sock");
  EXPECT_EQ(s->token, "flag-token");
  EXPECT_EQ(s->token_file, "");
  EXPECT_EQ(s->ca_cert, "/flag.pem");

  auto e = ResolveClientSettings(
      {}, Env({{"ENCORE_AGENT", "unix:///env.sock"},
               {"ENCORE_TOKEN", "env-token"},
               {"ENCORE_CA_CERT", "/env.pem"},
               {"HOME", "/h"}}),
      1000);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->address, "unix:///env.sock");
  EXPECT_EQ(e->token, "env-token");
  EXPECT_EQ(e->ca_cert, "/env.pem");
}

TEST(ClientSettingsTest, DataDirFlagPicksSocketAndToken) {
  Globals g;
  g.data_dir = "/srv/agent";
  auto s = ResolveClientSettings(g, Env({{"HOME", "/h"}}), 1000);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->address, "unix:///srv/agent/agent.sock");
  EXPECT_EQ(s->token_file, "/srv/agent/admin.token");
}

TEST(ClientSettingsTest, LocalAdminTokenIsNotSentToARemoteAgentUnasked) {
  Globals g;
  g.agent = "https://agent.example:7443";
  auto s = ResolveClientSettings(g, Env({{"HOME", "/h"}}), 1000);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->token_file, "");
  g.data_dir = "/srv/agent";  // asked for: that dir's token
  s = ResolveClientSettings(g, Env({{"HOME", "/h"}}), 1000);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->token_file, "/srv/agent/admin.token");
}

TEST(ClientSettingsTest, NoHomeAndNoAddressIsAUserError) {
  auto s = ResolveClientSettings({}, Env({}), 1000);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("--agent"), std::string::npos);
}

}  // namespace
}  // namespace encore::agent::cli
