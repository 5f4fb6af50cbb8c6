#include "provider/protocol/plugin_server.h"

#include <grpc/grpc.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "provider/core/log.h"
#include "provider/encore_provider.h"
#include "provider/protocol/capture.h"
#include "provider/protocol/controller_service.h"
#include "provider/protocol/provider_service.h"
#include "provider/protocol/tls_cert.h"

namespace encore::protocol {
namespace {

constexpr int kMaxMessageBytes = 256 << 20;

// One-shot request to stop serving, with the first reason given.
class ShutdownLatch {
 public:
  void Request(std::string reason) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (requested_) return;
      requested_ = true;
      reason_ = std::move(reason);
    }
    cv_.notify_all();
  }
  std::string Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return requested_; });
    return reason_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  std::string reason_;
};

// The parent's pid when PrepareProcess ran (plugin mode), else 0.
std::atomic<pid_t> g_parent{0};

// Process-wide (the signal thread may outlive Serve); never destroyed.
ShutdownLatch& Latch() {
  static ShutdownLatch* latch = new ShutdownLatch();
  return *latch;
}

// Sent by the kernel when the parent dies (PR_SET_PDEATHSIG). A signal of
// its own, not SIGTERM: it also fires when only the parent *thread* that
// started us exits (Terraform is a Go program; its threads may come and
// go), which must not stop us, while every SIGTERM must.
int ParentDeathSignal() { return SIGRTMIN + 1; }

sigset_t HandledSignals(Mode mode) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  if (mode == Mode::kPlugin) sigaddset(&set, ParentDeathSignal());
  if (mode == Mode::kDebug) {
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
  }
  return set;
}

void WriteStdout(std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
}

std::string MsBetween(std::chrono::steady_clock::time_point a,
                      std::chrono::steady_clock::time_point b) {
  char buf[32];
  std::snprintf(
      buf, sizeof buf, "%.3f",
      std::chrono::duration_cast<std::chrono::microseconds>(b - a).count() /
          1000.0);
  return buf;
}

std::string EnvOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Joins a thread when leaving the scope (early returns included).
struct JoinOnExit {
  std::thread& t;
  ~JoinOnExit() {
    if (t.joinable()) t.join();
  }
};

struct Services {
  Services(std::shared_future<framework::ProviderServer*> server,
           const std::string& capture_dir, std::function<void()> on_shutdown)
      : provider(server, Capture(capture_dir.c_str())),
        controller(std::move(on_shutdown)) {}
  ProviderService provider;
  ControllerService controller;
};

}  // namespace

ServeOptions ServeOptionsFromEnv(Mode mode) {
  ServeOptions o;
  o.mode = mode;
  o.transport = TransportFromEnv(std::getenv("ENCORE_PROVIDER_TRANSPORT"));
  if (mode == Mode::kPlugin) o.client_cert_pem = EnvOr("PLUGIN_CLIENT_CERT");
  if (mode == Mode::kPlugin) {
    o.ports = PortRangeFromEnv(std::getenv("PLUGIN_MIN_PORT"),
                               std::getenv("PLUGIN_MAX_PORT"));
  }
  o.socket_dir = EnvOr("PLUGIN_UNIX_SOCKET_DIR");
  o.tmpdir = EnvOr("TMPDIR");
  o.capture_dir = EnvOr("ENCORE_PROVIDER_CAPTURE_DIR");
  return o;
}

Status PrepareProcess(Mode mode) {
  sigset_t set = HandledSignals(mode);
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    return Status::Internal("could not block signals");
  }
  if (mode == Mode::kPlugin) {
    ::signal(SIGINT, SIG_IGN);  // Terraform handles Ctrl-C (StopProvider)
    pid_t parent = ::getppid();
    g_parent.store(parent);
    if (::prctl(PR_SET_PDEATHSIG, ParentDeathSignal()) != 0) {
      log::Warn("prctl(PR_SET_PDEATHSIG) failed",
                {{"error", std::strerror(errno)}});
    }
    if (::getppid() != parent) {
      return Status(StatusCode::kFailedPrecondition,
                    "the parent process (Terraform) is already gone");
    }
  }
  return Status::Ok();
}

std::string ReattachJson(const ListenAddress& address, int pid) {
  nlohmann::ordered_json addr;
  addr["Network"] = address.network;
  addr["String"] = address.address;
  nlohmann::ordered_json cfg;
  cfg["Protocol"] = "grpc";
  cfg["ProtocolVersion"] = kAppProtocolVersion;
  cfg["Pid"] = pid;
  cfg["Test"] = true;
  cfg["Addr"] = addr;
  nlohmann::ordered_json root;
  root[kProviderSourceAddress] = cfg;
  return root.dump();
}

int Serve(const ProviderFactory& make_provider, const ServeOptions& opts) {
  const auto t0 = std::chrono::steady_clock::now();
  const bool tls = opts.mode == Mode::kPlugin && !opts.client_cert_pem.empty();
  const bool tcp = opts.transport == Transport::kTcp;

  // The provider is built on its own thread: the handshake does not wait
  // for it (rpcs do, and the first one arrives only after Terraform has
  // connected). gRPC's library setup and the certificate (mostly OpenSSL's
  // first-use setup) run on this thread and another one.
  std::promise<framework::ProviderServer*> server_promise;
  std::shared_future<framework::ProviderServer*> server_future =
      server_promise.get_future().share();
  std::unique_ptr<framework::ProviderServer> server;
  std::atomic<int64_t> provider_us{0};
  std::thread provider_thread([&] {
    server = std::make_unique<framework::ProviderServer>(make_provider());
    provider_us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
    server_promise.set_value(server.get());
  });
  JoinOnExit join_provider{provider_thread};

  std::optional<StatusOr<SelfSignedCert>> generated;
  std::thread cert_thread;
  if (tls) {
    cert_thread = std::thread(
        [&generated] { generated.emplace(GenerateSelfSignedCert()); });
  }
  grpc_init();  // balanced by grpc_shutdown() below
  if (cert_thread.joinable()) cert_thread.join();

  SelfSignedCert cert;
  if (tls) {
    if (!generated->ok()) {
      log::Error("could not make the TLS certificate",
                 {{"error", generated->status().message()}});
      grpc_shutdown();
      return 1;
    }
    cert = std::move(*generated).value();
  }
  std::shared_ptr<grpc::ServerCredentials> creds =
      MakeServerCredentials(cert, tls ? opts.client_cert_pem : "");
  const auto t_cert = std::chrono::steady_clock::now();

  grpc::EnableDefaultHealthCheckService(true);
  ShutdownLatch& latch = Latch();

  std::unique_ptr<Services> services;
  std::unique_ptr<grpc::Server> grpc_server;
  ListenAddress addr;
  std::string last_error = "unknown error";
  for (int attempt = 0; attempt < 5 && !grpc_server; ++attempt) {
    if (tcp) {
      StatusOr<int> port = FindFreeTcpPort(opts.ports);
      if (!port.ok()) {
        last_error = port.status().message();
        break;
      }
      addr = {"tcp", "127.0.0.1:" + std::to_string(*port)};
    } else {
      StatusOr<std::string> path =
          MakeUnixSocketPath(opts.socket_dir.c_str(), opts.tmpdir.c_str());
      if (!path.ok()) {
        last_error = path.status().message();
        break;
      }
      addr = {"unix", *path};
    }
    services = std::make_unique<Services>(
        server_future, opts.capture_dir,
        [&latch] { latch.Request("GRPCController.Shutdown"); });
    grpc::ServerBuilder builder;
    int selected_port = 0;
    builder.AddListeningPort(addr.GrpcUri(), creds,
                             tcp ? &selected_port : nullptr);
    builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
    builder.SetMaxSendMessageSize(kMaxMessageBytes);
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    // One completion queue is plenty for Terraform's load (parallelism 10)
    // and starts faster than one per core.
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS,
                                1);
    builder.RegisterService(&services->provider);
    builder.RegisterService(&services->controller);
    grpc_server = builder.BuildAndStart();
    if (!grpc_server) {
      last_error = "could not listen on " + addr.GrpcUri();
      services.reset();
      continue;
    }
    if (tcp) addr.address = "127.0.0.1:" + std::to_string(selected_port);
  }
  if (!grpc_server) {
    log::Error("could not start the gRPC server", {{"error", last_error}});
    std::fprintf(stderr, "terraform-provider-encore: %s\n", last_error.c_str());
    grpc_shutdown();
    return 1;
  }
  const auto t_started = std::chrono::steady_clock::now();
  if (auto* health = grpc_server->GetHealthCheckService()) {
    health->SetServingStatus("plugin", true);
  }
  if (!tcp) ::chmod(addr.address.c_str(), 0600);

  if (opts.mode == Mode::kPlugin) {
    WriteStdout(HandshakeLine(addr, cert.cert_der));
  } else {
    std::string json = ReattachJson(addr, static_cast<int>(::getpid()));
    WriteStdout(
        "terraform-provider-encore is running in debug mode (plaintext, " +
        addr.network + " " + addr.address +
        ").\nTo attach Terraform, run this in the shell where you run "
        "terraform:\n\n\texport TF_REATTACH_PROVIDERS='" +
        json +
        "'\n\nTerraform then uses this process instead of starting the "
        "provider\n(no terraform init needed). Press Ctrl-C to stop.\n");
  }
  const auto startup_us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - t0)
                              .count();
  log::Info("provider serving",
            {{"mode", opts.mode == Mode::kPlugin ? "plugin" : "debug"},
             {"network", addr.network},
             {"address", addr.address},
             {"tls", tls ? "true" : "false"},
             {"startup_ms",
              MsBetween(t0, t0 + std::chrono::microseconds(startup_us))},
             {"tls_and_grpc_init_ms", MsBetween(t0, t_cert)},
             {"grpc_start_ms", MsBetween(t_cert, t_started)}});

  // Signals: a dedicated thread turns SIGTERM (and, in debug mode, SIGINT
  // and SIGHUP) into a shutdown request. Detached: it may outlive Serve.
  std::thread([mode = opts.mode] {
    sigset_t set = HandledSignals(mode);
    for (;;) {
      siginfo_t info{};
      int sig = sigwaitinfo(&set, &info);
      if (sig < 0) continue;
      if (sig == ParentDeathSignal()) {
        // Only a real parent death reparents us; when just the thread that
        // started us exits, its process's other threads adopt us and
        // getppid() is unchanged.
        if (::getppid() == g_parent.load()) {
          log::Debug(
              "the parent thread that started the provider exited; "
              "Terraform is still running");
          continue;
        }
        Latch().Request("parent process exited");
        continue;
      }
      Latch().Request(std::string("signal ") + ::strsignal(sig));
    }
  }).detach();

  const std::string socket_path = tcp ? "" : addr.address;
  std::thread stopper([&] {
    std::string reason = latch.Wait();
    log::Info("provider shutting down", {{"reason", reason}});
    server_future.get()->Stop();  // cancel in-flight work first
    // Watchdog: Terraform SIGKILLs 2 s after Shutdown; exit before that
    // even if an rpc handler is stuck.
    std::thread([socket_path] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      if (!socket_path.empty()) ::unlink(socket_path.c_str());
      log::Warn("shutdown took too long; exiting now");
      std::_Exit(0);
    }).detach();
    if (reason == "GRPCController.Shutdown") {
      // Terraform calls Shutdown only when its walk is over and then waits
      // for the process to end: once the reply is on its way there is
      // nothing left to do, so exit at once rather than tear gRPC down
      // (which costs a launch ~20 ms; Terraform launches 3-4 per command).
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      if (!socket_path.empty()) ::unlink(socket_path.c_str());
      log::Debug("provider stopped");
      std::fflush(stderr);
      std::_Exit(0);
    }
    grpc_server->Shutdown(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(250));
  });
  grpc_server->Wait();
  stopper.join();
  provider_thread.join();
  log::Debug("provider built",
             {{"provider_ms", std::to_string(provider_us.load() / 1000.0)}});
  grpc_server.reset();
  services.reset();
  if (!socket_path.empty()) ::unlink(socket_path.c_str());
  grpc_shutdown();
  log::Debug("provider stopped");
  return 0;
}

}  // namespace encore::protocol
