#include "model/records.h"

#include <nlohmann/json.hpp>

namespace encore::model {
namespace {

using nlohmann::json;

// Reads an optional member of `j` into `out` when present and non-null.
template <typename T>
void Get(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->get<T>();
}

json SpecToJson(const EnvironmentSpec& s) {
  json j = {{"app", s.app},
            {"name", s.name},
            {"type", s.type},
            {"cloud", s.cloud},
            {"region", s.region},
            {"infra_approval", s.infra_approval},
            {"process_allocation", s.process_allocation},
            {"deletion_policy", s.deletion_policy}};
  if (s.deploy) {
    j["deploy"] = {{"trigger", s.deploy->trigger},
                   {"branch", s.deploy->branch}};
  }
  json groups = json::array();
  for (const auto& g : s.process_groups) {
    groups.push_back({{"name", g.name}, {"services", g.services}});
  }
  j["process_groups"] = groups;
  if (s.compute) {
    json c = {{"platform", s.compute->platform}};
    if (s.compute->kubernetes) {
      c["kubernetes"] = {{"provider", s.compute->kubernetes->provider},
                         {"cluster", s.compute->kubernetes->cluster},
                         {"cluster_name", s.compute->kubernetes->cluster_name}};
    }
    j["compute"] = c;
  }
  if (s.database) {
    json d = {{"provider", s.database->provider},
              {"branch_from", s.database->branch_from}};
    if (s.database->existing_server) {
      const ExistingServer& e = *s.database->existing_server;
      // admin_password is never written: it is stored sealed elsewhere.
      json es = {{"host", e.host},
                 {"port", e.port},
                 {"admin_user", e.admin_user},
                 {"sslmode", e.sslmode},
                 {"admin_password_fingerprint", e.admin_password_fingerprint}};
      if (e.admin_password_wo_version) {
        es["admin_password_wo_version"] = *e.admin_password_wo_version;
      }
      d["existing_server"] = es;
    }
    j["database"] = d;
  }
  json adopt = json::array();
  for (const auto& a : s.adopt) {
    adopt.push_back({{"kind", a.kind}, {"name", a.name}, {"policy", a.policy}});
  }
  j["adopt"] = adopt;
  return j;
}

EnvironmentSpec SpecFromJson(const json& j) {
  EnvironmentSpec s;
  Get(j, "app", s.app);
  Get(j, "name", s.name);
  Get(j, "type", s.type);
  Get(j, "cloud", s.cloud);
  Get(j, "region", s.region);
  Get(j, "infra_approval", s.infra_approval);
  Get(j, "process_allocation", s.process_allocation);
  Get(j, "deletion_policy", s.deletion_policy);
  if (j.contains("deploy") && j["deploy"].is_object()) {
    DeploySpec d;
    Get(j["deploy"], "trigger", d.trigger);
    Get(j["deploy"], "branch", d.branch);
    s.deploy = d;
  }
  if (j.contains("process_groups")) {
    for (const auto& g : j["process_groups"]) {
      ProcessGroup pg;
      Get(g, "name", pg.name);
      Get(g, "services", pg.services);
      s.process_groups.push_back(pg);
    }
  }
  if (j.contains("compute") && j["compute"].is_object()) {
    ComputeSpec c;
    Get(j["compute"], "platform", c.platform);
    if (j["compute"].contains("kubernetes") &&
        j["compute"]["kubernetes"].is_object()) {
      const json& k = j["compute"]["kubernetes"];
      KubernetesSpec ks;
      Get(k, "provider", ks.provider);
      Get(k, "cluster", ks.cluster);
      Get(k, "cluster_name", ks.cluster_name);
      c.kubernetes = ks;
    }
    s.compute = c;
  }
  if (j.contains("database") && j["database"].is_object()) {
    const json& dj = j["database"];
    DatabaseSpec d;
    Get(dj, "provider", d.provider);
    Get(dj, "branch_from", d.branch_from);
    if (dj.contains("existing_server") && dj["existing_server"].is_object()) {
      const json& ej = dj["existing_server"];
      ExistingServer e;
      Get(ej, "host", e.host);
      Get(ej, "port", e.port);
      Get(ej, "admin_user", e.admin_user);
      Get(ej, "sslmode", e.sslmode);
      Get(ej, "admin_password_fingerprint", e.admin_password_fingerprint);
      if (ej.contains("admin_password_wo_version") &&
          !ej["admin_password_wo_version"].is_null()) {
        e.admin_password_wo_version =
            ej["admin_password_wo_version"].get<int64_t>();
      }
      d.existing_server = e;
    }
    s.database = d;
  }
  if (j.contains("adopt")) {
    for (const auto& a : j["adopt"]) {
      AdoptSpec as;
      Get(a, "kind", as.kind);
      Get(a, "name", as.name);
      Get(a, "policy", as.policy);
      s.adopt.push_back(as);
    }
  }
  return s;
}

// Parses `text`, then converts with `fn`; a parse or type error becomes
// kInvalidArgument naming `what`.
template <typename T, typename Fn>
StatusOr<T> ParseWith(std::string_view text, const char* what, Fn fn) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::InvalidArgument(std::string(what) + ": not valid JSON");
  }
  try {
    return fn(j);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string(what) + ": " + e.what());
  }
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kMember:
      return "member";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "member") return Role::kMember;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string ToJson(const EnvironmentSpec& spec) {
  return SpecToJson(spec).dump();
}

StatusOr<EnvironmentSpec> EnvironmentSpecFromJson(std::string_view text) {
  return ParseWith<EnvironmentSpec>(text, "environment spec", SpecFromJson);
}

std::string ToJson(const std::vector<InfraItem>& items) {
  json a = json::array();
  for (const auto& i : items) {
    a.push_back({{"kind", i.kind},
                 {"name", i.name},
                 {"provider_id", i.provider_id},
                 {"owner", i.owner},
                 {"status", i.status},
                 {"planned_calls", i.planned_calls},
                 {"attributes", i.attributes}});
  }
  return a.dump();
}

StatusOr<std::vector<InfraItem>> InfraItemsFromJson(std::string_view text) {
  return ParseWith<std::vector<InfraItem>>(
      text, "infrastructure", [](const json& j) {
        std::vector<InfraItem> out;
        for (const auto& e : j) {
          InfraItem i;
          Get(e, "kind", i.kind);
          Get(e, "name", i.name);
          Get(e, "provider_id", i.provider_id);
          Get(e, "owner", i.owner);
          Get(e, "status", i.status);
          Get(e, "planned_calls", i.planned_calls);
          Get(e, "attributes", i.attributes);
          out.push_back(std::move(i));
        }
        return out;
      });
}

std::string ToJson(const std::vector<Operation>& ops) {
  json a = json::array();
  for (const auto& o : ops) {
    a.push_back({{"action", o.action},
                 {"kind", o.kind},
                 {"name", o.name},
                 {"calls", o.calls},
                 {"note", o.note}});
  }
  return a.dump();
}

StatusOr<std::vector<Operation>> OperationsFromJson(std::string_view text) {
  return ParseWith<std::vector<Operation>>(
      text, "operations", [](const json& j) {
        std::vector<Operation> out;
        for (const auto& e : j) {
          Operation o;
          Get(e, "action", o.action);
          Get(e, "kind", o.kind);
          Get(e, "name", o.name);
          Get(e, "calls", o.calls);
          Get(e, "note", o.note);
          out.push_back(std::move(o));
        }
        return out;
      });
}

std::string ToJson(const std::vector<DriftItem>& drift) {
  json a = json::array();
  for (const auto& d : drift) {
    a.push_back({{"kind", d.kind},
                 {"name", d.name},
                 {"attribute", d.attribute},
                 {"expected", d.expected},
                 {"actual", d.actual},
                 {"classification", d.classification}});
  }
  return a.dump();
}

StatusOr<std::vector<DriftItem>> DriftFromJson(std::string_view text) {
  return ParseWith<std::vector<DriftItem>>(text, "drift", [](const json& j) {
    std::vector<DriftItem> out;
    for (const auto& e : j) {
      DriftItem d;
      Get(e, "kind", d.kind);
      Get(e, "name", d.name);
      Get(e, "attribute", d.attribute);
      Get(e, "expected", d.expected);
      Get(e, "actual", d.actual);
      Get(e, "classification", d.classification);
      out.push_back(std::move(d));
    }
    return out;
  });
}

std::string ToJson(const std::map<std::string, std::string>& m) {
  return json(m).dump();
}

StatusOr<std::map<std::string, std::string>> StringMapFromJson(
    std::string_view text) {
  return ParseWith<std::map<std::string, std::string>>(
      text, "string map", [](const json& j) {
        return j.get<std::map<std::string, std::string>>();
      });
}

std::string ChangeSetId(int64_t n) { return "cs-" + std::to_string(n); }

std::optional<int64_t> ParseChangeSetId(std::string_view id) {
  if (id.size() < 4 || id.substr(0, 3) != "cs-") return std::nullopt;
  int64_t n = 0;
  for (char c : id.substr(3)) {
    if (c < '0' || c > '9' || n > (INT64_MAX - 9) / 10) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n > 0 ? std::optional<int64_t>(n) : std::nullopt;
}

}  // namespace encore::model
