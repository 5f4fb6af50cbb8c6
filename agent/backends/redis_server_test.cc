#include "agent/backends/redis_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "agent/backends/server_process.h"

namespace encore::agent::backends {
namespace {

// One inline command over a plain socket; returns the raw reply.
std::string Ask(int port, const std::string& command) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string line = command + "\r\n";
    if (write(fd, line.data(), line.size()) ==
        static_cast<ssize_t>(line.size())) {
      char buf[512];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) reply.assign(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return reply;
}

class RedisServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/encore-redis-server-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/cache";
  }
  void TearDown() override {
    EXPECT_TRUE(StopRedisServer(dir_).ok());
    std::filesystem::remove_all(root_);
  }
  std::string root_, dir_;
};

TEST_F(RedisServerTest, StartsAnswersAndAppliesItsArguments) {
  auto ep = StartRedisServer(dir_, {"--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_GT(ep->port, 0);
  EXPECT_GT(ep->pid, 0);
  EXPECT_EQ(Ask(ep->port, "PING"), "+PONG\r\n");
  EXPECT_NE(Ask(ep->port, "CONFIG GET maxmemory-policy").find("allkeys-lru"),
            std::string::npos);
  EXPECT_NE(Ask(ep->port, "CONFIG GET save").find("$0\r\n"), std::string::npos)
      << "no snapshots";
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/redis.pid"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/redis.port"));
}

TEST_F(RedisServerTest, ReattachesInsteadOfStartingASecondCopy) {
  auto first = StartRedisServer(dir_, {});
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto running = RunningRedisServer(dir_);
  ASSERT_TRUE(running.ok()) << running.status().message();
  EXPECT_EQ(running->port, first->port);
  EXPECT_EQ(running->pid, first->pid);
  auto again = StartRedisServer(dir_, {"--maxmemory-policy", "allkeys-lfu"});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->pid, first->pid);
  EXPECT_EQ(again->port, first->port);
  EXPECT_NE(Ask(again->port, "CONFIG GET maxmemory-policy").find("noeviction"),
            std::string::npos)
      << "a re-attached server keeps its configuration";
}

TEST_F(RedisServerTest, StopThenStartAgainKeepsThePort) {
  auto first = StartRedisServer(dir_, {});
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_TRUE(StopRedisServer(dir_).ok());
  auto none = RunningRedisServer(dir_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(PortAccepts(first->port));
  auto second = StartRedisServer(dir_, {});
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_NE(second->pid, first->pid);
  EXPECT_EQ(second->port, first->port) << "the url survives a restart";
  EXPECT_EQ(Ask(second->port, "PING"), "+PONG\r\n");
}

TEST_F(RedisServerTest, StoppingNothingSucceedsAndNothingIsRunning) {
  EXPECT_TRUE(StopRedisServer(dir_).ok());
  auto none = RunningRedisServer(dir_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace encore::agent::backends
