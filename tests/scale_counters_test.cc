// Backend call counters at scale (DESIGN §5, §8 "Minimal patch"), on real
// backends: an environment of 1000 resources (50 SQL databases, 400 topics,
// 400 subscriptions, 150 buckets) provisioned by the real local drivers
// into the agent's fast PostgreSQL cluster, nats-server and the local disk,
// through Infrastructure::Apply and the SQLite ledger. Then:
//   - an apply with nothing changed makes 0 reads and 0 writes;
//   - one attribute of one resource changed (a subscription's ack deadline)
//     makes exactly 1 backend write, and every driver call and every read
//     is about that resource;
//   - an agent restart (Infrastructure, drivers, backends, store and key
//     dropped, made again on the same data dir; the servers keep running
//     and are re-attached by their pid and port files) followed by the
//     reconcile the service runs (AgentService::Converge: Apply of the
//     stored infrastructure) makes 0 reads and 0 writes; a change after it
//     is again 1 write, to the same nats-server.
// Figures (resources, reads, writes, times) are printed for the ctest log.
// Every server started is stopped at the end, pass or fail.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "agent/backends/local_backends.h"
#include "agent/crypto/secret_box.h"
#include "agent/drivers/registry.h"
#include "agent/executor/infrastructure.h"
#include "agent/executor/next_actions.h"
#include "agent/planner/planner.h"
#include "agent/store/store.h"
#include "model/app_model.h"

namespace encore::agent {
namespace {

using drivers::Counters;
using drivers::Driver;
using drivers::Resource;
using Clock = std::chrono::steady_clock;

constexpr int kDatabases = 50;
constexpr int kTopics = 400;
constexpr int kSubscriptions = 400;
constexpr int kBuckets = 150;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// A Driver that forwards to the real one and records, per resource name,
// the verbs called and the backend reads and writes they made. Its own
// counters (what Infrastructure sums) follow the real driver's, verb by
// verb; raw() is the real driver's own count, calls outside verbs included.
class RecordingDriver : public Driver {
 public:
  struct Touch {
    std::vector<std::string> verbs;
    Counters calls;
  };
  explicit RecordingDriver(std::unique_ptr<Driver> inner)
      : inner_(std::move(inner)) {}

  std::string_view kind() const override { return inner_->kind(); }
  StatusOr<drivers::Observed> Observe(
      const Resource& r, const std::vector<std::string>& attributes) override {
    return Record("observe", r, [&] { return inner_->Observe(r, attributes); });
  }
  StatusOr<drivers::Created> Create(const Resource& r) override {
    return Record("create", r, [&] { return inner_->Create(r); });
  }
  StatusOr<drivers::Attributes> Update(
      const Resource& r, const drivers::Attributes& patch) override {
    return Record("update", r, [&] { return inner_->Update(r, patch); });
  }
  Status Delete(const Resource& r) override {
    return Record("delete", r, [&] { return inner_->Delete(r); });
  }

  Counters raw() const { return inner_->counters(); }
  std::map<std::string, Touch> TakeTouched() {
    std::lock_guard<std::mutex> g(mu_);
    return std::exchange(touched_, {});
  }

 private:
  template <typename F>
  std::invoke_result_t<F> Record(const char* verb, const Resource& r, F call) {
    const Counters before = inner_->counters();
    auto out = call();
    const Counters after = inner_->counters();
    const int64_t reads = after.reads - before.reads;
    const int64_t writes = after.writes - before.writes;
    CountRead(reads);
    CountWrite(writes);
    std::lock_guard<std::mutex> g(mu_);
    Touch& t = touched_[r.item.name];
    t.verbs.push_back(verb);
    t.calls.reads += reads;
    t.calls.writes += writes;
    return out;
  }

  std::unique_ptr<Driver> inner_;
  std::mutex mu_;
  std::map<std::string, Touch> touched_;
};

// One "agent process": store, key, backends, drivers, Infrastructure.
struct Agent {
  std::unique_ptr<Store> store;
  std::unique_ptr<SecretBox> box;
  std::vector<RecordingDriver*> drivers;  // owned by infra
  std::unique_ptr<Infrastructure> infra;

  // Raw backend calls of every driver, summed.
  Counters Raw() const {
    Counters c;
    for (const auto* d : drivers) {
      c.reads += d->raw().reads;
      c.writes += d->raw().writes;
    }
    return c;
  }
  // "kind name" -> what the driver calls for it did, since the last call.
  std::map<std::string, RecordingDriver::Touch> TakeTouched() {
    std::map<std::string, RecordingDriver::Touch> out;
    for (auto* d : drivers) {
      for (auto& [name, t] : d->TakeTouched()) {
        out[std::string(d->kind()) + " " + name] = std::move(t);
      }
    }
    return out;
  }
};

backends::LocalBackendsOptions BackendOptions(const std::string& dir) {
  backends::LocalBackendsOptions o;
  o.data_dir = dir;
  o.sql_test_cluster = true;  // tmpfs, fsync off
  return o;
}

StatusOr<Agent> StartAgent(const std::string& dir) {
  Agent a;
  auto store = OpenSqliteStore(dir + "/agent.db");
  if (!store.ok()) return store.status();
  a.store = std::move(*store);
  auto box = SecretBox::OpenOrCreate(dir + "/agent.key");
  if (!box.ok()) return box.status();
  a.box = std::move(*box);
  auto backends =
      std::make_unique<backends::LocalBackends>(BackendOptions(dir));
  drivers::DriverSet real = drivers::MakeLocalDrivers(*backends);
  drivers::DriverSet wrapped;
  for (auto& d : real.all) {
    auto rec = std::make_unique<RecordingDriver>(std::move(d));
    a.drivers.push_back(rec.get());
    wrapped.all.push_back(std::move(rec));
  }
  a.infra = std::make_unique<Infrastructure>(
      a.store.get(), a.box.get(), std::move(backends), std::move(wrapped));
  return a;
}

// The model: service svcI uses database dbI; subscription subI (on topicI,
// of service svc(I mod 50)) has ack deadline ack_deadline[I] (default 30s).
std::string ModelJson(const std::map<int, std::string>& ack_deadline) {
  nlohmann::json m;
  m["services"] = nlohmann::json::array();
  m["databases"] = nlohmann::json::array();
  for (int i = 0; i < kDatabases; ++i) {
    const std::string n = std::to_string(i);
    m["services"].push_back({{"name", "svc" + n}, {"databases", {"db" + n}}});
    m["databases"].push_back({{"name", "db" + n}});
  }
  m["topics"] = nlohmann::json::array();
  for (int i = 0; i < kTopics; ++i) {
    m["topics"].push_back({{"name", "topic" + std::to_string(i)}});
  }
  m["subscriptions"] = nlohmann::json::array();
  for (int i = 0; i < kSubscriptions; ++i) {
    auto it = ack_deadline.find(i);
    m["subscriptions"].push_back(
        {{"name", "sub" + std::to_string(i)},
         {"topic", "topic" + std::to_string(i % kTopics)},
         {"service", "svc" + std::to_string(i % kDatabases)},
         {"ack_deadline", it == ack_deadline.end() ? "30s" : it->second}});
  }
  m["buckets"] = nlohmann::json::array();
  for (int i = 0; i < kBuckets; ++i) {
    m["buckets"].push_back({{"name", "bucket" + std::to_string(i)},
                            {"public", false},
                            {"versioned", i % 2 == 0}});
  }
  return m.dump();
}

model::EnvironmentSpec Spec() {
  model::EnvironmentSpec s;
  s.app = "shop";
  s.name = "local";
  s.type = "local";
  s.cloud = "local";
  s.process_allocation = "single";
  s.deletion_policy = "delete";
  return s;
}

StatusOr<std::vector<model::InfraItem>> Desired(
    const std::map<int, std::string>& ack_deadline) {
  auto m = model::ParseAppModel(ModelJson(ack_deadline));
  if (!m.ok()) return m.status();
  return DesiredInfrastructure(*m, Spec(), {});
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// True when `pid` runs (a zombie waiting for init to reap it does not).
bool Alive(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() &&
         stat[paren + 2] != 'Z';
}

// Stops whatever servers the data dir has (pid files) and removes it, even
// when the test failed half-way.
struct Cleanup {
  std::string dir;
  ~Cleanup() {
    if (dir.empty()) return;
    backends::LocalBackends b(BackendOptions(dir));
    Status s = b.StopAll();
    EXPECT_TRUE(s.ok()) << s.message();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

struct Figures {
  Counters calls;
  double seconds = 0;
};

// Applies `desired` and checks the ApplyResult agrees with the drivers'
// own counts.
StatusOr<std::pair<ApplyResult, Figures>> TimedApply(
    Agent& a, const std::vector<model::InfraItem>& desired) {
  const Counters before = a.Raw();
  const auto t0 = Clock::now();
  auto r = a.infra->Apply(Spec(), "", desired, /*force=*/false);
  Figures f;
  f.seconds = Seconds(t0);
  if (!r.ok()) return r.status();
  const Counters after = a.Raw();
  f.calls.reads = after.reads - before.reads;
  f.calls.writes = after.writes - before.writes;
  EXPECT_EQ(r->reads, f.calls.reads) << "ApplyResult reads vs the drivers'";
  EXPECT_EQ(r->writes, f.calls.writes) << "ApplyResult writes vs the drivers'";
  return std::make_pair(std::move(*r), f);
}

void PrintFigures(const char* what, const Figures& f) {
  std::printf("[scale] %-44s reads %6lld  writes %6lld  %8.3f s\n", what,
              static_cast<long long>(f.calls.reads),
              static_cast<long long>(f.calls.writes), f.seconds);
  std::fflush(stdout);
}

// The one change: every driver call was for `only`, and it wrote once.
void ExpectOnlyTouched(Agent& a, const std::string& only) {
  auto touched = a.TakeTouched();
  ASSERT_EQ(touched.size(), 1u) << "driver calls for more than " << only;
  ASSERT_EQ(touched.begin()->first, only);
  const auto& t = touched.begin()->second;
  std::string verbs;
  for (const auto& v : t.verbs) verbs += v + " ";
  std::printf("[scale]   calls: %s: %s(reads %lld, writes %lld)\n",
              only.c_str(), verbs.c_str(),
              static_cast<long long>(t.calls.reads),
              static_cast<long long>(t.calls.writes));
  EXPECT_EQ(t.calls.writes, 1);
  EXPECT_GT(t.calls.reads, 0) << "the patched attribute is read before writing";
  EXPECT_EQ(t.verbs.back(), "update");
}

std::string AttributeOf(const std::vector<model::InfraItem>& items,
                        const std::string& kind, const std::string& name,
                        const std::string& attribute) {
  for (const auto& i : items) {
    if (i.kind == kind && i.name == name) {
      auto it = i.attributes.find(attribute);
      return it == i.attributes.end() ? "" : it->second;
    }
  }
  return "";
}

TEST(ScaleCounters, ThousandResourcesMinimalPatchAndRestart) {
  char tmpl[] = "/tmp/scale-counters-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  Cleanup cleanup{tmpl};
  const std::string dir = tmpl;
  const int resources = kDatabases + kTopics + kSubscriptions + kBuckets;
  ASSERT_EQ(resources, 1000);

  auto desired = Desired({});
  ASSERT_TRUE(desired.ok()) << desired.status().message();
  int executable = 0;
  for (const auto& i : *desired) executable += Executable(i) ? 1 : 0;
  EXPECT_EQ(executable, resources);
  std::printf(
      "[scale] model: %d databases, %d topics, %d subscriptions, %d "
      "buckets = %d resources (%zu planned items)\n",
      kDatabases, kTopics, kSubscriptions, kBuckets, resources,
      desired->size());

  auto agent = StartAgent(dir);
  ASSERT_TRUE(agent.ok()) << agent.status().message();

  // ---- first provisioning ----
  auto first = TimedApply(*agent, *desired);
  ASSERT_TRUE(first.ok()) << first.status().message();
  PrintFigures("first provisioning (1000 resources)", first->second);
  for (const auto& i : first->first.items) {
    if (Executable(i)) {
      ASSERT_EQ(i.status, "ready") << i.kind << " " << i.name;
    }
  }
  auto touched = agent->TakeTouched();
  EXPECT_EQ(touched.size(), static_cast<size_t>(resources))
      << "every resource provisioned through its driver";
  EXPECT_GE(first->second.calls.writes, resources);
  auto ledger = agent->infra->Ledger("shop", "local");
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  EXPECT_EQ(ledger->size(), static_cast<size_t>(resources));

  // ---- nothing changed ----
  auto noop = TimedApply(*agent, first->first.items);
  ASSERT_TRUE(noop.ok()) << noop.status().message();
  PrintFigures("apply with nothing changed", noop->second);
  EXPECT_EQ(noop->second.calls.reads, 0);
  EXPECT_EQ(noop->second.calls.writes, 0);
  EXPECT_TRUE(agent->TakeTouched().empty());

  // ---- one attribute of one resource ----
  auto changed = Desired({{123, "45s"}});
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  const std::string wanted =
      AttributeOf(*changed, "pubsub_subscription", "sub123", "ack_wait");
  ASSERT_NE(wanted,
            AttributeOf(*desired, "pubsub_subscription", "sub123", "ack_wait"));
  auto one = TimedApply(*agent, *changed);
  ASSERT_TRUE(one.ok()) << one.status().message();
  PrintFigures("one attribute of one resource changed", one->second);
  EXPECT_EQ(one->second.calls.writes, 1) << "exactly one backend write";
  ExpectOnlyTouched(*agent, "pubsub_subscription sub123");
  // The consumer in NATS has it (read through the real driver, after the
  // figures were taken).
  ledger = agent->infra->Ledger("shop", "local");
  ASSERT_TRUE(ledger.ok());
  for (const auto& e : *ledger) {
    if (e.kind != "pubsub_subscription" || e.name != "sub123") continue;
    EXPECT_EQ(e.attributes.at("ack_wait").observed, wanted);
    Resource r;
    r.env = "shop/local";
    r.backend_name = e.backend_name;
    r.item.kind = e.kind;
    r.item.name = e.name;
    r.item.provider_id = e.provider_id;
    for (auto* d : agent->drivers) {
      if (d->kind() != "pubsub_subscription") continue;
      auto seen = d->Observe(r, {"ack_wait"});
      ASSERT_TRUE(seen.ok()) << seen.status().message();
      EXPECT_EQ(seen->attributes["ack_wait"], wanted);
    }
  }
  (void)agent->TakeTouched();
  std::vector<model::InfraItem> stored = one->first.items;

  // ---- agent restart ----
  const std::string nats_pid_file = dir + "/backends/nats/nats.pid";
  const std::string nats_pid = ReadFirstLine(nats_pid_file);
  ASSERT_FALSE(nats_pid.empty()) << "no " << nats_pid_file;
  const std::string pg_data =
      backends::FastClusterDir(dir);  // the test cluster's root
  agent->infra.reset();  // drivers and backends go with it; servers stay
  agent->drivers.clear();
  agent->box.reset();
  agent->store.reset();
  ASSERT_TRUE(Alive(nats_pid)) << "nats-server outlives the agent";

  const auto t_restart = Clock::now();
  auto again = StartAgent(dir);
  ASSERT_TRUE(again.ok()) << again.status().message();
  auto reconcile = TimedApply(*again, stored);
  ASSERT_TRUE(reconcile.ok()) << reconcile.status().message();
  reconcile->second.seconds = Seconds(t_restart);
  PrintFigures("restart + reconcile", reconcile->second);
  EXPECT_EQ(reconcile->second.calls.writes, 0);
  EXPECT_EQ(reconcile->second.calls.reads, 0);
  EXPECT_TRUE(again->TakeTouched().empty());
  for (const auto& i : reconcile->first.items) {
    if (Executable(i)) {
      EXPECT_EQ(i.status, "ready") << i.kind << " " << i.name;
    }
  }

  // A change after the restart reaches the same nats-server.
  auto later = Desired({{123, "45s"}, {7, "1m"}});
  ASSERT_TRUE(later.ok());
  auto after = TimedApply(*again, *later);
  ASSERT_TRUE(after.ok()) << after.status().message();
  PrintFigures("one change after the restart", after->second);
  EXPECT_EQ(after->second.calls.writes, 1);
  ExpectOnlyTouched(*again, "pubsub_subscription sub7");
  EXPECT_EQ(ReadFirstLine(nats_pid_file), nats_pid)
      << "the restarted agent started a second nats-server";

  // ---- stop every server ----
  Status stopped = again->infra->backends().StopAll();
  EXPECT_TRUE(stopped.ok()) << stopped.message();
  EXPECT_FALSE(Alive(nats_pid)) << "nats-server still runs";
  EXPECT_FALSE(std::filesystem::exists(pg_data)) << "test cluster left behind";
}

}  // namespace
}  // namespace encore::agent
