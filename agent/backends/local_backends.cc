#include "agent/backends/local_backends.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "agent/backends/redis_server.h"
#include "agent/backends/server_process.h"

namespace encore::agent::backends {

LocalBackends::LocalBackends(LocalBackendsOptions o) : opts_(std::move(o)) {}

PostgresClusterOptions LocalBackends::PostgresOptions() const {
  PostgresClusterOptions p;
  p.fast = opts_.sql_test_cluster;
  p.dir = p.fast ? FastClusterDir(opts_.data_dir)
                 : opts_.data_dir + "/backends/postgres";
  if (geteuid() == 0) p.run_as_user = "encore-agent";
  return p;
}

StatusOr<PostgresEndpoint> LocalBackends::Postgres() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pg_) return *pg_;
  ::mkdir((opts_.data_dir + "/backends").c_str(), 0755);
  auto ep = StartPostgresCluster(PostgresOptions());
  if (!ep.ok()) return ep.status();
  pg_ = *ep;
  return *pg_;
}

StatusOr<NatsEndpoint> LocalBackends::Nats() {
  std::lock_guard<std::mutex> lock(mu_);
  if (nats_) return *nats_;
  ::mkdir((opts_.data_dir + "/backends").c_str(), 0755);
  NatsServerOptions n;
  n.dir = opts_.data_dir + "/backends/nats";
  auto ep = StartNatsServer(n);
  if (!ep.ok()) return ep.status();
  nats_ = *ep;
  return *nats_;
}

std::string LocalBackends::caches_root() const {
  return opts_.data_dir + "/backends/redis";
}

Status LocalBackends::StopAll() {
  std::lock_guard<std::mutex> lock(mu_);
  Status first = Status::Ok();
  auto keep = [&](Status s) {
    if (first.ok() && !s.ok()) first = s;
  };
  keep(StopPostgresCluster(PostgresOptions()));
  if (opts_.sql_test_cluster) {
    // The test cluster is throwaway (tmpfs): stopping it frees its memory.
    const std::string dir = FastClusterDir(opts_.data_dir);
    if (dir.rfind("/dev/shm/encore-agent-", 0) == 0) {
      std::string cmd = "rm -rf '" + dir.substr(0, dir.rfind('/')) + "'";
      if (std::system(cmd.c_str()) != 0) {
        keep(Status::Internal("could not remove " + dir));
      }
    }
  }
  NatsServerOptions n;
  n.dir = opts_.data_dir + "/backends/nats";
  keep(StopNatsServer(n));
  if (DIR* d = opendir(caches_root().c_str())) {
    while (dirent* ent = readdir(d)) {
      std::string name = ent->d_name;
      if (name == "." || name == "..") continue;
      keep(StopRedisServer(caches_root() + "/" + name));
    }
    closedir(d);
  }
  pg_.reset();
  nats_.reset();
  return first;
}

}  // namespace encore::agent::backends
