#include "provider/resources/environment_record.h"

#include <map>

#include "provider/resources/agent_calls.h"
#include "provider/resources/common.h"

namespace encore::resources {
namespace {

using framework::Block;
using values::Type;
using values::Value;

std::string Str(const Value& obj, std::string_view name) {
  return KnownString(AttrOr(obj, name)).value_or("");
}

Value StrOrNull(const std::string& s) {
  return s.empty() ? Value::Null(Type::String()) : Value::String(s);
}

std::optional<int64_t> Int(const Value& obj, std::string_view name) {
  Value v = AttrOr(obj, name);
  if (!v.IsKnown()) return std::nullopt;
  return v.AsNumber().AsInt64();
}

std::vector<std::string> Strings(const Value& list) {
  std::vector<std::string> out;
  if (!list.IsKnown()) return out;
  for (const Value& e : list.Elements()) {
    if (e.IsKnown()) out.push_back(e.AsString());
  }
  return out;
}

Value StringList(const std::vector<std::string>& items) {
  std::vector<Value> out;
  for (const auto& s : items) out.push_back(Value::String(s));
  return Value::List(Type::String(), std::move(out));
}

const Block& Nested(const Block& b, std::string_view name) {
  return b.FindBlock(name)->block;
}

Value NullBlock(const Block& b, std::string_view name) {
  return Value::Null(b.FindBlock(name)->ImpliedType());
}

std::vector<Value> ElementsOf(const Value& v) {
  if (!v.IsKnown()) return {};
  return v.Elements();
}

}  // namespace

model::EnvironmentSpec SpecFromValue(const Value& v) {
  model::EnvironmentSpec s;
  s.app = Str(v, "app");
  s.name = Str(v, "name");
  s.type = Str(v, "type");
  s.cloud = Str(v, "cloud");
  s.region = Str(v, "region");
  if (Value d = AttrOr(v, "deploy"); d.IsKnown()) {
    s.deploy = model::DeploySpec{Str(d, "trigger"), Str(d, "branch")};
  }
  s.infra_approval = Str(v, "infra_approval");
  s.process_allocation = Str(v, "process_allocation");
  for (const Value& g : ElementsOf(AttrOr(v, "process_group"))) {
    s.process_groups.push_back(
        model::ProcessGroup{Str(g, "name"), Strings(AttrOr(g, "services"))});
  }
  if (Value c = AttrOr(v, "compute"); c.IsKnown()) {
    model::ComputeSpec compute;
    compute.platform = Str(c, "platform");
    if (Value k = AttrOr(c, "kubernetes"); k.IsKnown()) {
      compute.kubernetes = model::KubernetesSpec{
          Str(k, "provider"), Str(k, "cluster"), Str(k, "cluster_name")};
    }
    s.compute = compute;
  }
  if (Value d = AttrOr(v, "database"); d.IsKnown()) {
    model::DatabaseSpec db;
    db.provider = Str(d, "provider");
    db.branch_from = Str(d, "branch_from");
    if (Value e = AttrOr(d, "existing_server"); e.IsKnown()) {
      model::ExistingServer server;
      server.host = Str(e, "host");
      server.port = Int(e, "port").value_or(5432);
      server.admin_user = Str(e, "admin_user");
      server.admin_password = Str(e, "admin_password");
      server.admin_password_wo_version = Int(e, "admin_password_wo_version");
      server.sslmode = Str(e, "sslmode");
      db.existing_server = server;
    }
    s.database = db;
  }
  for (const Value& a : ElementsOf(AttrOr(v, "adopt"))) {
    s.adopt.push_back(
        model::AdoptSpec{Str(a, "kind"), Str(a, "name"), Str(a, "policy")});
  }
  s.deletion_policy = Str(v, "deletion_policy");
  return s;
}

std::vector<std::string> ChangedFields(const model::EnvironmentSpec& a,
                                       const model::EnvironmentSpec& b) {
  std::vector<std::string> out;
  for (std::string_view f : model::kEnvironmentMutableFields) {
    bool differs = false;
    if (f == "deploy") differs = a.deploy != b.deploy;
    else if (f == "infra_approval") differs = a.infra_approval != b.infra_approval;
    else if (f == "process_allocation")
      differs = a.process_allocation != b.process_allocation;
    else if (f == "process_groups") differs = a.process_groups != b.process_groups;
    else if (f == "compute") differs = a.compute != b.compute;
    else if (f == "database") differs = a.database != b.database;
    else if (f == "adopt") differs = a.adopt != b.adopt;
    else if (f == "deletion_policy")
      differs = a.deletion_policy != b.deletion_policy;
    if (differs) out.emplace_back(f);
  }
  return out;
}

EnvironmentPrivate ParseEnvironmentPrivate(const std::string& data) {
  EnvironmentPrivate p;
  nlohmann::json j = ParsePrivate(data);
  auto it = j.find("admin_password_fingerprint");
  if (it != j.end() && it->is_string()) {
    p.admin_password_fingerprint = it->get<std::string>();
  }
  return p;
}

std::string EnvironmentPrivateJson(const EnvironmentPrivate& p) {
  nlohmann::json j = nlohmann::json::object();
  if (p.admin_password_fingerprint) {
    j["admin_password_fingerprint"] = *p.admin_password_fingerprint;
  }
  return j.dump();
}

Value EnvironmentState(const Block& block, const model::Environment& env,
                       const Value& prior, const EnvironmentPrivate& written) {
  const model::EnvironmentSpec& s = env.spec;
  std::map<std::string, Value> a;
  a["app"] = Value::String(s.app);
  a["name"] = Value::String(s.name);
  a["type"] = Value::String(s.type);
  a["cloud"] = Value::String(s.cloud);
  a["region"] = StrOrNull(s.region);
  a["infra_approval"] = Value::String(s.infra_approval);
  a["process_allocation"] = StrOrNull(s.process_allocation);
  a["deletion_policy"] = StrOrNull(s.deletion_policy);
  a["id"] = Value::String(s.app + "/" + s.name);
  a["url"] = StrOrNull(env.url);
  a["status"] = Value::String(env.status);
  a["version"] = Value::String(std::to_string(env.version));
  a["pending_change_set"] = Value::String(env.pending_change_set);

  const Type infra_type =
      block.FindAttribute("infrastructure")->type.element();
  std::vector<Value> infra;
  for (const model::InfraItem& i : env.infrastructure) {
    infra.push_back(Value::ObjectOf(
        infra_type, {{"kind", Value::String(i.kind)},
                     {"name", Value::String(i.name)},
                     {"provider_id", Value::String(i.provider_id)},
                     {"owner", Value::String(i.owner)},
                     {"status", Value::String(i.status)},
                     {"planned_calls", StringList(i.planned_calls)}}));
  }
  a["infrastructure"] = Value::List(infra_type, std::move(infra));
  const Type drift_type = block.FindAttribute("drift")->type.element();
  std::vector<Value> drift;
  for (const model::DriftItem& d : env.drift) {
    drift.push_back(Value::ObjectOf(
        drift_type, {{"kind", Value::String(d.kind)},
                     {"name", Value::String(d.name)},
                     {"attribute", Value::String(d.attribute)},
                     {"expected", Value::String(d.expected)},
                     {"actual", Value::String(d.actual)},
                     {"classification", Value::String(d.classification)}}));
  }
  a["drift"] = Value::List(drift_type, std::move(drift));

  if (s.deploy) {
    a["deploy"] = Value::ObjectOf(
        Nested(block, "deploy").ImpliedType(),
        {{"trigger", Value::String(s.deploy->trigger)},
         {"branch", StrOrNull(s.deploy->branch)}});
  } else {
    a["deploy"] = NullBlock(block, "deploy");
  }

  const Type group_type = Nested(block, "process_group").ImpliedType();
  std::vector<Value> groups;
  for (const auto& g : s.process_groups) {
    groups.push_back(Value::ObjectOf(
        group_type, {{"name", Value::String(g.name)},
                     {"services", StringList(g.services)}}));
  }
  a["process_group"] = Value::List(group_type, std::move(groups));

  if (s.compute) {
    const Block& cb = Nested(block, "compute");
    Value kube = NullBlock(cb, "kubernetes");
    if (s.compute->kubernetes) {
      const auto& k = *s.compute->kubernetes;
      kube = Value::ObjectOf(Nested(cb, "kubernetes").ImpliedType(),
                             {{"provider", Value::String(k.provider)},
                              {"cluster", Value::String(k.cluster)},
                              {"cluster_name", StrOrNull(k.cluster_name)}});
    }
    a["compute"] = Value::ObjectOf(
        cb.ImpliedType(),
        {{"platform", StrOrNull(s.compute->platform)}, {"kubernetes", kube}});
  } else {
    a["compute"] = NullBlock(block, "compute");
  }

  if (s.database) {
    const Block& db = Nested(block, "database");
    Value server = NullBlock(db, "existing_server");
    if (s.database->existing_server) {
      const auto& e = *s.database->existing_server;
      Value prior_server =
          AttrOr(AttrOr(prior, "database"), "existing_server");
      Value password = AttrOr(prior_server, "admin_password");
      Value wo_version = AttrOr(prior_server, "admin_password_wo_version");
      if (!password.IsKnown()) password = Value::Null(Type::String());
      if (!wo_version.IsKnown()) {
        wo_version = e.admin_password_wo_version
                         ? Value::Int(*e.admin_password_wo_version)
                         : Value::Null(Type::Number());
      }
      if (written.admin_password_fingerprint &&
          *written.admin_password_fingerprint !=
              e.admin_password_fingerprint) {
        // Changed out of band: make the next plan send it again.
        password = Value::Null(Type::String());
        wo_version = Value::Null(Type::Number());
      }
      server = Value::ObjectOf(
          Nested(db, "existing_server").ImpliedType(),
          {{"host", Value::String(e.host)},
           {"port", Value::Int(e.port)},
           {"admin_user", Value::String(e.admin_user)},
           {"admin_password", password},
           {"admin_password_wo", Value::Null(Type::String())},
           {"admin_password_wo_version", wo_version},
           {"sslmode", Value::String(e.sslmode)}});
    }
    a["database"] = Value::ObjectOf(
        db.ImpliedType(), {{"provider", StrOrNull(s.database->provider)},
                           {"branch_from", StrOrNull(s.database->branch_from)},
                           {"existing_server", server}});
  } else {
    a["database"] = NullBlock(block, "database");
  }

  const Type adopt_type = Nested(block, "adopt").ImpliedType();
  std::vector<Value> adopt;
  for (const auto& ad : s.adopt) {
    adopt.push_back(Value::ObjectOf(adopt_type,
                                    {{"kind", Value::String(ad.kind)},
                                     {"name", Value::String(ad.name)},
                                     {"policy", Value::String(ad.policy)}}));
  }
  a["adopt"] = Value::List(adopt_type, std::move(adopt));

  Value timeouts = AttrOr(prior, "timeouts");
  a["timeouts"] = timeouts.IsKnown() ? timeouts : NullBlock(block, "timeouts");
  return Value::ObjectOf(block.ImpliedType(), std::move(a));
}

}  // namespace encore::resources
