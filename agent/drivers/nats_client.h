// NatsClient: the agent's one connection (and JetStream context) per NATS
// url, shared by the pubsub drivers (DESIGN §7). Thread-safe; libnats
// reconnects on its own, and a closed connection is replaced on next use.
//
// JetStream management goes through the JSON API ($JS.API.*) with the
// configs as JSON, so an update can carry back every field exactly as read,
// including fields this client does not know about (DESIGN §5). Each helper
// is one request to the server (the caller counts it). Errors carry NATS's
// own text ("stream not found"); a missing stream or consumer is
// kNotFound. Durations in the configs are nanoseconds, as on the wire.
#ifndef ENCORE_AGENT_DRIVERS_NATS_CLIENT_H_
#define ENCORE_AGENT_DRIVERS_NATS_CLIENT_H_

#include <nats/nats.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "agent/drivers/driver.h"
#include "provider/core/status.h"

namespace encore::agent::drivers {

using Json = nlohmann::json;

class NatsClient {
 public:
  // The shared client for `url`; connects on first use.
  static StatusOr<std::shared_ptr<NatsClient>> ForUrl(const std::string& url);

  ~NatsClient();
  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;

  const std::string& url() const { return url_; }
  natsConnection* connection() { return nc_; }
  jsCtx* js() { return js_; }

  // One request to "$JS.API.<api>" with `body` (null: empty payload); the
  // response, or its error as a Status.
  StatusOr<Json> Api(const std::string& api, const Json& body = Json());

  // Stream info ({config, state, ...}); kNotFound when missing.
  StatusOr<Json> StreamInfo(const std::string& stream);
  StatusOr<Json> AddStream(const Json& config);     // returns the info
  StatusOr<Json> UpdateStream(const Json& config);  // whole config; info
  Status DeleteStream(const std::string& stream);   // missing: kNotFound

  // Consumer info ({config, ...}); kNotFound when missing.
  StatusOr<Json> ConsumerInfo(const std::string& stream,
                              const std::string& consumer);
  // A durable consumer (config.durable_name): creates it, or, when it
  // exists, updates it to `config` (whole config). Returns the info.
  StatusOr<Json> AddOrUpdateConsumer(const std::string& stream,
                                     const Json& config);
  Status DeleteConsumer(const std::string& stream, const std::string& consumer);

  // A lock per resource key ("stream:<name>"): the read-then-write of a
  // whole-config update runs under it (DESIGN §5).
  std::unique_lock<std::mutex> Lock(const std::string& key);

 private:
  NatsClient(std::string url, natsConnection* nc, jsCtx* js)
      : url_(std::move(url)), nc_(nc), js_(js) {}

  std::string url_;
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
};

// NATS's text for a libnats status, with the library's last error detail.
std::string NatsError(natsStatus s);

// ---- shared by the pubsub drivers -------------------------------------------

// Nanoseconds as the planner writes durations: "7d", "3h", "90m", "45s"
// (the largest whole unit), "0s"; a sub-second rest as "<n>ns".
std::string FormatNanos(int64_t ns);
// "45s", "1h30m", "7d" -> nanoseconds; kInvalidArgument naming `what`.
StatusOr<int64_t> ParseNanos(const std::string& text, const std::string& what);
// The ownership mark a description carries: the description itself when it
// is a "managed-by=..." mark (ours or another tool's), else "".
std::string MarkIn(const std::string& description);
// "foreign.<field>" for every top-level field of `config` not in `skip`
// (durations formatted like FormatNanos, objects and lists as JSON).
Attributes ForeignAttributes(const Json& config,
                             const std::set<std::string>& skip);
// A stream or consumer name usable in a $JS.API subject (no '.', '*', '>',
// whitespace); kInvalidArgument otherwise.
Status CheckJsName(const std::string& name, const std::string& what);
// The "<what> X already exists ..." error for a stream or consumer found
// without this environment's mark (kAlreadyExists).
Status ForeignExists(const std::string& what, const std::string& description);

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_NATS_CLIENT_H_
