#include "agent/backends/postgres_cluster.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "agent/backends/server_process.h"

extern char** environ;

namespace encore::agent::backends {
namespace {

constexpr char kSuperuser[] = "encore_admin";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

bool Exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

std::string OneLine(std::string s, size_t max = 400) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (s.size() > max) s = "..." + s.substr(s.size() - max);
  return s;
}

// The server's user, or none (uid -1) when the agent runs it as itself.
struct RunAs {
  bool set = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

struct RunResult {
  int exit_code = -1;
  std::string output;
};

// Runs argv (argv[0] absolute) in its own session as `as`, with stdout and
// stderr into `out_file`; waits for it.
StatusOr<RunResult> Run(const std::vector<std::string>& argv, const RunAs& as,
                        const std::string& out_file) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "LC_", 3) == 0 || std::strncmp(*e, "LANG", 4) == 0 ||
        std::strncmp(*e, "PG", 2) == 0) {
      continue;
    }
    env_store.emplace_back(*e);
  }
  env_store.emplace_back("LC_ALL=C");
  std::vector<char*> env;
  for (auto& e : env_store) env.push_back(e.data());
  env.push_back(nullptr);
  const char* out_path = out_file.c_str();

  pid_t child = fork();
  if (child < 0)
    return Status::Internal(std::string("fork: ") + strerror(errno));
  if (child == 0) {
    setsid();
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out >= 0) {
      dup2(out, 1);
      dup2(out, 2);
    }
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    if (as.set) {
      if (setgroups(0, nullptr) != 0 || setgid(as.gid) != 0 ||
          setuid(as.uid) != 0) {
        _exit(126);
      }
    }
    ResetSignalsForExec();
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  r.output = ReadFile(out_file);
  unlink(out_file.c_str());
  return r;
}

Status MakeDir(const std::string& path, mode_t mode, const RunAs& as) {
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return Status::Internal("cannot create " + path + ": " + strerror(errno));
  }
  if (as.set && chown(path.c_str(), as.uid, as.gid) != 0) {
    return Status::Internal("cannot chown " + path + ": " + strerror(errno));
  }
  if (chmod(path.c_str(), mode) != 0) {
    return Status::Internal("cannot chmod " + path + ": " + strerror(errno));
  }
  return Status::Ok();
}

// mkdir -p for the parents of `dir`, and o+x on every ancestor so the
// server's user can traverse them.
Status PrepareParents(const std::string& dir, const RunAs& as) {
  std::vector<std::string> ancestors;
  for (size_t at = dir.find('/', 1); at != std::string::npos;
       at = dir.find('/', at + 1)) {
    ancestors.push_back(dir.substr(0, at));
  }
  for (const auto& a : ancestors) {
    if (mkdir(a.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::Internal("cannot create " + a + ": " + strerror(errno));
    }
    if (!as.set) continue;
    struct stat st {};
    if (stat(a.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH)) {
      if (chmod(a.c_str(), (st.st_mode & 07777) | S_IXOTH) != 0) {
        return Status::Internal("cannot make " + a +
                                " traversable: " + strerror(errno));
      }
    }
  }
  return Status::Ok();
}

// One mutex per cluster dir in this process, and a lock file across
// processes.
class DirLock {
 public:
  explicit DirLock(const std::string& dir) {
    static std::mutex map_mu;
    static std::map<std::string, std::unique_ptr<std::mutex>> mus;
    {
      std::lock_guard<std::mutex> g(map_mu);
      auto& m = mus[dir];
      if (!m) m = std::make_unique<std::mutex>();
      mu_ = m.get();
    }
    mu_->lock();
    fd_ = open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~DirLock() {
    if (fd_ >= 0) close(fd_);
    mu_->unlock();
  }

 private:
  std::mutex* mu_ = nullptr;
  int fd_ = -1;
};

StatusOr<RunAs> ResolveUser(const PostgresClusterOptions& o) {
  RunAs as;
  if (o.run_as_user.empty()) {
    if (geteuid() == 0) {
      return Status::FailedPrecondition(
          "PostgreSQL refuses to run as root; the agent runs it as an "
          "unprivileged user (run_as_user, e.g. \"encore-agent\")");
    }
    return as;
  }
  if (geteuid() != 0) return as;  // not root: the agent's own user runs it
  Status s = EnsureSystemUser(o.run_as_user);
  if (!s.ok()) return s;
  s = LookupUser(o.run_as_user, &as.uid, &as.gid);
  if (!s.ok()) return s;
  as.set = true;
  return as;
}

// Lines of postmaster.pid: 1 pid, 4 port, 5 socket dir.
std::vector<std::string> PidFileLines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(path));
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::string Conf(const PostgresClusterOptions& o, int port,
                 const std::string& run_dir) {
  std::string c =
      "# Written by encore-agent at every start; edit postgresql.conf or\n"
      "# postgresql.auto.conf (ALTER SYSTEM) for your own settings.\n"
      "listen_addresses = '127.0.0.1'\n"
      "port = " +
      std::to_string(port) +
      "\n"
      "unix_socket_directories = '" +
      run_dir +
      "'\n"
      "unix_socket_permissions = 0700\n"
      "max_connections = 200\n"
      "password_encryption = 'scram-sha-256'\n";
  if (o.fast) {
    c += "fsync = off\n"
         "synchronous_commit = off\n"
         "full_page_writes = off\n";
  }
  return c;
}

constexpr char kHba[] =
    "# Written by encore-agent. The socket dir is 0700: only the server's\n"
    "# user (and root) reach it.\n"
    "local all all trust\n"
    "host all all 127.0.0.1/32 scram-sha-256\n";

Status WriteOwned(const std::string& path, const std::string& text,
                  const RunAs& as) {
  if (!WriteFile(path, text)) return Status::Internal("cannot write " + path);
  chmod(path.c_str(), 0600);
  if (as.set && chown(path.c_str(), as.uid, as.gid) != 0) {
    return Status::Internal("cannot chown " + path + ": " + strerror(errno));
  }
  return Status::Ok();
}

Status InitDb(const PostgresClusterOptions& o, const std::string& bin,
              const std::string& pgdata, const RunAs& as) {
  std::vector<std::string> argv = {bin + "/initdb",
                                   "-D",
                                   pgdata,
                                   "-U",
                                   kSuperuser,
                                   "--auth-local=trust",
                                   "--auth-host=scram-sha-256",
                                   "-E",
                                   "UTF8",
                                   "--no-locale"};
  if (o.fast) argv.push_back("--no-sync");
  auto r = Run(argv, as, o.dir + "/initdb.out");
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return Status::Internal("initdb " + pgdata + " failed (exit " +
                            std::to_string(r->exit_code) +
                            "): " + OneLine(r->output));
  }
  Status s = WriteOwned(pgdata + "/pg_hba.conf", kHba, as);
  if (!s.ok()) return s;
  std::ofstream conf(pgdata + "/postgresql.conf", std::ios::app);
  conf << "\n# encore-agent's settings (port, socket, durability)\n"
          "include_if_exists = 'encore.conf'\n";
  if (!conf)
    return Status::Internal("cannot write " + pgdata + "/postgresql.conf");
  return Status::Ok();
}

// initdb into pgdata.init-<pid>, configured, then renamed to `pgdata`: an
// agent killed during initdb never leaves a cluster without our settings
// (a restart would start it with PostgreSQL's default port and socket).
// Directories left by a killed agent's initdb are removed first.
Status InitDbAtomically(const PostgresClusterOptions& o, const std::string& bin,
                        const std::string& pgdata, const RunAs& as) {
  const std::string prefix = pgdata + ".init-";
  if (DIR* d = opendir(o.dir.c_str())) {
    std::vector<std::string> stale;
    while (dirent* e = readdir(d)) {
      std::string path = o.dir + "/" + e->d_name;
      if (path.rfind(prefix, 0) == 0) stale.push_back(path);
    }
    closedir(d);
    for (const auto& p : stale) {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  }
  const std::string tmp = prefix + std::to_string(getpid());
  Status s = MakeDir(tmp, 0700, as);
  if (!s.ok()) return s;
  s = InitDb(o, bin, tmp, as);
  if (!s.ok()) return s;
  // rename(2) replaces an empty directory (an older agent's mkdir).
  if (rename(tmp.c_str(), pgdata.c_str()) != 0) {
    return Status::Internal("cannot rename " + tmp + " to " + pgdata + ": " +
                            strerror(errno) +
                            " (a non-empty directory without PG_VERSION is in "
                            "the way: move it aside)");
  }
  return Status::Ok();
}

StatusOr<int> ClusterPort(const std::string& port_file) {
  std::string text = ReadFile(port_file);
  int port = std::atoi(text.c_str());
  if (port > 0) return port;
  auto p = FreeLoopbackPort();
  if (!p.ok()) return p.status();
  if (!WriteFile(port_file, std::to_string(*p) + "\n")) {
    return Status::Internal("cannot write " + port_file);
  }
  return *p;
}

}  // namespace

StatusOr<std::string> PostgresBinDir() {
  const std::string root = "/usr/lib/postgresql";
  int best = -1;
  if (DIR* d = opendir(root.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.empty() ||
          name.find_first_not_of("0123456789") != std::string::npos) {
        continue;
      }
      int v = std::atoi(name.c_str());
      if (v > best &&
          access((root + "/" + name + "/bin/postgres").c_str(), X_OK) == 0) {
        best = v;
      }
    }
    closedir(d);
  }
  if (best < 0) {
    return Status::FailedPrecondition(
        "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; "
        "install the Debian package `postgresql`");
  }
  return root + "/" + std::to_string(best) + "/bin";
}

std::string FastClusterDir(const std::string& data_dir) {
  uint32_t h = 2166136261u;
  for (unsigned char c : data_dir) {
    h ^= c;
    h *= 16777619u;
  }
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  struct stat st {};
  if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
      access("/dev/shm", W_OK | X_OK) == 0) {
    return std::string("/dev/shm/encore-agent-") + hex + "/postgres-test";
  }
  return data_dir + "/backends/postgres-test";
}

StatusOr<PostgresEndpoint> StartPostgresCluster(
    const PostgresClusterOptions& o) {
  if (o.dir.empty() || o.dir[0] != '/') {
    return Status::InvalidArgument(
        "the PostgreSQL cluster dir must be absolute: \"" + o.dir + "\"");
  }
  auto bin = PostgresBinDir();
  if (!bin.ok()) return bin.status();
  auto as = ResolveUser(o);
  if (!as.ok()) return as.status();
  Status s = PrepareParents(o.dir, *as);
  if (!s.ok()) return s;
  s = MakeDir(o.dir, 0700, *as);
  if (!s.ok()) return s;
  DirLock lock(o.dir);

  const std::string pgdata = o.dir + "/pgdata";
  const std::string run_dir = o.dir + "/run";
  const std::string pid_file = pgdata + "/postmaster.pid";
  PostgresEndpoint ep;
  ep.socket_dir = run_dir;
  ep.superuser = kSuperuser;
  ep.data_dir = pgdata;

  // Re-attach to the running server.
  if (RunningPid(pid_file, "postgres") > 0) {
    auto lines = PidFileLines(pid_file);
    int port = lines.size() > 3 ? std::atoi(lines[3].c_str()) : 0;
    if (port <= 0) port = std::atoi(ReadFile(o.dir + "/port").c_str());
    ep.port = port;
    for (int waited = 0; waited < 30000; waited += 20) {
      if (PortAccepts(port) &&
          Exists(run_dir + "/.s.PGSQL." + std::to_string(port))) {
        return ep;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status::Unavailable(
        "PostgreSQL in " + pgdata +
        " runs but does not accept connections on port " +
        std::to_string(port) + " (log " + o.dir + "/postgres.log)");
  }

  s = MakeDir(run_dir, 0700, *as);
  if (!s.ok()) return s;
  if (!Exists(pgdata + "/PG_VERSION")) {
    s = InitDbAtomically(o, *bin, pgdata, *as);
    if (!s.ok()) return s;
  }
  const std::string log = o.dir + "/postgres.log";
  if (!Exists(log)) {
    s = WriteOwned(log, "", *as);
    if (!s.ok()) return s;
  }

  // Start; if the remembered port was taken meanwhile, take a new one once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto port = ClusterPort(o.dir + "/port");
    if (!port.ok()) return port.status();
    s = WriteOwned(pgdata + "/encore.conf", Conf(o, *port, run_dir), *as);
    if (!s.ok()) return s;
    auto r = Run({*bin + "/pg_ctl", "-D", pgdata, "-l", log, "-w", "-t", "60",
                  "-s", "start"},
                 *as, o.dir + "/pg_ctl.out");
    if (!r.ok()) return r.status();
    if (r->exit_code == 0) {
      ep.port = *port;
      return ep;
    }
    if (attempt == 0 && PortAccepts(*port)) {
      unlink((o.dir + "/port").c_str());
      continue;
    }
    std::string tail = ReadFile(log);
    return Status::Unavailable("PostgreSQL in " + pgdata + " did not start: " +
                               OneLine(r->output + " " + tail) + " (log " +
                               log + ")");
  }
  return Status::Unavailable("PostgreSQL in " + pgdata + " did not start");
}

Status StopPostgresCluster(const PostgresClusterOptions& o) {
  const std::string pgdata = o.dir + "/pgdata";
  if (!Exists(pgdata + "/postmaster.pid")) return Status::Ok();
  auto bin = PostgresBinDir();
  if (!bin.ok()) return bin.status();
  auto as = ResolveUser(o);
  if (!as.ok()) return as.status();
  DirLock lock(o.dir);
  if (RunningPid(pgdata + "/postmaster.pid", "postgres") == 0)
    return Status::Ok();
  auto r = Run({*bin + "/pg_ctl", "-D", pgdata, "-m", "fast", "-w", "-t", "60",
                "-s", "stop"},
               *as, o.dir + "/pg_ctl.out");
  if (!r.ok()) return r.status();
  if (r->exit_code != 0 &&
      RunningPid(pgdata + "/postmaster.pid", "postgres") > 0) {
    return Status::Internal("pg_ctl stop " + pgdata +
                            " failed: " + OneLine(r->output));
  }
  return Status::Ok();
}

}  // namespace encore::agent::backends
