#include "agent/store/ledger_json.h"

#include <nlohmann/json.hpp>

namespace encore::agent {

using json = nlohmann::json;

std::string LedgerEntryToJson(const LedgerEntry& e) {
  json attrs = json::object();
  for (const auto& [k, a] : e.attributes) {
    attrs[k] = {{"written", a.written}, {"observed", a.observed}};
  }
  json j = {{"provider_id", e.provider_id},
            {"backend_name", e.backend_name},
            {"owner", e.owner},
            {"state", e.state},
            {"attributes", attrs},
            {"baseline", e.baseline},
            {"facts", e.facts},
            {"location", e.location},
            {"credential_fingerprints", e.credential_fingerprints},
            {"updated_at_ms", e.updated_at_ms}};
  return j.dump();
}

Status LedgerEntryFromJson(const std::string& text, LedgerEntry* e) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::Internal("ledger entry " + e->app + "/" + e->environment +
                            "/" + e->kind + "/" + e->name + " is damaged");
  }
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>()
                                            : std::string();
  };
  auto map = [&](const char* key) {
    std::map<std::string, std::string> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return out;
    for (auto& [k, v] : it->items()) {
      if (v.is_string()) out[k] = v.get<std::string>();
    }
    return out;
  };
  e->provider_id = str("provider_id");
  e->backend_name = str("backend_name");
  e->owner = str("owner");
  e->state = str("state");
  e->baseline = map("baseline");
  e->facts = map("facts");
  e->location = map("location");
  e->credential_fingerprints = map("credential_fingerprints");
  e->attributes.clear();
  if (auto it = j.find("attributes"); it != j.end() && it->is_object()) {
    for (auto& [k, v] : it->items()) {
      LedgerAttribute a;
      if (v.is_object()) {
        a.written = v.value("written", "");
        a.observed = v.value("observed", "");
      }
      e->attributes[k] = a;
    }
  }
  e->updated_at_ms = j.value("updated_at_ms", int64_t{0});
  return Status::Ok();
}

}  // namespace encore::agent
