// Opening the agent client from the provider's resolved settings (DESIGN
// §3): the address, the token (on the agent's default socket with no token
// set, the agent's admin.token when readable), the CA certificate as PEM
// text, the client name and the log line per call. Opening never connects:
// a plan that needs no agent works without one.
#ifndef ENCORE_PROVIDER_CONFIG_AGENT_CONNECTION_H_
#define ENCORE_PROVIDER_CONFIG_AGENT_CONNECTION_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "agent/api/agent_client.h"
#include "provider/config/provider_settings.h"
#include "provider/core/status.h"

namespace encore::config {

// "terraform-provider-encore/VERSION".
std::string ClientName();

// How long a call retries while the agent is unreachable (a restarting
// agent) before it reports UNAVAILABLE.
inline constexpr int64_t kRetryUnavailableMs = 10000;

// The client options for known `settings`. Reads `ca_cert` from its file
// when it is a path, and, when no token is set and the address is the
// default socket (agent_source kDefault), DATA_DIR/admin.token if readable
// (its contents, surrounding whitespace removed). Errors: an unreadable CA
// file (InvalidArgument naming the path).
StatusOr<agent::ClientOptions> ClientOptionsFor(const ProviderSettings& settings,
                                                const EnvLookup& env, uid_t uid);

// Logs one finished call (never bodies): DEBUG "agent call" with rpc,
// request_id, status and ms; WARN when the status is an error.
void LogAgentCall(const agent::CallLog& call);

// ClientOptionsFor, then AgentClient::Open.
StatusOr<std::shared_ptr<agent::AgentClient>> OpenAgentClient(
    const ProviderSettings& settings, const EnvLookup& env, uid_t uid);

}  // namespace encore::config

#endif  // ENCORE_PROVIDER_CONFIG_AGENT_CONNECTION_H_
