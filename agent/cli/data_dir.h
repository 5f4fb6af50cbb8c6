// Where the agent keeps its data (DESIGN §4), and the files in it. The
// default data dir's rule is model/agent_paths.h, shared with the provider.
#ifndef ENCORE_AGENT_CLI_DATA_DIR_H_
#define ENCORE_AGENT_CLI_DATA_DIR_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "model/agent_paths.h"

namespace encore::agent::cli {

using model::EnvLookup;
using model::ProcessEnv;

inline std::string DefaultDataDir(const EnvLookup& env, uid_t uid) {
  return model::DefaultAgentDataDir(env, uid);
}

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
