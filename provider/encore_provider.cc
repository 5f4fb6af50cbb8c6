// The Encore provider: configuration schema, Configure, and the explicit
// list of everything it offers (catalog.h).
#include "provider/encore_provider.h"

#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "provider/catalog.h"
#include "provider/config/agent_connection.h"
#include "provider/config/provider_settings.h"
#include "provider/framework/schema.h"

namespace encore {
namespace {

using framework::BoolAttr;
using framework::Schema;
using framework::StringAttr;
using framework::ValueCheck;
using values::Value;

ValueCheck AgentAddress() {
  return {"`unix:///absolute/path` or `https://host:port`",
          [](const Value& v, const AttributePath& path, Diagnostics& diags) {
            Status s = config::CheckAgentAddress(v.AsString());
            if (!s.ok()) {
              diags.AddAttributeError(path, "Invalid agent address",
                                      s.message());
            }
          }};
}

Schema MakeSchema() {
  Schema s;
  s.block.Doc(
      "The Encore provider declares Encore environments and the "
      "infrastructure they need; a companion agent (`encore-agent`) "
      "provisions it with minimal changes. All settings are optional.");
  s.block.Add(
      StringAttr("agent")
          .Optional()
          .Check(AgentAddress())
          .Doc("The agent's address: `unix:///absolute/path/agent.sock` for "
               "a local agent, or `https://host:port` for a remote one. "
               "Falls back to the `ENCORE_AGENT` environment variable, then "
               "to `agent.sock` in the agent's default data directory: "
               "`$XDG_STATE_HOME/encore-agent`, else "
               "`~/.local/state/encore-agent` (`/var/lib/encore-agent` when "
               "running as root)."));
  s.block.Add(StringAttr("token").Optional().Sensitive().Doc(
      "The token the agent authenticates the provider with. Falls back to "
      "the `ENCORE_TOKEN` environment variable."));
  s.block.Add(StringAttr("ca_cert").Optional().Doc(
      "The CA certificate that signed an `https` agent's certificate: PEM "
      "text (starting with `-----BEGIN`) or the path of a PEM file. Falls "
      "back to the `ENCORE_CA_CERT` environment variable; without either, "
      "the system's trust store is used."));
  s.block.Add(StringAttr("app").Optional().Doc(
      "The app data sources use when they name none."));
  s.block.Add(StringAttr("env").Optional().Doc(
      "The environment data sources use when they name none (without it: "
      "the app's primary environment)."));
  s.block.Add(BoolAttr("force_conflicts")
                  .Optional()
                  .Doc("Resolve ownership conflicts in Terraform's favour: "
                       "a value someone changed outside the agent is "
                       "overwritten (audited). With `true`, a resource the "
                       "agent manages that another owner changed, or an "
                       "adopted resource that another owner claims, is "
                       "written as this configuration says, and each such "
                       "write is recorded in the agent's audit log. Falls "
                       "back to the `ENCORE_FORCE_CONFLICTS` environment "
                       "variable (`1` or `true`). Default `false`: a "
                       "conflict is an error naming the attribute and its "
                       "expected and actual values."));
  return s;
}

std::string SourceName(config::Source source, const char* env_var) {
  switch (source) {
    case config::Source::kConfig:
      return "the provider configuration";
    case config::Source::kEnv:
      return std::string("the ") + env_var + " environment variable";
    case config::Source::kDefault:
      return "the default";
    case config::Source::kUnset:
      break;
  }
  return "nowhere";
}

class EncoreProvider : public framework::Provider {
 public:
  std::string type_name() const override { return "encore"; }
  const Schema& schema() const override {
    static const Schema* kSchema = new Schema(MakeSchema());
    return *kSchema;
  }

  std::shared_ptr<const framework::ConfiguredProvider> Configure(
      const framework::ConfigureRequest& req,
      Diagnostics& diags) const override {
    config::ProviderSettings settings =
        config::ResolveSettings(req.config, config::ProcessEnv(), geteuid());
    const AttributePath agent_path = AttributePath::Root("agent");
    if (!settings.unknown.count("agent")) {
      if (settings.agent.empty()) {
        diags.AddAttributeError(
            agent_path, "No agent address",
            "Neither agent, ENCORE_AGENT, HOME nor XDG_STATE_HOME is set, so "
            "the agent's address is unknown: set agent (for example "
            "agent = \"unix:///var/lib/encore-agent/agent.sock\") or "
            "ENCORE_AGENT.");
      } else if (Status s = config::CheckAgentAddress(settings.agent);
                 !s.ok()) {
        diags.AddAttributeError(
            agent_path, "Invalid agent address",
            s.message() + " (The address came from " +
                SourceName(settings.agent_source, config::kAgentEnv) + ".)");
      }
    }
    if (!settings.unknown.count("ca_cert") && !settings.ca_cert.empty() &&
        !settings.ca_cert_is_pem()) {
      std::ifstream f(settings.ca_cert);
      if (!f) {
        diags.AddAttributeError(
            AttributePath::Root("ca_cert"), "Cannot read the CA certificate",
            "ca_cert (from " +
                SourceName(settings.ca_cert_source, config::kCaCertEnv) +
                ") is neither PEM text (starting with -----BEGIN) nor a "
                "readable file: \"" +
                settings.ca_cert +
                "\". Give the PEM text or the path of a readable PEM file.");
      }
    }
    if (diags.HasError()) return nullptr;
    // Open the client (no connection yet) only when the settings it needs
    // are known; ClientOf reports the unknown ones otherwise.
    std::shared_ptr<agent::AgentClient> client;
    if (!settings.unknown.count("agent") && !settings.unknown.count("token") &&
        !settings.unknown.count("ca_cert")) {
      auto opened =
          config::OpenAgentClient(settings, config::ProcessEnv(), geteuid());
      if (!opened.ok()) {
        diags.AddAttributeError(agent_path, "Cannot set up the agent client",
                                opened.status().message());
        return nullptr;
      }
      client = std::move(opened).value();
    }
    return std::make_shared<config::ConfiguredEncore>(std::move(settings),
                                                      std::move(client));
  }

  std::vector<std::unique_ptr<framework::Resource>> Resources() const override {
    std::vector<std::unique_ptr<framework::Resource>> out;
    out.push_back(catalog::NewAppResource());
    out.push_back(catalog::NewEnvironmentResource());
    out.push_back(catalog::NewPrimaryEnvironmentResource());
    out.push_back(catalog::NewSecretResource());
    out.push_back(catalog::NewInfraOverrideResource());
    return out;
  }

  std::vector<std::unique_ptr<framework::DataSource>> DataSources()
      const override {
    std::vector<std::unique_ptr<framework::DataSource>> out;
    out.push_back(catalog::NewAppDataSource());
    out.push_back(catalog::NewEnvironmentDataSource());
    out.push_back(catalog::NewEnvironmentsDataSource());
    out.push_back(catalog::NewSqlDatabaseDataSource());
    out.push_back(catalog::NewPubsubTopicDataSource());
    out.push_back(catalog::NewPubsubSubscriptionDataSource());
    out.push_back(catalog::NewCacheDataSource());
    out.push_back(catalog::NewBucketDataSource());
    out.push_back(catalog::NewServiceDataSource());
    out.push_back(catalog::NewGatewayDataSource());
    return out;
  }

  std::vector<std::unique_ptr<framework::EphemeralResource>>
  EphemeralResources() const override {
    std::vector<std::unique_ptr<framework::EphemeralResource>> out;
    out.push_back(catalog::NewDatabaseCredentialsEphemeral());
    return out;
  }

  std::vector<std::unique_ptr<framework::Function>> Functions() const override {
    std::vector<std::unique_ptr<framework::Function>> out;
    out.push_back(catalog::NewConnectionStringFunction());
    out.push_back(catalog::NewServiceUrlFunction());
    return out;
  }
};

}  // namespace

std::unique_ptr<framework::Provider> NewEncoreProvider() {
  return std::make_unique<EncoreProvider>();
}

}  // namespace encore
