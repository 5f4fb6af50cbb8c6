#include "agent/drivers/sql_logins.h"

#include <ctime>
#include <fstream>

#include "agent/drivers/pg_connection.h"

namespace encore::agent::drivers {
namespace {

constexpr char kEphemeralPrefix[] = "managed-by=encore-agent ephemeral until=";

std::string Rfc3339(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

StatusOr<std::string> RandomHex(int bytes) {
  std::ifstream in("/dev/urandom", std::ios::binary);
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < bytes; ++i) {
    char c;
    if (!in.get(c)) return Status::Internal("cannot read /dev/urandom");
    out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
    out += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

Status InTransaction(PgConnection& c, const std::vector<std::string>& stmts,
                     const std::string& what) {
  auto begin = c.Exec("BEGIN");
  if (!begin.ok()) return begin.status();
  for (const auto& s : stmts) {
    auto r = c.Exec(s);
    if (!r.ok()) {
      (void)c.Exec("ROLLBACK");
      return Status(r.status().code(), what + ": " + r.status().message());
    }
  }
  auto commit = c.Exec("COMMIT");
  return commit.ok() ? Status::Ok() : commit.status();
}

// The login's mark: "" when the role does not exist; kNotFound-free.
StatusOr<std::pair<bool, std::string>> LoginMark(PgConnection& c,
                                                 const std::string& user) {
  auto rows = c.Exec(
      "SELECT COALESCE(shobj_description(oid, 'pg_authid'), '') FROM pg_roles "
      "WHERE rolname = $1",
      {user});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::make_pair(false, std::string());
  return std::make_pair(true, (*rows)[0][0]);
}

bool IsEphemeral(const std::string& mark) {
  return mark.rfind(kEphemeralPrefix, 0) == 0;
}

// What the login made in each database becomes the role it was issued
// for (REASSIGN OWNED), so a table made through it outlives it; DROP OWNED
// BY then removes only the privileges granted to it.
Status DropRole(const SqlServer& server, PgConnection& admin,
                const std::vector<std::string>& databases,
                const std::string& user) {
  auto parents = admin.Exec(
      "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = "
      "m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1 "
      "ORDER BY 1 LIMIT 1",
      {user});
  if (!parents.ok()) return parents.status();
  const std::string heir = parents->empty() ? "" : (*parents)[0][0];
  for (const auto& db : databases) {
    auto in_db = PgConnection::Connect(server, db);
    if (!in_db.ok()) {
      if (in_db.status().code() == StatusCode::kNotFound) continue;  // gone
      return in_db.status();
    }
    PgConnection& c = **in_db;
    std::vector<std::string> stmts;
    if (!heir.empty()) {
      stmts.push_back("REASSIGN OWNED BY " + c.QuoteIdent(user) + " TO " +
                      c.QuoteIdent(heir));
    }
    stmts.push_back("DROP OWNED BY " + c.QuoteIdent(user));
    for (const auto& stmt : stmts) {
      auto r = c.Exec(stmt);
      if (!r.ok()) {
        return Status(r.status().code(), "login " + user + ": " +
                                             stmt.substr(0, stmt.find(" BY")) +
                                             " BY in database \"" + db +
                                             "\": " + r.status().message());
      }
    }
  }
  auto r = admin.Exec("DROP ROLE IF EXISTS " + admin.QuoteIdent(user));
  if (!r.ok()) {
    return Status(r.status().code(), "login " + user + ": " +
                                         r.status().message() +
                                         "; drop what it owns, then retry");
  }
  return Status::Ok();
}

}  // namespace

std::string EphemeralMark(const std::string& valid_until) {
  return kEphemeralPrefix + valid_until;
}

StatusOr<Login> IssueLogin(const SqlServer& server, const std::string& database,
                           const std::string& grant_role, int64_t ttl_seconds,
                           const std::string& password, bool read_only) {
  if (ttl_seconds <= 0) {
    return Status::InvalidArgument("a database login needs a positive ttl");
  }
  if (password.empty()) {
    return Status::InvalidArgument("a database login needs a password");
  }
  auto c = PgConnection::Connect(server, "postgres");
  if (!c.ok()) return c.status();
  PgConnection& conn = **c;
  auto found = conn.Exec(
      "SELECT (SELECT count(*) FROM pg_database WHERE datname = $1), "
      "(SELECT count(*) FROM pg_roles WHERE rolname = $2)",
      {database, grant_role});
  if (!found.ok()) return found.status();
  if ((*found)[0][0] == "0") {
    return Status::NotFound("database \"" + database + "\" does not exist on " +
                            ServerName(server) +
                            "; apply the environment first");
  }
  if ((*found)[0][1] == "0") {
    return Status::NotFound("role \"" + grant_role + "\" of database \"" +
                            database + "\" does not exist on " +
                            ServerName(server) +
                            "; apply the environment first");
  }
  auto hex = RandomHex(6);
  if (!hex.ok()) return hex.status();
  Login login;
  login.user = "encore_tmp_" + *hex;
  login.password = password;
  login.valid_until = Rfc3339(std::time(nullptr) + ttl_seconds);
  auto verifier = conn.PasswordVerifier(login.user, password);
  if (!verifier.ok()) return verifier.status();
  const std::string role = conn.QuoteIdent(login.user);
  const std::string what = "issuing a login for database \"" + database + "\"";
  Status s = InTransaction(
      conn,
      {"CREATE ROLE " + role + " LOGIN PASSWORD " +
           conn.QuoteLiteral(*verifier) + " VALID UNTIL " +
           conn.QuoteLiteral(login.valid_until) +
           (read_only ? "" : " IN ROLE " + conn.QuoteIdent(grant_role)),
       "COMMENT ON ROLE " + role + " IS " +
           conn.QuoteLiteral(EphemeralMark(login.valid_until))},
      what);
  if (!s.ok()) return s;
  if (read_only) {
    // Reads what is in schema public now; nothing else. A failure drops
    // the half-made login.
    auto in_db = PgConnection::Connect(server, database);
    s = in_db.ok() ? Status::Ok() : in_db.status();
    if (s.ok()) {
      PgConnection& d = **in_db;
      s = InTransaction(
          d,
          {"GRANT CONNECT ON DATABASE " + d.QuoteIdent(database) + " TO " +
               role,
           "GRANT USAGE ON SCHEMA public TO " + role,
           "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role,
           "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role},
          what);
    }
    if (!s.ok()) {
      (void)DropRole(server, conn, {database}, login.user);
      return s;
    }
  }
  return login;
}

StatusOr<Login> RenewLogin(const SqlServer& server, const std::string& user,
                           int64_t ttl_seconds) {
  if (ttl_seconds <= 0) {
    return Status::InvalidArgument("a database login needs a positive ttl");
  }
  auto c = PgConnection::Connect(server, "postgres");
  if (!c.ok()) return c.status();
  PgConnection& conn = **c;
  auto mark = LoginMark(conn, user);
  if (!mark.ok()) return mark.status();
  if (!mark->first) {
    return Status::NotFound("login " + user +
                            " does not exist (expired and dropped?); "
                            "open new credentials");
  }
  if (!IsEphemeral(mark->second)) {
    return Status::FailedPrecondition("role " + user +
                                      " is not a login issued by encore-agent");
  }
  Login login;
  login.user = user;
  login.valid_until = Rfc3339(std::time(nullptr) + ttl_seconds);
  const std::string role = conn.QuoteIdent(user);
  Status s =
      InTransaction(conn,
                    {"ALTER ROLE " + role + " VALID UNTIL " +
                         conn.QuoteLiteral(login.valid_until),
                     "COMMENT ON ROLE " + role + " IS " +
                         conn.QuoteLiteral(EphemeralMark(login.valid_until))},
                    "renewing login " + user);
  if (!s.ok()) return s;
  return login;
}

Status DropLogin(const SqlServer& server, const std::string& database,
                 const std::string& user) {
  auto c = PgConnection::Connect(server, "postgres");
  if (!c.ok()) return c.status();
  auto mark = LoginMark(**c, user);
  if (!mark.ok()) return mark.status();
  if (!mark->first) return Status::Ok();
  if (!IsEphemeral(mark->second)) {
    return Status::FailedPrecondition("role " + user +
                                      " is not a login issued by encore-agent; "
                                      "it is not dropped");
  }
  return DropRole(server, **c, {database}, user);
}

StatusOr<int> DropExpiredLogins(const SqlServer& server) {
  auto c = PgConnection::Connect(server, "postgres");
  if (!c.ok()) return c.status();
  PgConnection& conn = **c;
  auto rows = conn.Exec(
      "SELECT a.rolname, COALESCE((SELECT string_agg(DISTINCT d.datname, "
      "chr(30)) "
      "  FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid "
      "  WHERE s.refclassid = 'pg_authid'::regclass AND s.refobjid = a.oid), "
      "'') "
      "FROM (SELECT r.oid, r.rolname, substr(shobj_description(r.oid, "
      "'pg_authid'), length($1) + 1) AS until FROM pg_roles r "
      "WHERE starts_with(COALESCE(shobj_description(r.oid, 'pg_authid'), ''), "
      "$1)) a "
      "WHERE CASE WHEN a.until ~ "
      "'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "
      "THEN a.until::timestamptz < now() ELSE false END ORDER BY 1",
      {kEphemeralPrefix});
  if (!rows.ok()) return rows.status();
  int dropped = 0;
  for (const auto& row : *rows) {
    std::vector<std::string> dbs;
    size_t start = 0;
    while (!row[1].empty()) {
      size_t at = row[1].find('\x1e', start);
      dbs.push_back(
          row[1].substr(start, at == std::string::npos ? at : at - start));
      if (at == std::string::npos) break;
      start = at + 1;
    }
    Status s = DropRole(server, conn, dbs, row[0]);
    if (!s.ok()) return s;
    ++dropped;
  }
  return dropped;
}

}  // namespace encore::agent::drivers
