// Infrastructure's short-lived database logins (ephemeral
// encore_database_credentials), on top of agent/drivers/sql_logins.
#include "agent/drivers/sql_logins.h"
#include "agent/executor/infrastructure.h"

namespace encore::agent {
namespace {

// The server a ledger entry's database lives on, with admin access.
StatusOr<drivers::SqlServer> ServerOf(backends::LocalBackends& b,
                                      const model::EnvironmentSpec& spec,
                                      const std::string& admin_password,
                                      const LedgerEntry& db) {
  drivers::SqlServer s;
  if (db.location.empty()) {
    auto pg = b.Postgres();
    if (!pg.ok()) return pg.status();
    s.host = pg->host;
    s.port = pg->port;
    s.socket_dir = pg->socket_dir;
    s.admin_user = pg->superuser;
    s.agent_owned = true;
    return s;
  }
  if (!spec.database || !spec.database->existing_server) {
    return Status::FailedPrecondition(
        "database " + db.name + ": the environment has no existing_server");
  }
  const auto& es = *spec.database->existing_server;
  s.host = es.host;
  s.port = static_cast<int>(es.port);
  s.admin_user = es.admin_user;
  s.admin_password = admin_password;
  s.sslmode = es.sslmode;
  return s;
}

model::DatabaseCredentials Out(const drivers::Login& l, const LedgerEntry& db,
                               const drivers::SqlServer& s) {
  model::DatabaseCredentials c;
  c.login = l.user;
  c.password = l.password;
  c.host = db.facts.count("host") ? db.facts.at("host") : s.host;
  c.port = db.facts.count("port") ? std::stoll(db.facts.at("port")) : s.port;
  c.database = db.backend_name;
  c.sslmode = s.sslmode.empty() ? "disable" : s.sslmode;
  c.valid_until = l.valid_until;
  return c;
}

}  // namespace

StatusOr<model::DatabaseCredentials> Infrastructure::IssueLogin(
    const model::EnvironmentSpec& spec, const std::string& admin_password,
    const LedgerEntry& database, const std::string& grant_role,
    int64_t ttl_seconds, bool read_only) {
  auto s = ServerOf(*backends_, spec, admin_password, database);
  if (!s.ok()) return s.status();
  (void)drivers::DropExpiredLogins(*s);
  auto l = drivers::IssueLogin(*s, database.backend_name, grant_role,
                               ttl_seconds, NewTokenSecret(), read_only);
  if (!l.ok()) return l.status();
  return Out(*l, database, *s);
}

StatusOr<model::DatabaseCredentials> Infrastructure::RenewLogin(
    const model::EnvironmentSpec& spec, const std::string& admin_password,
    const LedgerEntry& database, const std::string& login,
    int64_t ttl_seconds) {
  auto s = ServerOf(*backends_, spec, admin_password, database);
  if (!s.ok()) return s.status();
  auto l = drivers::RenewLogin(*s, login, ttl_seconds);
  if (!l.ok()) return l.status();
  return Out(*l, database, *s);
}

Status Infrastructure::DropLogin(const model::EnvironmentSpec& spec,
                                 const std::string& admin_password,
                                 const LedgerEntry& database,
                                 const std::string& login) {
  auto s = ServerOf(*backends_, spec, admin_password, database);
  if (!s.ok()) return s.status();
  return drivers::DropLogin(*s, database.backend_name, login);
}

}  // namespace encore::agent
