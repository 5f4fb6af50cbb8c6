#include "agent/drivers/pubsub_topic_driver.h"

#include <set>
#include <utility>

namespace encore::agent::drivers {
namespace {

const std::set<std::string>& OwnedKeys() {
  static const auto* keys = new std::set<std::string>{
      "subjects", "max_age", "storage", "description", "max_bytes"};
  return *keys;
}

std::string What(const Resource& r) { return "stream " + r.backend_name; }

Status CheckKeys(const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (!OwnedKeys().count(k)) {
      return Status::InvalidArgument("pubsub_topic has no attribute \"" + k +
                                     "\" (subjects, max_age, storage, "
                                     "description, max_bytes)");
    }
  }
  return Status::Ok();
}

std::string Description(const Json& config) {
  return config.value("description", std::string());
}

Attributes OwnedOf(const Json& config, const Attributes& wanted) {
  Attributes out;
  for (const auto& [k, v] : wanted) {
    auto value = StreamAttribute(config, k);
    out[k] = value.ok() ? *value : "";
  }
  return out;
}

Attributes FactsOf(const std::string& url, const Json& config) {
  return {{"url", url},
          {"stream", config.value("name", std::string())},
          {"subjects", StreamAttribute(config, "subjects").value()}};
}

std::set<std::string> ForeignSkip() {
  std::set<std::string> skip = OwnedKeys();
  skip.insert("name");
  return skip;
}

}  // namespace

StatusOr<std::string> StreamAttribute(const Json& config,
                                      const std::string& key) {
  if (key == "subjects") {
    std::string out;
    for (const auto& s : config.value("subjects", Json::array())) {
      if (!out.empty()) out += ",";
      out += s.get<std::string>();
    }
    return out;
  }
  if (key == "max_age") return FormatNanos(config.value("max_age", int64_t{0}));
  if (key == "storage") return config.value("storage", std::string("file"));
  if (key == "description") return Description(config);
  if (key == "max_bytes") {
    int64_t v = config.value("max_bytes", int64_t{-1});
    return v < 0 ? std::string() : std::to_string(v);
  }
  return Status::InvalidArgument("pubsub_topic has no attribute \"" + key +
                                 "\"");
}

Status SetStreamAttribute(Json& config, const std::string& key,
                          const std::string& value) {
  if (key == "subjects") {
    Json list = Json::array();
    size_t start = 0;
    while (start <= value.size() && !value.empty()) {
      size_t comma = value.find(',', start);
      std::string s = value.substr(start, comma - start);
      if (s.empty())
        return Status::InvalidArgument("subjects = \"" + value +
                                       "\" has an empty subject");
      list.push_back(s);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (list.empty()) return Status::InvalidArgument("a stream needs subjects");
    config["subjects"] = list;
    return Status::Ok();
  }
  if (key == "max_age") {
    if (value.empty()) {
      config["max_age"] = 0;
      return Status::Ok();
    }
    auto ns = ParseNanos(value, "max_age");
    if (!ns.ok()) return ns.status();
    config["max_age"] = *ns;
    return Status::Ok();
  }
  if (key == "storage") {
    if (!value.empty() && value != "file" && value != "memory") {
      return Status::InvalidArgument("storage = \"" + value +
                                     "\": write \"file\" or \"memory\"");
    }
    config["storage"] = value.empty() ? "file" : value;
    return Status::Ok();
  }
  if (key == "description") {
    if (value.empty()) {
      config.erase("description");
    } else {
      config["description"] = value;
    }
    return Status::Ok();
  }
  if (key == "max_bytes") {
    if (value.empty()) {
      config["max_bytes"] = -1;
      return Status::Ok();
    }
    char* end = nullptr;
    long long v = std::strtoll(value.c_str(), &end, 10);
    if (*end != '\0' || v < -1 || v == 0) {
      return Status::InvalidArgument(
          "max_bytes = \"" + value +
          "\" is not a positive whole number of bytes");
    }
    config["max_bytes"] = v;
    return Status::Ok();
  }
  return Status::InvalidArgument("pubsub_topic has no attribute \"" + key +
                                 "\"");
}

PubsubTopicDriver::PubsubTopicDriver(NatsEndpointFn endpoint)
    : endpoint_(std::move(endpoint)) {}

StatusOr<std::shared_ptr<NatsClient>> PubsubTopicDriver::Client() {
  auto ep = endpoint_();
  if (!ep.ok()) return ep.status();
  return NatsClient::ForUrl(ep->url);
}

StatusOr<Observed> PubsubTopicDriver::Observe(
    const Resource& r, const std::vector<std::string>& attributes) {
  if (Status s = CheckJsName(r.backend_name, "stream"); !s.ok()) return s;
  if (Status s = CheckKeys(attributes); !s.ok()) return s;
  auto client = Client();
  if (!client.ok()) return client.status();
  CountRead();
  auto info = (*client)->StreamInfo(r.backend_name);
  Observed out;
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kNotFound) return out;
    return info.status();
  }
  const Json& config = (*info)["config"];
  out.exists = true;
  out.mark = MarkIn(Description(config));
  if (attributes.empty()) {
    for (const auto& k : OwnedKeys()) {
      std::string v = StreamAttribute(config, k).value();
      if (k == "max_bytes" && v.empty()) continue;  // no override set
      out.attributes[k] = v;
    }
    for (auto& [k, v] : ForeignAttributes(config, ForeignSkip())) {
      out.attributes[k] = std::move(v);
    }
    return out;
  }
  for (const auto& k : attributes)
    out.attributes[k] = StreamAttribute(config, k).value();
  return out;
}

StatusOr<Created> PubsubTopicDriver::Create(const Resource& r) {
  if (Status s = CheckJsName(r.backend_name, "stream"); !s.ok()) return s;
  auto client = Client();
  if (!client.ok()) return client.status();
  auto lock = (*client)->Lock("stream:" + r.backend_name);
  CountRead();
  auto info = (*client)->StreamInfo(r.backend_name);
  if (!info.ok() && info.status().code() != StatusCode::kNotFound) {
    return info.status();
  }
  if (!info.ok()) {
    Json config = {{"name", r.backend_name}, {"storage", "file"}};
    for (const auto& [k, v] : r.item.attributes) {
      if (k == "description") continue;  // the mark, below
      if (Status s = SetStreamAttribute(config, k, v); !s.ok()) return s;
    }
    if (!config.contains("subjects"))
      config["subjects"] = Json::array({r.backend_name});
    if (!r.adopted) config["description"] = OwnershipMark(r.env);
    CountWrite();
    info = (*client)->AddStream(config);
    if (!info.ok()) return info.status();
  } else {
    const std::string desc = Description((*info)["config"]);
    if (desc != OwnershipMark(r.env) && !r.adopted) {
      return ForeignExists(What(r), desc);
    }
  }
  const Json& config = (*info)["config"];
  Created out;
  out.observed = OwnedOf(config, r.item.attributes);
  out.baseline = ForeignAttributes(config, ForeignSkip());
  out.facts = FactsOf((*client)->url(), config);
  return out;
}

StatusOr<Attributes> PubsubTopicDriver::Update(const Resource& r,
                                               const Attributes& patch) {
  if (patch.empty()) return Attributes{};
  if (Status s = CheckJsName(r.backend_name, "stream"); !s.ok()) return s;
  std::vector<std::string> keys;
  for (const auto& [k, v] : patch) keys.push_back(k);
  if (Status s = CheckKeys(keys); !s.ok()) return s;
  auto client = Client();
  if (!client.ok()) return client.status();
  auto lock = (*client)->Lock("stream:" + r.backend_name);
  CountRead();
  auto info = (*client)->StreamInfo(r.backend_name);
  if (!info.ok()) return info.status();
  Json config = (*info)["config"];
  const std::string desc = Description(config);
  if (desc != OwnershipMark(r.env) && !r.adopted) {
    return Status::FailedPrecondition(
        What(r) + " does not carry the mark of environment " + r.env + " (" +
        OwnershipMark(r.env) + "); found " +
        (desc.empty() ? "no mark" : "\"" + desc + "\"") + ": not modified");
  }
  for (const auto& [k, v] : patch) {
    if (k == "description" && r.adopted) continue;  // never mark an adopted one
    if (Status s = SetStreamAttribute(config, k, v); !s.ok()) return s;
  }
  CountWrite();
  auto updated = (*client)->UpdateStream(config);
  if (!updated.ok()) return updated.status();
  Attributes out;
  for (const auto& [k, v] : patch) {
    out[k] = StreamAttribute((*updated)["config"], k).value();
  }
  return out;
}

Status PubsubTopicDriver::Delete(const Resource& r) {
  if (Status s = CheckJsName(r.backend_name, "stream"); !s.ok()) return s;
  auto client = Client();
  if (!client.ok()) return client.status();
  auto lock = (*client)->Lock("stream:" + r.backend_name);
  CountRead();
  auto info = (*client)->StreamInfo(r.backend_name);
  if (!info.ok()) {
    return info.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                         : info.status();
  }
  const std::string desc = Description((*info)["config"]);
  if (desc != OwnershipMark(r.env) || r.adopted) {
    return Status::FailedPrecondition(
        What(r) + " does not carry the mark of environment " + r.env + " (" +
        OwnershipMark(r.env) + "); found " +
        (desc.empty() ? "no mark" : "\"" + desc + "\"") + ": not deleted");
  }
  CountWrite();
  Status s = (*client)->DeleteStream(r.backend_name);
  return s.code() == StatusCode::kNotFound ? Status::Ok() : s;
}

}  // namespace encore::agent::drivers
