// One redis-server per cache (DESIGN §4, §7), started by the agent as its own
// process (ServerProcess): it keeps running when the agent dies, and a
// restarted agent re-attaches to it through the files in its directory.
//
// `dir` holds everything of one server: redis.pid (written by redis-server),
// redis.port (written by us before the server starts), redis.log, and it is
// the server's working directory (--dir), which stays empty: no RDB
// snapshots (--save ""), no AOF (--appendonly no).
//
// StartRedisServer re-attaches when redis.pid names a live redis-server
// (`args` are then ignored: the running server keeps its configuration).
// Otherwise it starts
//   redis-server --bind 127.0.0.1 --port <port> --dir <dir>
//     --pidfile <dir>/redis.pid --logfile <dir>/redis.log --save ""
//     --appendonly no --protected-mode yes <args...>
// reusing the port of redis.port when it is free (the cache's url stays the
// same after a reboot), else a new free loopback port. Starting or probing
// is not a backend call (not counted).
//
// StopRedisServer stops it (SIGTERM, then SIGKILL); no server is success.
// RunningRedisServer: the endpoint of the live server in `dir`, kNotFound
// when none (starts nothing).
#ifndef ENCORE_AGENT_BACKENDS_REDIS_SERVER_H_
#define ENCORE_AGENT_BACKENDS_REDIS_SERVER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "provider/core/status.h"

namespace encore::agent::backends {

inline constexpr char kRedisServerBinary[] = "/usr/bin/redis-server";

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string dir;
  pid_t pid = 0;
};

// Creates `dir` if needed. `args`: extra command-line options, e.g.
// {"--maxmemory-policy", "allkeys-lru"}.
StatusOr<RedisEndpoint> StartRedisServer(const std::string& dir,
                                         const std::vector<std::string>& args);
Status StopRedisServer(const std::string& dir);
StatusOr<RedisEndpoint> RunningRedisServer(const std::string& dir);

}  // namespace encore::agent::backends

#endif  // ENCORE_AGENT_BACKENDS_REDIS_SERVER_H_
