// Who may do what (DESIGN §4, issue 8 "Auth"): the policy as data. Each
// action has a minimum role, and whether doing it to production needs an
// admin. AgentService checks every call with Authorize before touching the
// store.
//   viewer: reads only.
//   member: writes apps, non-production environments, their secrets and
//           infrastructure overrides, primary environments.
//   admin:  everything; only admin approves or rejects change sets, reveals
//           secret values, manages tokens, and changes or destroys
//           production or writes production secrets.
#ifndef ENCORE_AGENT_SERVICE_PERMISSIONS_H_
#define ENCORE_AGENT_SERVICE_PERMISSIONS_H_

#include <string_view>

#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent {

enum class Action {
  kRead,
  kWriteApp,
  kWriteEnvironment,
  kWriteSecret,
  kWriteInfraOverride,
  kWritePrimaryEnvironment,
  kDecideChangeSet,
  kRevealSecret,
  kManageTokens,
};

struct Permission {
  Action action;
  model::Role min_role;
  bool production_needs_admin;
  std::string_view verb;  // "change", "write", "approve or reject", ...
  std::string_view noun;  // "environment", "secret", "change sets", ...
};

// The policy table (one row per action).
const Permission& PermissionFor(Action action);

// OK, or kPermissionDenied with one line naming the role, what it may not
// do and the token to use instead, e.g. "role member may not change
// production environment shop/prod; use an admin token". `target` names the
// record ("shop/prod"); it may be empty.
Status Authorize(const model::Actor& who, Action action, bool production,
                 std::string_view target = "");

}  // namespace encore::agent

#endif  // ENCORE_AGENT_SERVICE_PERMISSIONS_H_
