// How a CLI command finds and authenticates to the agent (pure).
//   address: --agent, else $ENCORE_AGENT, else unix://<data dir>/agent.sock
//   data dir: --data-dir, else the default (data_dir.h)
//   token: --token, else $ENCORE_TOKEN, else <data dir>/admin.token when
//     readable, only if the agent is a unix socket or --data-dir was given
//     (a local admin token is never sent to a remote agent unasked)
//   ca cert: --ca-cert, else $ENCORE_CA_CERT (a file, or PEM text)
// Empty values count as unset.
#ifndef ENCORE_AGENT_CLI_CLIENT_SETTINGS_H_
#define ENCORE_AGENT_CLI_CLIENT_SETTINGS_H_

#include <string>

#include "agent/cli/cli_args.h"
#include "agent/cli/data_dir.h"
#include "provider/core/status.h"

namespace encore::agent::cli {

struct ClientSettings {
  std::string address;
  std::string data_dir;
  std::string token;       // explicit token; empty: none given
  std::string token_file;  // read when `token` is empty; empty: none
  std::string ca_cert;     // path or PEM; empty: none
};

StatusOr<ClientSettings> ResolveClientSettings(const Globals& g,
                                               const EnvLookup& env,
                                               uid_t uid);

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_CLIENT_SETTINGS_H_
