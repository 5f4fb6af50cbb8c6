// SqlDatabaseDriver against a real PostgreSQL: the conformance suite plus
// what is particular to databases (roles over TCP, existing servers,
// branch_from, foreign settings, short-lived logins, counters).
#include "agent/drivers/sql_database_driver.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include "agent/backends/postgres_cluster.h"
#include "agent/backends/server_process.h"
#include "agent/drivers/conformance.h"
#include "agent/drivers/pg_connection.h"
#include "agent/drivers/sql_logins.h"

namespace encore::agent::drivers {
namespace {

using backends::PostgresClusterOptions;
using backends::PostgresEndpoint;

std::string RunAsUser() {
  if (geteuid() != 0) return "";
  EXPECT_TRUE(backends::EnsureSystemUser("encore-agent").ok());
  return "encore-agent";
}

std::string TempRoot() {
  std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  std::string tmpl = base + "/sql_driver_test_XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return "";
  return tmpl;
}

SqlServer AgentServer(const PostgresEndpoint& ep) {
  SqlServer s;
  s.host = ep.host;
  s.port = ep.port;
  s.socket_dir = ep.socket_dir;
  s.admin_user = ep.superuser;
  s.agent_owned = true;
  return s;
}

// The fast cluster all tests of this binary share.
struct SharedCluster {
  std::string root;
  PostgresClusterOptions options;
  SqlServer server;
  std::string error;
};

SharedCluster& Shared() {
  static SharedCluster c;
  return c;
}

class ClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    SharedCluster& c = Shared();
    c.root = TempRoot();
    ASSERT_FALSE(c.root.empty());
    c.options.dir = c.root + "/pg";
    c.options.fast = true;
    c.options.run_as_user = RunAsUser();
    auto ep = backends::StartPostgresCluster(c.options);
    ASSERT_TRUE(ep.ok()) << ep.status().message();
    c.server = AgentServer(*ep);
  }
  void TearDown() override {
    SharedCluster& c = Shared();
    if (c.root.empty()) return;
    EXPECT_TRUE(backends::StopPostgresCluster(c.options).ok());
    EXPECT_EQ(std::system(("rm -rf '" + c.root + "'").c_str()), 0);
  }
};

[[maybe_unused]] const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ClusterEnvironment);

Status AdminExec(const SqlServer& s, const std::string& sql,
                 const std::string& db = "postgres") {
  auto c = PgConnection::Connect(s, db);
  if (!c.ok()) return c.status();
  auto r = (*c)->Exec(sql);
  return r.ok() ? Status::Ok() : r.status();
}

std::string AdminValue(const SqlServer& s, const std::string& sql,
                       const std::string& db = "postgres") {
  auto c = PgConnection::Connect(s, db);
  if (!c.ok()) return "error: " + c.status().message();
  auto r = (*c)->Exec(sql);
  if (!r.ok()) return "error: " + r.status().message();
  return r->empty() ? "" : (*r)[0][0];
}

// A login over TCP 127.0.0.1 with a password, as an app would connect.
StatusOr<std::unique_ptr<PgConnection>> ConnectAs(const SqlServer& s,
                                                  const std::string& user,
                                                  const std::string& password,
                                                  const std::string& db) {
  SqlServer tcp;
  tcp.host = "127.0.0.1";
  tcp.port = s.port;
  tcp.admin_user = user;
  tcp.admin_password = password;
  tcp.sslmode = "disable";
  return PgConnection::Connect(tcp, db);
}

std::atomic<int> counter{0};

std::string Password(const std::string& role) {
  return "pw-" + role + "-it's \\ secret";
}

Resource MakeResource(const std::string& env, const SqlServer& server,
                      bool with_limit = true) {
  const std::string n =
      std::to_string(getpid()) + "_" + std::to_string(++counter);
  Resource r;
  r.env = env;
  r.backend_name = "db_" + n;
  r.item.kind = "sql_database";
  r.item.name = "db" + n;
  r.item.provider_id = "postgres:local/" + r.backend_name;
  const std::string owner = "own_" + n, svc = "svc_" + n;
  r.item.attributes["owner"] = owner;
  r.item.attributes["roles"] = owner + "," + svc;
  if (with_limit) r.item.attributes["connection_limit"] = "20";
  r.sql_server = server;
  for (const auto& role : {owner, svc}) {
    r.credentials["password:" + role] = Password(role);
  }
  return r;
}

void DropAll(const Resource& r) {
  (void)AdminExec(r.sql_server, "DROP DATABASE IF EXISTS \"" + r.backend_name +
                                    "\" WITH (FORCE)");
  for (const auto& [k, v] : r.credentials) {
    (void)AdminExec(r.sql_server,
                    "DROP ROLE IF EXISTS \"" + k.substr(9) + "\"");
  }
}

bool RoleExists(const SqlServer& s, const std::string& role) {
  return AdminValue(s, "SELECT count(*) FROM pg_roles WHERE rolname = '" +
                           role + "'") == "1";
}

bool DatabaseExists(const SqlServer& s, const std::string& db) {
  return AdminValue(s, "SELECT count(*) FROM pg_database WHERE datname = '" +
                           db + "'") == "1";
}

class PgTarget : public ConformanceTarget {
 public:
  Driver& driver() override { return driver_; }
  Resource NewResource(const std::string& env) override {
    return MakeResource(env, Shared().server);
  }
  std::pair<std::string, std::string> SamplePatch(const Resource& r) override {
    return {"connection_limit", "7"};
  }
  Status MakeForeign(const Resource& r) override {
    return AdminExec(r.sql_server,
                     "CREATE DATABASE \"" + r.backend_name + "\"");
  }
  Status ChangeOutOfBand(const Resource& r, const std::string& attr,
                         const std::string& value) override {
    const std::string db = "\"" + r.backend_name + "\"";
    if (attr == "connection_limit") {
      return AdminExec(r.sql_server, "ALTER DATABASE " + db +
                                         " CONNECTION LIMIT " +
                                         (value.empty() ? "-1" : value));
    }
    if (attr == "owner") {
      return AdminExec(r.sql_server,
                       "ALTER DATABASE " + db + " OWNER TO \"" + value + "\"");
    }
    return Status::InvalidArgument("no out-of-band change for " + attr);
  }
  StatusOr<std::pair<std::string, std::string>> ChangeForeignAttribute(
      const Resource& r) override {
    Status s = AdminExec(r.sql_server, "ALTER DATABASE \"" + r.backend_name +
                                           "\" SET statement_timeout = '5s'");
    if (!s.ok()) return s;
    return std::make_pair(std::string("foreign.statement_timeout"),
                          std::string("5s"));
  }
  void Cleanup(const Resource& r) override { DropAll(r); }

 private:
  SqlDatabaseDriver driver_;
};

INSTANTIATE_TEST_SUITE_P(Postgres, DriverConformance,
                         ::testing::Values(ConformanceParam{
                             "postgres",
                             [] { return std::make_unique<PgTarget>(); }}),
                         ConformanceParamName);

// Per-test: fresh resources dropped at the end.
class SqlDatabaseDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Shared().error.empty());
    ASSERT_GT(Shared().server.port, 0) << "the shared cluster did not start";
  }
  void TearDown() override {
    for (const auto& r : made_) DropAll(r);
  }
  Resource Fresh(const std::string& env = "shop/local",
                 const SqlServer* server = nullptr, bool with_limit = true) {
    Resource r =
        MakeResource(env, server ? *server : Shared().server, with_limit);
    made_.push_back(r);
    return r;
  }
  const SqlServer& server() { return Shared().server; }

  SqlDatabaseDriver driver_;
  std::vector<Resource> made_;
};

TEST_F(SqlDatabaseDriverTest, EachRoleConnectsOverTcpAndCreatesATable) {
  Resource r = Fresh();
  auto created = driver_.Create(r);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->facts.at("database"), r.backend_name);
  EXPECT_EQ(created->facts.at("user"), r.item.attributes["owner"]);
  EXPECT_EQ(created->facts.at("roles"), r.item.attributes["roles"]);
  EXPECT_EQ(created->facts.at("port"), std::to_string(server().port));
  for (const auto& [k, v] : created->facts) {
    for (const auto& [ck, pw] : r.credentials) {
      EXPECT_EQ(v.find(pw), std::string::npos) << "no password in fact " << k;
    }
  }
  for (const auto& [key, password] : r.credentials) {
    const std::string role = key.substr(9);
    auto c = ConnectAs(server(), role, password, r.backend_name);
    ASSERT_TRUE(c.ok()) << c.status().message();
    // Every service's role may create in schema public (PostgreSQL 15 gives
    // that only to the owner unless granted).
    auto t = (*c)->Exec("CREATE TABLE public.\"t_" + role + "\" (x int)");
    EXPECT_TRUE(t.ok()) << role << ": " << t.status().message();
    auto wrong = ConnectAs(server(), role, "not-it", r.backend_name);
    EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  }
}

// The owner runs the migrations; every other service using the database
// reads and writes what it made, before and after the service joined.
TEST_F(SqlDatabaseDriverTest, EveryServiceUsesTheOwnersTables) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  const std::string owner = r.item.attributes["owner"];
  auto as = [&](const std::string& role) {
    return ConnectAs(server(), role, r.credentials.at("password:" + role),
                     r.backend_name);
  };
  auto o = as(owner);
  ASSERT_TRUE(o.ok()) << o.status().message();
  ASSERT_TRUE((*o)->Exec("CREATE TABLE items (id serial, name text)").ok());
  for (const auto& [key, pw] : r.credentials) {
    const std::string role = key.substr(9);
    if (role == owner) continue;
    auto c = as(role);
    ASSERT_TRUE(c.ok()) << c.status().message();
    auto ins =
        (*c)->Exec("INSERT INTO items (name) VALUES ('from " + role + "')");
    EXPECT_TRUE(ins.ok()) << role << ": " << ins.status().message();
  }
  // A service that joins later sees the existing tables too.
  const std::string extra = "late_" + r.backend_name.substr(3);
  Resource next = r;
  next.credentials["password:" + extra] = "late-pw";
  made_.push_back(next);
  auto out = driver_.Update(
      next, {{"roles", r.item.attributes["roles"] + "," + extra}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  auto late = ConnectAs(server(), extra, "late-pw", r.backend_name);
  ASSERT_TRUE(late.ok()) << late.status().message();
  auto ins = (*late)->Exec("INSERT INTO items (name) VALUES ('late')");
  EXPECT_TRUE(ins.ok()) << ins.status().message();
}

TEST_F(SqlDatabaseDriverTest, ObservingOneAttributeIsOneRead) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  Counters before = driver_.counters();
  auto seen = driver_.Observe(r, {"connection_limit"});
  ASSERT_TRUE(seen.ok()) << seen.status().message();
  EXPECT_EQ(seen->attributes.size(), 1u);
  EXPECT_EQ(seen->attributes["connection_limit"], "20");
  EXPECT_EQ(driver_.counters().reads - before.reads, 1);
  EXPECT_EQ(driver_.counters().writes, before.writes);
}

TEST_F(SqlDatabaseDriverTest, OneAttributeUpdatesAreOneWriteEach) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  const std::string svc = "svc_" + r.backend_name.substr(3);

  Counters before = driver_.counters();
  auto owner = driver_.Update(r, {{"owner", svc}});
  ASSERT_TRUE(owner.ok()) << owner.status().message();
  EXPECT_EQ(owner->at("owner"), svc);
  EXPECT_EQ(driver_.counters().writes - before.writes, 1);

  before = driver_.counters();
  auto reset = driver_.Update(r, {{"connection_limit", ""}});
  ASSERT_TRUE(reset.ok()) << reset.status().message();
  EXPECT_EQ(reset->at("connection_limit"), "");
  EXPECT_EQ(driver_.counters().writes - before.writes, 1);
  EXPECT_EQ(
      AdminValue(server(),
                 "SELECT datconnlimit FROM pg_database WHERE datname = '" +
                     r.backend_name + "'"),
      "-1");

  // A new password: one write, the new one works, the old one does not.
  Resource rotated = r;
  rotated.credentials["password:" + svc] = "a-new-one";
  before = driver_.counters();
  auto pw = driver_.Update(rotated, {{"password:" + svc, ""}});
  ASSERT_TRUE(pw.ok()) << pw.status().message();
  EXPECT_EQ(pw->at("password:" + svc), "") << "write-only";
  EXPECT_EQ(driver_.counters().writes - before.writes, 1);
  EXPECT_EQ(driver_.counters().reads, before.reads) << "nothing to re-read";
  EXPECT_TRUE(ConnectAs(server(), svc, "a-new-one", r.backend_name).ok());
  EXPECT_FALSE(ConnectAs(server(), svc, Password(svc), r.backend_name).ok());
}

TEST_F(SqlDatabaseDriverTest, CreatingAgainKeepsTheRolesPasswords) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  Resource again = r;
  for (auto& [k, v] : again.credentials) v = "something-else";
  Counters before = driver_.counters();
  ASSERT_TRUE(driver_.Create(again).ok());
  EXPECT_EQ(driver_.counters().writes, before.writes) << "nothing was missing";
  const std::string owner = r.item.attributes["owner"];
  EXPECT_TRUE(ConnectAs(server(), owner, Password(owner), r.backend_name).ok());
}

TEST_F(SqlDatabaseDriverTest, ForeignSettingsAreObservedAndKept) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  ASSERT_TRUE(AdminExec(server(), "ALTER DATABASE \"" + r.backend_name +
                                      "\" SET statement_timeout = '5s'")
                  .ok());
  auto all = driver_.Observe(r, {});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->attributes["foreign.statement_timeout"], "5s");
  EXPECT_EQ(all->attributes["owner"], r.item.attributes["owner"]);
  EXPECT_EQ(all->attributes["roles"], r.item.attributes["roles"]);
  EXPECT_EQ(all->attributes["connection_limit"], "20");
  for (const auto& [k, v] : all->attributes) {
    EXPECT_NE(k.rfind("password:", 0), 0u) << "passwords are write-only";
  }
  ASSERT_TRUE(driver_.Update(r, {{"connection_limit", "9"}}).ok());
  EXPECT_EQ(
      AdminValue(
          server(),
          "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s "
          "JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = '" +
              r.backend_name + "'"),
      "statement_timeout=5s");
}

TEST_F(SqlDatabaseDriverTest, RolesUpdateAddsAndDropsOurs) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  const std::string owner = r.item.attributes["owner"];
  const std::string svc = "svc_" + r.backend_name.substr(3);
  const std::string extra = "extra_" + r.backend_name.substr(3);
  Resource next = r;
  next.credentials["password:" + extra] = "extra-pw";
  made_.push_back(next);
  auto out = driver_.Update(next, {{"roles", owner + "," + extra}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at("roles"), owner + "," + extra);
  EXPECT_FALSE(RoleExists(server(), svc)) << "ours, and it left";
  auto c = ConnectAs(server(), extra, "extra-pw", r.backend_name);
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto t = (*c)->Exec("CREATE TABLE public.extra_t (x int)");
  EXPECT_TRUE(t.ok()) << "a role added later creates in public: "
                      << t.status().message();
}

TEST_F(SqlDatabaseDriverTest, DeleteKeepsARoleAnotherDatabaseUses) {
  Resource a = Fresh();
  Resource b = Fresh();
  // b shares a's service role (one service, two databases).
  const std::string shared = "svc_" + a.backend_name.substr(3);
  const std::string b_owner = b.item.attributes["owner"];
  b.item.attributes["roles"] = b_owner + "," + shared;
  b.credentials["password:" + shared] = Password(shared);
  ASSERT_TRUE(driver_.Create(a).ok());
  auto created = driver_.Create(b);
  ASSERT_TRUE(created.ok()) << created.status().message();
  ASSERT_TRUE(driver_.Delete(a).ok());
  EXPECT_FALSE(DatabaseExists(server(), a.backend_name));
  EXPECT_FALSE(RoleExists(server(), a.item.attributes["owner"]));
  EXPECT_TRUE(RoleExists(server(), shared)) << "b still uses it";
  ASSERT_TRUE(driver_.Delete(b).ok());
  EXPECT_FALSE(RoleExists(server(), shared));
  EXPECT_FALSE(RoleExists(server(), b_owner));
}

TEST_F(SqlDatabaseDriverTest, AForeignRoleIsAConflictNamingItWithoutSecrets) {
  Resource r = Fresh();
  const std::string svc = "svc_" + r.backend_name.substr(3);
  ASSERT_TRUE(AdminExec(server(), "CREATE ROLE \"" + svc + "\"").ok());
  auto created = driver_.Create(r);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(created.status().message().find(svc), std::string::npos)
      << created.status().message();
  for (const auto& [k, pw] : r.credentials) {
    EXPECT_EQ(created.status().message().find(pw), std::string::npos);
  }
  EXPECT_FALSE(DatabaseExists(server(), r.backend_name)) << "nothing was made";
  EXPECT_FALSE(RoleExists(server(), r.item.attributes["owner"]));
}

TEST_F(SqlDatabaseDriverTest, BranchFromCopiesTheRows) {
  Resource src = Fresh();
  ASSERT_TRUE(driver_.Create(src).ok());
  const std::string owner = src.item.attributes["owner"];
  {
    auto c = ConnectAs(server(), owner, Password(owner), src.backend_name);
    ASSERT_TRUE(c.ok()) << c.status().message();
    ASSERT_TRUE((*c)->Exec("CREATE TABLE items (id int)").ok());
    ASSERT_TRUE((*c)->Exec("INSERT INTO items VALUES (1), (2), (3)").ok());
  }
  // Nobody is connected to the source: a TEMPLATE copy.
  Resource copy = Fresh("shop/pr:1");
  copy.branch_from = src.backend_name;
  auto made = driver_.Create(copy);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_EQ(
      AdminValue(server(), "SELECT count(*) FROM items", copy.backend_name),
      "3");
  // The copy's data is the copy's owner's, who can write to it; the source
  // keeps its owner.
  const std::string copy_owner = copy.item.attributes["owner"];
  EXPECT_EQ(
      AdminValue(server(),
                 "SELECT tableowner FROM pg_tables WHERE tablename = 'items'",
                 copy.backend_name),
      copy_owner);
  {
    auto c = ConnectAs(server(), copy_owner, Password(copy_owner),
                       copy.backend_name);
    ASSERT_TRUE(c.ok()) << c.status().message();
    auto w = (*c)->Exec("INSERT INTO items VALUES (4)");
    EXPECT_TRUE(w.ok()) << w.status().message();
  }
  EXPECT_EQ(AdminValue(server(),
                       "SELECT pg_get_userbyid(datdba) FROM pg_database "
                       "WHERE datname = '" +
                           src.backend_name + "'"),
            owner);
  EXPECT_EQ(
      AdminValue(server(), "SELECT count(*) FROM items", src.backend_name),
      "3");

  // Someone is connected to the source: pg_dump | psql, and they stay
  // connected.
  auto holder = ConnectAs(server(), owner, Password(owner), src.backend_name);
  ASSERT_TRUE(holder.ok()) << holder.status().message();
  Resource dumped = Fresh("shop/pr:2");
  dumped.branch_from = src.backend_name;
  made = driver_.Create(dumped);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_EQ(
      AdminValue(server(), "SELECT count(*) FROM items", dumped.backend_name),
      "3");
  EXPECT_EQ(
      AdminValue(server(),
                 "SELECT tableowner FROM pg_tables WHERE tablename = 'items'",
                 dumped.backend_name),
      dumped.item.attributes["owner"]);
  auto still = (*holder)->Exec("SELECT count(*) FROM items");
  ASSERT_TRUE(still.ok()) << "the source's users are never disconnected";
  auto seen = driver_.Observe(dumped, {});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->mark, OwnershipMark("shop/pr:2"));
}

TEST_F(SqlDatabaseDriverTest, AnExistingServerKeepsWhatIsNotOurs) {
  PostgresClusterOptions o;
  o.dir = Shared().root + "/existing";
  o.fast = true;
  o.run_as_user = RunAsUser();
  auto ep = backends::StartPostgresCluster(o);
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  struct Stop {
    PostgresClusterOptions o;
    ~Stop() { EXPECT_TRUE(backends::StopPostgresCluster(o).ok()); }
  } stop{o};
  // Someone else's database and role, and an admin login with a password.
  SqlServer local = AgentServer(*ep);
  ASSERT_TRUE(
      AdminExec(local, "ALTER ROLE encore_admin PASSWORD 'admin-pw'").ok());
  ASSERT_TRUE(AdminExec(local, "CREATE ROLE someone LOGIN PASSWORD 'x'").ok());
  ASSERT_TRUE(AdminExec(local, "CREATE DATABASE theirs OWNER someone").ok());
  ASSERT_TRUE(
      AdminExec(local, "COMMENT ON DATABASE theirs IS 'made by hand'").ok());

  SqlServer existing;
  existing.host = "127.0.0.1";
  existing.port = ep->port;
  existing.admin_user = "encore_admin";
  existing.admin_password = "admin-pw";
  existing.sslmode = "disable";
  existing.agent_owned = false;
  Resource r = Fresh("shop/staging", &existing);
  auto created = driver_.Create(r);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->facts.at("port"), std::to_string(ep->port));
  EXPECT_EQ(created->facts.at("sslmode"), "disable");
  const std::string owner = r.item.attributes["owner"];
  EXPECT_TRUE(ConnectAs(existing, owner, Password(owner), r.backend_name).ok());
  ASSERT_TRUE(driver_.Delete(r).ok());
  EXPECT_FALSE(DatabaseExists(local, r.backend_name));
  EXPECT_FALSE(RoleExists(local, owner));
  EXPECT_TRUE(DatabaseExists(local, "theirs"));
  EXPECT_TRUE(RoleExists(local, "someone"));
  EXPECT_EQ(AdminValue(local,
                       "SELECT shobj_description(oid, 'pg_database') FROM "
                       "pg_database WHERE datname = 'theirs'"),
            "made by hand");

  // A wrong admin password: a clear error without the password.
  existing.admin_password = "wrong-admin-pw";
  r.sql_server = existing;
  auto bad = driver_.Observe(r, {"owner"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(bad.status().message().find("wrong-admin-pw"), std::string::npos);
}

TEST_F(SqlDatabaseDriverTest, ALoginConnectsAndIsGoneAfterDrop) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  const std::string owner = r.item.attributes["owner"];
  auto login = IssueLogin(server(), r.backend_name, owner, 600, "tmp-login-pw");
  ASSERT_TRUE(login.ok()) << login.status().message();
  EXPECT_EQ(login->user.rfind("encore_tmp_", 0), 0u);
  EXPECT_EQ(login->valid_until.size(), 20u) << login->valid_until;
  EXPECT_EQ(AdminValue(server(),
                       "SELECT shobj_description(oid, 'pg_authid') FROM "
                       "pg_roles WHERE rolname = '" +
                           login->user + "'"),
            EphemeralMark(login->valid_until));
  {
    auto c = ConnectAs(server(), login->user, "tmp-login-pw", r.backend_name);
    ASSERT_TRUE(c.ok()) << c.status().message();
    auto t = (*c)->Exec("CREATE TABLE made_by_login (x int)");
    EXPECT_TRUE(t.ok()) << t.status().message();
  }
  auto renewed = RenewLogin(server(), login->user, 1200);
  ASSERT_TRUE(renewed.ok()) << renewed.status().message();
  EXPECT_GE(renewed->valid_until, login->valid_until);
  ASSERT_TRUE(DropLogin(server(), r.backend_name, login->user).ok());
  EXPECT_FALSE(RoleExists(server(), login->user));
  // What the login made stays, now the role's it was issued for.
  EXPECT_EQ(AdminValue(server(),
                       "SELECT tableowner FROM pg_tables WHERE tablename = "
                       "'made_by_login'",
                       r.backend_name),
            owner);
  EXPECT_TRUE(DropLogin(server(), r.backend_name, login->user).ok())
      << "missing = ok";
  EXPECT_FALSE(
      ConnectAs(server(), login->user, "tmp-login-pw", r.backend_name).ok());
  // Never a role that is not an ephemeral login.
  EXPECT_EQ(DropLogin(server(), r.backend_name, owner).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SqlDatabaseDriverTest, AReadOnlyLoginReadsAndCannotWrite) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  const std::string owner = r.item.attributes["owner"];
  {
    auto o = ConnectAs(server(), owner, r.credentials.at("password:" + owner),
                       r.backend_name);
    ASSERT_TRUE(o.ok()) << o.status().message();
    ASSERT_TRUE((*o)->Exec("CREATE TABLE ro_t (id serial, x int)").ok());
    ASSERT_TRUE((*o)->Exec("INSERT INTO ro_t (x) VALUES (7)").ok());
  }
  auto login = IssueLogin(server(), r.backend_name, owner, 600, "ro-pw",
                          /*read_only=*/true);
  ASSERT_TRUE(login.ok()) << login.status().message();
  EXPECT_EQ(AdminValue(server(),
                       "SELECT count(*) FROM pg_auth_members m JOIN pg_roles "
                       "u ON u.oid = m.member WHERE u.rolname = '" +
                           login->user + "'"),
            "0")
      << "no membership in the owner role";
  {
    auto c = ConnectAs(server(), login->user, "ro-pw", r.backend_name);
    ASSERT_TRUE(c.ok()) << c.status().message();
    auto read = (*c)->Exec("SELECT x FROM ro_t");
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ((*read)[0][0], "7");
    auto write = (*c)->Exec("INSERT INTO ro_t (x) VALUES (8)");
    EXPECT_EQ(write.status().code(), StatusCode::kPermissionDenied);
    auto make = (*c)->Exec("CREATE TABLE ro_made (x int)");
    EXPECT_FALSE(make.ok()) << "no CREATE in public";
  }
  ASSERT_TRUE(DropLogin(server(), r.backend_name, login->user).ok());
  EXPECT_FALSE(RoleExists(server(), login->user));
}

TEST_F(SqlDatabaseDriverTest, ExpiredLoginsAreDropped) {
  Resource r = Fresh();
  ASSERT_TRUE(driver_.Create(r).ok());
  const std::string owner = r.item.attributes["owner"];
  auto old = IssueLogin(server(), r.backend_name, owner, 600, "old-pw");
  auto live = IssueLogin(server(), r.backend_name, owner, 600, "live-pw");
  ASSERT_TRUE(old.ok() && live.ok());
  {
    auto c = ConnectAs(server(), old->user, "old-pw", r.backend_name);
    ASSERT_TRUE(c.ok()) << c.status().message();
    ASSERT_TRUE((*c)->Exec("CREATE TABLE left_behind (x int)").ok());
  }
  // Its end in the past, as if time had passed.
  ASSERT_TRUE(AdminExec(server(), "COMMENT ON ROLE \"" + old->user + "\" IS '" +
                                      EphemeralMark("2000-01-01T00:00:00Z") +
                                      "'")
                  .ok());
  auto dropped = DropExpiredLogins(server());
  ASSERT_TRUE(dropped.ok()) << dropped.status().message();
  EXPECT_EQ(*dropped, 1);
  EXPECT_FALSE(RoleExists(server(), old->user));
  EXPECT_EQ(AdminValue(server(),
                       "SELECT tableowner FROM pg_tables WHERE tablename = "
                       "'left_behind'",
                       r.backend_name),
            owner);
  EXPECT_TRUE(RoleExists(server(), live->user));
  EXPECT_TRUE(DropLogin(server(), r.backend_name, live->user).ok());
}

// The agent's cluster keeps admin connections between calls; a connection
// the server ended, or one left inside a transaction, is never handed out.
TEST_F(SqlDatabaseDriverTest, PoolKeepsGoodConnectionsOnly) {
  PgConnectionPool pool;
  auto pid_of = [](PgConnection* c) {
    auto rows = c->Exec("SELECT pg_backend_pid()");
    return rows.ok() ? (*rows)[0][0] : std::string("?");
  };
  std::string first;
  {
    auto a = pool.Take(server(), "postgres");
    ASSERT_TRUE(a.ok()) << a.status().message();
    first = pid_of(a->get());
  }
  {
    auto b = pool.Take(server(), "postgres");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(pid_of(b->get()), first) << "the kept session is reused";
    ASSERT_TRUE((*b)->Exec("BEGIN").ok());  // given back inside a transaction
  }
  std::string second;
  {
    auto c = pool.Take(server(), "postgres");
    ASSERT_TRUE(c.ok());
    second = pid_of(c->get());
    EXPECT_NE(second, first) << "a session left in a transaction is dropped";
  }
  auto killer = PgConnection::Connect(server(), "postgres");
  ASSERT_TRUE(killer.ok());
  ASSERT_TRUE(
      (*killer)->Exec("SELECT pg_terminate_backend(" + second + ")").ok());
  // The terminated session is noticed without a round trip; a new one works.
  for (int i = 0; i < 200; ++i) {
    auto probe = (*killer)->Exec(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = " + second);
    if (probe.ok() && (*probe)[0][0] == "0") break;
  }
  auto d = pool.Take(server(), "postgres");
  ASSERT_TRUE(d.ok());
  auto rows = (*d)->Exec("SELECT 1");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_NE(pid_of(d->get()), second);
}

}  // namespace
}  // namespace encore::agent::drivers
