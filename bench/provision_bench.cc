// provision_bench: local provisioning speed (DESIGN §8 "Local provisioning:
// an environment with 10 databases, 10 topics, 5 caches and 5 buckets ready
// in < 2 s on a warm agent; each database within 1.3x of a bare CREATE
// DATABASE on the same server"). A benchmark, not a test: it prints figures
// and exits 0 unless it could not measure.
//
//   provision_bench [--runs 5] [--bare 10]
//
// The agent's own code path, in process: the SQLite store, the key, real
// LocalBackends (the fast "test" PostgreSQL cluster on tmpfs, nats-server,
// a redis-server per cache, the local disk), the local drivers from
// agent/drivers/registry.h and Infrastructure::Apply. PostgreSQL and NATS
// are started once before timing (a warm agent); redis-servers start as
// part of provisioning, as they do in the agent.
//   1. --runs times, a fresh environment (its own names) with 10 databases
//      (a service each), 10 topics, 10 subscriptions, 5 caches, 5 buckets:
//      the Apply's wall time; driver time per kind (every driver verb the
//      Apply made, summed; the rest is the executor and its ledger). Each
//      environment is torn down after its run (not timed).
//   2. --runs times, a fresh environment with only the 10 databases: the
//      Apply's time / 10 = the per-database cost through the agent.
//   3. --runs times, --bare `CREATE DATABASE` through libpq on the same
//      server as its superuser (then DROP DATABASE, timed apart).
// Prints medians and the per-database ratio. Everything started is stopped
// and the data dir removed at the end.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "agent/backends/local_backends.h"
#include "agent/crypto/secret_box.h"
#include "agent/drivers/pg_connection.h"
#include "agent/drivers/registry.h"
#include "agent/executor/infrastructure.h"
#include "agent/planner/planner.h"
#include "agent/store/store.h"
#include "bench/bench_util.h"
#include "model/app_model.h"

namespace {

namespace fs = std::filesystem;
using encore::Status;
using encore::StatusOr;
using encore::agent::Infrastructure;
using encore::agent::drivers::Driver;
using encore::agent::drivers::Resource;
using encore::bench::Clock;
using encore::bench::Die;
using encore::bench::Max;
using encore::bench::Median;
using encore::bench::Min;
using encore::bench::Ms;
using encore::model::InfraItem;

constexpr int kDatabases = 10;
constexpr int kTopics = 10;
constexpr int kSubscriptions = 10;
constexpr int kCaches = 5;
constexpr int kBuckets = 5;

struct Options {
  int runs = 5;
  int bare = 10;
};

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> int {
      if (i + 1 >= argc) Die(a + " needs a value");
      int v = std::atoi(argv[++i]);
      if (v <= 0) Die(a + " needs a positive number");
      return v;
    };
    if (a == "--runs") {
      o.runs = next();
    } else if (a == "--bare") {
      o.bare = next();
    } else {
      Die("unknown argument " + a + " (see the header of provision_bench.cc)");
    }
  }
  return o;
}

// Forwards to the real driver and adds the wall time of every verb to its
// kind's total (Apply calls drivers one at a time for one environment).
class TimingDriver : public Driver {
 public:
  explicit TimingDriver(std::unique_ptr<Driver> inner)
      : inner_(std::move(inner)) {}
  std::string_view kind() const override { return inner_->kind(); }
  StatusOr<encore::agent::drivers::Observed> Observe(
      const Resource& r, const std::vector<std::string>& attributes) override {
    return Timed([&] { return inner_->Observe(r, attributes); });
  }
  StatusOr<encore::agent::drivers::Created> Create(const Resource& r) override {
    return Timed([&] { return inner_->Create(r); });
  }
  StatusOr<encore::agent::drivers::Attributes> Update(
      const Resource& r,
      const encore::agent::drivers::Attributes& patch) override {
    return Timed([&] { return inner_->Update(r, patch); });
  }
  Status Delete(const Resource& r) override {
    return Timed([&] { return inner_->Delete(r); });
  }
  // The real driver's backend calls so far.
  encore::agent::drivers::Counters calls() const { return inner_->counters(); }
  // Milliseconds spent in this driver since the last call.
  double TakeMs() {
    std::lock_guard<std::mutex> g(mu_);
    return std::exchange(ms_, 0.0);
  }

 private:
  template <typename F>
  std::invoke_result_t<F> Timed(F call) {
    const auto t0 = Clock::now();
    auto out = call();
    const double ms = Ms(Clock::now() - t0);
    std::lock_guard<std::mutex> g(mu_);
    ms_ += ms;
    return out;
  }
  std::unique_ptr<Driver> inner_;
  std::mutex mu_;
  double ms_ = 0;
};

struct Agent {
  std::unique_ptr<encore::agent::Store> store;
  std::unique_ptr<encore::agent::SecretBox> box;
  std::vector<TimingDriver*> drivers;  // owned by infra
  std::unique_ptr<Infrastructure> infra;
};

encore::agent::backends::LocalBackendsOptions BackendOptions(
    const std::string& dir) {
  encore::agent::backends::LocalBackendsOptions o;
  o.data_dir = dir;
  o.sql_test_cluster = true;  // tmpfs, fsync off: what CI and tests use
  return o;
}

Agent StartAgent(const std::string& dir) {
  Agent a;
  auto store = encore::agent::OpenSqliteStore(dir + "/agent.db");
  if (!store.ok()) Die("store: " + store.status().message());
  a.store = std::move(*store);
  auto box = encore::agent::SecretBox::OpenOrCreate(dir + "/agent.key");
  if (!box.ok()) Die("key: " + box.status().message());
  a.box = std::move(*box);
  auto backends = std::make_unique<encore::agent::backends::LocalBackends>(
      BackendOptions(dir));
  auto real = encore::agent::drivers::MakeLocalDrivers(*backends);
  encore::agent::drivers::DriverSet timed;
  for (auto& d : real.all) {
    auto t = std::make_unique<TimingDriver>(std::move(d));
    a.drivers.push_back(t.get());
    timed.all.push_back(std::move(t));
  }
  a.infra = std::make_unique<Infrastructure>(
      a.store.get(), a.box.get(), std::move(backends), std::move(timed));
  return a;
}

encore::model::EnvironmentSpec Spec(const std::string& name) {
  encore::model::EnvironmentSpec s;
  s.app = "bench";
  s.name = name;
  s.type = "local";
  s.cloud = "local";
  s.process_allocation = "single";
  s.deletion_policy = "delete";
  return s;
}

// The model of one run; every name starts with `p` (local environments use
// the model's names in the backends, so each run has its own).
std::string ModelJson(const std::string& p, bool databases_only) {
  nlohmann::json m;
  m["services"] = nlohmann::json::array();
  m["databases"] = nlohmann::json::array();
  for (int i = 0; i < kDatabases; ++i) {
    const std::string n = std::to_string(i);
    m["services"].push_back(
        {{"name", p + "svc" + n}, {"databases", {p + "db" + n}}});
    m["databases"].push_back({{"name", p + "db" + n}});
  }
  if (databases_only) return m.dump();
  m["topics"] = nlohmann::json::array();
  for (int i = 0; i < kTopics; ++i) {
    m["topics"].push_back({{"name", p + "topic" + std::to_string(i)}});
  }
  m["subscriptions"] = nlohmann::json::array();
  for (int i = 0; i < kSubscriptions; ++i) {
    m["subscriptions"].push_back(
        {{"name", p + "sub" + std::to_string(i)},
         {"topic", p + "topic" + std::to_string(i % kTopics)},
         {"service", p + "svc" + std::to_string(i % kDatabases)}});
  }
  m["caches"] = nlohmann::json::array();
  for (int i = 0; i < kCaches; ++i) {
    m["caches"].push_back({{"name", p + "cache" + std::to_string(i)},
                           {"eviction_policy", "allkeys-lru"}});
  }
  m["buckets"] = nlohmann::json::array();
  for (int i = 0; i < kBuckets; ++i) {
    m["buckets"].push_back({{"name", p + "bucket" + std::to_string(i)},
                            {"public", false},
                            {"versioned", false}});
  }
  return m.dump();
}

std::vector<InfraItem> Desired(const encore::model::EnvironmentSpec& spec,
                               const std::string& prefix, bool dbs_only) {
  auto m = encore::model::ParseAppModel(ModelJson(prefix, dbs_only));
  if (!m.ok()) Die("model: " + m.status().message());
  auto d = encore::agent::DesiredInfrastructure(*m, spec, {});
  if (!d.ok()) Die("planner: " + d.status().message());
  return std::move(*d);
}

struct RunFigures {
  double total_ms = 0;
  std::map<std::string, double> kind_ms;
  std::map<std::string, int> kind_count;
  std::map<std::string, encore::agent::drivers::Counters> kind_calls;
};

// Applies one fresh environment (timed), checks every executable item is
// ready, then tears it down (not timed).
RunFigures ProvisionOnce(Agent& a, const std::string& env,
                         const std::string& prefix, bool dbs_only) {
  const auto spec = Spec(env);
  const auto desired = Desired(spec, prefix, dbs_only);
  std::map<std::string, encore::agent::drivers::Counters> before;
  for (auto* d : a.drivers) {
    d->TakeMs();
    before[std::string(d->kind())] = d->calls();
  }
  const auto t0 = Clock::now();
  auto r = a.infra->Apply(spec, "", desired, /*force=*/false);
  RunFigures f;
  f.total_ms = Ms(Clock::now() - t0);
  if (!r.ok()) Die("apply " + env + ": " + r.status().message());
  for (auto* d : a.drivers) {
    const std::string k(d->kind());
    f.kind_ms[k] = d->TakeMs();
    f.kind_calls[k] = {d->calls().reads - before[k].reads,
                       d->calls().writes - before[k].writes};
  }
  for (const auto& item : r->items) {
    if (f.kind_ms.count(item.kind) != 0) {
      if (item.status != "ready") {
        Die(env + ": " + item.kind + " " + item.name + " is " + item.status);
      }
      ++f.kind_count[item.kind];
    }
  }
  auto t = a.infra->Teardown("bench", env, "delete");
  if (!t.ok()) Die("teardown " + env + ": " + t.status().message());
  return f;
}

// Times `n` CREATE DATABASE on the cluster (as its superuser, over the
// socket), then `n` DROP DATABASE; per-statement milliseconds.
std::pair<std::vector<double>, std::vector<double>> BareCreates(
    const encore::agent::backends::PostgresEndpoint& ep, int n, int run) {
  encore::agent::drivers::SqlServer server;
  server.host = ep.host;
  server.port = ep.port;
  server.socket_dir = ep.socket_dir;
  server.admin_user = ep.superuser;
  server.agent_owned = true;
  auto c = encore::agent::drivers::PgConnection::Connect(server, "postgres");
  if (!c.ok()) Die("libpq: " + c.status().message());
  std::vector<double> creates, drops;
  for (int i = 0; i < n; ++i) {
    const std::string db =
        "bare" + std::to_string(run) + "_" + std::to_string(i);
    const auto t0 = Clock::now();
    auto r = (*c)->Exec("CREATE DATABASE " + db);
    creates.push_back(Ms(Clock::now() - t0));
    if (!r.ok()) Die("CREATE DATABASE " + db + ": " + r.status().message());
  }
  for (int i = 0; i < n; ++i) {
    const std::string db =
        "bare" + std::to_string(run) + "_" + std::to_string(i);
    const auto t0 = Clock::now();
    auto r = (*c)->Exec("DROP DATABASE " + db);
    drops.push_back(Ms(Clock::now() - t0));
    if (!r.ok()) Die("DROP DATABASE " + db + ": " + r.status().message());
  }
  return {creates, drops};
}

// Stops every server of the data dir and removes it, whatever happened.
struct Cleanup {
  std::string dir;
  ~Cleanup() {
    encore::agent::backends::LocalBackends b(BackendOptions(dir));
    Status s = b.StopAll();
    if (!s.ok())
      std::fprintf(stderr, "stopping servers: %s\n", s.message().c_str());
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::string Figures(const std::vector<double>& v) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "median %8.1f ms  (min %.1f, max %.1f)",
                Median(v), Min(v), Max(v));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  encore::bench::SetProgramName("provision_bench");
  const Options o = ParseArgs(argc, argv);
  char tmpl[] = "/tmp/provision-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
  std::vector<double> totals, executor, db_only, bare, drop;
  std::map<std::string, std::vector<double>> kinds;
  std::map<std::string, int> counts;
  std::map<std::string, encore::agent::drivers::Counters> calls;
  {
    Cleanup cleanup{tmpl};
    Agent a = StartAgent(tmpl);
    // A warm agent: its PostgreSQL cluster and nats-server run already.
    const auto t0 = Clock::now();
    auto pg = a.infra->backends().Postgres();
    if (!pg.ok()) Die("PostgreSQL: " + pg.status().message());
    auto nats = a.infra->backends().Nats();
    if (!nats.ok()) Die("nats-server: " + nats.status().message());
    std::printf(
        "warm-up: PostgreSQL (test cluster) and nats-server started "
        "in %.0f ms\n\n",
        Ms(Clock::now() - t0));
    // One untimed environment first: connections, caches and the store
    // warm up as in an agent that has served before.
    ProvisionOnce(a, "warm", "w", false);
    for (int run = 0; run < o.runs; ++run) {
      RunFigures f = ProvisionOnce(a, "full" + std::to_string(run),
                                   "f" + std::to_string(run), false);
      totals.push_back(f.total_ms);
      double rest = f.total_ms;
      for (const auto& [k, ms] : f.kind_ms) {
        kinds[k].push_back(ms);
        rest -= ms;
      }
      executor.push_back(rest);
      counts = f.kind_count;
      calls = f.kind_calls;
      RunFigures d = ProvisionOnce(a, "dbs" + std::to_string(run),
                                   "d" + std::to_string(run), true);
      db_only.push_back(d.total_ms / kDatabases);
      auto [c, dr] = BareCreates(*pg, o.bare, run);
      bare.insert(bare.end(), c.begin(), c.end());
      drop.insert(drop.end(), dr.begin(), dr.end());
    }
  }
  std::printf(
      "environment: %d databases (a service each), %d topics, %d "
      "subscriptions, %d caches, %d buckets; %d runs, fresh environment "
      "each\n",
      kDatabases, kTopics, kSubscriptions, kCaches, kBuckets, o.runs);
  std::printf("  Apply, whole environment   %s   target < 2000 ms\n",
              Figures(totals).c_str());
  for (const auto& [k, v] : kinds) {
    const int n = counts.count(k) ? counts[k] : 0;
    std::printf(
        "    %-20s driver time %7.1f ms  (%d resources, %.1f ms each; "
        "%lld reads, %lld writes)\n",
        k.c_str(), Median(v), n, n ? Median(v) / n : 0.0,
        static_cast<long long>(calls[k].reads),
        static_cast<long long>(calls[k].writes));
  }
  std::printf("    %-20s             %7.1f ms  (executor, ledger, store)\n",
              "rest", Median(executor));
  const double per_db_driver = kinds.count("sql_database")
                                   ? Median(kinds["sql_database"]) / kDatabases
                                   : 0.0;
  std::printf("\nper database (%d per environment):\n", kDatabases);
  std::printf("  Apply of a databases-only environment / %d   %s\n", kDatabases,
              Figures(db_only).c_str());
  std::printf(
      "  sql_database driver time in the full Apply   median %8.1f ms\n",
      per_db_driver);
  std::printf("  bare CREATE DATABASE (libpq, same server)    %s\n",
              Figures(bare).c_str());
  std::printf("  bare DROP DATABASE                           %s\n",
              Figures(drop).c_str());
  std::printf(
      "  ratio per database / bare CREATE DATABASE: %.2fx through Apply, "
      "%.2fx driver only   target <= 1.3x\n",
      Median(db_only) / Median(bare), per_db_driver / Median(bare));
  return 0;
}
