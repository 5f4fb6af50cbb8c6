// Real clusters: initdb, start, re-attach, stop; the fast option.
#include "agent/backends/postgres_cluster.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "agent/backends/server_process.h"

namespace encore::agent::backends {
namespace {

class PostgresClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pg_cluster_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    tmp_ = tmpl;
    if (geteuid() == 0) {
      ASSERT_TRUE(EnsureSystemUser("encore-agent").ok());
      user_ = "encore-agent";
    }
  }
  void TearDown() override {
    for (const auto& o : started_) EXPECT_TRUE(StopPostgresCluster(o).ok());
    std::string cmd = "rm -rf '" + tmp_ + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  PostgresClusterOptions Options(const std::string& name, bool fast) {
    PostgresClusterOptions o;
    o.dir = tmp_ + "/" + name;
    o.fast = fast;
    o.run_as_user = user_;
    started_.push_back(o);
    return o;
  }

  std::string tmp_;
  std::string user_;
  std::vector<PostgresClusterOptions> started_;
};

// SHOW `setting` over the socket as the superuser; "" on failure.
std::string Show(const PostgresEndpoint& ep, const std::string& setting) {
  std::string conninfo = "host=" + ep.socket_dir +
                         " port=" + std::to_string(ep.port) +
                         " user=" + ep.superuser + " dbname=postgres";
  PGconn* c = PQconnectdb(conninfo.c_str());
  std::string out;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, ("SHOW " + setting).c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
      out = PQgetvalue(r, 0, 0);
    }
    PQclear(r);
  } else {
    ADD_FAILURE() << PQerrorMessage(c);
  }
  PQfinish(c);
  return out;
}

pid_t Postmaster(const PostgresEndpoint& ep) {
  std::ifstream in(ep.data_dir + "/postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

TEST_F(PostgresClusterTest, StartsReattachesAndStops) {
  PostgresClusterOptions o = Options("main", false);
  auto ep = StartPostgresCluster(o);
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_GT(ep->port, 0);
  EXPECT_EQ(ep->superuser, "encore_admin");
  EXPECT_EQ(ep->socket_dir, o.dir + "/run");
  EXPECT_EQ(Show(*ep, "fsync"), "on");
  EXPECT_EQ(Show(*ep, "listen_addresses"), "127.0.0.1");
  const pid_t pid = Postmaster(*ep);
  ASSERT_GT(pid, 0);

  // A restarted agent re-attaches: same server, same port.
  auto again = StartPostgresCluster(o);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->port, ep->port);
  EXPECT_EQ(Postmaster(*again), pid);

  ASSERT_TRUE(StopPostgresCluster(o).ok());
  EXPECT_EQ(RunningPid(ep->data_dir + "/postmaster.pid", "postgres"), 0);
  EXPECT_FALSE(PortAccepts(ep->port));
  EXPECT_TRUE(StopPostgresCluster(o).ok()) << "stopping twice is fine";

  // Started again: the same port (the port file), a new server.
  auto restarted = StartPostgresCluster(o);
  ASSERT_TRUE(restarted.ok()) << restarted.status().message();
  EXPECT_EQ(restarted->port, ep->port);
  EXPECT_EQ(Show(*restarted, "max_connections"), "200");
}

TEST_F(PostgresClusterTest, TcpNeedsAPassword) {
  auto ep = StartPostgresCluster(Options("tcp", true));
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  std::string admin = "host=" + ep->socket_dir +
                      " port=" + std::to_string(ep->port) +
                      " user=encore_admin dbname=postgres";
  PGconn* c = PQconnectdb(admin.c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, "CREATE ROLE tcp_user LOGIN PASSWORD 'right-one'");
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);

  std::string tcp = "host=127.0.0.1 port=" + std::to_string(ep->port) +
                    " user=tcp_user dbname=postgres password=";
  PGconn* good = PQconnectdb((tcp + "right-one").c_str());
  EXPECT_EQ(PQstatus(good), CONNECTION_OK) << PQerrorMessage(good);
  PQfinish(good);
  PGconn* bad = PQconnectdb((tcp + "wrong").c_str());
  EXPECT_NE(PQstatus(bad), CONNECTION_OK);
  PQfinish(bad);
}

TEST_F(PostgresClusterTest, FastClusterHasFsyncOff) {
  auto ep = StartPostgresCluster(Options("fast", true));
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_EQ(Show(*ep, "fsync"), "off");
  EXPECT_EQ(Show(*ep, "synchronous_commit"), "off");
  EXPECT_EQ(Show(*ep, "full_page_writes"), "off");
}

// An agent killed during initdb leaves a half-made cluster in
// pgdata.init-<pid> (and, from older agents, an empty pgdata): the next start
// removes it and makes a complete one, with our port and socket dir.
TEST_F(PostgresClusterTest, AnInterruptedInitdbIsRedone) {
  PostgresClusterOptions o = Options("killed", true);
  ASSERT_EQ(std::system(("mkdir -p '" + o.dir + "/pgdata' '" + o.dir +
                         "/pgdata.init-999999/base' && echo 15 > '" + o.dir +
                         "/pgdata.init-999999/PG_VERSION'")
                            .c_str()),
            0);
  auto ep = StartPostgresCluster(o);
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_NE(ep->port, 5432);
  EXPECT_EQ(Show(*ep, "port"), std::to_string(ep->port));
  EXPECT_EQ(Show(*ep, "unix_socket_directories"), ep->socket_dir);
  EXPECT_NE(access((o.dir + "/pgdata.init-999999").c_str(), F_OK), 0);
}

TEST_F(PostgresClusterTest, FastClusterDirIsStablePerDataDir) {
  std::string a = FastClusterDir("/var/lib/encore-agent");
  EXPECT_EQ(a, FastClusterDir("/var/lib/encore-agent"));
  EXPECT_NE(a, FastClusterDir("/home/x/.local/state/encore-agent"));
  if (access("/dev/shm", W_OK) == 0) {
    ASSERT_EQ(a.rfind("/dev/shm/encore-agent-", 0), 0u) << a;
    EXPECT_EQ(
        a.size(),
        std::string("/dev/shm/encore-agent-12345678/postgres-test").size());
  } else {
    EXPECT_EQ(a, "/var/lib/encore-agent/backends/postgres-test");
  }
}

TEST_F(PostgresClusterTest, ARelativeDirIsRefused) {
  PostgresClusterOptions o;
  o.dir = "relative/pg";
  auto ep = StartPostgresCluster(o);
  EXPECT_EQ(ep.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore::agent::backends
