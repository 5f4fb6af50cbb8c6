#include "agent/drivers/sql_database_driver.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "agent/backends/postgres_cluster.h"
#include "agent/backends/server_process.h"
#include "agent/drivers/pg_connection.h"

extern char** environ;

namespace encore::agent::drivers {
namespace {

constexpr char kSep1[] = "\x1f";  // name / mark
constexpr char kSep2[] = "\x1e";  // list items

// One statement: the database (owner, mark, limit, grantees with their
// marks, per-database settings) and the listed roles that exist.
constexpr char kStateSql[] = R"sql(
SELECT 'r', a.rolname, COALESCE(shobj_description(a.oid, 'pg_authid'), ''),
       '', '', '', ''
  FROM pg_roles a WHERE a.rolname = ANY(string_to_array($2, ','))
UNION ALL
SELECT 'd', pg_get_userbyid(d.datdba),
       COALESCE(shobj_description(d.oid, 'pg_database'), ''),
       d.datconnlimit::text,
       COALESCE((SELECT string_agg(g.rolname || chr(31) ||
                   COALESCE(shobj_description(g.oid, 'pg_authid'), ''), chr(30)
                   ORDER BY g.rolname)
                 FROM pg_roles g
                 WHERE g.oid <> d.datdba AND g.oid IN (
                   SELECT x.grantee FROM aclexplode(d.datacl) x
                   WHERE x.privilege_type = 'CREATE')), ''),
       COALESCE((SELECT array_to_string(s.setconfig, chr(30))
                 FROM pg_db_role_setting s
                 WHERE s.setdatabase = d.oid AND s.setrole = 0), ''),
       COALESCE(shobj_description(d.datdba, 'pg_authid'), '')
  FROM pg_database d WHERE d.datname = $1
)sql";

// The listed roles that no database uses (as owner or grantee).
constexpr char kUnusedSql[] = R"sql(
SELECT a.rolname FROM pg_roles a
 WHERE a.rolname = ANY(string_to_array($1, ','))
   AND NOT EXISTS (SELECT 1 FROM pg_database d
                    WHERE d.datdba = a.oid OR a.oid IN (
                      SELECT x.grantee FROM aclexplode(d.datacl) x))
 ORDER BY 1
)sql";

struct Grantee {
  std::string name, mark;
};

struct DbState {
  bool exists = false;
  std::string owner, mark, owner_mark;
  int connlimit = -1;
  std::vector<Grantee> grantees;
  std::vector<std::pair<std::string, std::string>> settings;
  std::map<std::string, std::string> roles;  // listed roles that exist -> mark
};

std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(
        start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + sep.size();
  }
  return out;
}

std::vector<std::string> RoleList(const std::string& csv) {
  std::vector<std::string> out;
  for (auto r : Split(csv, ",")) {
    r.erase(0, r.find_first_not_of(' '));
    r.erase(r.find_last_not_of(' ') + 1);
    if (!r.empty() && std::find(out.begin(), out.end(), r) == out.end()) {
      out.push_back(r);
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Attr(const Resource& r, const std::string& k) {
  auto it = r.item.attributes.find(k);
  return it == r.item.attributes.end() ? "" : it->second;
}

bool IsInteger(const std::string& s) {
  if (s.empty()) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  return i < s.size() && s.size() < 11 &&
         s.find_first_not_of("0123456789", i) == std::string::npos;
}

std::string Q(const std::string& s) { return "\"" + s + "\""; }

// Statements counted as the driver's reads and writes.
struct Sql {
  PgConnection* c;
  std::function<void()> read, write;
  StatusOr<PgRows> Read(const std::string& q,
                        const std::vector<std::string>& p) {
    read();
    return c->Exec(q, p);
  }
  Status Write(const std::string& q) {
    write();
    auto r = c->Exec(q);
    return r.ok() ? Status::Ok() : r.status();
  }
};

Status Named(const std::string& db, const std::string& what, const Status& s,
             const std::string& fix = "") {
  std::string m = "database " + Q(db) + ": " + what + ": " + s.message();
  if (!fix.empty()) m += "; " + fix;
  return Status(s.code(), m);
}

StatusOr<DbState> ReadState(Sql& sql, const std::string& db,
                            const std::vector<std::string>& roles) {
  auto rows = sql.Read(kStateSql, {db, Join(roles)});
  if (!rows.ok()) return Named(db, "reading its state", rows.status());
  DbState st;
  for (const auto& row : *rows) {
    if (row[0] == "r") {
      st.roles[row[1]] = row[2];
      continue;
    }
    st.exists = true;
    st.owner = row[1];
    st.mark = row[2];
    st.connlimit = std::atoi(row[3].c_str());
    for (const auto& g : Split(row[4], kSep2)) {
      auto parts = Split(g, kSep1);
      st.grantees.push_back({parts[0], parts.size() > 1 ? parts[1] : ""});
    }
    for (const auto& s : Split(row[5], kSep2)) {
      size_t eq = s.find('=');
      if (eq == std::string::npos) continue;
      st.settings.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
    st.owner_mark = row[6];
  }
  return st;
}

// The owner, then the roles with privileges that are listed in `desired`
// (in its order) or carry `mark`.
std::string RolesOf(const DbState& st, const std::vector<std::string>& desired,
                    const std::string& mark) {
  std::vector<std::string> out = {st.owner};
  std::vector<std::string> ours;
  for (const auto& g : st.grantees) {
    if (Contains(desired, g.name) || g.mark == mark) ours.push_back(g.name);
  }
  for (const auto& d : desired) {
    if (Contains(ours, d) && !Contains(out, d)) out.push_back(d);
  }
  for (const auto& o : ours) {
    if (!Contains(out, o)) out.push_back(o);
  }
  return Join(out);
}

bool Known(const std::string& k) {
  return k == "owner" || k == "roles" || k == "connection_limit";
}

Attributes Read(const DbState& st, const std::vector<std::string>& keys,
                const std::vector<std::string>& desired_roles,
                const std::string& mark) {
  Attributes a;
  for (const auto& k : keys) {
    if (k == "owner") a[k] = st.owner;
    if (k == "connection_limit") {
      a[k] = st.connlimit == -1 ? "" : std::to_string(st.connlimit);
    }
    if (k == "roles") a[k] = RolesOf(st, desired_roles, mark);
  }
  return a;
}

Attributes Foreign(const DbState& st) {
  Attributes a;
  for (const auto& [k, v] : st.settings) a["foreign." + k] = v;
  return a;
}

std::string DbConflict(const std::string& db, const std::string& mark,
                       const SqlServer& server) {
  std::string m =
      "database " + Q(db) + " already exists on " + ServerName(server);
  if (mark.empty()) {
    return m +
           " and was not made by encore-agent; rename or drop it, or adopt "
           "it with an adopt block (policy = \"manage\")";
  }
  std::string env = MarkEnvironment(mark);
  if (!env.empty()) {
    return m + " and belongs to environment " + env +
           "; give this environment's database another name or destroy " + env;
  }
  return m + " and carries the mark \"" + mark +
         "\" of another tool; it can only be observed (adopt policy = "
         "\"observe\")";
}

std::string RoleConflict(const std::string& role, const std::string& mark,
                         const std::string& db) {
  std::string m =
      "role " + Q(role) + " (of database " + Q(db) + ") already exists";
  std::string env = MarkEnvironment(mark);
  if (!env.empty()) return m + " and belongs to environment " + env;
  if (mark.empty()) {
    return m +
           " and was not made by encore-agent; drop or rename it, or adopt "
           "the database (policy = \"manage\") to use it as it is";
  }
  return m + " with the mark \"" + mark + "\" of another tool";
}

// Creates each role of `roles` missing from `st` (with our mark), after
// checking that every existing one may be used.
Status EnsureRoles(Sql& sql, const Resource& r, const DbState& st,
                   const std::vector<std::string>& roles) {
  const std::string mark = OwnershipMark(r.env);
  const std::string& db = r.backend_name;
  for (const auto& role : roles) {
    auto it = st.roles.find(role);
    if (it == st.roles.end()) {
      if (!r.credentials.count("password:" + role)) {
        return Status::InvalidArgument(
            "database " + Q(db) + ": no password for the new role " + Q(role) +
            " (credentials \"password:" + role +
            "\"); the executor generates it");
      }
      continue;
    }
    if (it->second == mark || (r.adopted && it->second.empty())) continue;
    return Status::AlreadyExists(RoleConflict(role, it->second, db));
  }
  for (const auto& role : roles) {
    if (st.roles.count(role)) continue;
    auto verifier =
        sql.c->PasswordVerifier(role, r.credentials.at("password:" + role));
    if (!verifier.ok()) return verifier.status();
    // One request, so one implicit transaction: an agent killed here leaves
    // either no role or a marked one, never an unmarked (foreign) one.
    Status s = sql.Write("CREATE ROLE " + sql.c->QuoteIdent(role) +
                         " LOGIN PASSWORD " + sql.c->QuoteLiteral(*verifier) +
                         "; COMMENT ON ROLE " + sql.c->QuoteIdent(role) +
                         " IS " + sql.c->QuoteLiteral(mark));
    if (!s.ok()) return Named(db, "creating role " + Q(role), s);
  }
  return Status::Ok();
}

// Gives `role` the database, its `public` schema (since PostgreSQL 15 only
// the database owner may create there), and what `owner` made and will
// make there (tables and sequences: the owner runs the migrations, every
// service using the database reads and writes them). One write for the
// database, then five in it.
Status Grant(Sql& sql, const SqlServer& server, const std::string& db,
             const std::string& owner, const std::string& role) {
  Status s =
      sql.Write("GRANT ALL PRIVILEGES ON DATABASE " + sql.c->QuoteIdent(db) +
                " TO " + sql.c->QuoteIdent(role));
  if (!s.ok()) return Named(db, "granting to role " + Q(role), s);
  auto in_db = PgConnection::Connect(server, db);
  if (!in_db.ok()) return Named(db, "connecting to it", in_db.status());
  Sql inner{in_db->get(), sql.read, sql.write};
  const std::string to = " TO " + inner.c->QuoteIdent(role);
  const std::string defaults = "ALTER DEFAULT PRIVILEGES FOR ROLE " +
                               inner.c->QuoteIdent(owner) +
                               " IN SCHEMA public GRANT ALL ON ";
  for (const std::string& stmt :
       {"GRANT ALL ON SCHEMA public" + to,
        "GRANT ALL ON ALL TABLES IN SCHEMA public" + to,
        "GRANT ALL ON ALL SEQUENCES IN SCHEMA public" + to,
        defaults + "TABLES" + to, defaults + "SEQUENCES" + to}) {
    s = inner.Write(stmt);
    // A database without a `public` schema (someone dropped it) has
    // nothing more to grant.
    if (!s.ok() && inner.c->sql_state() == "3F000") break;
    if (!s.ok())
      return Named(db, "granting schema public to role " + Q(role), s);
  }
  return Status::Ok();
}

// Drops the roles of `candidates` that no database uses. A role that still
// owns objects in `db` has them reassigned to `new_owner` first.
Status DropUnusedRoles(Sql& sql, const SqlServer& server, const std::string& db,
                       const std::vector<std::string>& candidates,
                       const std::string& new_owner) {
  if (candidates.empty()) return Status::Ok();
  auto rows = sql.Read(kUnusedSql, {Join(candidates)});
  if (!rows.ok())
    return Named(db, "reading which roles are still used", rows.status());
  for (const auto& row : *rows) {
    const std::string& role = row[0];
    const std::string drop = "DROP ROLE " + sql.c->QuoteIdent(role);
    Status s = sql.Write(drop);
    if (!s.ok() && sql.c->sql_state() == "2BP01" && !new_owner.empty()) {
      auto in_db = PgConnection::Connect(server, db);
      if (in_db.ok()) {
        Sql inner{in_db->get(), sql.read, sql.write};
        Status a =
            inner.Write("REASSIGN OWNED BY " + inner.c->QuoteIdent(role) +
                        " TO " + inner.c->QuoteIdent(new_owner));
        if (a.ok())
          a = inner.Write("DROP OWNED BY " + inner.c->QuoteIdent(role));
        if (a.ok()) s = sql.Write(drop);
      }
    }
    if (!s.ok()) {
      return Named(
          db, "dropping role " + Q(role), s,
          "it still owns objects elsewhere; reassign or drop them, then "
          "apply again");
    }
  }
  return Status::Ok();
}

// pg_dump `src` | psql into `dst` (empty), both with the binaries next to
// the server's; the restore runs as `owner` (PGOPTIONS role), so what it
// makes is the owner's. The password goes in PGPASSWORD only.
Status DumpRestore(const SqlServer& server, const std::string& src,
                   const std::string& dst, const std::string& owner) {
  auto bin = backends::PostgresBinDir();
  if (!bin.ok()) return bin.status();
  std::string escaped_owner;
  for (char c : owner) {
    if (c == ' ' || c == '\\') escaped_owner += '\\';
    escaped_owner += c;
  }
  std::vector<std::string> base_env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "PG", 2) != 0) base_env.emplace_back(*e);
  }
  base_env.emplace_back("PGCONNECT_TIMEOUT=10");
  if (server.socket_dir.empty() && !server.admin_password.empty()) {
    base_env.push_back("PGPASSWORD=" + server.admin_password);
  }
  std::vector<std::string> dump_env = base_env, restore_env = base_env;
  restore_env.push_back("PGOPTIONS=-c role=" + escaped_owner);
  std::vector<std::string> dump_argv = {*bin + "/pg_dump", "--no-owner",
                                        "--no-privileges", "-d",
                                        ConnInfo(server, src)};
  std::vector<std::string> restore_argv = {
      *bin + "/psql",       "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
      ConnInfo(server, dst)};
  auto ptrs = [](std::vector<std::string>& v) {
    std::vector<char*> p;
    for (auto& s : v) p.push_back(s.data());
    p.push_back(nullptr);
    return p;
  };
  auto dump_a = ptrs(dump_argv), dump_e = ptrs(dump_env);
  auto rest_a = ptrs(restore_argv), rest_e = ptrs(restore_env);

  char err_path[] = "/tmp/encore-pg-branch-XXXXXX";
  int err = mkstemp(err_path);
  if (err < 0)
    return Status::Internal(std::string("mkstemp: ") + strerror(errno));
  unlink(err_path);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    close(err);
    close(devnull);
    return Status::Internal(std::string("pipe: ") + strerror(errno));
  }
  auto spawn = [&](char** argv, char** envp, int in, int out) -> pid_t {
    pid_t pid = fork();
    if (pid == 0) {
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      backends::ResetSignalsForExec();
      execve(argv[0], argv, envp);
      _exit(127);
    }
    return pid;
  };
  pid_t dump = spawn(dump_a.data(), dump_e.data(), devnull, p[1]);
  pid_t restore = spawn(rest_a.data(), rest_e.data(), p[0], devnull);
  close(p[0]);
  close(p[1]);
  close(devnull);
  auto wait = [](pid_t pid) {
    int status = 0;
    if (pid < 0) return -1;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  };
  int dump_rc = wait(dump), restore_rc = wait(restore);
  std::string text;
  lseek(err, 0, SEEK_SET);
  char buf[4096];
  for (ssize_t n; (n = read(err, buf, sizeof buf)) > 0;) text.append(buf, n);
  close(err);
  if (dump_rc == 0 && restore_rc == 0) return Status::Ok();
  size_t nl = text.find('\n');
  if (nl != std::string::npos) text.resize(nl);
  return Status::Internal((dump_rc != 0 ? "pg_dump" : "psql") +
                          std::string(" failed: ") + text);
}

// An admin connection to the server's "postgres" database, kept between
// calls on the agent's own cluster (PgConnectionPool).
StatusOr<PgConnectionPool::Lease> Admin(PgConnectionPool& pool,
                                        const Resource& r) {
  if (r.backend_name.empty()) {
    return Status::InvalidArgument("sql_database " + r.item.name +
                                   ": no backend name");
  }
  return pool.Take(r.sql_server, "postgres");
}

// After a TEMPLATE copy, what the source's roles owned in it (tables,
// sequences, schemas...) becomes `owner`'s, as a restore run as `owner`
// makes it: else the copy's service could not use its own data, and the
// source's roles would own objects in a database that is not theirs. One
// transaction in the copy per such role: REASSIGN OWNED BY, which also
// moves the databases the role owns (shared objects), so those are given
// back to it before COMMIT; nothing outside the copy changes.
Status TakeOverCopy(Sql& sql, const SqlServer& server, const std::string& db,
                    const std::string& owner) {
  auto conn = PgConnection::Connect(server, db);
  if (!conn.ok()) return Named(db, "connecting to the copy", conn.status());
  Sql in{conn->get(), sql.read, sql.write};
  auto owners = in.Read(
      "SELECT DISTINCT a.rolname FROM pg_shdepend s JOIN pg_roles a ON a.oid "
      "= s.refobjid WHERE s.dbid = (SELECT oid FROM pg_database WHERE "
      "datname = current_database()) AND s.deptype = 'o' AND s.refclassid = "
      "'pg_authid'::regclass AND NOT a.rolsuper AND a.rolname !~ '^pg_' AND "
      "a.rolname <> $1 ORDER BY 1",
      {owner});
  if (!owners.ok()) {
    return Named(db, "reading who owns what in the copy", owners.status());
  }
  for (const auto& row : *owners) {
    const std::string& role = row[0];
    auto dbs = in.Read(
        "SELECT datname FROM pg_database d JOIN pg_roles a ON a.oid = "
        "d.datdba WHERE a.rolname = $1 ORDER BY 1",
        {role});
    if (!dbs.ok())
      return Named(db, "reading what " + Q(role) + " owns", dbs.status());
    std::vector<std::string> stmts = {
        "BEGIN", "REASSIGN OWNED BY " + in.c->QuoteIdent(role) + " TO " +
                     in.c->QuoteIdent(owner)};
    for (const auto& d : *dbs) {
      stmts.push_back("ALTER DATABASE " + in.c->QuoteIdent(d[0]) +
                      " OWNER TO " + in.c->QuoteIdent(role));
    }
    stmts.push_back("COMMIT");
    for (const auto& stmt : stmts) {
      Status s = in.Write(stmt);
      if (!s.ok()) {
        (void)in.c->Exec("ROLLBACK");
        return Named(db, "giving what " + Q(role) + " owned to " + Q(owner), s);
      }
    }
  }
  return Status::Ok();
}

// CREATE DATABASE as a copy of r.branch_from: TEMPLATE when nobody is
// connected to it (then TakeOverCopy), else pg_dump | psql into a new empty
// database.
Status CreateBranch(Sql& sql, const Resource& r, const std::string& owner) {
  const std::string& db = r.backend_name;
  const std::string& src = r.branch_from;
  auto busy = sql.Read(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", {src});
  if (!busy.ok()) return Named(db, "reading who uses " + Q(src), busy.status());
  const std::string create = "CREATE DATABASE " + sql.c->QuoteIdent(db);
  const std::string owned = " OWNER " + sql.c->QuoteIdent(owner);
  if ((*busy)[0][0] == "0") {
    Status s =
        sql.Write(create + " TEMPLATE " + sql.c->QuoteIdent(src) + owned);
    if (s.ok()) {
      s = TakeOverCopy(sql, r.sql_server, db, owner);
      if (!s.ok()) (void)sql.Write("DROP DATABASE " + sql.c->QuoteIdent(db));
      return s;
    }
    if (sql.c->sql_state() != "55006") {
      return Named(db, "copying database " + Q(src), s,
                   "check that branch_from names an existing database");
    }
    // Someone connected meanwhile: copy with pg_dump instead.
  }
  Status s = sql.Write(create + owned);
  if (!s.ok()) return Named(db, "creating it", s);
  sql.read();
  sql.write();
  s = DumpRestore(r.sql_server, src, db, owner);
  if (!s.ok()) {
    (void)sql.Write("DROP DATABASE " + sql.c->QuoteIdent(db));
    return Named(db, "copying " + Q(src) + " with pg_dump", s);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Observed> SqlDatabaseDriver::Observe(
    const Resource& r, const std::vector<std::string>& attrs) {
  for (const auto& k : attrs) {
    if (!Known(k) && k.rfind("password:", 0) != 0) {
      return Status::InvalidArgument("sql_database has no attribute \"" + k +
                                     "\"");
    }
  }
  auto conn = Admin(admin_pool_, r);
  if (!conn.ok()) return conn.status();
  Sql sql{conn->get(), [this] { CountRead(); }, [this] { CountWrite(); }};
  auto st = ReadState(sql, r.backend_name, {});
  if (!st.ok()) return st.status();
  Observed o;
  if (!st->exists) return o;
  o.exists = true;
  o.mark = st->mark;
  const std::string mark = OwnershipMark(r.env);
  const auto desired = RoleList(Attr(r, "roles"));
  if (attrs.empty()) {
    o.attributes =
        Read(*st, {"owner", "roles", "connection_limit"}, desired, mark);
    for (const auto& [k, v] : Foreign(*st)) o.attributes[k] = v;
  } else {
    o.attributes = Read(*st, attrs, desired, mark);
  }
  return o;
}

StatusOr<Created> SqlDatabaseDriver::Create(const Resource& r) {
  const std::string& db = r.backend_name;
  const std::string owner = Attr(r, "owner");
  if (owner.empty()) {
    return Status::InvalidArgument("database " + Q(db) + " has no owner role");
  }
  std::vector<std::string> roles = RoleList(Attr(r, "roles"));
  if (!Contains(roles, owner)) roles.insert(roles.begin(), owner);
  const std::string limit = Attr(r, "connection_limit");
  if (!limit.empty() && !IsInteger(limit)) {
    return Status::InvalidArgument("database " + Q(db) +
                                   ": connection_limit \"" + limit +
                                   "\" is not a whole number");
  }
  auto conn = Admin(admin_pool_, r);
  if (!conn.ok()) return conn.status();
  Sql sql{conn->get(), [this] { CountRead(); }, [this] { CountWrite(); }};
  const std::string mark = OwnershipMark(r.env);
  auto st = ReadState(sql, db, roles);
  if (!st.ok()) return st.status();

  const bool ours = st->exists && st->mark == mark;
  // Created by us, then interrupted before its COMMENT.
  const bool interrupted =
      st->exists && st->mark.empty() && st->owner_mark == mark && !r.adopted;
  if (st->exists && !ours && !interrupted &&
      (!r.adopted || !st->mark.empty())) {
    return Status::AlreadyExists(DbConflict(db, st->mark, r.sql_server));
  }
  if (!st->exists && r.adopted) {
    return Status::NotFound(
        "database " + Q(db) + " to adopt does not exist on " +
        ServerName(r.sql_server) + "; create it or remove the adopt block");
  }
  Status s = EnsureRoles(sql, r, *st, roles);
  if (!s.ok()) return s;

  const std::string qdb = sql.c->QuoteIdent(db);
  if (!st->exists) {
    if (r.branch_from.empty()) {
      s = sql.Write("CREATE DATABASE " + qdb + " OWNER " +
                    sql.c->QuoteIdent(owner));
      if (!s.ok()) return Named(db, "creating it", s);
    } else {
      s = CreateBranch(sql, r, owner);
      if (!s.ok()) return s;
    }
  }
  if ((!st->exists && !r.adopted) || interrupted) {
    s = sql.Write("COMMENT ON DATABASE " + qdb + " IS " +
                  sql.c->QuoteLiteral(mark));
    if (!s.ok()) return Named(db, "marking it", s);
  }
  std::set<std::string> granted;
  for (const auto& g : st->grantees) granted.insert(g.name);
  const std::string current_owner = st->exists ? st->owner : owner;
  for (const auto& role : roles) {
    if (role == current_owner || granted.count(role)) continue;
    s = Grant(sql, r.sql_server, db, current_owner, role);
    if (!s.ok()) return s;
  }
  if (!limit.empty() &&
      (!st->exists || std::to_string(st->connlimit) != limit)) {
    s = sql.Write("ALTER DATABASE " + qdb + " CONNECTION LIMIT " + limit);
    if (!s.ok()) return Named(db, "setting its connection limit", s);
  }

  auto after = ReadState(sql, db, {});
  if (!after.ok()) return after.status();
  std::vector<std::string> keys;
  for (const auto& [k, v] : r.item.attributes) {
    if (Known(k)) keys.push_back(k);
  }
  Created c;
  c.observed = Read(*after, keys, roles, mark);
  c.baseline = Foreign(*after);
  c.facts = {
      {"host", r.sql_server.host.empty() ? "127.0.0.1" : r.sql_server.host},
      {"port", std::to_string(r.sql_server.port)},
      {"database", db},
      {"user", owner},
      {"roles", Join(roles)}};
  // An existing server's sslmode, so clients connect as the agent does.
  if (!r.sql_server.sslmode.empty()) c.facts["sslmode"] = r.sql_server.sslmode;
  return c;
}

StatusOr<Attributes> SqlDatabaseDriver::Update(const Resource& r,
                                               const Attributes& patch) {
  if (patch.empty()) return Attributes{};
  const std::string& db = r.backend_name;
  std::vector<std::string> passwords;
  for (const auto& [k, v] : patch) {
    if (k.rfind("password:", 0) == 0 && k.size() > 9) {
      passwords.push_back(k.substr(9));
    } else if (!Known(k)) {
      return Status::InvalidArgument("database " + Q(db) + ": \"" + k +
                                     "\" is not an attribute the agent owns");
    }
  }
  if (auto it = patch.find("connection_limit");
      it != patch.end() && !it->second.empty() && !IsInteger(it->second)) {
    return Status::InvalidArgument("database " + Q(db) +
                                   ": connection_limit \"" + it->second +
                                   "\" is not a whole number");
  }
  if (auto it = patch.find("owner"); it != patch.end() && it->second.empty()) {
    return Status::InvalidArgument("database " + Q(db) +
                                   ": the owner cannot be empty");
  }
  auto conn = Admin(admin_pool_, r);
  if (!conn.ok()) return conn.status();
  Sql sql{conn->get(), [this] { CountRead(); }, [this] { CountWrite(); }};
  const std::string mark = OwnershipMark(r.env);
  const std::string qdb = sql.c->QuoteIdent(db);
  const std::string owner =
      patch.count("owner") ? patch.at("owner") : Attr(r, "owner");
  std::vector<std::string> desired = RoleList(Attr(r, "roles"));
  std::vector<std::string> leaving;
  Status s;

  if (auto it = patch.find("roles"); it != patch.end()) {
    desired = RoleList(it->second);
    auto st = ReadState(sql, db, desired);
    if (!st.ok()) return st.status();
    if (!st->exists) {
      return Status::NotFound("database " + Q(db) + " does not exist on " +
                              ServerName(r.sql_server) + "; create it first");
    }
    s = EnsureRoles(sql, r, *st, desired);
    if (!s.ok()) return s;
    std::set<std::string> granted;
    for (const auto& g : st->grantees) granted.insert(g.name);
    for (const auto& role : desired) {
      if (role == owner || role == st->owner || granted.count(role)) continue;
      s = Grant(sql, r.sql_server, db, owner, role);
      if (!s.ok()) return s;
    }
    std::vector<std::pair<std::string, std::string>> present = {
        {st->owner, st->owner_mark}};
    for (const auto& g : st->grantees) present.emplace_back(g.name, g.mark);
    for (const auto& [name, m] : present) {
      if (m == mark && !Contains(desired, name) && name != owner) {
        leaving.push_back(name);
      }
    }
  }
  if (auto it = patch.find("owner"); it != patch.end()) {
    s = sql.Write("ALTER DATABASE " + qdb + " OWNER TO " +
                  sql.c->QuoteIdent(it->second));
    if (!s.ok()) {
      return Named(db, "changing its owner", s,
                   "the owner must be an existing role");
    }
  }
  if (auto it = patch.find("connection_limit"); it != patch.end()) {
    s = sql.Write("ALTER DATABASE " + qdb + " CONNECTION LIMIT " +
                  (it->second.empty() ? "-1" : it->second));
    if (!s.ok()) return Named(db, "setting its connection limit", s);
  }
  for (const auto& role : passwords) {
    auto cred = r.credentials.find("password:" + role);
    const std::string pw = cred != r.credentials.end()
                               ? cred->second
                               : patch.at("password:" + role);
    if (pw.empty()) {
      return Status::InvalidArgument("database " + Q(db) +
                                     ": no new password for role " + Q(role));
    }
    auto verifier = sql.c->PasswordVerifier(role, pw);
    if (!verifier.ok()) return verifier.status();
    s = sql.Write("ALTER ROLE " + sql.c->QuoteIdent(role) + " PASSWORD " +
                  sql.c->QuoteLiteral(*verifier));
    if (!s.ok()) return Named(db, "setting the password of role " + Q(role), s);
  }
  for (const auto& role : leaving) {
    s = sql.Write("REVOKE ALL PRIVILEGES ON DATABASE " + qdb + " FROM " +
                  sql.c->QuoteIdent(role));
    if (!s.ok()) return Named(db, "revoking from role " + Q(role), s);
  }
  s = DropUnusedRoles(sql, r.sql_server, db, leaving, owner);
  if (!s.ok()) return s;

  Attributes out;
  std::vector<std::string> keys;
  for (const auto& [k, v] : patch) {
    if (Known(k))
      keys.push_back(k);
    else
      out[k] = "";  // write-only
  }
  if (!keys.empty()) {
    auto after = ReadState(sql, db, {});
    if (!after.ok()) return after.status();
    for (const auto& [k, v] : Read(*after, keys, desired, mark)) out[k] = v;
  }
  return out;
}

Status SqlDatabaseDriver::Delete(const Resource& r) {
  const std::string& db = r.backend_name;
  auto conn = Admin(admin_pool_, r);
  if (!conn.ok()) return conn.status();
  Sql sql{conn->get(), [this] { CountRead(); }, [this] { CountWrite(); }};
  const std::string mark = OwnershipMark(r.env);
  std::vector<std::string> roles = RoleList(Attr(r, "roles"));
  if (auto o = Attr(r, "owner"); !o.empty() && !Contains(roles, o))
    roles.push_back(o);
  auto st = ReadState(sql, db, roles);
  if (!st.ok()) return st.status();

  std::vector<std::string> candidates;
  for (const auto& [name, m] : st->roles) {
    if (m == mark) candidates.push_back(name);
  }
  if (st->exists) {
    if (r.adopted) {
      return Status::FailedPrecondition(
          "database " + Q(db) + " is adopted; the agent never drops it");
    }
    if (st->mark != mark) {
      std::string found = st->mark.empty() ? "no mark (made by someone else)"
                                           : "the mark \"" + st->mark + "\"";
      return Status::FailedPrecondition(
          "database " + Q(db) + " on " + ServerName(r.sql_server) +
          " carries " + found + ", not \"" + mark + "\"; it is not dropped");
    }
    Status s =
        sql.Write("DROP DATABASE " + sql.c->QuoteIdent(db) + " WITH (FORCE)");
    if (!s.ok()) return Named(db, "dropping it", s);
    if (st->owner_mark == mark && !Contains(candidates, st->owner)) {
      candidates.push_back(st->owner);
    }
    for (const auto& g : st->grantees) {
      if (g.mark == mark && !Contains(candidates, g.name))
        candidates.push_back(g.name);
    }
  }
  return DropUnusedRoles(sql, r.sql_server, db, candidates, "");
}

}  // namespace encore::agent::drivers
