#include "agent/cli/env_set.h"

#include <algorithm>
#include <optional>

namespace encore::agent::cli {
namespace {

void AddMask(std::vector<std::string>& mask, const std::string& f) {
  if (std::find(mask.begin(), mask.end(), f) == mask.end()) mask.push_back(f);
}

}  // namespace

StatusOr<std::vector<std::string>> ApplyEnvSet(
    const std::vector<std::pair<std::string, std::string>>& assignments,
    model::EnvironmentSpec& spec) {
  std::vector<std::string> mask;
  std::optional<std::string> trigger, branch;
  for (const auto& [field, value] : assignments) {
    if (field == "infra_approval") {
      spec.infra_approval = value;
      AddMask(mask, field);
    } else if (field == "deletion_policy") {
      spec.deletion_policy = value;
      AddMask(mask, field);
    } else if (field == "process_allocation") {
      spec.process_allocation = value;
      AddMask(mask, field);
      if (!spec.process_groups.empty()) {
        spec.process_groups.clear();
        AddMask(mask, "process_groups");
      }
    } else if (field == "deploy.trigger") {
      trigger = value;
    } else if (field == "deploy.branch") {
      branch = value;
    } else {
      return Status::InvalidArgument(
          "unknown field \"" + field +
          "\"; env set changes infra_approval, deletion_policy, "
          "process_allocation, deploy.trigger, deploy.branch");
    }
  }
  if (trigger || branch) {
    AddMask(mask, "deploy");
    if (trigger && trigger->empty() && (!branch || branch->empty())) {
      spec.deploy.reset();
    } else {
      model::DeploySpec d = spec.deploy.value_or(model::DeploySpec{});
      if (trigger) {
        d.trigger = *trigger;
        if (*trigger == "manual" && !branch) d.branch.clear();
      }
      if (branch) {
        d.branch = *branch;
        if (d.trigger.empty() && !branch->empty()) d.trigger = "branch";
      }
      spec.deploy = d;
    }
  }
  return mask;
}

}  // namespace encore::agent::cli
