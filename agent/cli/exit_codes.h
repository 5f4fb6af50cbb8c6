// encore-agent's exit codes (documented in --help and agent/README.md).
#ifndef ENCORE_AGENT_CLI_EXIT_CODES_H_
#define ENCORE_AGENT_CLI_EXIT_CODES_H_

#include "provider/core/status.h"

namespace encore::agent::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;  // audit verify found tampering
inline constexpr int kExitUserError = 2;    // usage, argument, auth, conflict
inline constexpr int kExitFault = 3;        // unreachable, internal, I/O

// kExitUserError for what the user can fix (invalid argument, not found,
// already exists, permission denied, unauthenticated, aborted, failed
// precondition); kExitFault for the rest (unavailable, internal, deadline,
// cancelled, unimplemented).
int ExitCodeFor(const Status& status);

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_EXIT_CODES_H_
