#include "agent/service/permissions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace encore::agent {
namespace {

using model::Role;

struct Case {
  Role role;
  Action action;
  bool production;
  bool allowed;
};

TEST(PermissionsTest, PolicyTable) {
  const std::vector<Case> cases = {
      {Role::kViewer, Action::kRead, false, true},
      {Role::kViewer, Action::kRead, true, true},
      {Role::kViewer, Action::kWriteApp, false, false},
      {Role::kViewer, Action::kWriteEnvironment, false, false},
      {Role::kViewer, Action::kWriteSecret, false, false},
      {Role::kViewer, Action::kWriteInfraOverride, false, false},
      {Role::kViewer, Action::kWritePrimaryEnvironment, false, false},
      {Role::kMember, Action::kWriteApp, false, true},
      {Role::kMember, Action::kWriteEnvironment, false, true},
      {Role::kMember, Action::kWriteEnvironment, true, false},
      {Role::kMember, Action::kWriteSecret, false, true},
      {Role::kMember, Action::kWriteSecret, true, false},
      {Role::kMember, Action::kWriteInfraOverride, false, true},
      {Role::kMember, Action::kWriteInfraOverride, true, false},
      {Role::kMember, Action::kWritePrimaryEnvironment, false, true},
      {Role::kMember, Action::kDecideChangeSet, false, false},
      {Role::kMember, Action::kDecideChangeSet, true, false},
      {Role::kMember, Action::kRevealSecret, false, false},
      {Role::kMember, Action::kManageTokens, false, false},
      {Role::kAdmin, Action::kWriteEnvironment, true, true},
      {Role::kAdmin, Action::kWriteSecret, true, true},
      {Role::kAdmin, Action::kDecideChangeSet, true, true},
      {Role::kAdmin, Action::kRevealSecret, false, true},
      {Role::kAdmin, Action::kManageTokens, false, true},
  };
  for (const auto& c : cases) {
    Status s = Authorize({"t", c.role}, c.action, c.production, "shop/x");
    EXPECT_EQ(s.ok(), c.allowed)
        << RoleName(c.role) << " action " << static_cast<int>(c.action)
        << " production " << c.production << ": " << s.message();
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
    }
  }
}

TEST(PermissionsTest, MessagesNameRoleTargetAndFix) {
  EXPECT_EQ(Authorize({"ci", Role::kMember}, Action::kWriteEnvironment, true,
                      "shop/prod")
                .message(),
            "role member may not change production environment shop/prod; "
            "use an admin token");
  EXPECT_EQ(Authorize({"ro", Role::kViewer}, Action::kWriteEnvironment, false,
                      "shop/dev")
                .message(),
            "role viewer may not change environment shop/dev; use a member "
            "or admin token");
  EXPECT_EQ(
      Authorize({"ci", Role::kMember}, Action::kDecideChangeSet, false, "cs-3")
          .message(),
      "role member may not approve or reject change sets cs-3; use an admin "
      "token");
}

}  // namespace
}  // namespace encore::agent
