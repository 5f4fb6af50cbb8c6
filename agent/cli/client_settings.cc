#include "agent/cli/client_settings.h"

namespace encore::agent::cli {
namespace {

std::string FlagOrEnv(const std::optional<std::string>& flag,
                      const EnvLookup& env, std::string_view var) {
  if (flag && !flag->empty()) return *flag;
  if (auto v = env(var); v && !v->empty()) return *v;
  return "";
}

}  // namespace

StatusOr<ClientSettings> ResolveClientSettings(const Globals& g,
                                               const EnvLookup& env,
                                               uid_t uid) {
  ClientSettings s;
  const bool dir_given = g.data_dir && !g.data_dir->empty();
  s.data_dir = dir_given ? *g.data_dir : DefaultDataDir(env, uid);
  s.address = FlagOrEnv(g.agent, env, "ENCORE_AGENT");
  if (s.address.empty()) {
    if (s.data_dir.empty()) {
      return Status::InvalidArgument(
          "no agent address: pass --agent or --data-dir, or set ENCORE_AGENT "
          "(HOME is not set, so there is no default data dir)");
    }
    s.address = "unix://" + SocketPath(s.data_dir);
  }
  s.token = FlagOrEnv(g.token, env, "ENCORE_TOKEN");
  if (s.token.empty() && !s.data_dir.empty() &&
      (dir_given || s.address.rfind("unix://", 0) == 0)) {
    s.token_file = AdminTokenPath(s.data_dir);
  }
  s.ca_cert = FlagOrEnv(g.ca_cert, env, "ENCORE_CA_CERT");
  return s;
}

}  // namespace encore::agent::cli
