#include "agent/backends/redis_server.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "agent/backends/server_process.h"

namespace encore::agent::backends {
namespace {

constexpr char kBinaryName[] = "redis-server";

std::string PidFile(const std::string& dir) { return dir + "/redis.pid"; }
std::string PortFile(const std::string& dir) { return dir + "/redis.port"; }
std::string LogFile(const std::string& dir) { return dir + "/redis.log"; }

// Start and stop of one directory must not interleave within this process.
std::mutex& StartMutex() {
  static std::mutex mu;
  return mu;
}

int ReadPort(const std::string& dir) {
  std::ifstream in(PortFile(dir));
  int port = 0;
  if (!(in >> port) || port <= 0 || port > 65535) return 0;
  return port;
}

Status WritePort(const std::string& dir, int port) {
  const std::string tmp = PortFile(dir) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    out.flush();
    if (!out) return Status::Internal("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, PortFile(dir), ec);
  if (ec)
    return Status::Internal("cannot write " + PortFile(dir) + ": " +
                            ec.message());
  return Status::Ok();
}

StatusOr<RedisEndpoint> Running(const std::string& dir) {
  pid_t pid = RunningPid(PidFile(dir), kBinaryName);
  if (pid <= 0) return Status::NotFound("no redis-server running in " + dir);
  int port = ReadPort(dir);
  if (port == 0) {
    return Status::NotFound("redis-server (pid " + std::to_string(pid) +
                            ") in " + dir + " has no port file");
  }
  RedisEndpoint ep;
  ep.port = port;
  ep.dir = dir;
  ep.pid = pid;
  return ep;
}

}  // namespace

StatusOr<RedisEndpoint> RunningRedisServer(const std::string& dir) {
  return Running(dir);
}

StatusOr<RedisEndpoint> StartRedisServer(const std::string& dir,
                                         const std::vector<std::string>& args) {
  std::lock_guard<std::mutex> lock(StartMutex());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Internal("cannot make " + dir + ": " + ec.message());

  int port = ReadPort(dir);
  const bool live = RunningPid(PidFile(dir), kBinaryName) > 0;
  if (live && port == 0) {
    // A server whose port we do not know: restart it on a known port.
    Status s = StopServer(PidFile(dir), kBinaryName);
    if (!s.ok()) return s;
  }
  if (!live || port == 0) {
    if (port == 0 || PortAccepts(port)) {  // none yet, or taken by another
      StatusOr<int> free = FreeLoopbackPort();
      if (!free.ok()) return free.status();
      port = *free;
    }
    Status s = WritePort(dir, port);
    if (!s.ok()) return s;
  }

  ServerSpec spec;
  spec.argv = {kRedisServerBinary,
               "--bind",
               "127.0.0.1",
               "--port",
               std::to_string(port),
               "--dir",
               dir,
               "--pidfile",
               PidFile(dir),
               "--logfile",
               LogFile(dir),
               "--save",
               "",
               "--appendonly",
               "no",
               "--protected-mode",
               "yes"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.pid_file = PidFile(dir);
  spec.log_file = LogFile(dir);
  spec.port = port;
  StatusOr<pid_t> pid = StartServer(spec);
  if (!pid.ok()) return pid.status();
  RedisEndpoint ep;
  ep.port = port;
  ep.dir = dir;
  ep.pid = *pid;
  return ep;
}

Status StopRedisServer(const std::string& dir) {
  std::lock_guard<std::mutex> lock(StartMutex());
  return StopServer(PidFile(dir), kBinaryName);
}

}  // namespace encore::agent::backends
