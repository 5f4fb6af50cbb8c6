// The provider's settings, resolved from its configuration block, the
// ENCORE_* environment variables and the defaults (DESIGN §3), and the
// ConfiguredProvider that carries them to resources and data sources.
#ifndef ENCORE_PROVIDER_CONFIG_PROVIDER_SETTINGS_H_
#define ENCORE_PROVIDER_CONFIG_PROVIDER_SETTINGS_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "agent/api/agent_client.h"
#include "model/agent_paths.h"
#include "provider/core/diagnostics.h"
#include "provider/core/status.h"
#include "provider/framework/call_context.h"
#include "provider/values/value.h"

namespace encore::config {

using model::EnvLookup;
using model::ProcessEnv;

inline constexpr char kAgentEnv[] = "ENCORE_AGENT";
inline constexpr char kTokenEnv[] = "ENCORE_TOKEN";
inline constexpr char kCaCertEnv[] = "ENCORE_CA_CERT";
// "1" or "true" (any case) turns force_conflicts on when the provider block
// does not set it; anything else leaves it off.
inline constexpr char kForceConflictsEnv[] = "ENCORE_FORCE_CONFLICTS";

// Where a setting's value came from, for messages.
enum class Source { kUnset, kConfig, kEnv, kDefault };

struct ProviderSettings {
  std::string agent;  // "unix:///abs/path" or "https://host:port"
  Source agent_source = Source::kUnset;
  std::string token;  // empty: none
  Source token_source = Source::kUnset;
  // PEM text (starts with "-----BEGIN") or a path to a PEM file; empty:
  // the system's trust store.
  std::string ca_cert;
  Source ca_cert_source = Source::kUnset;
  std::string app;  // default app for data sources; empty: none
  std::string env;  // default environment for data sources; empty: none
  // Resolve ownership conflicts in Terraform's favour (audited by the
  // agent); the client sends it with every call.
  bool force_conflicts = false;
  Source force_conflicts_source = Source::kUnset;

  // Names of the provider attributes whose configured values were unknown
  // (during plan): their settings are not known yet. Unknown is never
  // treated as unset, so an env var or default does not stand in.
  std::set<std::string> unknown;
  bool known() const { return unknown.empty(); }
  bool ca_cert_is_pem() const { return ca_cert.rfind("-----BEGIN", 0) == 0; }
};

// The agent's default data dir (DESIGN §4): /var/lib/encore-agent for root
// (uid 0); otherwise $XDG_STATE_HOME/encore-agent, or
// $HOME/.local/state/encore-agent. Empty if neither variable is set.
using model::DefaultAgentDataDir;
// "unix://" + the default data dir + "/agent.sock"; empty if no data dir.
std::string DefaultAgentAddress(const EnvLookup& env, uid_t uid);

// Checks an agent address: "unix:///absolute/path" or
// "https://host:port" (host a name, IPv4 or [IPv6]; port 1..65535). The
// error says what was wrong and shows both forms.
Status CheckAgentAddress(std::string_view address);

// Resolves each setting: the configuration's value when known and non-null,
// else the environment variable (agent, token, ca_cert, force_conflicts;
// empty counts as unset), else the default. `config` is the provider block's
// value (null: no block). Pure: no I/O besides `env`.
ProviderSettings ResolveSettings(const values::Value& config,
                                 const EnvLookup& env, uid_t uid);

// What ConfigureProvider hands to resources and data sources: the
// settings and the agent client opened from them (agent_connection.h).
// The client is null when the settings were not known yet (a plan whose
// provider block depends on unknown values); opening it never connects.
class ConfiguredEncore : public framework::ConfiguredProvider {
 public:
  explicit ConfiguredEncore(ProviderSettings settings,
                            std::shared_ptr<agent::AgentClient> client = {})
      : settings_(std::move(settings)), client_(std::move(client)) {}
  const ProviderSettings& settings() const { return settings_; }
  const std::shared_ptr<agent::AgentClient>& client() const { return client_; }

 private:
  ProviderSettings settings_;
  std::shared_ptr<agent::AgentClient> client_;
};

// The settings of the configured provider in `ctx`; null before
// ConfigureProvider (or if another ConfiguredProvider is there).
const ProviderSettings* SettingsOf(const framework::CallContext& ctx);

// The agent client of the configured provider in `ctx`. Null, with an
// error diagnostic ("Provider not configured", or "Provider configuration
// not known yet" when it depended on unknown values), when there is none.
std::shared_ptr<agent::AgentClient> ClientOf(const framework::CallContext& ctx,
                                             Diagnostics& diags);

}  // namespace encore::config

#endif  // ENCORE_PROVIDER_CONFIG_PROVIDER_SETTINGS_H_
