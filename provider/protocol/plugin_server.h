// The plugin process: serves tfplugin6.Provider, plugin.GRPCController and
// grpc.health.v1.Health ("plugin" = SERVING) over gRPC, prints the
// go-plugin handshake line (plugin mode) or a TF_REATTACH_PROVIDERS value
// (debug mode), and runs until told to stop.
//
// Plugin mode (Terraform started us; PROTOCOL.md §1):
// - TLS requiring and verifying the client cert in PLUGIN_CLIENT_CERT;
//   plaintext if that is empty. Unix socket in PLUGIN_UNIX_SOCKET_DIR or
//   $TMPDIR by default; TCP 127.0.0.1 in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT
//   when ENCORE_PROVIDER_TRANSPORT=tcp.
// - SIGINT is ignored (Terraform calls StopProvider instead). SIGTERM, the
//   parent's death and GRPCController.Shutdown stop the server cleanly:
//   in-flight work is cancelled, gRPC is shut down with a short deadline,
//   the socket file is removed and Serve returns 0. A watchdog forces the
//   exit if that takes longer than 1.5 s (Terraform SIGKILLs after 2 s).
// - Parent death: PR_SET_PDEATHSIG with a real-time signal of our own
//   (SIGRTMIN+1), not SIGTERM, because the kernel also sends it when only
//   the thread that started us exits (Terraform is a Go program). It stops
//   us only if getppid() changed, i.e. the parent process is really gone.
// Debug mode (-debug): plaintext, unix socket (or TCP 127.0.0.1:0), prints
// a human block with the TF_REATTACH_PROVIDERS export line to stdout and
// serves until SIGINT/SIGTERM (or Shutdown).
// gRPC messages may be up to 256 MiB each way.
#ifndef ENCORE_PROVIDER_PROTOCOL_PLUGIN_SERVER_H_
#define ENCORE_PROVIDER_PROTOCOL_PLUGIN_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "provider/core/status.h"
#include "provider/framework/provider_server.h"
#include "provider/protocol/handshake.h"

namespace encore::protocol {

enum class Mode { kPlugin, kDebug };

struct ServeOptions {
  Mode mode = Mode::kPlugin;
  Transport transport = Transport::kUnix;
  std::string client_cert_pem;  // plugin mode only; empty: plaintext
  PortRange ports;              // TCP only; {0,0}: any port
  std::string socket_dir;       // PLUGIN_UNIX_SOCKET_DIR
  std::string tmpdir;           // TMPDIR
  std::string capture_dir;      // ENCORE_PROVIDER_CAPTURE_DIR (capture.h)
};

// Reads the environment variables named above. In debug mode the client
// cert is ignored (Terraform's reattach client has no TLS).
ServeOptions ServeOptionsFromEnv(Mode mode);

// Signal and parent-death setup; call first thing in main, before any
// thread exists. Plugin mode: ignore SIGINT, block SIGTERM and the
// parent-death signal for the signal thread, set PR_SET_PDEATHSIG and fail
// if the parent is already gone. Debug mode: block SIGINT and SIGTERM for the
// signal thread.
Status PrepareProcess(Mode mode);

// The TF_REATTACH_PROVIDERS JSON for a debug server at `address`.
std::string ReattachJson(const ListenAddress& address, int pid);

// Makes the provider; called once, inside Serve, while the TLS certificate
// is generated on another thread (startup is on Terraform's critical path:
// it launches the provider 4-5 times per apply).
using ProviderFactory = std::function<std::unique_ptr<framework::Provider>()>;

// Builds framework::ProviderServer(make_provider()) and serves it until
// shut down (see above); returns the process exit code.
int Serve(const ProviderFactory& make_provider, const ServeOptions& options);

}  // namespace encore::protocol

#endif  // ENCORE_PROVIDER_PROTOCOL_PLUGIN_SERVER_H_
