#include "agent/drivers/pubsub_subscription_driver.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <utility>

namespace encore::agent::drivers {
namespace {

constexpr int64_t kSecond = 1000000000;
constexpr int64_t kDefaultAckWait = 30 * kSecond;  // JetStream's default

const std::set<std::string>& ConsumerKeys() {
  static const auto* keys = new std::set<std::string>{
      "filter_subject", "ack_wait", "max_deliver", "backoff"};
  return *keys;
}

Status CheckKeys(const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (!ConsumerKeys().count(k) && k != "dead_letter") {
      return Status::InvalidArgument(
          "pubsub_subscription has no attribute \"" + k +
          "\" (filter_subject, ack_wait, max_deliver, backoff, dead_letter)");
    }
  }
  return Status::Ok();
}

std::string Get(const Attributes& a, const std::string& k) {
  auto it = a.find(k);
  return it == a.end() ? "" : it->second;
}

std::string Description(const Json& config) {
  return config.value("description", std::string());
}

std::vector<int64_t> ListOf(const Json& config) {
  std::vector<int64_t> out;
  for (const auto& v : config.value("backoff", Json::array()))
    out.push_back(v.get<int64_t>());
  return out;
}

std::string ConsumerAttribute(const Json& config, const std::string& key) {
  if (key == "filter_subject")
    return config.value("filter_subject", std::string());
  if (key == "ack_wait")
    return FormatNanos(config.value("ack_wait", int64_t{0}));
  if (key == "max_deliver")
    return std::to_string(config.value("max_deliver", int64_t{-1}));
  if (key == "backoff") return BackoffText(ListOf(config));
  return "";
}

StatusOr<int64_t> ParseMaxDeliver(const std::string& v) {
  if (v.empty()) return int64_t{-1};
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (*end != '\0' || n == 0 || n < -1) {
    return Status::InvalidArgument("max_deliver = \"" + v +
                                   "\" is not a positive whole number (or -1)");
  }
  return static_cast<int64_t>(n);
}

// Writes ack_wait, max_deliver and backoff into `config` from their texts.
Status SetDelivery(Json& config, const std::string& ack_wait,
                   const std::string& max_deliver, const std::string& backoff) {
  int64_t ack = kDefaultAckWait;
  if (!ack_wait.empty()) {
    auto ns = ParseNanos(ack_wait, "ack_wait");
    if (!ns.ok()) return ns.status();
    ack = *ns;
  }
  auto md = ParseMaxDeliver(max_deliver);
  if (!md.ok()) return md.status();
  auto list = BackoffList(ack, backoff, *md);
  if (!list.ok()) return list.status();
  config["ack_wait"] = ack;
  config["max_deliver"] = *md;
  if (list->empty()) {
    config.erase("backoff");
  } else {
    config["backoff"] = *list;
  }
  return Status::Ok();
}

std::set<std::string> ForeignSkip() {
  std::set<std::string> skip = ConsumerKeys();
  skip.insert({"durable_name", "name", "description"});
  return skip;
}

Status NotOurs(const std::string& what, const Resource& r,
               const std::string& desc, const std::string& verb) {
  return Status::FailedPrecondition(
      what + " does not carry the mark of environment " + r.env + " (" +
      OwnershipMark(r.env) + "); found " +
      (desc.empty() ? "no mark" : "\"" + desc + "\"") + ": not " + verb);
}

}  // namespace

StatusOr<std::vector<int64_t>> BackoffList(int64_t ack_wait_ns,
                                           const std::string& backoff,
                                           int64_t max_deliver) {
  std::vector<int64_t> out;
  if (backoff.empty()) return out;
  size_t dots = backoff.find("..");
  if (dots == std::string::npos) {
    return Status::InvalidArgument("backoff = \"" + backoff +
                                   "\": write min..max, e.g. \"10s..10m\"");
  }
  auto lo = ParseNanos(backoff.substr(0, dots), "backoff minimum");
  if (!lo.ok()) return lo.status();
  auto hi = ParseNanos(backoff.substr(dots + 2), "backoff maximum");
  if (!hi.ok()) return hi.status();
  if (*lo > *hi) {
    return Status::InvalidArgument("backoff = \"" + backoff +
                                   "\": the minimum is above the maximum");
  }
  const size_t cap =
      max_deliver <= 0 ? SIZE_MAX : static_cast<size_t>(max_deliver - 1);
  if (cap < 2) return out;  // no room for ack_wait and one retry delay
  out.push_back(ack_wait_ns);
  int64_t d = *lo;
  while (true) {
    if (out.size() + 1 == cap && d < *hi) d = *hi;  // the cap cuts: end at max
    out.push_back(ack_wait_ns + d);
    if (d >= *hi) break;
    d = std::min(std::max(2 * d, d + kSecond), *hi);
  }
  return out;
}

std::string BackoffText(const std::vector<int64_t>& list) {
  if (list.size() < 2) return "";
  return FormatNanos(list[1] - list[0]) + ".." +
         FormatNanos(list.back() - list[0]);
}

StatusOr<SubscriptionNames> SubscriptionNamesOf(const Resource& r) {
  const std::string& id = r.item.provider_id;
  const std::string prefix = "nats:consumer/";
  size_t slash = id.rfind('/');
  if (id.rfind(prefix, 0) != 0 || slash == std::string::npos ||
      slash <= prefix.size()) {
    return Status::InvalidArgument(
        "provider_id \"" + id + "\" is not nats:consumer/<stream>/<consumer>");
  }
  SubscriptionNames n;
  n.stream = id.substr(prefix.size(), slash - prefix.size());
  n.consumer = id.substr(slash + 1);
  n.dead_letter = Get(r.item.attributes, "dead_letter");
  if (n.dead_letter.empty()) n.dead_letter = n.consumer + "-dlq";
  if (Status s = CheckJsName(n.stream, "stream"); !s.ok()) return s;
  if (Status s = CheckJsName(n.consumer, "consumer"); !s.ok()) return s;
  if (Status s = CheckJsName(n.dead_letter, "dead_letter stream"); !s.ok())
    return s;
  // The stream-name prefix -> the subject prefix, as the topic's own
  // subject shows it (their longest common suffix is the topic's name).
  std::string filter = Get(r.item.attributes, "filter_subject");
  if (filter.empty()) filter = n.stream;
  size_t common = 0;
  while (common < n.stream.size() && common < filter.size() &&
         n.stream[n.stream.size() - 1 - common] ==
             filter[filter.size() - 1 - common]) {
    ++common;
  }
  const std::string stream_prefix =
      n.stream.substr(0, n.stream.size() - common);
  const std::string subject_prefix = filter.substr(0, filter.size() - common);
  std::string subject = n.consumer;
  if (n.consumer.rfind(stream_prefix, 0) == 0) {
    subject = subject_prefix + n.consumer.substr(stream_prefix.size());
  }
  n.dead_letter_subject = subject + ".dlq";
  return n;
}

PubsubSubscriptionDriver::PubsubSubscriptionDriver(NatsEndpointFn endpoint)
    : endpoint_(std::move(endpoint)) {}

StatusOr<std::shared_ptr<NatsClient>> PubsubSubscriptionDriver::Client() {
  auto ep = endpoint_();
  if (!ep.ok()) return ep.status();
  return NatsClient::ForUrl(ep->url);
}

StatusOr<std::string> PubsubSubscriptionDriver::EnsureDeadLetter(
    NatsClient& c, const Resource& r, const SubscriptionNames& n) {
  auto lock = c.Lock("stream:" + n.dead_letter);
  CountRead();
  auto info = c.StreamInfo(n.dead_letter);
  if (info.ok()) {
    const std::string desc = Description((*info)["config"]);
    if (desc != OwnershipMark(r.env) && !r.adopted) {
      return ForeignExists("dead-letter stream " + n.dead_letter, desc);
    }
    return n.dead_letter;
  }
  if (info.status().code() != StatusCode::kNotFound) return info.status();
  // Its retention: the topic stream's.
  CountRead();
  auto topic = c.StreamInfo(n.stream);
  if (!topic.ok()) {
    if (topic.status().code() == StatusCode::kNotFound) {
      return Status::FailedPrecondition(
          "stream " + n.stream + " of subscription " + n.consumer +
          " does not exist; the topic comes first");
    }
    return topic.status();
  }
  Json config = {{"name", n.dead_letter},
                 {"subjects", Json::array({n.dead_letter_subject})},
                 {"max_age", (*topic)["config"].value("max_age", int64_t{0})},
                 {"storage", "file"},
                 {"description", OwnershipMark(r.env)}};
  CountWrite();
  auto made = c.AddStream(config);
  if (!made.ok()) return made.status();
  return n.dead_letter;
}

StatusOr<Observed> PubsubSubscriptionDriver::Observe(
    const Resource& r, const std::vector<std::string>& attributes) {
  auto n = SubscriptionNamesOf(r);
  if (!n.ok()) return n.status();
  if (Status s = CheckKeys(attributes); !s.ok()) return s;
  auto client = Client();
  if (!client.ok()) return client.status();
  CountRead();
  auto info = (*client)->ConsumerInfo(n->stream, n->consumer);
  Observed out;
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kNotFound) return out;
    return info.status();
  }
  const Json& config = (*info)["config"];
  out.exists = true;
  out.mark = MarkIn(Description(config));
  std::vector<std::string> keys = attributes;
  if (keys.empty()) {
    keys.assign(ConsumerKeys().begin(), ConsumerKeys().end());
    keys.push_back("dead_letter");
    out.attributes = ForeignAttributes(config, ForeignSkip());
  }
  for (const auto& k : keys) {
    if (k != "dead_letter") {
      out.attributes[k] = ConsumerAttribute(config, k);
      continue;
    }
    CountRead();
    auto dlq = (*client)->StreamInfo(n->dead_letter);
    if (!dlq.ok() && dlq.status().code() != StatusCode::kNotFound)
      return dlq.status();
    out.attributes[k] = dlq.ok() ? n->dead_letter : "";
  }
  return out;
}

StatusOr<Created> PubsubSubscriptionDriver::Create(const Resource& r) {
  auto n = SubscriptionNamesOf(r);
  if (!n.ok()) return n.status();
  std::vector<std::string> keys;
  for (const auto& [k, v] : r.item.attributes) keys.push_back(k);
  if (Status s = CheckKeys(keys); !s.ok()) return s;
  auto client = Client();
  if (!client.ok()) return client.status();
  NatsClient& c = **client;
  auto lock = c.Lock("consumer:" + n->stream + "/" + n->consumer);
  const std::string what =
      "consumer " + n->consumer + " on stream " + n->stream;
  CountRead();
  auto info = c.ConsumerInfo(n->stream, n->consumer);
  if (!info.ok() && info.status().code() != StatusCode::kNotFound) {
    return info.status();
  }
  if (info.ok()) {
    const std::string desc = Description((*info)["config"]);
    if (desc != OwnershipMark(r.env) && !r.adopted)
      return ForeignExists(what, desc);
  }
  // The dead-letter stream first: a consumer never exists without it.
  std::string dead_letter;
  if (r.item.attributes.count("dead_letter")) {
    auto made = EnsureDeadLetter(c, r, *n);
    if (!made.ok()) return made.status();
    dead_letter = *made;
  }
  if (!info.ok()) {
    Json config = {{"durable_name", n->consumer},
                   {"deliver_policy", "all"},
                   {"ack_policy", "explicit"},
                   {"replay_policy", "instant"}};
    if (!r.adopted) config["description"] = OwnershipMark(r.env);
    if (auto f = Get(r.item.attributes, "filter_subject"); !f.empty()) {
      config["filter_subject"] = f;
    }
    if (Status s = SetDelivery(config, Get(r.item.attributes, "ack_wait"),
                               Get(r.item.attributes, "max_deliver"),
                               Get(r.item.attributes, "backoff"));
        !s.ok()) {
      return s;
    }
    CountWrite();
    info = c.AddOrUpdateConsumer(n->stream, config);
    if (!info.ok()) return info.status();
  }
  const Json& config = (*info)["config"];
  Created out;
  for (const auto& [k, v] : r.item.attributes) {
    out.observed[k] =
        k == "dead_letter" ? dead_letter : ConsumerAttribute(config, k);
  }
  out.baseline = ForeignAttributes(config, ForeignSkip());
  out.facts = {{"url", c.url()},
               {"stream", n->stream},
               {"consumer", n->consumer},
               {"subject", config.value("filter_subject", std::string())},
               {"dead_letter_stream", dead_letter}};
  return out;
}

StatusOr<Attributes> PubsubSubscriptionDriver::Update(const Resource& r,
                                                      const Attributes& patch) {
  if (patch.empty()) return Attributes{};
  auto n = SubscriptionNamesOf(r);
  if (!n.ok()) return n.status();
  std::vector<std::string> keys;
  bool consumer_patch = false;
  for (const auto& [k, v] : patch) {
    keys.push_back(k);
    consumer_patch = consumer_patch || ConsumerKeys().count(k);
  }
  if (Status s = CheckKeys(keys); !s.ok()) return s;
  auto client = Client();
  if (!client.ok()) return client.status();
  NatsClient& c = **client;
  Attributes out;
  if (consumer_patch) {
    auto lock = c.Lock("consumer:" + n->stream + "/" + n->consumer);
    CountRead();
    auto info = c.ConsumerInfo(n->stream, n->consumer);
    if (!info.ok()) return info.status();
    Json config = (*info)["config"];
    const std::string desc = Description(config);
    if (desc != OwnershipMark(r.env) && !r.adopted) {
      return NotOurs("consumer " + n->consumer + " on stream " + n->stream, r,
                     desc, "modified");
    }
    if (patch.count("ack_wait") || patch.count("max_deliver") ||
        patch.count("backoff")) {
      auto value = [&](const std::string& k) {
        auto it = patch.find(k);
        return it != patch.end() ? it->second : ConsumerAttribute(config, k);
      };
      if (Status s = SetDelivery(config, value("ack_wait"),
                                 value("max_deliver"), value("backoff"));
          !s.ok()) {
        return s;
      }
    }
    if (auto it = patch.find("filter_subject"); it != patch.end()) {
      if (it->second.empty()) {
        config.erase("filter_subject");
      } else {
        config["filter_subject"] = it->second;
      }
    }
    CountWrite();
    auto updated = c.AddOrUpdateConsumer(n->stream, config);
    if (!updated.ok()) return updated.status();
    for (const auto& [k, v] : patch) {
      if (k != "dead_letter")
        out[k] = ConsumerAttribute((*updated)["config"], k);
    }
  }
  if (auto it = patch.find("dead_letter"); it != patch.end()) {
    if (it->second.empty()) {
      out["dead_letter"] = "";  // the old stream stays: messages may be in it
    } else {
      auto made = EnsureDeadLetter(c, r, *n);
      if (!made.ok()) return made.status();
      out["dead_letter"] = *made;
    }
  }
  return out;
}

Status PubsubSubscriptionDriver::Delete(const Resource& r) {
  auto n = SubscriptionNamesOf(r);
  if (!n.ok()) return n.status();
  auto client = Client();
  if (!client.ok()) return client.status();
  NatsClient& c = **client;
  {
    auto lock = c.Lock("consumer:" + n->stream + "/" + n->consumer);
    CountRead();
    auto info = c.ConsumerInfo(n->stream, n->consumer);
    if (!info.ok() && info.status().code() != StatusCode::kNotFound) {
      return info.status();
    }
    if (info.ok()) {
      const std::string desc = Description((*info)["config"]);
      if (desc != OwnershipMark(r.env) || r.adopted) {
        return NotOurs("consumer " + n->consumer + " on stream " + n->stream, r,
                       desc, "deleted");
      }
      CountWrite();
      Status s = c.DeleteConsumer(n->stream, n->consumer);
      if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
    }
  }
  // Its dead-letter stream, when it is ours.
  auto lock = c.Lock("stream:" + n->dead_letter);
  CountRead();
  auto dlq = c.StreamInfo(n->dead_letter);
  if (!dlq.ok()) {
    return dlq.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                        : dlq.status();
  }
  if (Description((*dlq)["config"]) != OwnershipMark(r.env))
    return Status::Ok();
  CountWrite();
  Status s = c.DeleteStream(n->dead_letter);
  return s.code() == StatusCode::kNotFound ? Status::Ok() : s;
}

}  // namespace encore::agent::drivers
