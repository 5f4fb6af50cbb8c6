// The encore-agent commands. Each returns the exit code for success or a
// check that failed (0 or 1), or a Status that run.cc prints as one line
// and maps to an exit code (exit_codes.h).
#ifndef ENCORE_AGENT_CLI_COMMANDS_H_
#define ENCORE_AGENT_CLI_COMMANDS_H_

#include "agent/cli/cli_args.h"
#include "agent/cli/session.h"
#include "provider/core/status.h"

namespace encore::agent::cli {

// cmd_serve.cc: runs the agent until SIGTERM/SIGINT.
StatusOr<int> RunServe(Session& s);

// cmd_basic.cc
StatusOr<int> RunVersion(Session& s);
StatusOr<int> RunInfo(Session& s);
StatusOr<int> RunAppList(Session& s);
StatusOr<int> RunAppShow(Session& s);

// cmd_env.cc
StatusOr<int> RunEnvList(Session& s);
StatusOr<int> RunEnvShow(Session& s);
StatusOr<int> RunEnvSet(Session& s);

// cmd_changeset.cc
StatusOr<int> RunChangeSetList(Session& s);
StatusOr<int> RunChangeSetShow(Session& s);
StatusOr<int> RunChangeSetApprove(Session& s);
StatusOr<int> RunChangeSetReject(Session& s);

// cmd_audit.cc
StatusOr<int> RunAudit(Session& s);
StatusOr<int> RunAuditVerify(Session& s);

// cmd_token.cc
StatusOr<int> RunTokenCreate(Session& s);
StatusOr<int> RunTokenRevoke(Session& s);
StatusOr<int> RunTokenList(Session& s);

// cmd_secret.cc
StatusOr<int> RunSecretGet(Session& s);
StatusOr<int> RunSecretSet(Session& s);

// cmd_infra.cc: real infrastructure.
StatusOr<int> RunReconcile(Session& s);
StatusOr<int> RunDrift(Session& s);
StatusOr<int> RunRuntimeConfig(Session& s);
StatusOr<int> RunCounters(Session& s);
StatusOr<int> RunBackendsStop(Session& s);

// run.cc: the whole program (main.cc calls it). Writes results to `out`,
// errors as one line "encore-agent: <message>" to `err`.
int Run(const std::vector<std::string>& argv, std::ostream& out,
        std::ostream& err, std::istream& in);

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_COMMANDS_H_
