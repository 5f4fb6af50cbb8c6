// SqlDatabaseDriver: kind "sql_database" on PostgreSQL (DESIGN §5, §7), on
// the agent's cluster or an existing server (Resource::sql_server), with the
// same statements either way; nothing else on the server is touched.
//
// The item (agent/planner DatabaseItem): database Resource::backend_name,
// attributes "owner" (the owner role), "roles" (comma list of the service
// roles, owner included) and optional "connection_limit". Passwords come in
// Resource::credentials["password:<role>"].
//
// Create runs the planner's planned calls, in order, for what is missing:
//   CREATE ROLE "r" LOGIN PASSWORD '<scram verifier>'; COMMENT ON ROLE "r"
//     IS '<mark>'   (each role that does not exist; one request, so one
//                    implicit transaction: never an unmarked role of ours)
//   CREATE DATABASE "db" [TEMPLATE "src"] OWNER "owner"
//   COMMENT ON DATABASE "db" IS '<mark>'  (not when adopted)
//   GRANT ALL PRIVILEGES ON DATABASE "db" TO "r"  (other roles, not granted),
//     then in "db": GRANT ALL ON SCHEMA public, ON ALL TABLES and ON ALL
//     SEQUENCES IN SCHEMA public TO "r", and ALTER DEFAULT PRIVILEGES FOR
//     ROLE "owner" IN SCHEMA public GRANT ALL ON TABLES / SEQUENCES TO "r"
//   ALTER DATABASE "db" CONNECTION LIMIT n        (when set and different)
// A role that exists with our mark keeps its password. A database or role
// with another mark (or none) is kAlreadyExists naming it (roles without a
// mark are accepted when adopted). A database without a mark whose owner is
// a role with our mark is ours from an interrupted Create: it is completed.
// With Resource::branch_from, the database is a copy: TEMPLATE when nobody
// is connected to the source (pg_stat_activity; then, in the copy, what the
// source's roles owned is reassigned to the owner role), else pg_dump | psql
// (the binaries next to the server's; the restore runs as the owner role).
// Either way the copy's objects are the owner role's.
// Facts: host, port, database, user (the owner), roles. Never passwords.
//
// Observe reads one statement: owner, roles (the owner, then the roles with
// privileges on the database that are listed or carry our mark),
// connection_limit (datconnlimit; "" for -1). "password:<role>" is
// write-only and not reported. An empty request adds "foreign.<setting>" for
// every ALTER DATABASE ... SET (pg_db_role_setting, setrole = 0).
//
// Update keys: connection_limit (1 statement; "" resets to -1), owner
// (ALTER DATABASE OWNER TO, 1 statement), password:<role> (ALTER ROLE
// PASSWORD, 1 statement; the password is credentials["password:<role>"],
// else the patch value; reported back as ""), roles (1 read, then CREATE
// ROLE + COMMENT + GRANT for new ones, REVOKE + DROP ROLE for ours that
// left). Then one read of the patched attributes.
//
// Delete refuses (kFailedPrecondition, naming the mark found) a database
// without our mark or adopted; otherwise DROP DATABASE "db" WITH (FORCE),
// then DROP ROLE for the roles that carry our mark and are used by no other
// database. A missing database is success (its leftover roles of ours are
// dropped the same way).
//
// On the agent's own cluster the admin connection is kept between calls
// (PgConnectionPool): a database costs its statements, not a new session
// per call.
#ifndef ENCORE_AGENT_DRIVERS_SQL_DATABASE_DRIVER_H_
#define ENCORE_AGENT_DRIVERS_SQL_DATABASE_DRIVER_H_

#include <string>
#include <vector>

#include "agent/drivers/driver.h"
#include "agent/drivers/pg_connection.h"

namespace encore::agent::drivers {

class SqlDatabaseDriver : public Driver {
 public:
  std::string_view kind() const override { return "sql_database"; }
  StatusOr<Observed> Observe(
      const Resource& r, const std::vector<std::string>& attributes) override;
  StatusOr<Created> Create(const Resource& r) override;
  StatusOr<Attributes> Update(const Resource& r,
                              const Attributes& patch) override;
  Status Delete(const Resource& r) override;

 private:
  PgConnectionPool admin_pool_;  // the agent's cluster: kept between calls
};

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_SQL_DATABASE_DRIVER_H_
