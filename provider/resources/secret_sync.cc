#include "provider/resources/secret_sync.h"

#include "provider/resources/agent_calls.h"

namespace encore::resources {

SecretPrivate ParseSecretPrivate(const std::string& data) {
  SecretPrivate p;
  nlohmann::json j = ParsePrivate(data);
  p.version = PrivateVersion(data);
  auto it = j.find("fingerprints");
  if (it != j.end() && it->is_object()) {
    p.has_fingerprints = true;
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) p.fingerprints[k] = v.get<std::string>();
    }
  }
  return p;
}

std::string SecretPrivateJson(const SecretPrivate& p) {
  nlohmann::json j = {{"version", p.version}};
  if (p.has_fingerprints) {
    j["fingerprints"] = nlohmann::json::object();
    for (const auto& [k, v] : p.fingerprints) j["fingerprints"][k] = v;
  }
  return j.dump();
}

std::string ValuesSync(const SecretPrivate& written,
                       const std::map<std::string, std::string>& agent) {
  if (!written.has_fingerprints) return kValuesImported;
  return written.fingerprints == agent ? kValuesInSync : kValuesChanged;
}

}  // namespace encore::resources
