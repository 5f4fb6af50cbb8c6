// Helpers shared by the AgentService files (declared in service_internal.h):
// keys, contexts, production and local-run checks, the change-set payload.
#include "agent/service/service_internal.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/text.h"

namespace encore::agent::service_internal {

std::string EnvKey(const std::string& app, const std::string& env) {
  return app + "/" + env;
}

bool IsProductionSpec(const EnvironmentSpec& s) {
  return s.type == "production";
}

bool RunsLocally(const EnvironmentSpec& s) {
  return s.cloud == "local" || s.cloud == "encore";
}

std::string AppliedStatus(const EnvironmentSpec& s) {
  return RunsLocally(s) ? "planned" : "plan_only";
}

std::string PasswordContext(const std::string& app, const std::string& env) {
  return "env:" + app + "/" + env + ":admin_password";
}

StatusOr<std::string> AdminPassword(const SecretBox& box,
                                    const StoredEnvironment& se) {
  if (se.sealed_admin_password.empty()) return std::string();
  return box.Open(se.sealed_admin_password,
                  PasswordContext(se.env.spec.app, se.env.spec.name));
}

std::string SecretContext(const std::string& app, const std::string& name,
                          const std::string& key) {
  return "secret:" + app + "/" + name + ":" + key;
}

std::optional<int> PortOfUrl(const std::string& url) {
  const std::string prefix = kUrlPrefix;
  if (url.rfind(prefix, 0) != 0) return std::nullopt;
  std::string rest = url.substr(prefix.size());
  if (rest.empty() || rest.size() > 5 ||
      !std::all_of(rest.begin(), rest.end(), ::isdigit)) {
    return std::nullopt;
  }
  return std::stoi(rest);
}

Status Stale(const std::string& what, int64_t expected, int64_t now) {
  return Status::Aborted(what + " changed since your plan (version " +
                         std::to_string(expected) + ", now " +
                         std::to_string(now) + "); re-run terraform plan");
}

std::string Payload::RequestKey() const {
  json k = {{"op", op},
            {"spec", json::parse(model::ToJson(spec), nullptr, false)},
            {"fields", fields},
            {"base", base_version},
            {"model", model_hash}};
  if (override_record) {
    k["override"] = {{"kind", override_record->kind},
                     {"name", override_record->name},
                     {"settings", override_record->settings},
                     {"expected", override_expected_version}};
  }
  return k.dump();
}

std::string Payload::ToJson() const {
  json j = {{"op", op},
            {"spec", json::parse(model::ToJson(spec), nullptr, false)},
            {"sealed_admin_password", sealed_admin_password},
            {"fields", fields},
            {"base_version", base_version},
            {"infrastructure",
             json::parse(model::ToJson(infrastructure), nullptr, false)},
            {"previous_status", previous_status},
            {"model_hash", model_hash},
            {"request_key", RequestKey()}};
  if (override_record) {
    j["override"] = {{"app", override_record->app},
                     {"environment", override_record->environment},
                     {"kind", override_record->kind},
                     {"name", override_record->name},
                     {"settings", override_record->settings}};
    j["override_expected_version"] = override_expected_version;
  }
  return j.dump();
}

StatusOr<Payload> Payload::FromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Internal("change set payload is not JSON");
  }
  try {
    Payload p;
    p.op = j.value("op", "");
    auto spec = model::EnvironmentSpecFromJson(j.at("spec").dump());
    if (!spec.ok()) return spec.status();
    p.spec = *spec;
    p.sealed_admin_password = j.value("sealed_admin_password", "");
    p.fields = j.value("fields", std::vector<std::string>{});
    p.base_version = j.value("base_version", int64_t{0});
    auto items = model::InfraItemsFromJson(j.at("infrastructure").dump());
    if (!items.ok()) return items.status();
    p.infrastructure = *items;
    p.previous_status = j.value("previous_status", "");
    p.model_hash = j.value("model_hash", "");
    if (j.contains("override")) {
      const json& o = j["override"];
      InfraOverride ov;
      ov.app = o.value("app", "");
      ov.environment = o.value("environment", "");
      ov.kind = o.value("kind", "");
      ov.name = o.value("name", "");
      ov.settings = o.value("settings", std::map<std::string, std::string>{});
      p.override_record = ov;
      p.override_expected_version =
          j.value("override_expected_version", int64_t{0});
    }
    return p;
  } catch (const json::exception& e) {
    return Status::Internal(std::string("change set payload: ") + e.what());
  }
}

bool IsNotFound(const Status& s) { return s.code() == StatusCode::kNotFound; }

}  // namespace encore::agent::service_internal
