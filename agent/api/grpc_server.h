// The agent's gRPC server (schema/agent/v1/agent.proto) over AgentService.
//
// Per call: reads "authorization: Bearer <token>" and authenticates it
// (UNAUTHENTICATED "missing or unknown token; pass one with --token /
// ENCORE_TOKEN" otherwise), takes the request id from "x-request-id" (a
// fresh "req-<16 hex>" when absent or malformed; sent back in the trailing
// metadata), converts the request, calls the service and converts the
// answer or its Status back. One log line per call:
//
//   2026-11-23T10:00:00.123Z INFO agent: rpc=GetEnvironment
//     request_id=req-0123456789abcdef caller=admin code=OK ms=0.41
//
// (one line; wrapped here). Failures are WARN (the caller's error: invalid
// argument, not found, permission, conflict, ...) or ERROR (internal,
// unavailable, ...) and end with error="<the service's message>". Request
// bodies and tokens are never logged; service messages carry no secret
// values (agent/service/agent_service.h).
#ifndef ENCORE_AGENT_API_GRPC_SERVER_H_
#define ENCORE_AGENT_API_GRPC_SERVER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "agent/service/agent_service.h"
#include "provider/core/status.h"

namespace encore::agent {

// Receives each log line (without '\n'). Default: stderr.
using LogSink = std::function<void(std::string_view line)>;

struct ServerOptions {
  // "unix:///abs/path.sock" (the socket file is made 0600; a stale socket
  // at the path is removed first, a live one is kFailedPrecondition) or "tcp://HOST:PORT" (TLS with the cert and
  // key below; PORT 0 picks a free port).
  std::string listen;
  std::string tls_cert_pem;
  std::string tls_key_pem;
  std::string version;   // GetInfo's version
  std::string data_dir;  // GetInfo's data_dir
  LogSink log;           // empty: stderr
};

// "2026-11-23T10:00:00.123Z LEVEL agent: message": the agent's log line
// format (also used by `serve` for its own lines).
std::string FormatLogLine(std::string_view level, std::string_view message,
                          std::chrono::system_clock::time_point when);

class AgentGrpcServer {
 public:
  // Binds and starts serving. `service` must outlive the server. Errors
  // name the address and the cause (in use, no permission, bad form).
  static StatusOr<std::unique_ptr<AgentGrpcServer>> Start(
      AgentService* service, ServerOptions options);
  virtual ~AgentGrpcServer() = default;

  // The address clients use: "unix:///path" or "https://HOST:PORT" (the
  // port actually bound).
  virtual std::string client_address() const = 0;
  // Stops accepting calls, lets calls in flight finish (up to `grace`),
  // then cancels the rest. Removes a unix socket file. Idempotent.
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;
  // Blocks until Shutdown has completed.
  virtual void Wait() = 0;
};

}  // namespace encore::agent

#endif  // ENCORE_AGENT_API_GRPC_SERVER_H_
