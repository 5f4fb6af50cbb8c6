// `encore-agent env set APP/ENV FIELD=VALUE...`: the pure part. Applies the
// assignments to a copy of the environment's spec and returns the field
// mask (top-level names, model/records.h kEnvironmentMutableFields) that
// UpdateEnvironment needs.
//
// Fields: infra_approval, deletion_policy, process_allocation (clears
// explicit process groups: "single" or "per_service" replaces them),
// deploy.trigger, deploy.branch (deploy.trigger=manual drops the branch
// unless one is given too; a branch with no trigger means trigger
// "branch"; deploy.trigger= (empty) removes the deploy block). Values are
// checked by the agent; an unknown field is kInvalidArgument listing the
// known ones.
#ifndef ENCORE_AGENT_CLI_ENV_SET_H_
#define ENCORE_AGENT_CLI_ENV_SET_H_

#include <string>
#include <utility>
#include <vector>

#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent::cli {

StatusOr<std::vector<std::string>> ApplyEnvSet(
    const std::vector<std::pair<std::string, std::string>>& assignments,
    model::EnvironmentSpec& spec);

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_ENV_SET_H_
