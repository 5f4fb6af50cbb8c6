#include "model/agent_paths.h"

#include <cstdlib>

namespace encore::model {

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::string DefaultAgentDataDir(const EnvLookup& env, uid_t uid) {
  if (uid == 0) return "/var/lib/encore-agent";
  if (auto xdg = env("XDG_STATE_HOME"); xdg && !xdg->empty() &&
                                        (*xdg)[0] == '/') {
    return *xdg + "/encore-agent";
  }
  if (auto home = env("HOME"); home && !home->empty()) {
    return *home + "/.local/state/encore-agent";
  }
  return "";
}

}  // namespace encore::model
