// nats_server: a real nats-server with JetStream, started, re-attached and
// stopped under a fresh mkdtemp dir.
#include "agent/backends/nats_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "agent/backends/server_process.h"

namespace encore::agent::backends {
namespace {

// The INFO line a NATS server sends first on a new connection.
std::string InfoLine(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string line;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') line += c;
  }
  close(fd);
  return line;
}

pid_t ParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "PPid:") {
      pid_t ppid = 0;
      in >> ppid;
      return ppid;
    }
  }
  return 0;
}

class NatsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/nats-server-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    opts_.dir = std::string(tmpl) + "/nats";
  }
  void TearDown() override {
    EXPECT_TRUE(StopNatsServer(opts_).ok());
    std::filesystem::remove_all(std::filesystem::path(opts_.dir).parent_path());
  }
  pid_t Pid() const {
    return RunningPid(opts_.dir + "/nats.pid", "nats-server");
  }

  NatsServerOptions opts_;
};

TEST_F(NatsServerTest, StartsWithJetStreamInItsOwnProcess) {
  auto ep = StartNatsServer(opts_);
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_GT(ep->port, 0);
  EXPECT_EQ(ep->url, "nats://127.0.0.1:" + std::to_string(ep->port));
  EXPECT_EQ(ep->store_dir, opts_.dir + "/jetstream");
  EXPECT_TRUE(std::filesystem::is_directory(ep->store_dir));
  std::string info = InfoLine(ep->port);
  EXPECT_EQ(info.rfind("INFO ", 0), 0u) << info;
  EXPECT_NE(info.find("\"jetstream\":true"), std::string::npos) << info;
  pid_t pid = Pid();
  ASSERT_GT(pid, 0);
  EXPECT_NE(ParentOf(pid), getpid()) << "the server outlives the agent";
}

TEST_F(NatsServerTest, ASecondStartReattaches) {
  auto first = StartNatsServer(opts_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  pid_t pid = Pid();
  auto second = StartNatsServer(opts_);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->port, first->port);
  EXPECT_EQ(second->url, first->url);
  EXPECT_EQ(Pid(), pid) << "no second copy";
}

TEST_F(NatsServerTest, ConcurrentStartsShareOneServer) {
  std::vector<std::thread> threads;
  std::vector<int> ports(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto ep = StartNatsServer(opts_);
      if (ep.ok()) ports[i] = ep->port;
    });
  }
  for (auto& t : threads) t.join();
  for (int p : ports) EXPECT_EQ(p, ports[0]);
  EXPECT_GT(ports[0], 0);
  EXPECT_GT(Pid(), 0);
}

TEST_F(NatsServerTest, StopThenStartKeepsThePort) {
  auto first = StartNatsServer(opts_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  pid_t pid = Pid();
  ASSERT_TRUE(StopNatsServer(opts_).ok());
  EXPECT_EQ(Pid(), 0);
  EXPECT_FALSE(PortAccepts(first->port));
  EXPECT_TRUE(StopNatsServer(opts_).ok()) << "stopping a stopped server";
  auto again = StartNatsServer(opts_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->port, first->port);
  EXPECT_NE(Pid(), pid);
  EXPECT_GT(Pid(), 0);
}

TEST_F(NatsServerTest, AMissingBinaryNamesTheDebianPackage) {
  setenv("ENCORE_NATS_SERVER", "/nonexistent/nats-server", 1);
  auto ep = StartNatsServer(opts_);
  unsetenv("ENCORE_NATS_SERVER");
  ASSERT_FALSE(ep.ok());
  EXPECT_EQ(ep.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(ep.status().message().find("Debian package nats-server"),
            std::string::npos)
      << ep.status().message();
}

}  // namespace
}  // namespace encore::agent::backends
