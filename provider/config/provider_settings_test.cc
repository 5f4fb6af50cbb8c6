#include "provider/config/provider_settings.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

namespace encore::config {
namespace {

using values::Type;
using values::Value;

Type ConfigType() {
  return Type::Object({{"agent", Type::String()},
                       {"token", Type::String()},
                       {"ca_cert", Type::String()},
                       {"app", Type::String()},
                       {"env", Type::String()},
                       {"force_conflicts", Type::Bool()}});
}

Value Config(std::map<std::string, Value> attrs) {
  return Value::ObjectOf(ConfigType(), std::move(attrs));
}

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

constexpr uid_t kUser = 1000;

TEST(DefaultAgentTest, RootUsesVarLib) {
  EXPECT_EQ(DefaultAgentAddress(FakeEnv({{"HOME", "/root"}}), 0),
            "unix:///var/lib/encore-agent/agent.sock");
}

TEST(DefaultAgentTest, UserUsesXdgStateHome) {
  EXPECT_EQ(
      DefaultAgentAddress(
          FakeEnv({{"HOME", "/home/u"}, {"XDG_STATE_HOME", "/st"}}), kUser),
      "unix:///st/encore-agent/agent.sock");
}

TEST(DefaultAgentTest, UserFallsBackToHome) {
  EXPECT_EQ(DefaultAgentAddress(FakeEnv({{"HOME", "/home/u"}}), kUser),
            "unix:///home/u/.local/state/encore-agent/agent.sock");
  // A relative XDG_STATE_HOME is ignored, as the XDG spec says.
  EXPECT_EQ(
      DefaultAgentAddress(
          FakeEnv({{"HOME", "/home/u"}, {"XDG_STATE_HOME", "rel"}}), kUser),
      "unix:///home/u/.local/state/encore-agent/agent.sock");
}

TEST(DefaultAgentTest, NothingKnown) {
  EXPECT_EQ(DefaultAgentAddress(FakeEnv({}), kUser), "");
}

TEST(ResolveSettingsTest, DefaultsWithNullConfig) {
  ProviderSettings s = ResolveSettings(Value::Null(ConfigType()),
                                       FakeEnv({{"HOME", "/h"}}), kUser);
  EXPECT_EQ(s.agent, "unix:///h/.local/state/encore-agent/agent.sock");
  EXPECT_EQ(s.agent_source, Source::kDefault);
  EXPECT_EQ(s.token, "");
  EXPECT_EQ(s.token_source, Source::kUnset);
  EXPECT_EQ(s.ca_cert, "");
  EXPECT_FALSE(s.force_conflicts);
  EXPECT_TRUE(s.known());
}

TEST(ResolveSettingsTest, EnvVarsFillNullConfig) {
  ProviderSettings s =
      ResolveSettings(Config({}),
                      FakeEnv({{"ENCORE_AGENT", "https://agent:8443"},
                               {"ENCORE_TOKEN", "tok"},
                               {"ENCORE_CA_CERT", "/etc/ca.pem"},
                               {"HOME", "/h"}}),
                      kUser);
  EXPECT_EQ(s.agent, "https://agent:8443");
  EXPECT_EQ(s.agent_source, Source::kEnv);
  EXPECT_EQ(s.token, "tok");
  EXPECT_EQ(s.token_source, Source::kEnv);
  EXPECT_EQ(s.ca_cert, "/etc/ca.pem");
  EXPECT_EQ(s.ca_cert_source, Source::kEnv);
  EXPECT_FALSE(s.ca_cert_is_pem());
}

TEST(ResolveSettingsTest, EmptyEnvVarCountsAsUnset) {
  ProviderSettings s = ResolveSettings(
      Config({}), FakeEnv({{"ENCORE_AGENT", ""}, {"HOME", "/h"}}), kUser);
  EXPECT_EQ(s.agent_source, Source::kDefault);
}

TEST(ResolveSettingsTest, ConfigWinsOverEnv) {
  ProviderSettings s = ResolveSettings(
      Config({{"agent", Value::String("unix:///run/a.sock")},
              {"token", Value::String("cfg")},
              {"ca_cert", Value::String("-----BEGIN CERTIFICATE-----\n")},
              {"app", Value::String("shop")},
              {"env", Value::String("prod")},
              {"force_conflicts", Value::Bool(true)}}),
      FakeEnv({{"ENCORE_AGENT", "https://x:1"}, {"ENCORE_TOKEN", "env"}}),
      kUser);
  EXPECT_EQ(s.agent, "unix:///run/a.sock");
  EXPECT_EQ(s.agent_source, Source::kConfig);
  EXPECT_EQ(s.token, "cfg");
  EXPECT_TRUE(s.ca_cert_is_pem());
  EXPECT_EQ(s.app, "shop");
  EXPECT_EQ(s.env, "prod");
  EXPECT_TRUE(s.force_conflicts);
  EXPECT_TRUE(s.known());
}

TEST(ResolveSettingsTest, UnknownIsNotNull) {
  Value u = Value::Unknown(Type::String());
  ProviderSettings s = ResolveSettings(
      Config({{"agent", u},
              {"token", u},
              {"app", u},
              {"force_conflicts", Value::Unknown(Type::Bool())}}),
      FakeEnv({{"ENCORE_AGENT", "https://x:1"},
               {"ENCORE_TOKEN", "env"},
               {"HOME", "/h"}}),
      kUser);
  EXPECT_FALSE(s.known());
  EXPECT_EQ(s.unknown, (std::set<std::string>{"agent", "token", "app",
                                              "force_conflicts"}));
  // No env var or default stands in for an unknown value.
  EXPECT_EQ(s.agent, "");
  EXPECT_EQ(s.agent_source, Source::kUnset);
  EXPECT_EQ(s.token, "");
}

TEST(CheckAgentAddressTest, Good) {
  for (const char* a :
       {"unix:///var/lib/encore-agent/agent.sock", "https://agent:8443",
        "https://10.0.0.1:443", "https://[::1]:9000", "https://a.b.c:1/"}) {
    EXPECT_TRUE(CheckAgentAddress(a).ok()) << a;
  }
}

TEST(CheckAgentAddressTest, Bad) {
  for (const char* a :
       {"", "unix://relative.sock", "unix://", "http://agent:80",
        "https://agent", "https://agent:0", "https://agent:70000",
        "https://:443", "https://agent:80/path", "agent:443", "/tmp/a.sock"}) {
    Status s = CheckAgentAddress(a);
    ASSERT_FALSE(s.ok()) << a;
    EXPECT_NE(s.message().find("unix:///"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("https://host:port"), std::string::npos);
  }
}

TEST(SettingsOfTest, FindsConfiguredEncore) {
  framework::CallContext ctx;
  EXPECT_EQ(SettingsOf(ctx), nullptr);
  ProviderSettings s;
  s.app = "shop";
  ctx.provider = std::make_shared<ConfiguredEncore>(s);
  ASSERT_NE(SettingsOf(ctx), nullptr);
  EXPECT_EQ(SettingsOf(ctx)->app, "shop");
}

TEST(ResolveSettingsTest, ForceConflictsFromEnv) {
  for (const auto& [value, want] :
       std::vector<std::pair<std::string, bool>>{{"1", true},
                                                 {"true", true},
                                                 {"TRUE", true},
                                                 {"0", false},
                                                 {"false", false},
                                                 {"yes-please", false}}) {
    ProviderSettings s = ResolveSettings(
        Config({}),
        FakeEnv({{"ENCORE_FORCE_CONFLICTS", value}, {"HOME", "/h"}}), kUser);
    EXPECT_EQ(s.force_conflicts, want) << value;
    EXPECT_EQ(s.force_conflicts_source, Source::kEnv) << value;
  }
  // The configuration wins over the variable.
  ProviderSettings s = ResolveSettings(
      Config({{"force_conflicts", Value::Bool(false)}}),
      FakeEnv({{"ENCORE_FORCE_CONFLICTS", "1"}, {"HOME", "/h"}}), kUser);
  EXPECT_FALSE(s.force_conflicts);
  EXPECT_EQ(s.force_conflicts_source, Source::kConfig);
  s = ResolveSettings(Config({}), FakeEnv({{"HOME", "/h"}}), kUser);
  EXPECT_FALSE(s.force_conflicts);
  EXPECT_EQ(s.force_conflicts_source, Source::kUnset);
}

}  // namespace
}  // namespace encore::config
