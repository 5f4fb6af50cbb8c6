// ServerProcess: a backend server the agent starts and owns (DESIGN §4):
// redis-server, nats-server, or anything else that must outlive the agent.
//
// The server must write `pid_file` itself (redis-server --pidfile, nats-server
// -P). Start forks, calls setsid (its own session: it keeps running when the
// agent dies or is killed), optionally switches to an unprivileged user,
// redirects stdout/stderr to `log_file`, execs `argv`, writes `pid_file`,
// then waits until 127.0.0.1:`port` accepts TCP connections (up to
// `ready_timeout_ms`). If `pid_file` names a live process whose command line
// starts with argv[0]'s basename, Start re-attaches instead (returns its pid,
// starts nothing). Stop sends SIGTERM, waits up to 10 s, then SIGKILL, and
// removes the pid file; a missing or dead process is success.
//
// FreeLoopbackPort asks the kernel for an unused 127.0.0.1 port.
#ifndef ENCORE_AGENT_BACKENDS_SERVER_PROCESS_H_
#define ENCORE_AGENT_BACKENDS_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "provider/core/status.h"

namespace encore::agent::backends {

struct ServerSpec {
  std::vector<std::string> argv;  // argv[0]: absolute path of the binary
  std::string pid_file;
  std::string log_file;
  int port = 0;                   // waits for it to accept connections
  std::string run_as_user;        // "" = the agent's own user
  int ready_timeout_ms = 15000;
};

// Starts (or re-attaches to) the server; returns its pid.
StatusOr<pid_t> StartServer(const ServerSpec& spec);
// The live pid in `pid_file` (whose /proc/PID/cmdline starts with
// `binary_basename`), or 0 when none.
pid_t RunningPid(const std::string& pid_file, const std::string& binary_basename);
// Stops the server of `pid_file` (SIGTERM; SIGKILL after 10 s) and returns
// once its process is gone, not merely its pid file; none is success.
Status StopServer(const std::string& pid_file, const std::string& binary_basename);

StatusOr<int> FreeLoopbackPort();

// In a forked child before exec: unblocks every signal and restores default
// dispositions. The agent blocks SIGTERM/SIGINT (serve takes them with
// sigwait) and a blocked mask survives exec, so a server started without
// this would ignore the SIGTERM that stops it.
void ResetSignalsForExec();
// True when 127.0.0.1:port accepts a TCP connection now.
bool PortAccepts(int port);

// The uid/gid of `user`; kNotFound if no such user.
Status LookupUser(const std::string& user, uid_t* uid, gid_t* gid);
// Makes the system user `user` (useradd --system, no home, nologin) if it
// does not exist. Root only.
Status EnsureSystemUser(const std::string& user);

}  // namespace encore::agent::backends

#endif  // ENCORE_AGENT_BACKENDS_SERVER_PROCESS_H_
