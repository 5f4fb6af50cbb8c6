// The PostgreSQL clusters the agent starts and owns (DESIGN §4, §7): the
// main one for environments and a fast one for tests (fsync off, on tmpfs).
//
// Layout under PostgresClusterOptions::dir:
//   pgdata/      the cluster (initdb on first use; superuser encore_admin)
//   run/         unix socket dir, 0700, owned by the server's user
//   port         the TCP port (127.0.0.1), chosen once, reused on restarts
//   postgres.log the server's log
// Authentication: `local` trust (only the server's user and root can reach
// the socket dir), `host 127.0.0.1/32` scram-sha-256; nothing else.
//
// StartPostgresCluster initdb's on first use, starts the server with pg_ctl
// in its own session (it survives the agent), or re-attaches to the running
// one (postmaster.pid + the port file). It returns once the server accepts
// connections. Thread-safe per dir (and across processes: a lock file).
// When the agent is root, the server runs as `run_as_user` (PostgreSQL
// refuses root): its dirs are owned by that user and their parents are made
// traversable (o+x) so it can reach them.
#ifndef ENCORE_AGENT_BACKENDS_POSTGRES_CLUSTER_H_
#define ENCORE_AGENT_BACKENDS_POSTGRES_CLUSTER_H_

#include <string>

#include "provider/core/status.h"

namespace encore::agent::backends {

struct PostgresEndpoint {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string socket_dir;  // unix socket dir; the admin connects here
  std::string superuser;   // "encore_admin"
  std::string data_dir;    // the cluster's PGDATA
};

struct PostgresClusterOptions {
  std::string dir;    // everything of this cluster lives under it
  bool fast = false;  // fsync=off, synchronous_commit=off, full_page_writes=off
  std::string run_as_user;  // when the agent is root: "encore-agent"
};

StatusOr<PostgresEndpoint> StartPostgresCluster(
    const PostgresClusterOptions& o);
// pg_ctl stop -m fast; a cluster that is not running (or missing) is success.
Status StopPostgresCluster(const PostgresClusterOptions& o);

// The fast cluster's dir for a data dir:
// /dev/shm/encore-agent-<8 hex of FNV-1a(data_dir)>/postgres-test (tmpfs),
// or <data_dir>/backends/postgres-test when /dev/shm is not writable.
std::string FastClusterDir(const std::string& data_dir);

// The newest /usr/lib/postgresql/<version>/bin holding `postgres`
// (pg_dump, psql, initdb live there too); kFailedPrecondition naming the
// Debian package `postgresql` when there is none.
StatusOr<std::string> PostgresBinDir();

}  // namespace encore::agent::backends

#endif  // ENCORE_AGENT_BACKENDS_POSTGRES_CLUSTER_H_
