// LocalBackends: the servers the agent runs for local and encore-hosted
// environments (DESIGN §7), under its data dir, started on first use and
// re-attached after an agent restart:
//   DATA/backends/postgres       the persistent cluster for environments
//   /dev/shm/... postgres-test   the fast test cluster (fsync off, tmpfs);
//                                used instead when sql_test_cluster is set
//                                (`serve --sql-cluster test`, CI, benchmarks)
//   DATA/backends/nats           nats-server with JetStream
//   DATA/backends/redis/<cache>  one redis-server per cache (the cache
//                                driver starts them)
// When the agent runs as root, PostgreSQL runs as the system user
// "encore-agent" (made if missing).
#ifndef ENCORE_AGENT_BACKENDS_LOCAL_BACKENDS_H_
#define ENCORE_AGENT_BACKENDS_LOCAL_BACKENDS_H_

#include <mutex>
#include <optional>
#include <string>

#include "agent/backends/nats_server.h"
#include "agent/backends/postgres_cluster.h"
#include "provider/core/status.h"

namespace encore::agent::backends {

struct LocalBackendsOptions {
  std::string data_dir;
  bool sql_test_cluster = false;
};

class LocalBackends {
 public:
  explicit LocalBackends(LocalBackendsOptions o);
  StatusOr<PostgresEndpoint> Postgres();
  StatusOr<NatsEndpoint> Nats();
  std::string caches_root() const;
  const std::string& data_dir() const { return opts_.data_dir; }
  // Stops PostgreSQL, nats-server and every redis-server under
  // caches_root (`encore-agent backends stop`, tests); the test cluster's
  // tmpfs directory is removed with it.
  Status StopAll();

 private:
  PostgresClusterOptions PostgresOptions() const;
  LocalBackendsOptions opts_;
  std::mutex mu_;
  std::optional<PostgresEndpoint> pg_;
  std::optional<NatsEndpoint> nats_;
};

}  // namespace encore::agent::backends

#endif  // ENCORE_AGENT_BACKENDS_LOCAL_BACKENDS_H_
