#include "agent/cli/output.h"

#include <ctime>

namespace encore::agent::cli {
namespace {

using Json = nlohmann::ordered_json;

// A JSON text from model/records.h's ToJson, as a value (null if broken).
Json Parsed(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json() : j;
}

}  // namespace

std::string TimeText(int64_t ms) {
  if (ms == 0) return "-";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json ToJsonValue(const model::App& a) {
  return Json{{"name", a.name},
              {"version", a.version},
              {"model_hash", a.model_hash},
              {"services", a.services},
              {"model", Parsed(a.model_json)}};
}

Json ToJsonValue(const model::Environment& e) {
  return Json{{"id", e.spec.app + "/" + e.spec.name},
              {"spec", Parsed(model::ToJson(e.spec))},
              {"version", e.version},
              {"status", e.status},
              {"url", e.url},
              {"infrastructure", Parsed(model::ToJson(e.infrastructure))},
              {"pending_change_set", e.pending_change_set},
              {"drift", Parsed(model::ToJson(e.drift))}};
}

Json ToJsonValue(const model::ChangeSet& cs) {
  return Json{{"id", cs.id},
              {"app", cs.app},
              {"environment", cs.environment},
              {"state", cs.state},
              {"summary", cs.summary},
              {"base_version", cs.base_version},
              {"changes_infrastructure", cs.changes_infrastructure},
              {"operations", Parsed(model::ToJson(cs.operations))},
              {"created_by", cs.created_by},
              {"created_at", TimeText(cs.created_at_ms)},
              {"decided_by", cs.decided_by},
              {"decided_at", TimeText(cs.decided_at_ms)},
              {"reason", cs.reason}};
}

Json ToJsonValue(const model::AuditEntry& e) {
  Json details = Parsed(e.details);
  return Json{{"seq", e.seq},
              {"time", TimeText(e.time_ms)},
              {"actor", e.actor},
              {"action", e.action},
              {"target", e.target},
              {"details", details.is_null() ? Json(e.details) : details},
              {"prev_hash", e.prev_hash},
              {"hash", e.hash}};
}

Json ToJsonValue(const model::TokenInfo& t) {
  return Json{{"name", t.name},
              {"role", std::string(model::RoleName(t.role))},
              {"created_at", TimeText(t.created_at_ms)},
              {"revoked_at", TimeText(t.revoked_at_ms)},
              {"active", t.revoked_at_ms == 0}};
}

}  // namespace encore::agent::cli
