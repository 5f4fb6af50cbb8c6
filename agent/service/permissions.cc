#include "agent/service/permissions.h"

#include <string>

namespace encore::agent {
namespace {

using model::Role;

constexpr Permission kPolicy[] = {
    {Action::kRead, Role::kViewer, false, "read", ""},
    {Action::kWriteApp, Role::kMember, false, "change", "app"},
    {Action::kWriteEnvironment, Role::kMember, true, "change", "environment"},
    {Action::kWriteSecret, Role::kMember, true, "write", "secret"},
    {Action::kWriteInfraOverride, Role::kMember, true, "change",
     "infrastructure override of environment"},
    {Action::kWritePrimaryEnvironment, Role::kMember, false, "change",
     "primary environment of app"},
    {Action::kDecideChangeSet, Role::kAdmin, true, "approve or reject",
     "change sets"},
    {Action::kRevealSecret, Role::kAdmin, true, "reveal", "secret values of"},
    {Action::kManageTokens, Role::kAdmin, true, "manage", "tokens"},
};

std::string UseInstead(Role needed) {
  return needed == Role::kAdmin ? "use an admin token"
                                : "use a member or admin token";
}

}  // namespace

const Permission& PermissionFor(Action action) {
  for (const auto& p : kPolicy) {
    if (p.action == action) return p;
  }
  return kPolicy[0];  // unreachable: every action has a row
}

Status Authorize(const model::Actor& who, Action action, bool production,
                 std::string_view target) {
  const Permission& p = PermissionFor(action);
  Role needed = p.min_role;
  if (production && p.production_needs_admin) needed = Role::kAdmin;
  if (static_cast<int>(who.role) >= static_cast<int>(needed)) {
    return Status::Ok();
  }
  std::string what = std::string(p.verb);
  if (production && p.production_needs_admin && p.min_role != Role::kAdmin) {
    what += " production";
  }
  if (!p.noun.empty()) what += " " + std::string(p.noun);
  if (!target.empty()) what += " " + std::string(target);
  return Status::PermissionDenied("role " + std::string(RoleName(who.role)) +
                                  " may not " + what + "; " +
                                  UseInstead(needed));
}

}  // namespace encore::agent
