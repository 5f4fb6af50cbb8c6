// agent_bench: figures for encore-agent and the provider's full lifecycle
// (issue "agent core"; DESIGN §8 "Agent: 10,000 environments in the store; a
// read RPC p99 < 2 ms at 1,000 req/s on 2 cores"). A benchmark, not a test:
// it prints numbers and exits 0 unless it could not measure.
//
//   agent_bench [--agent-bin PATH] [--provider PATH] [--terraform CMD]
//               [--envs 10000] [--reads 20000] [--rate 1000] [--seconds 5]
//               [--threads 4] [--sizes 10,100,1000] [--plan-runs 3]
//               [--no-plan]
//
// Starts a real `encore-agent serve` on a fresh data dir, then:
//   1. fills the store with --envs environments through the API (4 writers)
//   2. read latency: GetEnvironment of random environments, one caller,
//      back to back: p50 / p99 / max
//   3. paced load: --rate GetEnvironment calls per second for --seconds from
//      2 callers: p50 / p99 (the §8 target's shape)
//   4. throughput: --threads callers in a closed loop for --seconds
//   5. no-op `terraform plan` (refresh included) of N encore_environment
//      resources applied through the real provider, against N applied
//      terraform_data resources, for each N of --sizes, as ratios.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "agent/api/agent_client.h"
#include "bench/bench_util.h"

namespace {

namespace fs = std::filesystem;
using encore::agent::AgentClient;
using encore::agent::ClientOptions;
using encore::bench::Clock;
using encore::bench::Die;
using encore::bench::Max;
using encore::bench::Median;
using encore::bench::Ms;
using encore::bench::Percentile;
using encore::bench::ReadFile;
using encore::bench::Shell;
using encore::bench::Split;
using encore::bench::TimeTerraform;
using encore::bench::WriteFile;
using namespace std::chrono_literals;

struct Options {
  std::string agent_bin;
  std::string provider;
  std::string terraform = "terraform";
  int envs = 10000;
  int reads = 20000;
  int rate = 1000;
  int seconds = 5;
  int threads = 4;
  std::vector<int> sizes{10, 100, 1000};
  int plan_runs = 3;
  bool plan = true;
};

Options ParseArgs(int argc, char** argv) {
  Options o;
  fs::path self = fs::canonical("/proc/self/exe").parent_path();
  o.agent_bin = (self / "encore-agent").string();
  o.provider = (self / "terraform-provider-encore").string();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--agent-bin") {
      o.agent_bin = next();
    } else if (a == "--provider") {
      o.provider = next();
    } else if (a == "--terraform") {
      o.terraform = next();
    } else if (a == "--envs") {
      o.envs = std::stoi(next());
    } else if (a == "--reads") {
      o.reads = std::stoi(next());
    } else if (a == "--rate") {
      o.rate = std::stoi(next());
    } else if (a == "--seconds") {
      o.seconds = std::stoi(next());
    } else if (a == "--threads") {
      o.threads = std::stoi(next());
    } else if (a == "--sizes") {
      o.sizes.clear();
      for (const auto& s : Split(next(), ',')) o.sizes.push_back(std::stoi(s));
    } else if (a == "--plan-runs") {
      o.plan_runs = std::stoi(next());
    } else if (a == "--no-plan") {
      o.plan = false;
    } else {
      Die("unknown argument " + a +
          " (see the comment at the top of bench/agent_bench.cc)");
    }
  }
  return o;
}

std::string EnvName(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "env%05d", i);
  return buf;
}

pid_t StartAgent(const Options& o, const fs::path& dir) {
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    std::string log = (dir.parent_path() / "agent.log").string();
    FILE* f = std::freopen(log.c_str(), "w", stderr);
    FILE* g = std::freopen(log.c_str(), "a", stdout);
    (void)f;
    (void)g;
    execl(o.agent_bin.c_str(), o.agent_bin.c_str(), "serve", "--data-dir",
          dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 400; ++i) {
    if (fs::exists(dir / "agent.sock") && fs::exists(dir / "admin.token") &&
        fs::file_size(dir / "admin.token") > 0) {
      return pid;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      Die("encore-agent exited: " + ReadFile(dir.parent_path() / "agent.log"));
    }
    std::this_thread::sleep_for(25ms);
  }
  Die("encore-agent did not start");
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void Fill(AgentClient& client, int n) {
  encore::model::App app;
  app.name = "bench";
  app.model_json =
      R"({"services":[{"name":"orders","databases":["orders"]}],)"
      R"("databases":[{"name":"orders"}]})";
  auto created = client.CreateApp(app);
  if (!created.ok()) Die("CreateApp: " + created.status().message());
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::string error;
  std::mutex mu;
  auto t0 = Clock::now();
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      for (int i = next++; i < n && !failed; i = next++) {
        encore::model::EnvironmentSpec spec;
        spec.app = "bench";
        spec.name = EnvName(i);
        spec.type = "development";
        spec.cloud = "encore";
        spec.infra_approval = "automatic";
        spec.process_allocation = "single";
        spec.deletion_policy = "delete";
        auto r = client.CreateEnvironment(spec);
        if (!r.ok()) {
          std::lock_guard<std::mutex> l(mu);
          error = r.status().message();
          failed = true;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  if (failed) Die("CreateEnvironment: " + error);
  double ms = Ms(Clock::now() - t0);
  std::printf("  filled %d environments in %.1f s (%.0f writes/s, 4 writers)\n",
              n, ms / 1000, n / (ms / 1000));
}

// One GetEnvironment of a random environment; returns its latency (ms).
double OneRead(AgentClient& client, std::mt19937& rng, int n) {
  std::uniform_int_distribution<int> pick(0, n - 1);
  std::string name = EnvName(pick(rng));
  auto t0 = Clock::now();
  auto r = client.GetEnvironment("bench", name);
  double ms = Ms(Clock::now() - t0);
  if (!r.ok()) Die("GetEnvironment " + name + ": " + r.status().message());
  return ms;
}

void Latency(AgentClient& client, const Options& o) {
  std::mt19937 rng(1);
  for (int i = 0; i < 500; ++i) OneRead(client, rng, o.envs);  // warm up
  std::vector<double> lat;
  lat.reserve(o.reads);
  for (int i = 0; i < o.reads; ++i) lat.push_back(OneRead(client, rng, o.envs));
  std::printf(
      "  read latency, 1 caller back to back (%d calls): p50 %.3f ms, "
      "p99 %.3f ms, max %.3f ms\n",
      o.reads, Median(lat), Percentile(lat, 99), Max(lat));
}

void Paced(AgentClient& client, const Options& o) {
  const int callers = 2;
  std::vector<std::vector<double>> lat(callers);
  auto start = Clock::now();
  std::vector<std::thread> ts;
  for (int c = 0; c < callers; ++c) {
    ts.emplace_back([&, c] {
      std::mt19937 rng(100 + c);
      auto period = std::chrono::duration<double>(callers / double(o.rate));
      int total = o.rate * o.seconds / callers;
      for (int i = 0; i < total; ++i) {
        auto due = start + std::chrono::duration_cast<Clock::duration>(
                               period * i +
                               std::chrono::duration<double>(
                                   c / double(o.rate)));
        std::this_thread::sleep_until(due);
        lat[c].push_back(OneRead(client, rng, o.envs));
      }
    });
  }
  for (auto& t : ts) t.join();
  double secs = Ms(Clock::now() - start) / 1000;
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::printf(
      "  paced load %d req/s for %d s (%zu calls, achieved %.0f req/s): "
      "p50 %.3f ms, p99 %.3f ms  [DESIGN §8: p99 < 2 ms]\n",
      o.rate, o.seconds, all.size(), all.size() / secs, Median(all),
      Percentile(all, 99));
}

void Throughput(AgentClient& client, const Options& o) {
  std::atomic<long> calls{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> ts;
  auto t0 = Clock::now();
  for (int c = 0; c < o.threads; ++c) {
    ts.emplace_back([&, c] {
      std::mt19937 rng(200 + c);
      while (!stop) {
        OneRead(client, rng, o.envs);
        ++calls;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  stop = true;
  for (auto& t : ts) t.join();
  double secs = Ms(Clock::now() - t0) / 1000;
  std::printf("  throughput, %d callers closed loop: %.0f reads/s\n",
              o.threads, calls / secs);
}

std::string EncoreEnvironmentsConfig(int n) {
  std::ostringstream s;
  s << "terraform {\n  required_providers {\n    encore = { source = "
       "\"encoredev/encore\" }\n  }\n}\n\n"
    << "resource \"encore_environment\" \"e\" {\n"
    << "  count = " << n << "\n"
    << "  app   = \"bench\"\n"
    << "  name  = \"plan" << n << "-${count.index}\"\n"
    << "  type  = \"development\"\n"
    << "  cloud = \"encore\"\n"
    << "}\n";
  return s.str();
}

void Plans(const Options& o, const fs::path& work) {
  fs::path rc = work / "terraformrc";
  WriteFile(rc, "disable_checkpoint = true\nprovider_installation {\n"
                "  dev_overrides {\n"
                "    \"registry.terraform.io/encoredev/encore\" = \"" +
                    fs::path(o.provider).parent_path().string() +
                    "\"\n  }\n  direct {}\n}\n");
  setenv("TF_CLI_CONFIG_FILE", rc.c_str(), 1);
  setenv("CHECKPOINT_DISABLE", "1", 1);
  std::printf(
      "\n  no-op terraform plan (refresh included), median of %d, after "
      "apply:\n",
      o.plan_runs);
  std::printf("  %6s %14s %14s %8s\n", "N", "encore (ms)", "tf_data (ms)",
              "ratio");
  for (int n : o.sizes) {
    fs::path enc = work / ("encore" + std::to_string(n));
    fs::path data = work / ("data" + std::to_string(n));
    fs::create_directories(enc);
    fs::create_directories(data);
    WriteFile(enc / "main.tf", EncoreEnvironmentsConfig(n));
    WriteFile(data / "main.tf", encore::bench::TerraformDataConfig(n));
    std::string apply = "apply -input=false -no-color -auto-approve";
    double apply_ms = TimeTerraform(o.terraform, enc, apply, 1)[0];
    TimeTerraform(o.terraform, data, apply, 1);
    std::string plan =
        "plan -input=false -no-color -lock=false -detailed-exitcode";
    auto e = TimeTerraform(o.terraform, enc, plan, o.plan_runs);
    auto d = TimeTerraform(o.terraform, data, plan, o.plan_runs);
    std::printf("  %6d %14.0f %14.0f %7.2fx   (apply of %d environments: "
                "%.1f s)\n",
                n, Median(e), Median(d), Median(e) / Median(d), n,
                apply_ms / 1000);
  }
}

}  // namespace

int main(int argc, char** argv) {
  encore::bench::SetProgramName("agent_bench");
  signal(SIGPIPE, SIG_IGN);
  Options o = ParseArgs(argc, argv);
  char tmpl[] = "/tmp/agent-bench.XXXXXX";
  if (!mkdtemp(tmpl)) Die("mkdtemp failed");
  fs::path work = tmpl;
  fs::path data_dir = work / "data";
  fs::create_directories(data_dir);
  fs::permissions(data_dir, fs::perms::owner_all);

  std::printf("agent_bench: encore-agent %s, data dir %s\n",
              o.agent_bin.c_str(), data_dir.c_str());
  pid_t agent = StartAgent(o, data_dir);
  std::string token = Trim(ReadFile(data_dir / "admin.token"));
  std::string address = "unix://" + (data_dir / "agent.sock").string();

  ClientOptions co;
  co.address = address;
  co.token = token;
  co.client_name = "agent_bench";
  auto client = AgentClient::Open(co);
  if (!client.ok()) Die("open client: " + client.status().message());

  std::printf("\nagent read RPCs with %d environments in the store:\n",
              o.envs);
  Fill(**client, o.envs);
  Latency(**client, o);
  Paced(**client, o);
  Throughput(**client, o);

  if (o.plan) {
    setenv("ENCORE_AGENT", address.c_str(), 1);
    setenv("ENCORE_TOKEN", token.c_str(), 1);
    Plans(o, work);
  }

  kill(agent, SIGTERM);
  waitpid(agent, nullptr, 0);
  fs::remove_all(work);
  return 0;
}
