#include "agent/drivers/nats_client.h"

#include <map>

#include "model/duration.h"

namespace encore::agent::drivers {
namespace {

constexpr int64_t kRequestTimeoutMs = 5000;

std::mutex& ClientsMu() {
  static auto* mu = new std::mutex;
  return *mu;
}
std::map<std::string, std::shared_ptr<NatsClient>>& Clients() {
  static auto* m = new std::map<std::string, std::shared_ptr<NatsClient>>;
  return *m;
}

std::mutex& LocksMu() {
  static auto* mu = new std::mutex;
  return *mu;
}
std::map<std::string, std::unique_ptr<std::mutex>>& Locks() {
  static auto* m = new std::map<std::string, std::unique_ptr<std::mutex>>;
  return *m;
}

}  // namespace

std::string NatsError(natsStatus s) {
  std::string text = natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  if (detail && *detail && text.find(detail) == std::string::npos) {
    text += std::string(": ") + detail;
  }
  return text;
}

StatusOr<std::shared_ptr<NatsClient>> NatsClient::ForUrl(
    const std::string& url) {
  std::lock_guard<std::mutex> lock(ClientsMu());
  auto& clients = Clients();
  if (auto it = clients.find(url); it != clients.end()) {
    if (!natsConnection_IsClosed(it->second->nc_)) return it->second;
    clients.erase(it);  // closed for good: a fresh connection below
  }
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(opts, "encore-agent");
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, 2000);
  if (s == NATS_OK) s = natsOptions_SetAllowReconnect(opts, true);
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 200);
  natsConnection* nc = nullptr;
  if (s == NATS_OK) s = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) {
    return Status::Unavailable("cannot connect to NATS at " + url + ": " +
                               NatsError(s));
  }
  jsCtx* js = nullptr;
  s = natsConnection_JetStream(&js, nc, nullptr);
  if (s != NATS_OK) {
    natsConnection_Destroy(nc);
    return Status::Unavailable("NATS at " + url +
                               ": no JetStream context: " + NatsError(s));
  }
  std::shared_ptr<NatsClient> client(new NatsClient(url, nc, js));
  clients[url] = client;
  return client;
}

NatsClient::~NatsClient() {
  if (js_) jsCtx_Destroy(js_);
  if (nc_) natsConnection_Destroy(nc_);
}

StatusOr<Json> NatsClient::Api(const std::string& api, const Json& body) {
  const std::string subject = "$JS.API." + api;
  const std::string payload = body.is_null() ? "" : body.dump();
  natsMsg* reply = nullptr;
  natsStatus s = natsConnection_Request(
      &reply, nc_, subject.c_str(), payload.data(),
      static_cast<int>(payload.size()), kRequestTimeoutMs);
  if (s != NATS_OK) {
    if (s == NATS_NO_RESPONDERS) {
      return Status::Unavailable("NATS at " + url_ + " has no JetStream (" +
                                 subject + ": no responders)");
    }
    return Status::Unavailable("NATS " + subject + " at " + url_ + ": " +
                               NatsError(s));
  }
  std::string data(natsMsg_GetData(reply),
                   static_cast<size_t>(natsMsg_GetDataLength(reply)));
  natsMsg_Destroy(reply);
  Json out = Json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded() || !out.is_object()) {
    return Status::Internal("NATS " + subject + ": unreadable response");
  }
  if (out.contains("error")) {
    const Json& e = out["error"];
    std::string text = e.value("description", std::string("unknown error"));
    int code = e.value("code", 0);
    StatusCode sc = code == 404   ? StatusCode::kNotFound
                    : code == 400 ? StatusCode::kInvalidArgument
                                  : StatusCode::kFailedPrecondition;
    return Status(sc, "NATS " + subject + ": " + text);
  }
  return out;
}

StatusOr<Json> NatsClient::StreamInfo(const std::string& stream) {
  return Api("STREAM.INFO." + stream);
}

StatusOr<Json> NatsClient::AddStream(const Json& config) {
  return Api("STREAM.CREATE." + config.value("name", std::string()), config);
}

StatusOr<Json> NatsClient::UpdateStream(const Json& config) {
  return Api("STREAM.UPDATE." + config.value("name", std::string()), config);
}

Status NatsClient::DeleteStream(const std::string& stream) {
  auto r = Api("STREAM.DELETE." + stream);
  return r.ok() ? Status::Ok() : r.status();
}

StatusOr<Json> NatsClient::ConsumerInfo(const std::string& stream,
                                        const std::string& consumer) {
  return Api("CONSUMER.INFO." + stream + "." + consumer);
}

StatusOr<Json> NatsClient::AddOrUpdateConsumer(const std::string& stream,
                                               const Json& config) {
  const std::string durable = config.value("durable_name", std::string());
  return Api("CONSUMER.DURABLE.CREATE." + stream + "." + durable,
             Json{{"stream_name", stream}, {"config", config}});
}

Status NatsClient::DeleteConsumer(const std::string& stream,
                                  const std::string& consumer) {
  auto r = Api("CONSUMER.DELETE." + stream + "." + consumer);
  return r.ok() ? Status::Ok() : r.status();
}

std::unique_lock<std::mutex> NatsClient::Lock(const std::string& key) {
  std::mutex* mu;
  {
    std::lock_guard<std::mutex> lock(LocksMu());
    auto& slot = Locks()[url_ + " " + key];
    if (!slot) slot = std::make_unique<std::mutex>();
    mu = slot.get();
  }
  return std::unique_lock<std::mutex>(*mu);
}

std::string FormatNanos(int64_t ns) {
  constexpr int64_t kSecond = 1000000000;
  if (ns <= 0) return "0s";
  if (ns % kSecond != 0) return std::to_string(ns) + "ns";
  int64_t seconds = ns / kSecond;
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

StatusOr<int64_t> ParseNanos(const std::string& text, const std::string& what) {
  auto seconds = model::ParseDurationSeconds(text);
  if (!seconds || *seconds < 0 || *seconds > 9223372036LL) {
    return Status::InvalidArgument(what + " = \"" + text +
                                   "\" is not a duration; write e.g. \"30s\", "
                                   "\"10m\" or \"7d\"");
  }
  return *seconds * 1000000000LL;
}

std::string MarkIn(const std::string& description) {
  return description.rfind("managed-by=", 0) == 0 ? description : "";
}

Attributes ForeignAttributes(const Json& config,
                             const std::set<std::string>& skip) {
  static const std::set<std::string> kDurations = {
      "duplicate_window", "inactive_threshold", "idle_heartbeat",
      "max_expires",      "ack_wait",           "max_age"};
  Attributes out;
  for (const auto& [k, v] : config.items()) {
    if (skip.count(k)) continue;
    std::string text;
    if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_number_integer() && kDurations.count(k)) {
      text = FormatNanos(v.get<int64_t>());
    } else {
      text = v.dump();
    }
    out["foreign." + k] = text;
  }
  return out;
}

Status CheckJsName(const std::string& name, const std::string& what) {
  if (name.empty() || name.find_first_of(".*> \t\r\n") != std::string::npos) {
    return Status::InvalidArgument(what + " \"" + name +
                                   "\" is not a valid JetStream name (no '.', "
                                   "'*', '>' or spaces)");
  }
  return Status::Ok();
}

Status ForeignExists(const std::string& what, const std::string& description) {
  if (IsAgentMark(description)) {
    std::string env = MarkEnvironment(description);
    return Status::AlreadyExists(
        what + " already exists and belongs to environment " +
        (env.empty() ? "(unknown)" : env) + " (" + description + ")");
  }
  std::string found = description.empty()
                          ? "no description"
                          : "description \"" + description + "\"";
  return Status::AlreadyExists(
      what + " already exists without the encore-agent mark (" + found +
      "); it was made by someone else: rename ours, or adopt it with an adopt "
      "block (policy = \"manage\")");
}

}  // namespace encore::agent::drivers
