// Where the agent keeps its data (DESIGN §4), and the files in it.
//
// The same rule as provider/config/provider_settings.h DefaultAgentDataDir
// (kept apart because that one lives in the provider's encore_catalog
// library, which the agent does not link; agent/cli/data_dir_test.cc pins
// the rule): /var/lib/encore-agent for root; otherwise
// $XDG_STATE_HOME/encore-agent (when absolute), else
// $HOME/.local/state/encore-agent; empty when neither is set.
#ifndef ENCORE_AGENT_CLI_DATA_DIR_H_
#define ENCORE_AGENT_CLI_DATA_DIR_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace encore::agent::cli {

using EnvLookup =
    std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup ProcessEnv();

std::string DefaultDataDir(const EnvLookup& env, uid_t uid);

// The files in a data dir.
inline std::string SocketPath(const std::string& dir) {
  return dir + "/agent.sock";
}
inline std::string AdminTokenPath(const std::string& dir) {
  return dir + "/admin.token";
}
inline std::string LockPath(const std::string& dir) {
  return dir + "/agent.lock";
}
inline std::string StorePath(const std::string& dir) {
  return dir + "/agent.db";
}
inline std::string KeyPath(const std::string& dir) {
  return dir + "/secret.key";
}
inline std::string TlsCertPath(const std::string& dir) {
  return dir + "/tls/cert.pem";
}
inline std::string TlsKeyPath(const std::string& dir) {
  return dir + "/tls/key.pem";
}

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_DATA_DIR_H_
