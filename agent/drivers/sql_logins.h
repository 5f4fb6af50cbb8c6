// Short-lived PostgreSQL logins for the ephemeral resource
// `encore_database_credentials` (DESIGN §3): a real role with VALID UNTIL,
// member of one of the database's roles, renewed while Terraform runs and
// dropped on close.
//
// IssueLogin creates role "encore_tmp_<12 random hex>" LOGIN PASSWORD
// '<scram verifier of `password`>' VALID UNTIL '<now + ttl, UTC>' IN ROLE
// grant_role, and marks it with COMMENT ON ROLE
// 'managed-by=encore-agent ephemeral until=<RFC 3339>'. The password is the
// caller's and never leaves the client in clear. With `read_only` the login
// is no member of grant_role (which must still exist): it gets CONNECT on
// `database`, USAGE on its schema public and SELECT on the tables and
// sequences in public at the time of issue, in one transaction.
// RenewLogin moves VALID UNTIL (and the mark) to now + ttl.
// DropLogin runs REASSIGN OWNED BY (to the role the login was issued for,
// so what it made, such as a table, stays) and DROP OWNED BY (its
// privileges) in `database` (when it still exists), then DROP ROLE; a missing
// role is success; a role without the ephemeral mark is refused
// (kFailedPrecondition). DropExpiredLogins drops every login with our ephemeral
// mark whose until has passed (REASSIGN OWNED BY and DROP OWNED BY in each
// database where it owns something); returns how many.
#ifndef ENCORE_AGENT_DRIVERS_SQL_LOGINS_H_
#define ENCORE_AGENT_DRIVERS_SQL_LOGINS_H_

#include <cstdint>
#include <string>

#include "agent/drivers/driver.h"
#include "provider/core/status.h"

namespace encore::agent::drivers {

struct Login {
  std::string user;
  std::string password;     // the caller's; empty from RenewLogin
  std::string valid_until;  // RFC 3339, UTC: "2025-01-02T03:04:05Z"
};

// "managed-by=encore-agent ephemeral until=<valid_until>"
std::string EphemeralMark(const std::string& valid_until);

StatusOr<Login> IssueLogin(const SqlServer& server, const std::string& database,
                           const std::string& grant_role, int64_t ttl_seconds,
                           const std::string& password, bool read_only = false);
StatusOr<Login> RenewLogin(const SqlServer& server, const std::string& user,
                           int64_t ttl_seconds);
Status DropLogin(const SqlServer& server, const std::string& database,
                 const std::string& user);
StatusOr<int> DropExpiredLogins(const SqlServer& server);

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_SQL_LOGINS_H_
