// Where encore-agent keeps its data by default (DESIGN §4), shared by the
// agent (serve, CLI) and the provider (its default agent address and admin
// token): /var/lib/encore-agent for root (uid 0); otherwise
// $XDG_STATE_HOME/encore-agent when that is an absolute path, else
// $HOME/.local/state/encore-agent; empty when neither variable is set.
#ifndef ENCORE_MODEL_AGENT_PATHS_H_
#define ENCORE_MODEL_AGENT_PATHS_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace encore::model {

// Looks up an environment variable; nullopt when unset.
using EnvLookup =
    std::function<std::optional<std::string>(std::string_view name)>;

// The process's environment (getenv).
EnvLookup ProcessEnv();

std::string DefaultAgentDataDir(const EnvLookup& env, uid_t uid);

}  // namespace encore::model

#endif  // ENCORE_MODEL_AGENT_PATHS_H_
