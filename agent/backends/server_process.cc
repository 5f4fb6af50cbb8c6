#include "agent/backends/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace encore::agent::backends {
namespace {

std::string Basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Cmdline(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string first;
  std::getline(in, first, '\0');
  return first;
}

void SleepMs(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace

pid_t RunningPid(const std::string& pid_file,
                 const std::string& binary_basename) {
  std::ifstream in(pid_file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return 0;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return 0;
  std::string cmd = Cmdline(static_cast<pid_t>(pid));
  // A zombie or another program that reused the pid is not ours.
  if (cmd.empty() || Basename(cmd).rfind(binary_basename, 0) != 0) return 0;
  return static_cast<pid_t>(pid);
}

bool PortAccepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

void ResetSignalsForExec() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD}) {
    signal(sig, SIG_DFL);
  }
}

StatusOr<int> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status::Internal(std::string("socket: ") + strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string err = strerror(errno);
    close(fd);
    return Status::Internal("no free loopback port: " + err);
  }
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

Status LookupUser(const std::string& user, uid_t* uid, gid_t* gid) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (getpwnam_r(user.c_str(), &pw, buf, sizeof buf, &found) != 0 || !found) {
    return Status::NotFound("no user " + user);
  }
  *uid = pw.pw_uid;
  *gid = pw.pw_gid;
  return Status::Ok();
}

Status EnsureSystemUser(const std::string& user) {
  uid_t uid;
  gid_t gid;
  if (LookupUser(user, &uid, &gid).ok()) return Status::Ok();
  std::string cmd =
      "useradd --system --no-create-home --shell /usr/sbin/nologin '" + user +
      "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0 || !LookupUser(user, &uid, &gid).ok()) {
    return Status::FailedPrecondition(
        "could not create the system user " + user +
        " that runs PostgreSQL while the agent runs as root; create it with "
        "`useradd --system " +
        user + "`");
  }
  return Status::Ok();
}

StatusOr<pid_t> StartServer(const ServerSpec& spec) {
  if (spec.argv.empty()) return Status::InvalidArgument("no server binary");
  const std::string base = Basename(spec.argv[0]);
  if (pid_t pid = RunningPid(spec.pid_file, base); pid > 0) {
    // Re-attach; wait for its port in case it is still starting.
    for (int waited = 0; waited < spec.ready_timeout_ms; waited += 20) {
      if (spec.port == 0 || PortAccepts(spec.port)) return pid;
      SleepMs(20);
    }
    return Status::Unavailable(base + " (pid " + std::to_string(pid) +
                               ") does not accept connections on port " +
                               std::to_string(spec.port));
  }
  uid_t uid = 0;
  gid_t gid = 0;
  if (!spec.run_as_user.empty()) {
    Status s = LookupUser(spec.run_as_user, &uid, &gid);
    if (!s.ok()) return s;
  }
  std::vector<char*> args;
  for (const auto& a : spec.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t child = fork();
  if (child < 0)
    return Status::Internal(std::string("fork: ") + strerror(errno));
  if (child == 0) {
    // First child: new session, then fork again so the server is not our
    // child (it is reparented to init and outlives the agent).
    setsid();
    pid_t server = fork();
    if (server != 0) _exit(server < 0 ? 1 : 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    int log = open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log >= 0) {
      if (!spec.run_as_user.empty()) (void)fchown(log, uid, gid);
      dup2(log, 1);
      dup2(log, 2);
    }
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    if (!spec.run_as_user.empty()) {
      if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
        _exit(126);
    }
    ResetSignalsForExec();
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal("could not start " + base);
  }
  // The server's own pid: it writes pid_file itself, or we find it by port.
  for (int waited = 0; waited < spec.ready_timeout_ms; waited += 20) {
    pid_t pid = RunningPid(spec.pid_file, base);
    if (pid > 0 && (spec.port == 0 || PortAccepts(spec.port))) return pid;
    SleepMs(20);
  }
  std::string tail;
  {
    std::ifstream in(spec.log_file);
    std::stringstream ss;
    ss << in.rdbuf();
    tail = ss.str();
    if (tail.size() > 400) tail = tail.substr(tail.size() - 400);
    for (char& c : tail)
      if (c == '\n') c = ' ';
  }
  return Status::Unavailable(base + " did not start within " +
                             std::to_string(spec.ready_timeout_ms) +
                             " ms (log " + spec.log_file + "): " + tail);
}

Status StopServer(const std::string& pid_file,
                  const std::string& binary_basename) {
  pid_t pid = RunningPid(pid_file, binary_basename);
  if (pid > 0) {
    kill(pid, SIGTERM);
    // Until the process is gone (or a zombie of ours): a server may remove
    // its pid file before it has finished shutting down.
    auto gone = [pid] {
      (void)waitpid(pid, nullptr, WNOHANG);  // reaps it when it is our child
      return kill(pid, 0) != 0 || Cmdline(pid).empty();
    };
    for (int waited = 0; waited < 10000 && !gone(); waited += 20) SleepMs(20);
    if (!gone()) {
      kill(pid, SIGKILL);
      for (int waited = 0; waited < 2000 && !gone(); waited += 20) SleepMs(20);
    }
  }
  unlink(pid_file.c_str());
  return Status::Ok();
}

}  // namespace encore::agent::backends
