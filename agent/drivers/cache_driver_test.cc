// CacheDriver against real redis-servers, one per cache, under a mkdtemp dir
// (every server started is stopped at the end).
#include "agent/drivers/cache_driver.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "agent/backends/redis_server.h"
#include "agent/drivers/conformance.h"

namespace encore::agent::drivers {
namespace {

namespace fs = std::filesystem;

// One command by hand, as a person with redis-cli would; the reply's string
// (an array's elements joined by ' ').
StatusOr<std::string> ByHand(int port, const std::vector<std::string>& argv) {
  timeval tv{2, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (!c || c->err) {
    if (c) redisFree(c);
    return Status::Unavailable("cannot connect");
  }
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(redisCommandArgv(
      c, static_cast<int>(args.size()), args.data(), lens.data()));
  std::string out;
  Status status;
  if (!reply) {
    status = Status::Unavailable(c->errstr);
  } else if (reply->type == REDIS_REPLY_ERROR) {
    status = Status::Internal(std::string(reply->str, reply->len));
  } else if (reply->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < reply->elements; ++i) {
      if (i) out += " ";
      out += std::string(reply->element[i]->str, reply->element[i]->len);
    }
  } else if (reply->str) {
    out.assign(reply->str, reply->len);
  }
  if (reply) freeReplyObject(reply);
  redisFree(c);
  if (!status.ok()) return status;
  return out;
}

class RedisTarget : public ConformanceTarget {
 public:
  RedisTarget() {
    char tmpl[] = "/tmp/encore-cache-driver-XXXXXX";
    if (mkdtemp(tmpl)) root_ = tmpl;
    caches_ = root_ + "/caches";
    driver_ = std::make_unique<CacheDriver>(caches_);
  }
  ~RedisTarget() override {
    std::error_code ec;
    if (fs::is_directory(caches_, ec)) {
      for (const auto& e : fs::directory_iterator(caches_, ec)) {
        (void)backends::StopRedisServer(e.path().string());
      }
    }
    if (!root_.empty()) fs::remove_all(root_, ec);
  }

  Driver& driver() override { return *driver_; }
  CacheDriver& cache_driver() { return *driver_; }
  const std::string& caches_root() const { return caches_; }
  // A new driver over the same caches: the agent restarted.
  void RestartAgent() { driver_ = std::make_unique<CacheDriver>(caches_); }

  Resource NewResource(const std::string& env) override {
    static std::atomic<int> next{0};
    Resource r;
    r.env = env;
    r.item.kind = "cache";
    r.item.name = "sessions" + std::to_string(++next);
    r.item.provider_id = "redis:local/" + r.item.name;
    r.item.attributes = {{"maxmemory-policy", "allkeys-lru"},
                         {"maxmemory", "256mb"}};
    r.backend_name = r.item.name;
    return r;
  }
  std::pair<std::string, std::string> SamplePatch(const Resource&) override {
    return {"maxmemory-policy", "volatile-lru"};
  }
  Status MakeForeign(const Resource& r) override {
    auto ep = backends::StartRedisServer(Dir(r), {});
    return ep.ok() ? Status::Ok() : ep.status();
  }
  Status ChangeOutOfBand(const Resource& r, const std::string& attr,
                         const std::string& value) override {
    auto ep = backends::RunningRedisServer(Dir(r));
    if (!ep.ok()) return ep.status();
    auto out = ByHand(ep->port, {"CONFIG", "SET", attr, value});
    return out.ok() ? Status::Ok() : out.status();
  }
  StatusOr<std::pair<std::string, std::string>> ChangeForeignAttribute(
      const Resource& r) override {
    Status s = ChangeOutOfBand(r, "timeout", "30");
    if (!s.ok()) return s;
    return std::make_pair(std::string("foreign.timeout"), std::string("30"));
  }
  void Cleanup(const Resource& r) override {
    (void)backends::StopRedisServer(Dir(r));
    std::error_code ec;
    fs::remove_all(Dir(r), ec);
  }
  std::string Dir(const Resource& r) const {
    return caches_ + "/" + r.backend_name;
  }

 private:
  std::string root_, caches_;
  std::unique_ptr<CacheDriver> driver_;
};

INSTANTIATE_TEST_SUITE_P(
    Redis, DriverConformance,
    ::testing::Values(ConformanceParam{
        "redis",
        [] { return std::unique_ptr<ConformanceTarget>(new RedisTarget); }}),
    ConformanceParamName);

class CacheDriverTest : public ::testing::Test {
 protected:
  void SetUp() override { r_ = target_.NewResource("shop/local"); }
  RedisTarget target_;
  Resource r_;
};

TEST_F(CacheDriverTest, TheCacheAnswersPingAndReportsItsEvictionPolicy) {
  auto created = target_.cache_driver().Create(r_);
  ASSERT_TRUE(created.ok()) << created.status().message();
  const int port = std::atoi(created->facts.at("port").c_str());
  EXPECT_EQ(created->facts.at("host"), "127.0.0.1");
  EXPECT_EQ(created->facts.at("url"),
            "redis://127.0.0.1:" + std::to_string(port));
  auto pong = ByHand(port, {"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status().message();
  EXPECT_EQ(*pong, "PONG");
  auto policy = ByHand(port, {"CONFIG", "GET", "maxmemory-policy"});
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(*policy, "maxmemory-policy allkeys-lru");
  EXPECT_EQ(created->observed.at("maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(created->observed.at("maxmemory"), "268435456")
      << "reported exactly as the server says";
  EXPECT_EQ(created->baseline.count("foreign.timeout"), 1u);
  std::ifstream mark(target_.Dir(r_) + "/encore-agent.mark");
  std::string line;
  std::getline(mark, line);
  EXPECT_EQ(line, OwnershipMark("shop/local"));
}

TEST_F(CacheDriverTest, ANewDriverReattachesToTheSameServer) {
  ASSERT_TRUE(target_.cache_driver().Create(r_).ok());
  auto before = backends::RunningRedisServer(target_.Dir(r_));
  ASSERT_TRUE(before.ok()) << before.status().message();
  target_.RestartAgent();
  auto seen = target_.cache_driver().Observe(r_, {"maxmemory-policy"});
  ASSERT_TRUE(seen.ok()) << seen.status().message();
  EXPECT_TRUE(seen->exists);
  EXPECT_EQ(seen->attributes.at("maxmemory-policy"), "allkeys-lru");
  auto again = target_.cache_driver().Create(r_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  auto after = backends::RunningRedisServer(target_.Dir(r_));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->pid, before->pid) << "re-attached, not started twice";
  EXPECT_EQ(again->facts.at("port"), std::to_string(before->port));
}

TEST_F(CacheDriverTest, AStoppedServerIsStartedAgainFromItsDirectory) {
  ASSERT_TRUE(target_.cache_driver().Create(r_).ok());
  auto before = backends::RunningRedisServer(target_.Dir(r_));
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(backends::StopRedisServer(target_.Dir(r_)).ok());  // a reboot
  target_.RestartAgent();
  auto seen =
      target_.cache_driver().Observe(r_, {"maxmemory-policy", "maxmemory"});
  ASSERT_TRUE(seen.ok()) << seen.status().message();
  EXPECT_EQ(seen->mark, OwnershipMark("shop/local"));
  EXPECT_EQ(seen->attributes.at("maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(seen->attributes.at("maxmemory"), "268435456");
  auto after = backends::RunningRedisServer(target_.Dir(r_));
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->pid, before->pid);
  EXPECT_EQ(after->port, before->port) << "the url stays the same";
}

TEST_F(CacheDriverTest, CountsEveryCommandAndOneAttributeIsOneWrite) {
  CacheDriver& d = target_.cache_driver();
  ASSERT_TRUE(d.Create(r_).ok());
  EXPECT_EQ(d.counters().writes, 1) << "directory + mark";
  EXPECT_EQ(d.counters().reads, 1) << "one CONFIG GET";
  auto seen = d.Observe(r_, {"maxmemory-policy", "maxmemory"});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(d.counters().reads, 3) << "the mark + one CONFIG GET";
  auto out = d.Update(r_, {{"maxmemory-policy", "allkeys-lfu"}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(d.counters().writes, 2) << "one CONFIG SET";
  EXPECT_EQ(d.counters().reads, 4) << "one CONFIG GET";
  EXPECT_EQ(out->at("maxmemory-policy"), "allkeys-lfu");
}

TEST_F(CacheDriverTest, AnEmptyValueResetsTheOverride) {
  CacheDriver& d = target_.cache_driver();
  ASSERT_TRUE(d.Create(r_).ok());
  auto out = d.Update(r_, {{"maxmemory", ""}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at("maxmemory"), "0");
}

TEST_F(CacheDriverTest, OnlyOwnedAttributesAreWritten) {
  CacheDriver& d = target_.cache_driver();
  ASSERT_TRUE(d.Create(r_).ok());
  const int64_t writes = d.counters().writes;
  auto out = d.Update(r_, {{"timeout", "5"}});
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(d.counters().writes, writes);
}

TEST_F(CacheDriverTest, DeletingAForeignCacheNamesItsDirectoryAndMark) {
  Resource mine = r_;
  ASSERT_TRUE(target_.cache_driver().Create(mine).ok());
  Resource theirs = mine;
  theirs.env = "shop/pr:2";
  Status s = target_.cache_driver().Delete(theirs);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(target_.Dir(mine)), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("shop/local"), std::string::npos) << s.message();
  EXPECT_TRUE(backends::RunningRedisServer(target_.Dir(mine)).ok());
}

}  // namespace
}  // namespace encore::agent::drivers
