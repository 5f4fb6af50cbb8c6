#include "agent/backends/nats_server.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "agent/backends/server_process.h"

namespace encore::agent::backends {
namespace {

constexpr char kBinary[] = "nats-server";

std::mutex& Mu() {
  static auto* mu = new std::mutex;
  return *mu;
}

StatusOr<std::string> FindBinary() {
  if (const char* env = std::getenv("ENCORE_NATS_SERVER"); env && *env) {
    if (access(env, X_OK) == 0) return std::string(env);
    return Status::FailedPrecondition(
        std::string("nats-server not found at ") + env +
        " ($ENCORE_NATS_SERVER); install the Debian package nats-server "
        "(apt-get install nats-server)");
  }
  for (const char* p : {"/usr/sbin/nats-server", "/usr/bin/nats-server",
                        "/usr/local/bin/nats-server"}) {
    if (access(p, X_OK) == 0) return std::string(p);
  }
  return Status::FailedPrecondition(
      "nats-server is not installed (looked in /usr/sbin, /usr/bin, "
      "/usr/local/bin); install the Debian package nats-server "
      "(apt-get install nats-server)");
}

int ReadPort(const std::string& file) {
  std::ifstream in(file);
  int port = 0;
  if (!(in >> port) || port <= 0 || port > 65535) return 0;
  return port;
}

// The -p argument of a running nats-server, or 0.
int PortFromCmdline(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string arg;
  bool next = false;
  while (std::getline(in, arg, '\0')) {
    if (next) return std::atoi(arg.c_str());
    next = arg == "-p" || arg == "--port";
  }
  return 0;
}

Status WritePort(const std::string& file, int port) {
  std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out) return Status::Internal("could not write " + tmp);
  }
  if (rename(tmp.c_str(), file.c_str()) != 0) {
    return Status::Internal("could not write " + file + ": " + strerror(errno));
  }
  return Status::Ok();
}

// An exclusive flock on <dir>/nats.lock for the scope.
class DirLock {
 public:
  explicit DirLock(const std::string& dir) {
    fd_ =
        open((dir + "/nats.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~DirLock() {
    if (fd_ >= 0) close(fd_);  // releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

StatusOr<NatsEndpoint> StartNatsServer(const NatsServerOptions& o) {
  if (o.dir.empty())
    return Status::InvalidArgument("no directory for nats-server");
  auto binary = FindBinary();
  if (!binary.ok()) return binary.status();
  std::lock_guard<std::mutex> lock(Mu());
  const std::string store = o.dir + "/jetstream";
  std::error_code ec;
  std::filesystem::create_directories(store, ec);
  if (ec)
    return Status::Internal("could not create " + store + ": " + ec.message());
  chmod(o.dir.c_str(), 0700);
  DirLock dir_lock(o.dir);
  const std::string pid_file = o.dir + "/nats.pid";
  const std::string port_file = o.dir + "/nats.port";

  int port = ReadPort(port_file);
  if (pid_t pid = RunningPid(pid_file, kBinary); pid > 0) {
    int running = PortFromCmdline(pid);
    if (running > 0 && running != port) {
      port = running;
      if (Status s = WritePort(port_file, port); !s.ok()) return s;
    }
  } else if (port == 0 || PortAccepts(port)) {
    // No port yet, or someone else took ours: a new one.
    auto free_port = FreeLoopbackPort();
    if (!free_port.ok()) return free_port.status();
    port = *free_port;
    if (Status s = WritePort(port_file, port); !s.ok()) return s;
  }
  ServerSpec spec;
  spec.argv = {*binary, "-js", "-a", "127.0.0.1", "-p", std::to_string(port),
               "-sd",   store, "-P", pid_file};
  spec.pid_file = pid_file;
  spec.log_file = o.dir + "/nats.log";
  spec.port = port;
  auto pid = StartServer(spec);
  if (!pid.ok()) return pid.status();
  NatsEndpoint ep;
  ep.url = "nats://127.0.0.1:" + std::to_string(port);
  ep.port = port;
  ep.store_dir = store;
  return ep;
}

Status StopNatsServer(const NatsServerOptions& o) {
  if (o.dir.empty())
    return Status::InvalidArgument("no directory for nats-server");
  std::lock_guard<std::mutex> lock(Mu());
  return StopServer(o.dir + "/nats.pid", kBinary);
}

}  // namespace encore::agent::backends
