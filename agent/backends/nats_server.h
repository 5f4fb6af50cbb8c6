// The agent's nats-server with JetStream (DESIGN §4, §7).
//
// StartNatsServer starts `nats-server -js -a 127.0.0.1 -p <port>
// -sd <dir>/jetstream -P <dir>/nats.pid` as its own process (StartServer:
// its own session, it keeps running when the agent dies; output in
// <dir>/nats.log), or re-attaches to the one <dir>/nats.pid names (its port
// from <dir>/nats.port). The port is chosen once (a free loopback port) and
// kept in <dir>/nats.port, so the url stays the same across restarts while
// that port is free. Thread-safe (a process-wide mutex plus a lock file,
// <dir>/nats.lock, against another agent on the same dir).
//
// The binary: $ENCORE_NATS_SERVER when set, else the first of
// /usr/sbin/nats-server, /usr/bin/nats-server, /usr/local/bin/nats-server.
// A missing binary is kFailedPrecondition naming the Debian package
// nats-server.
//
// StopNatsServer stops it (SIGTERM, then SIGKILL after 10 s); a server that
// is not running is success. The data (jetstream/) and the port file stay.
#ifndef ENCORE_AGENT_BACKENDS_NATS_SERVER_H_
#define ENCORE_AGENT_BACKENDS_NATS_SERVER_H_

#include <string>

#include "provider/core/status.h"

namespace encore::agent::backends {

struct NatsEndpoint {
  std::string url;  // "nats://127.0.0.1:PORT"
  int port = 0;
  std::string store_dir;  // <dir>/jetstream
};

struct NatsServerOptions {
  std::string dir;  // everything under it: jetstream/, pid, port, log
};

StatusOr<NatsEndpoint> StartNatsServer(const NatsServerOptions& o);
Status StopNatsServer(const NatsServerOptions& o);

}  // namespace encore::agent::backends

#endif  // ENCORE_AGENT_BACKENDS_NATS_SERVER_H_
