// encore-agent serve: the data dir (0700, locked), the store, the key, the
// first admin token, TLS for TCP, the gRPC server, and a graceful stop on
// SIGTERM/SIGINT.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>

#include "agent/api/grpc_server.h"
#include "agent/cli/commands.h"
#include <thread>

#include "agent/cli/data_dir.h"
#include "agent/drivers/registry.h"
#include "agent/executor/infrastructure.h"
#include "agent/cli/tls_files.h"
#include "agent/crypto/secret_box.h"
#include "agent/service/agent_service.h"
#include "agent/store/store.h"

#ifndef ENCORE_VERSION
#define ENCORE_VERSION "dev"
#endif

namespace encore::agent::cli {
namespace {

std::string Errno() { return std::strerror(errno); }

// mkdir -p, each new directory 0700; the last one made 0700 if it exists.
Status MakeDataDir(const std::string& dir) {
  if (dir.empty() || dir[0] != '/') {
    return Status::InvalidArgument("data dir \"" + dir +
                                   "\" must be an absolute path");
  }
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      return Status::Internal("cannot create " + part + ": " + Errno());
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::FailedPrecondition(dir + " is not a directory");
  }
  if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) {
    return Status::Internal("cannot chmod 0700 " + dir + ": " + Errno());
  }
  return Status::Ok();
}

// Holds DIR/agent.lock (flock) for the process's life; writes our pid.
StatusOr<int> LockDataDir(const std::string& dir) {
  const std::string path = LockPath(dir);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                  0600);
  if (fd < 0) return Status::Internal("cannot open " + path + ": " + Errno());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) {
      pid.pop_back();
    }
    return Status::FailedPrecondition(
        "another encore-agent is serving " + dir + " (pid " +
        (pid.empty() ? "unknown" : pid) + ")");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) !=
          static_cast<ssize_t>(pid.size())) {
    ::close(fd);
    return Status::Internal("cannot write " + path + ": " + Errno());
  }
  return fd;
}

Status WriteAdminToken(const std::string& path, const std::string& secret) {
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Internal("cannot create " + path + ": " + Errno());
  std::string text = secret + "\n";
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  std::string err = ok ? "" : Errno();
  ::close(fd);
  if (!ok) return Status::Internal("cannot write " + path + ": " + err);
  return Status::Ok();
}

void Say(std::ostream& out, const std::string& line) {
  out << line << "\n";
  out.flush();
}

}  // namespace

StatusOr<int> RunServe(Session& s) {
  const auto& g = s.args().globals;
  std::string dir = g.data_dir && !g.data_dir->empty()
                        ? *g.data_dir
                        : DefaultDataDir(s.env(), ::getuid());
  if (dir.empty()) {
    return Status::InvalidArgument(
        "no data dir: pass --data-dir, or set XDG_STATE_HOME or HOME");
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::string listen = s.has_flag("listen") ? s.flag("listen")
                                            : "unix://" + SocketPath(dir);
  std::string tcp_host;
  if (listen.rfind("tcp://", 0) == 0) {
    std::string hp = listen.substr(6);
    size_t colon = hp.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidArgument("--listen " + listen +
                                     ": use tcp://HOST:PORT");
    }
    tcp_host = hp.substr(0, colon);
    if (tcp_host.size() > 2 && tcp_host.front() == '[') {
      tcp_host = tcp_host.substr(1, tcp_host.size() - 2);
    }
  } else if (listen.rfind("unix://", 0) != 0) {
    return Status::InvalidArgument(
        "--listen " + listen +
        ": use unix:///path/agent.sock or tcp://HOST:PORT (TLS)");
  }

  // SIGTERM/SIGINT are taken with sigwait below; block them before any
  // thread exists so every thread inherits the mask.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  if (Status st = MakeDataDir(dir); !st.ok()) return st;
  auto lock_fd = LockDataDir(dir);
  if (!lock_fd.ok()) return lock_fd.status();

  auto store = OpenSqliteStore(StorePath(dir));
  if (!store.ok()) return store.status();
  auto box = SecretBox::OpenOrCreate(KeyPath(dir));
  if (!box.ok()) return box.status();
  AgentService service(std::move(*store), std::move(*box), SystemClock());
  {
    // Real local infrastructure (DESIGN §7): servers start on first use.
    backends::LocalBackendsOptions bo;
    bo.data_dir = dir;
    std::string cluster = s.has_flag("sql-cluster")
                              ? s.flag("sql-cluster")
                              : s.env()("ENCORE_AGENT_SQL_CLUSTER").value_or("");
    if (!cluster.empty() && cluster != "main" && cluster != "test") {
      return Status::InvalidArgument("--sql-cluster " + cluster +
                                     ": use main (persistent) or test (tmpfs, "
                                     "fsync off)");
    }
    bo.sql_test_cluster = cluster == "test";
    auto backends = std::make_unique<backends::LocalBackends>(bo);
    auto drivers = drivers::MakeLocalDrivers(*backends);
    service.SetInfrastructure([&](Store* st, SecretBox* sb) {
      return std::make_unique<Infrastructure>(st, sb, std::move(backends),
                                              std::move(drivers));
    });
  }

  auto admin = service.BootstrapAdminToken();
  if (!admin.ok()) return admin.status();
  if (!admin->empty()) {
    const std::string path = AdminTokenPath(dir);
    if (Status st = WriteAdminToken(path, *admin); !st.ok()) return st;
    Say(s.out(), "encore-agent: admin token written to " + path);
  }

  ServerOptions opts;
  opts.listen = listen;
  opts.version = ENCORE_VERSION;
  opts.data_dir = dir;
  if (!tcp_host.empty()) {
    auto tls = LoadOrCreateTls(dir, tcp_host);
    if (!tls.ok()) return tls.status();
    opts.tls_cert_pem = tls->cert_pem;
    opts.tls_key_pem = tls->key_pem;
  }
  auto server = AgentGrpcServer::Start(&service, opts);
  if (!server.ok()) return server.status();
  const std::string address = (*server)->client_address();
  if (!tcp_host.empty()) {
    Say(s.out(), "clients: agent = \"" + address + "\", ca_cert = " +
                     TlsCertPath(dir));
  }
  Say(s.out(), std::string("encore-agent ") + ENCORE_VERSION +
                   " serving on " + address + " (data dir " + dir + ")");

  std::thread resume([&service] { service.ResumeProvisioning(); });

  int sig = 0;
  while (sigwait(&sigs, &sig) != 0) {
  }
  std::fprintf(stderr, "%s\n",
               FormatLogLine("INFO",
                             std::string("shutting down (") +
                                 (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ")",
                             std::chrono::system_clock::now())
                   .c_str());
  (*server)->Shutdown(std::chrono::milliseconds(5000));
  resume.join();
  ::close(*lock_fd);
  return 0;
}

}  // namespace encore::agent::cli
