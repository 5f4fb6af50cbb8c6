// provider_bench: start-up and plan figures for terraform-provider-encore,
// printed beside DESIGN §8's targets and a Go provider's figures. A
// benchmark, not a test: it prints numbers and exits 0 unless it could not
// measure.
//
//   provider_bench [--provider PATH] [--terraform CMD] [--runs N]
//                  [--sizes 10,100,1000] [--plan-runs N] [--no-plan]
//
// Measures, from one run:
//   1. handshake: spawn -> handshake line on stdout (median of --runs)
//   2. RSS (VmRSS / VmHWM from /proc/PID/status) after the handshake and
//      after GetProviderSchema
//   3. one launch as Terraform does it: spawn, handshake, mTLS connect,
//      GetProviderSchema, ConfigureProvider, GRPCController.Shutdown, exit
//      (median of --runs)
//   4. `terraform plan` wall time of a fresh configuration with N encore
//      resources (encore_infra_override, which plans without the agent)
//      against N terraform_data resources, for each N of --sizes, as ratios.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "goplugin/grpc_controller.grpc.pb.h"
#include "provider/protocol/handshake.h"
#include "provider/protocol/tls_cert.h"
#include "tfplugin6.grpc.pb.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using encore::bench::Clock;
using encore::bench::Die;
using encore::bench::Max;
using encore::bench::Median;
using encore::bench::Min;
using encore::bench::Ms;
using encore::bench::Shell;
using encore::bench::Split;
using encore::bench::TerraformDataConfig;
using encore::bench::WriteFile;
using namespace std::chrono_literals;

std::string Base64DecodeNoPad(const std::string& s) {
  static const std::string kAlpha =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    size_t v = kAlpha.find(c);
    if (v == std::string::npos) return "";
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

// ---- the provider as a child process ---------------------------------------

struct Child {
  pid_t pid = -1;
  int out = -1;  // stdout read end
};

// Environment as go-plugin gives it, minus anything that would change the
// provider's behaviour (logs, captures).
std::vector<std::string> PluginEnv(const std::string& client_cert_pem) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("TF_", 0) == 0 || kv.rfind("PLUGIN_", 0) == 0 ||
        kv.rfind("ENCORE_", 0) == 0) {
      continue;
    }
    env.push_back(kv);
  }
  env.push_back(std::string(encore::protocol::kMagicCookieKey) + "=" +
                encore::protocol::kMagicCookieValue);
  env.push_back("PLUGIN_PROTOCOL_VERSIONS=5,6");
  env.push_back("PLUGIN_MIN_PORT=10000");
  env.push_back("PLUGIN_MAX_PORT=25000");
  env.push_back("PLUGIN_CLIENT_CERT=" + client_cert_pem);
  return env;
}

Child Spawn(const std::string& path, const std::vector<std::string>& env) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) Die("pipe failed");
  std::vector<char*> argv{const_cast<char*>(path.c_str()), nullptr};
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    dup2(fds[1], 1);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 2);  // logs are not what we measure
    execve(path.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

std::optional<std::string> ReadLine(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - Clock::now())
                    .count();
    if (left <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r <= 0) continue;
    char c;
    ssize_t n = read(fd, &c, 1);
    if (n <= 0) return std::nullopt;
    if (c == '\n') return line;
    line += c;
  }
}

std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int st = 0;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid) return st;
    if (Clock::now() > deadline) return std::nullopt;
    usleep(200);
  }
}

void Kill(Child& c) {
  if (c.pid > 0) {
    kill(c.pid, SIGKILL);
    waitpid(c.pid, nullptr, 0);
  }
  if (c.out >= 0) close(c.out);
  c = {};
}

struct Handshake {
  std::string network, address, cert_pem;
};

Handshake ParseHandshake(const std::string& line) {
  auto f = Split(line, '|');
  if (f.size() != 6) Die("bad handshake line: " + line);
  Handshake h{f[2], f[3], ""};
  if (!f[5].empty()) {
    auto pem = encore::protocol::CertDerToPem(Base64DecodeNoPad(f[5]));
    if (!pem.ok()) Die("bad certificate in the handshake line");
    h.cert_pem = *pem;
  }
  return h;
}

std::shared_ptr<grpc::Channel> Connect(const Handshake& h,
                                       const encore::protocol::SelfSignedCert& client) {
  std::string target = h.network == "unix" ? "unix:" + h.address : h.address;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  if (h.cert_pem.empty()) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                     args);
  }
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = h.cert_pem;
  opts.pem_private_key = client.key_pem;
  opts.pem_cert_chain = client.cert_pem;
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(opts), args);
}

struct Rss {
  long rss_kib = 0, hwm_kib = 0;
};
Rss ReadRss(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  Rss r;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) r.rss_kib = std::atol(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) r.hwm_kib = std::atol(line.c_str() + 6);
  }
  return r;
}

// ---- msgpack for ConfigureProvider: every attribute null -------------------

void PackStr(std::string& out, const std::string& s) {
  if (s.size() < 32) {
    out += static_cast<char>(0xa0 | s.size());
  } else {
    out += static_cast<char>(0xd9);
    out += static_cast<char>(s.size());
  }
  out += s;
}

std::string NullConfig(const tfplugin6::Schema::Block& block) {
  std::map<std::string, std::string> fields;
  for (const auto& a : block.attributes()) fields[a.name()] = "\xc0";
  for (const auto& b : block.block_types()) {
    using N = tfplugin6::Schema::NestedBlock;
    switch (b.nesting()) {
      case N::LIST:
      case N::SET:
        fields[b.type_name()] = "\x90";
        break;
      case N::MAP:
        fields[b.type_name()] = "\x80";
        break;
      default:
        fields[b.type_name()] = "\xc0";
    }
  }
  std::string out;
  out += static_cast<char>(0x80 | fields.size());  // < 16 fields
  for (const auto& [k, v] : fields) {
    PackStr(out, k);
    out += v;
  }
  return out;
}

// ---- one launch --------------------------------------------------------------

struct LaunchResult {
  double handshake_ms = 0;
  double total_ms = 0;
  Rss after_handshake, after_schema;
  bool ok = false;
  std::string error;
};

LaunchResult Launch(const std::string& provider,
                    const encore::protocol::SelfSignedCert& client,
                    bool full, bool measure_rss) {
  LaunchResult r;
  auto env = PluginEnv(client.cert_pem);
  auto t0 = Clock::now();
  Child c = Spawn(provider, env);
  auto line = ReadLine(c.out, 10s);
  auto t1 = Clock::now();
  if (!line) {
    Kill(c);
    r.error = "no handshake line within 10 s";
    return r;
  }
  r.handshake_ms = Ms(t1 - t0);
  if (measure_rss) r.after_handshake = ReadRss(c.pid);
  if (!full) {
    Kill(c);
    r.ok = true;
    return r;
  }
  Handshake h = ParseHandshake(*line);
  auto ch = Connect(h, client);
  auto stub = tfplugin6::Provider::NewStub(ch);
  tfplugin6::GetProviderSchema::Response schema;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    tfplugin6::GetProviderSchema::Request req;
    grpc::Status st = stub->GetProviderSchema(&ctx, req, &schema);
    if (!st.ok()) {
      Kill(c);
      r.error = "GetProviderSchema: " + st.error_message();
      return r;
    }
  }
  if (measure_rss) r.after_schema = ReadRss(c.pid);
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    tfplugin6::ConfigureProvider::Request req;
    req.set_terraform_version("1.11.4");
    req.mutable_config()->set_msgpack(NullConfig(schema.provider().block()));
    req.mutable_client_capabilities()->set_write_only_attributes_allowed(true);
    tfplugin6::ConfigureProvider::Response resp;
    grpc::Status st = stub->ConfigureProvider(&ctx, req, &resp);
    if (!st.ok()) {
      Kill(c);
      r.error = "ConfigureProvider: " + st.error_message();
      return r;
    }
    for (const auto& d : resp.diagnostics()) {
      if (d.severity() == tfplugin6::Diagnostic::ERROR) {
        Kill(c);
        r.error = "ConfigureProvider diagnostic: " + d.summary() + ": " +
                  d.detail();
        return r;
      }
    }
  }
  {
    auto ctl = plugin::GRPCController::NewStub(ch);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 5s);
    plugin::Empty req, resp;
    ctl->Shutdown(&ctx, req, &resp);  // Terraform ignores the error too
  }
  ch.reset();
  stub.reset();
  auto st = WaitExit(c.pid, 5s);
  auto t2 = Clock::now();
  if (!st) {
    Kill(c);
    r.error = "the provider did not exit within 5 s of Shutdown";
    return r;
  }
  c.pid = -1;
  close(c.out);
  r.total_ms = Ms(t2 - t0);
  r.ok = true;
  return r;
}

// ---- terraform plan ------------------------------------------------------------

std::string EncoreConfig(int n) {
  std::ostringstream s;
  s << "terraform {\n  required_providers {\n    encore = { source = "
       "\"encoredev/encore\" }\n  }\n}\n\n";
  for (int i = 0; i < n; ++i) {
    s << "resource \"encore_infra_override\" \"r" << i << "\" {\n"
      << "  app         = \"shop\"\n"
      << "  environment = \"production\"\n"
      << "  kind        = \"service\"\n"
      << "  name        = \"svc" << i << "\"\n"
      << "  settings    = { min_instances = \"1\", max_instances = \""
      << (i % 10 + 1) << "\" }\n}\n";
  }
  return s.str();
}

// Runs `terraform plan` in `dir` `runs` times; returns the wall times (ms).
std::vector<double> TimePlans(const std::string& terraform, const fs::path& dir,
                              int runs) {
  std::vector<double> times;
  std::string cmd = Shell(terraform) + " -chdir=" + Shell(dir.string()) +
                    " plan -input=false -no-color -lock=false >" +
                    Shell((dir / "plan.out").string()) + " 2>&1";
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    int rc = std::system(cmd.c_str());
    auto t1 = Clock::now();
    if (rc != 0) {
      std::ifstream in(dir / "plan.out");
      std::stringstream ss;
      ss << in.rdbuf();
      Die("terraform plan failed in " + dir.string() + ":\n" + ss.str());
    }
    times.push_back(Ms(t1 - t0));
  }
  return times;
}

struct Options {
  std::string provider;
  std::string terraform = "terraform";
  int runs = 20;
  int plan_runs = 0;  // 0: by size
  std::vector<int> sizes{10, 100, 1000};
  bool plan = true;
};

Options ParseArgs(int argc, char** argv) {
  Options o;
  fs::path self = fs::canonical("/proc/self/exe");
  o.provider = (self.parent_path() / "terraform-provider-encore").string();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--provider") {
      o.provider = next();
    } else if (a == "--terraform") {
      o.terraform = next();
    } else if (a == "--runs") {
      o.runs = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--plan-runs") {
      o.plan_runs = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--sizes") {
      o.sizes.clear();
      for (const auto& s : Split(next(), ',')) o.sizes.push_back(std::atoi(s.c_str()));
    } else if (a == "--no-plan") {
      o.plan = false;
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: provider_bench [--provider PATH] [--terraform CMD] "
          "[--runs N] [--sizes 10,100,1000] [--plan-runs N] [--no-plan]\n");
      std::exit(0);
    } else {
      Die("unknown argument " + a);
    }
  }
  if (access(o.provider.c_str(), X_OK) != 0) Die(o.provider + " is not executable");
  o.provider = fs::canonical(o.provider).string();
  return o;
}

double Mib(long kib) { return kib / 1024.0; }

}  // namespace

int main(int argc, char** argv) {
  encore::bench::SetProgramName("provider_bench");
  signal(SIGPIPE, SIG_IGN);
  Options opt = ParseArgs(argc, argv);
  auto client = encore::protocol::GenerateSelfSignedCert(
      {encore::protocol::Curve::kP521, "HashiCorp"});
  if (!client.ok()) Die("cannot make a client certificate");

  std::printf("provider_bench: %s\n", opt.provider.c_str());
  {
    std::string cmd = Shell(opt.provider) + " -version";
    std::fflush(stdout);
    if (std::system(cmd.c_str()) != 0) Die("-version failed");
  }
  struct stat sb {};
  stat(opt.provider.c_str(), &sb);
  std::printf("binary size: %.1f MiB (this build; DESIGN §8 targets are for the "
              "static, stripped release build)\n",
              sb.st_size / 1048576.0);
  std::printf("cores: %ld\n\n", sysconf(_SC_NPROCESSORS_ONLN));

  // Warm-up (page cache, dynamic loader caches).
  for (int i = 0; i < 3; ++i) {
    auto w = Launch(opt.provider, *client, true, false);
    if (!w.ok) Die("warm-up launch failed: " + w.error);
  }

  std::vector<double> handshakes;
  for (int i = 0; i < opt.runs; ++i) {
    auto r = Launch(opt.provider, *client, false, false);
    if (!r.ok) Die("handshake run failed: " + r.error);
    handshakes.push_back(r.handshake_ms);
  }
  std::vector<double> launches;
  std::vector<double> rss_hs, rss_schema, hwm_schema;
  for (int i = 0; i < opt.runs; ++i) {
    auto r = Launch(opt.provider, *client, true, true);
    if (!r.ok) Die("launch failed: " + r.error);
    launches.push_back(r.total_ms);
    rss_hs.push_back(Mib(r.after_handshake.rss_kib));
    rss_schema.push_back(Mib(r.after_schema.rss_kib));
    hwm_schema.push_back(Mib(r.after_schema.hwm_kib));
  }

  std::printf("%-44s %12s %14s %16s\n", "measure", "this build", "§8 target",
              "Go provider");
  std::printf("%-44s %9.2f ms %14s %16s\n",
              "handshake (spawn -> handshake line), median", Median(handshakes),
              "<= 5 ms", "21 ms");
  std::printf("%-44s %9.2f ms (max %.2f ms)\n", "  min", Min(handshakes),
              Max(handshakes));
  std::printf("%-44s %8.1f MiB %14s %16s\n", "RSS after handshake (VmRSS), median",
              Median(rss_hs), "<= 8 MiB", "11-19 MiB");
  std::printf("%-44s %8.1f MiB %14s %16s\n", "RSS after GetProviderSchema (VmRSS)",
              Median(rss_schema), "<= 8 MiB", "11-19 MiB");
  std::printf("%-44s %8.1f MiB %14s %16s\n", "peak RSS after GetProviderSchema (VmHWM)",
              Median(hwm_schema), "", "");
  std::printf("%-44s %9.2f ms %14s %16s\n",
              "one launch (spawn..schema..configure..exit)", Median(launches),
              "<= 15 ms", "~70 ms");
  std::printf("%-44s %9.2f ms\n", "  min", Min(launches));
  std::printf("(runs: %d each; handshake over mTLS, unix socket or TCP as the "
              "provider chooses)\n\n",
              opt.runs);

  if (!opt.plan) return 0;

  // ---- terraform plan: N encore resources vs N terraform_data --------------
  char tmpl[] = "/tmp/provider-bench.XXXXXX";
  if (!mkdtemp(tmpl)) Die("mkdtemp failed");
  fs::path work = tmpl;
  fs::path home = work / "home";
  fs::create_directories(home);
  WriteFile(work / "terraformrc",
            "disable_checkpoint = true\nprovider_installation {\n"
            "  dev_overrides {\n"
            "    \"registry.terraform.io/encoredev/encore\" = \"" +
                fs::path(opt.provider).parent_path().string() +
                "\"\n  }\n  direct {}\n}\n");
  setenv("HOME", home.c_str(), 1);
  setenv("TF_CLI_CONFIG_FILE", (work / "terraformrc").c_str(), 1);
  setenv("CHECKPOINT_DISABLE", "1", 1);
  setenv("TF_IN_AUTOMATION", "1", 1);
  unsetenv("TF_LOG");
  unsetenv("TF_REATTACH_PROVIDERS");
  unsetenv("ENCORE_PROVIDER_CAPTURE_DIR");

  struct Row {
    int n;
    double encore_ms, data_ms;
  };
  std::vector<Row> rows;
  for (int n : opt.sizes) {
    int runs = opt.plan_runs ? opt.plan_runs : (n >= 1000 ? 3 : 5);
    fs::path e = work / ("encore-" + std::to_string(n));
    fs::path d = work / ("data-" + std::to_string(n));
    fs::create_directories(e);
    fs::create_directories(d);
    WriteFile(e / "main.tf", EncoreConfig(n));
    WriteFile(d / "main.tf", TerraformDataConfig(n));
    TimePlans(opt.terraform, e, 1);  // warm-up
    TimePlans(opt.terraform, d, 1);
    // Interleave so that machine noise hits both alike.
    std::vector<double> te, td;
    for (int i = 0; i < runs; ++i) {
      auto a = TimePlans(opt.terraform, e, 1);
      auto b = TimePlans(opt.terraform, d, 1);
      te.push_back(a[0]);
      td.push_back(b[0]);
    }
    rows.push_back({n, Median(te), Median(td)});
    std::fprintf(stderr, "provider_bench: plan N=%d done (%d runs each)\n", n, runs);
  }
  std::printf("terraform plan of a fresh configuration (median wall time; "
              "dev_overrides; no state, so no refresh)\n");
  std::printf("%8s %14s %18s %8s %12s %14s\n", "N", "encore (ms)",
              "terraform_data (ms)", "ratio", "§8 target", "Go provider");
  for (const auto& r : rows) {
    std::string target = r.n <= 10 ? "<= 1.3x" : r.n >= 1000 ? "<= 1.15x" : "-";
    std::string go = r.n == 10 ? "2.9x" : r.n == 1000 ? "2.15x" : "-";
    std::printf("%8d %14.0f %18.0f %7.2fx %12s %14s\n", r.n, r.encore_ms,
                r.data_ms, r.data_ms > 0 ? r.encore_ms / r.data_ms : 0,
                target.c_str(), go.c_str());
  }
  std::printf("no-op plan: not measured yet (needs state, and apply needs "
              "encore-agent)\n");
  fs::remove_all(work);
  return 0;
}
