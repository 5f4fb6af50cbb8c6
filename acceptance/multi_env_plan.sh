#!/usr/bin/env bash
# examples/multi-env plans against a real agent: production on AWS (manual
# infrastructure approval), development on GCP, one preview environment per
# pull request. The cloud environments are plan only here (their drivers
# cannot run on this machine): nothing is applied, nothing reaches the agent.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_agent
cfg="$(copy_config "$REPO_ROOT/examples/multi-env")"
out="$WORK/plan.out"
if ! run_capture "$out" -chdir="$cfg" plan -no-color -input=false \
  -var 'pull_requests=[12, 15]' -out=tfplan; then
  cat "$out" >&2
  die "terraform plan of examples/multi-env failed"
fi
expect_contains "$out" "Plan: 6 to add, 0 to change, 0 to destroy" "plan output"
"$TERRAFORM" -chdir="$cfg" show -json tfplan >"$WORK/plan.json" ||
  die "terraform show -json failed"
J="$WORK/plan.json"
after() { jq -r --arg a "$1" ".resource_changes[] | select(.address == \$a) | .change.after.$2" "$J"; }
expect_eq "$(after encore_environment.production infra_approval)" "manual" "production's approval"
expect_eq "$(after encore_environment.production cloud)" "aws" "production's cloud"
expect_eq "$(after encore_environment.development cloud)" "gcp" "development's cloud"
expect_eq "$(after 'encore_environment.preview["12"]' name)" "pr:12" "preview name"
expect_eq "$(after 'encore_environment.preview["15"]' type)" "preview" "preview type"
expect_eq "$(jq -r '.planned_values.outputs.preview_environments.value | join(",")' "$J")" \
  "pr:12,pr:15" "preview_environments output"
# Nothing reached the agent's store: a plan changes nothing.
expect_eq "$(agent_json app list | jq 'length')" "0" "apps in the agent after plan"
finish
