#include "agent/backends/server_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

namespace encore::agent::backends {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The agent runs with SIGTERM blocked (serve takes it with sigwait); a
// server it starts must still stop on SIGTERM, not wait for SIGKILL.
TEST(ServerProcess, AServerStartedWithSigtermBlockedStopsOnSigterm) {
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigset_t old;
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  char tmpl[] = "/tmp/server_process_test_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  auto port = FreeLoopbackPort();
  ASSERT_TRUE(port.ok());
  ServerSpec spec;
  spec.argv = {"/usr/bin/redis-server", "--port", std::to_string(*port),
               "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--pidfile", dir + "/redis.pid", "--dir", dir};
  spec.pid_file = dir + "/redis.pid";
  spec.log_file = dir + "/redis.log";
  spec.port = *port;
  auto pid = StartServer(spec);
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  EXPECT_EQ(RunningPid(spec.pid_file, "redis-server"), *pid);
  // Re-attaches instead of starting a second copy.
  auto again = StartServer(spec);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *pid);
  ASSERT_TRUE(StopServer(spec.pid_file, "redis-server").ok());
  EXPECT_NE(ReadAll(spec.log_file).find("Received SIGTERM"), std::string::npos)
      << "the server never saw SIGTERM (it was killed): " << ReadAll(spec.log_file);
  EXPECT_EQ(RunningPid(spec.pid_file, "redis-server"), 0);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  std::string rm = "rm -rf '" + dir + "'";
  EXPECT_EQ(system(rm.c_str()), 0);
}

}  // namespace
}  // namespace encore::agent::backends
