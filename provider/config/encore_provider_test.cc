// Tests of the provider itself (provider/encore_provider.cc): its schema,
// its catalog, and Configure.
#include "provider/encore_provider.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <set>
#include <string>

#include "provider/config/provider_settings.h"
#include "provider/framework/provider_server.h"

namespace encore {
namespace {

using values::Type;
using values::Value;

class EncoreProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("ENCORE_AGENT");
    unsetenv("ENCORE_TOKEN");
    unsetenv("ENCORE_CA_CERT");
    setenv("HOME", "/home/tester", 1);
  }
  void TearDown() override {
    unsetenv("ENCORE_AGENT");
    unsetenv("ENCORE_CA_CERT");
  }
  Value Config(std::map<std::string, Value> attrs) {
    return Value::ObjectOf(p_->schema().block.ImpliedType(), std::move(attrs));
  }
  std::shared_ptr<const config::ConfiguredEncore> Configure(
      const Value& config, Diagnostics& diags) {
    std::string version = "1.11.4";
    auto configured =
        p_->Configure(framework::ConfigureRequest{config, version, {}}, diags);
    return std::dynamic_pointer_cast<const config::ConfiguredEncore>(
        configured);
  }

  std::unique_ptr<framework::Provider> p_ = NewEncoreProvider();
};

TEST_F(EncoreProviderTest, SchemaIsAllOptionalAndDocumented) {
  EXPECT_EQ(p_->type_name(), "encore");
  std::set<std::string> names;
  for (const auto& a : p_->schema().block.attributes) {
    names.insert(a.name);
    EXPECT_EQ(a.presence, framework::Presence::kOptional) << a.name;
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"agent", "token", "ca_cert", "app",
                                          "env", "force_conflicts"}));
  EXPECT_TRUE(p_->schema().block.FindAttribute("token")->sensitive);
  const std::string& agent_doc =
      p_->schema().block.FindAttribute("agent")->description;
  EXPECT_NE(agent_doc.find("ENCORE_AGENT"), std::string::npos);
  EXPECT_NE(agent_doc.find("agent.sock"), std::string::npos);
  EXPECT_NE(agent_doc.find("/var/lib/encore-agent"), std::string::npos);
}

TEST_F(EncoreProviderTest, ListsTheWholeCatalog) {
  std::set<std::string> resources, data_sources, ephemeral, functions;
  for (const auto& r : p_->Resources()) resources.insert(r->type_name());
  for (const auto& d : p_->DataSources()) data_sources.insert(d->type_name());
  for (const auto& e : p_->EphemeralResources()) {
    ephemeral.insert(e->type_name());
  }
  for (const auto& f : p_->Functions()) functions.insert(f->name());
  EXPECT_EQ(resources,
            (std::set<std::string>{"encore_app", "encore_environment",
                                   "encore_primary_environment",
                                   "encore_secret", "encore_infra_override"}));
  EXPECT_EQ(data_sources.size(), 10u);
  EXPECT_EQ(ephemeral, (std::set<std::string>{"encore_database_credentials"}));
  EXPECT_EQ(functions,
            (std::set<std::string>{"connection_string", "service_url"}));
}

TEST_F(EncoreProviderTest, ServerAcceptsTheProvider) {
  framework::ProviderServer server(NewEncoreProvider());
  EXPECT_EQ(server.resources().size(), 5u);
  Diagnostics d = server.ValidateProviderConfig(
      Config({{"agent", Value::String("tcp://agent:1")}}));
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].path, AttributePath::Root("agent"));
  d = server.ValidateProviderConfig(
      Config({{"agent", Value::Unknown(Type::String())}}));
  EXPECT_FALSE(d.HasError()) << d.ToString();
}

TEST_F(EncoreProviderTest, ConfigureUsesTheDefaultSocket) {
  Diagnostics diags;
  auto c = Configure(Config({}), diags);
  ASSERT_NE(c, nullptr) << diags.ToString();
  if (geteuid() == 0) {
    EXPECT_EQ(c->settings().agent, "unix:///var/lib/encore-agent/agent.sock");
  } else if (getenv("XDG_STATE_HOME") == nullptr) {
    EXPECT_EQ(c->settings().agent,
              "unix:///home/tester/.local/state/encore-agent/agent.sock");
  }
  EXPECT_FALSE(c->settings().force_conflicts);
}

TEST_F(EncoreProviderTest, ConfigureKeepsUnknownsUnknown) {
  Diagnostics diags;
  auto c = Configure(Config({{"agent", Value::Unknown(Type::String())},
                             {"ca_cert", Value::Unknown(Type::String())}}),
                     diags);
  ASSERT_NE(c, nullptr) << diags.ToString();
  EXPECT_FALSE(c->settings().known());
  EXPECT_TRUE(c->settings().unknown.count("agent"));
}

TEST_F(EncoreProviderTest, ConfigureRejectsABadEnvAddress) {
  setenv("ENCORE_AGENT", "localhost:9000", 1);
  Diagnostics diags;
  auto c = Configure(Config({}), diags);
  EXPECT_EQ(c, nullptr);
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(diags.items()[0].path, AttributePath::Root("agent"));
  EXPECT_NE(diags.items()[0].detail.find("ENCORE_AGENT"), std::string::npos)
      << diags.ToString();
}

TEST_F(EncoreProviderTest, ConfigureRejectsAMissingCaFile) {
  Diagnostics diags;
  auto c =
      Configure(Config({{"agent", Value::String("https://agent:8443")},
                        {"ca_cert", Value::String("/nonexistent/ca.pem")}}),
                diags);
  EXPECT_EQ(c, nullptr);
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(diags.items()[0].path, AttributePath::Root("ca_cert"));
}

TEST_F(EncoreProviderTest, ConfigureAcceptsPemText) {
  Diagnostics diags;
  auto c = Configure(
      Config({{"agent", Value::String("https://agent:8443")},
              {"ca_cert", Value::String("-----BEGIN CERTIFICATE-----\nx\n")},
              {"force_conflicts", Value::Bool(true)}}),
      diags);
  ASSERT_NE(c, nullptr) << diags.ToString();
  EXPECT_TRUE(c->settings().ca_cert_is_pem());
  EXPECT_TRUE(c->settings().force_conflicts);
}

}  // namespace
}  // namespace encore
