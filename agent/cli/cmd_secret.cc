// secret get, secret set (admin).
#include <istream>
#include <iterator>
#include <ostream>

#include "agent/cli/commands.h"
#include "agent/cli/output.h"

namespace encore::agent::cli {

using Json = nlohmann::ordered_json;

StatusOr<int> RunSecretGet(Session& s) {
  auto id = SplitPair(s.args().args[0], "APP/NAME");
  if (!id.ok()) return id.status();
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto values = (*c)->RevealSecret(id->first, id->second);
  if (!values.ok()) return values.status();
  if (s.has_flag("key")) {
    auto it = values->find(s.flag("key"));
    if (it == values->end()) {
      std::string keys;
      for (const auto& [k, v] : *values) keys += (keys.empty() ? "" : ", ") + k;
      return Status::NotFound("secret " + id->first + "/" + id->second +
                              " has no key \"" + s.flag("key") +
                              "\" (keys: " + (keys.empty() ? "none" : keys) +
                              ")");
    }
    if (s.json()) {
      s.out() << Json(it->second).dump() << "\n";
    } else {
      s.out() << it->second << "\n";
    }
    return 0;
  }
  if (s.json()) {
    Json j = Json::object();
    for (const auto& [k, v] : *values) j[k] = v;
    s.out() << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& [k, v] : *values) s.out() << k << "=" << v << "\n";
  return 0;
}

StatusOr<int> RunSecretSet(Session& s) {
  auto id = SplitPair(s.args().args[0], "APP/NAME");
  if (!id.ok()) return id.status();
  std::map<std::string, std::string> changes;
  bool stdin_used = false;
  for (size_t i = 1; i < s.args().args.size(); ++i) {
    auto kv = SplitAssignment(s.args().args[i]);
    if (!kv.ok()) return kv.status();
    if (kv->second == "-") {
      if (stdin_used) {
        return Status::InvalidArgument(
            "only one KEY=- can read its value from stdin");
      }
      stdin_used = true;
      std::string v((std::istreambuf_iterator<char>(s.in())),
                    std::istreambuf_iterator<char>());
      if (!v.empty() && v.back() == '\n') v.pop_back();
      if (!v.empty() && v.back() == '\r') v.pop_back();
      kv->second = v;
    }
    changes[kv->first] = kv->second;
  }
  auto c = s.Client();
  if (!c.ok()) return c.status();
  // The current record (its version), then its values: an admin merges.
  model::Secret secret;
  secret.app = id->first;
  secret.name = id->second;
  int64_t version = 0;
  auto current = (*c)->GetSecret(id->first, id->second);
  if (current.ok()) {
    version = current->version;
    secret.values_wo_version = current->values_wo_version;
    auto values = (*c)->RevealSecret(id->first, id->second);
    if (!values.ok()) return values.status();
    secret.values = *values;
  } else if (current.status().code() != StatusCode::kNotFound) {
    return current.status();
  }
  for (const auto& [k, v] : changes) secret.values[k] = v;
  auto put = (*c)->PutSecret(secret, version);
  if (!put.ok()) return put.status();
  std::string keys;
  for (const auto& [k, v] : changes) keys += (keys.empty() ? "" : ", ") + k;
  if (s.json()) {
    Json fp = Json::object();
    for (const auto& [k, v] : put->fingerprints) fp[k] = v;
    s.out() << Json{{"secret", id->first + "/" + id->second},
                    {"version", put->version},
                    {"fingerprints", fp}}
                   .dump(2)
            << "\n";
  } else {
    s.out() << "secret " << id->first << "/" << id->second << " "
            << (version == 0 ? "created" : "updated") << " (version "
            << put->version << "): set " << keys << "\n";
  }
  return 0;
}

}  // namespace encore::agent::cli
