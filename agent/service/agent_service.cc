#include "agent/service/agent_service.h"

#include "agent/executor/infrastructure.h"
#include "agent/executor/runtime_config.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "agent/planner/planner.h"
#include "agent/service/permissions.h"
#include "agent/service/validation.h"
#include "model/app_model.h"
#include "model/text.h"

namespace encore::agent {

Clock SystemClock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

namespace {

using model::Actor;
using model::App;
using model::ChangeSet;
using model::Environment;
using model::EnvironmentChange;
using model::EnvironmentSpec;
using model::InfraItem;
using model::InfraOverride;
using model::Operation;
using nlohmann::json;

#define SVC_RETURN_IF_ERROR(expr)  \
  do {                             \
    ::encore::Status _st = (expr); \
    if (!_st.ok()) return _st;     \
  } while (0)

// Gateway ports (DESIGN §3: "the first local one on 4000, as Encore does"):
// local environments count up from 4000, hosted (cloud "encore") ones from
// 5000, so `encore run`'s usual address goes to a local environment.
constexpr int kFirstLocalPort = 4000;
constexpr int kFirstHostedPort = 5000;
constexpr char kUrlPrefix[] = "http://127.0.0.1:";

// Runs `get` (StoreTx& -> StatusOr<T>) in a read transaction and returns
// its value or its error.
template <typename Get>
auto ReadOne(Store& store, Get get) -> decltype(get(std::declval<StoreTx&>())) {
  using Result = decltype(get(std::declval<StoreTx&>()));
  std::optional<Result> out;
  Status s = store.Read([&](StoreTx& tx) -> Status {
    out.emplace(get(tx));
    return out->ok() ? Status::Ok() : out->status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

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

// The clear admin password of a stored environment's existing_server ("" when
// none).
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

// Tops of field-mask paths ("database.existing_server.host" -> "database").
StatusOr<std::vector<std::string>> EnvironmentMask(
    const std::vector<std::string>& mask) {
  std::vector<std::string> out;
  if (mask.empty()) {
    for (auto f : model::kEnvironmentMutableFields) out.emplace_back(f);
    return out;
  }
  for (const auto& path : mask) {
    std::string top = path.substr(0, path.find('.'));
    bool ok = false;
    for (auto f : model::kEnvironmentMutableFields) ok = ok || f == top;
    if (!ok) {
      std::vector<std::string> allowed;
      for (auto f : model::kEnvironmentMutableFields) allowed.emplace_back(f);
      return Status::InvalidArgument(
          "field \"" + path +
          "\" cannot be updated in place; app, name, type, cloud and region "
          "are fixed at creation (replace the environment); updatable: " +
          model::QuotedList(allowed, "and"));
    }
    if (std::find(out.begin(), out.end(), top) == out.end()) out.push_back(top);
  }
  return out;
}

void CopyField(const std::string& f, const EnvironmentSpec& from,
               EnvironmentSpec& to) {
  if (f == "deploy") to.deploy = from.deploy;
  if (f == "infra_approval") to.infra_approval = from.infra_approval;
  if (f == "process_allocation")
    to.process_allocation = from.process_allocation;
  if (f == "process_groups") to.process_groups = from.process_groups;
  if (f == "compute") to.compute = from.compute;
  if (f == "database") to.database = from.database;
  if (f == "adopt") to.adopt = from.adopt;
  if (f == "deletion_policy") to.deletion_policy = from.deletion_policy;
}

// The mutable fields that differ (password changes named without value).
std::vector<std::string> ChangedFields(const EnvironmentSpec& a,
                                       const EnvironmentSpec& b) {
  std::vector<std::string> out;
  if (a.deploy != b.deploy) out.push_back("deploy");
  if (a.infra_approval != b.infra_approval) out.push_back("infra_approval");
  if (a.process_allocation != b.process_allocation) {
    out.push_back("process_allocation");
  }
  if (a.process_groups != b.process_groups) out.push_back("process_groups");
  if (a.compute != b.compute) out.push_back("compute");
  if (a.database != b.database) {
    EnvironmentSpec x = a, y = b;
    auto fp = [](EnvironmentSpec& s) -> std::string {
      if (!s.database || !s.database->existing_server) return "";
      std::string f = s.database->existing_server->admin_password_fingerprint;
      s.database->existing_server->admin_password_fingerprint.clear();
      return f;
    };
    bool password = fp(x) != fp(y);
    if (x.database != y.database) out.push_back("database");
    if (password) {
      out.push_back("database.existing_server.admin_password");
    }
  }
  if (a.adopt != b.adopt) out.push_back("adopt");
  if (a.deletion_policy != b.deletion_policy) out.push_back("deletion_policy");
  if (a.type != b.type) out.push_back("type");
  if (a.cloud != b.cloud) out.push_back("cloud");
  if (a.region != b.region) out.push_back("region");
  return out;
}

// What approving a change set does, stored as its payload_json.
struct Payload {
  std::string op;  // create | update | delete | replan | override_put |
                   // override_delete
  EnvironmentSpec spec;
  std::string sealed_admin_password;
  std::vector<std::string> fields;
  int64_t base_version = 0;
  std::vector<InfraItem> infrastructure;
  std::string previous_status;
  std::string model_hash;
  std::optional<InfraOverride> override_record;
  int64_t override_expected_version = 0;

  // Identifies the request: an identical retry has the same key.
  std::string RequestKey() const {
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

  std::string ToJson() const {
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

  static StatusOr<Payload> FromJson(const std::string& text) {
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
};

std::string StoredRequestKey(const std::string& payload_json) {
  json j = json::parse(payload_json, nullptr, false);
  if (!j.is_object()) return "";
  return j.value("request_key", "");
}

bool IsNotFound(const Status& s) { return s.code() == StatusCode::kNotFound; }

}  // namespace

struct AgentService::Impl {
  std::unique_ptr<Store> store;
  std::unique_ptr<SecretBox> box;
  Clock clock;

  // Writes go one at a time through the service, so the port cache below
  // changes only after the transaction that used it committed.
  std::mutex write_mu;
  bool ports_loaded = false;
  std::set<int> used_ports;

  // Real infrastructure (null: environments stay "planned").
  std::unique_ptr<Infrastructure> infra;

  struct TeardownJob {
    std::string app, env, policy;
  };
  // Per write: port changes to apply on commit, and the environments whose
  // infrastructure to converge (or tear down) once it committed.
  struct WriteCtx {
    std::set<int> add, remove;
    std::set<std::pair<std::string, std::string>> converge;
    std::vector<TeardownJob> teardowns;
    bool force = false;
  };

  Status Write(const std::function<Status(StoreTx&, WriteCtx&)>& fn) {
    WriteCtx ctx;
    Status s;
    {
      std::lock_guard<std::mutex> lock(write_mu);
      s = store->Write([&](StoreTx& tx) { return fn(tx, ctx); });
      if (s.ok()) {
        for (int p : ctx.remove) used_ports.erase(p);
        for (int p : ctx.add) used_ports.insert(p);
      }
    }
    if (!s.ok() || !infra) return s;
    // After the commit: the backends follow the recorded desired state.
    for (const auto& t : ctx.teardowns) {
      auto r = infra->Teardown(t.app, t.env, t.policy);
      if (!r.ok()) {
        return Status::FailedPrecondition(
            "apply failed: environment " + EnvKey(t.app, t.env) +
            " was deleted but removing its infrastructure failed: " +
            r.status().message() +
            "; its resources stay in the ledger and are removed at the "
            "agent's next start");
      }
    }
    for (const auto& [app, env] : ctx.converge) {
      Status c = Converge(app, env, ctx.force, nullptr);
      if (!c.ok()) return c;
    }
    return Status::Ok();
  }

  // After a converge: the environment as it now stands.
  void Refresh(Environment& env) {
    if (!infra || env.spec.app.empty()) return;
    (void)store->Read([&](StoreTx& tx) -> Status {
      auto e = tx.GetEnvironment(env.spec.app, env.spec.name);
      if (e.ok() && e->env.version == env.version) env = e->env;
      return Status::Ok();
    });
  }

  bool ExecutesLocally(const EnvironmentSpec& spec) const {
    return infra != nullptr && RunsLocally(spec);
  }

  // Runs the stored desired state of app/env against the backends and
  // records the outcome as the environment's status (never its version).
  Status Converge(const std::string& app, const std::string& name, bool force,
                  Environment* out) {
    StoredEnvironment se;
    Status s = store->Read([&](StoreTx& tx) -> Status {
      auto e = tx.GetEnvironment(app, name);
      if (!e.ok()) return e.status();
      se = *e;
      return Status::Ok();
    });
    if (!s.ok()) return s;
    if (out) *out = se.env;
    if (!ExecutesLocally(se.env.spec) || se.env.status == "pending_approval") {
      return Status::Ok();
    }
    auto password = AdminPassword(*box, se);
    if (!password.ok()) return password.status();
    auto r = infra->Apply(se.env.spec, *password, se.env.infrastructure, force);
    std::string failure;
    if (!r.ok()) {
      failure = r.status().message();
      if (failure.rfind("conflict:", 0) != 0) failure = "apply failed: " + failure;
    }
    Environment updated;
    s = store->Write([&](StoreTx& tx) -> Status {
      auto e = tx.GetEnvironment(app, name);
      if (!e.ok()) return e.status();
      if (e->env.version != se.env.version) return Status::Ok();  // newer write
      Environment env = e->env;
      if (r.ok()) {
        env.infrastructure = r->items;
        env.status = "ready";
      } else {
        env.status = "failed: " + failure;
      }
      SVC_RETURN_IF_ERROR(tx.PutEnvironmentStatus(env));
      updated = env;
      if (r.ok() && !r->forced.empty()) {
        return Audit(tx, "agent", "environment.force_conflicts",
                     EnvKey(app, name), {{"overwritten", r->forced}});
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    if (out && !updated.spec.app.empty()) *out = updated;
    if (!r.ok()) return Status::FailedPrecondition(failure);
    return Status::Ok();
  }

  Status Audit(StoreTx& tx, const std::string& actor, const std::string& action,
               const std::string& target, const json& details) {
    model::AuditEntry e;
    e.time_ms = clock();
    e.actor = actor;
    e.action = action;
    e.target = target;
    e.details = details.dump();
    auto r = tx.AppendAudit(e);
    return r.ok() ? Status::Ok() : r.status();
  }

  StatusOr<int> AllocatePort(StoreTx& tx, WriteCtx& ctx, int first_port) {
    if (!ports_loaded) {
      auto all = tx.ListEnvironments("", "");
      if (!all.ok()) return all.status();
      used_ports.clear();
      for (const auto& e : *all) {
        if (auto p = PortOfUrl(e.env.url)) used_ports.insert(*p);
      }
      ports_loaded = true;
    }
    for (int port = first_port; port < 65536; ++port) {
      bool used = (used_ports.count(port) && !ctx.remove.count(port)) ||
                  ctx.add.count(port);
      if (!used) {
        ctx.add.insert(port);
        return port;
      }
    }
    return Status::FailedPrecondition("no free gateway port from " +
                                      std::to_string(first_port) + " up");
  }

  // Seals a password given in `spec` (clearing it) or keeps the stored one.
  void SealPassword(EnvironmentSpec& spec, const std::string& stored_sealed,
                    const std::string& stored_fingerprint,
                    std::string* sealed) {
    sealed->clear();
    if (!spec.database || !spec.database->existing_server) return;
    auto& e = *spec.database->existing_server;
    const std::string ctx = PasswordContext(spec.app, spec.name);
    if (e.admin_password.empty()) {
      *sealed = stored_sealed;
      e.admin_password_fingerprint =
          stored_sealed.empty() ? "" : stored_fingerprint;
    } else {
      std::string fp = box->Fingerprint(e.admin_password, ctx);
      if (fp == stored_fingerprint && !stored_sealed.empty()) {
        *sealed = stored_sealed;
      } else {
        *sealed = box->Seal(e.admin_password, ctx);
      }
      e.admin_password_fingerprint = fp;
      std::fill(e.admin_password.begin(), e.admin_password.end(), '\0');
      e.admin_password.clear();
    }
  }

  StatusOr<model::AppModel> ModelOf(const App& app) {
    auto m = model::ParseAppModel(app.model_json);
    if (!m.ok()) {
      return Status::FailedPrecondition(
          "app " + app.name +
          ": stored model does not parse: " + m.status().message());
    }
    return m;
  }

  // The planner's view of one environment.
  struct EnvPlan {
    std::vector<InfraItem> desired;
    std::vector<Operation> ops;
  };
  StatusOr<EnvPlan> Plan(const model::AppModel& m, const EnvironmentSpec& spec,
                         const std::vector<InfraOverride>& overrides,
                         const std::vector<InfraItem>& current) {
    auto desired = DesiredInfrastructure(m, spec, overrides);
    if (!desired.ok()) {
      return Status::InvalidArgument("environment " +
                                     EnvKey(spec.app, spec.name) + ": " +
                                     desired.status().message());
    }
    EnvPlan p;
    p.desired = *desired;
    p.ops =
        DiffInfrastructure(current, p.desired, EffectiveDeletionPolicy(spec));
    return p;
  }

  StatusOr<std::optional<StoredChangeSet>> PendingFor(StoreTx& tx,
                                                      const std::string& app,
                                                      const std::string& env) {
    auto list = tx.ListChangeSets({app, env, "pending_approval"});
    if (!list.ok()) return list.status();
    if (list->empty()) return std::optional<StoredChangeSet>();
    auto cs = tx.GetChangeSet(list->front().id);
    if (!cs.ok()) return cs.status();
    return std::optional<StoredChangeSet>(*cs);
  }

  StatusOr<ChangeSet> LatestApplied(StoreTx& tx, const Environment& env) {
    auto list = tx.ListChangeSets({env.spec.app, env.spec.name, "applied"});
    if (!list.ok()) return list.status();
    if (!list->empty()) return list->front();
    ChangeSet cs;
    cs.app = env.spec.app;
    cs.environment = env.spec.name;
    cs.state = "applied";
    cs.summary = "no change";
    cs.base_version = env.version;
    for (const auto& i : env.infrastructure) {
      cs.operations.push_back({"no-op", i.kind, i.name, {}, ""});
    }
    return cs;
  }

  // A change to apply or to hold for approval.
  struct Submission {
    Payload payload;
    std::optional<StoredEnvironment> current;  // none for a create
    std::vector<Operation> ops;
    std::string summary;
    bool manual = false;
    std::string audit_action;
    json audit_details;
  };

  // Result of applying a payload.
  struct Applied {
    Environment env;
    std::optional<InfraOverride> override_record;
  };

  // Applies `p` (compare-and-set against its base version).
  StatusOr<Applied> ApplyPayload(StoreTx& tx, WriteCtx& ctx, const Payload& p) {
    const std::string key = EnvKey(p.spec.app, p.spec.name);
    Applied out;
    auto cur = tx.GetEnvironment(p.spec.app, p.spec.name);
    if (!cur.ok() && !IsNotFound(cur.status())) return cur.status();
    const int64_t now_version = cur.ok() ? cur->env.version : 0;
    if (now_version != p.base_version) {
      return Stale("environment " + key, p.base_version, now_version);
    }
    if (p.op == "delete") {
      SVC_RETURN_IF_ERROR(
          tx.DeleteEnvironment(p.spec.app, p.spec.name, p.base_version));
      if (auto port = PortOfUrl(cur->env.url)) ctx.remove.insert(*port);
      auto ovs = tx.ListInfraOverrides(p.spec.app, p.spec.name);
      if (!ovs.ok()) return ovs.status();
      for (const auto& o : *ovs) {
        SVC_RETURN_IF_ERROR(tx.DeleteInfraOverride(o.app, o.environment, o.kind,
                                                   o.name, o.version));
      }
      auto primary = tx.GetPrimaryEnvironment(p.spec.app);
      if (primary.ok() && primary->environment == p.spec.name) {
        SVC_RETURN_IF_ERROR(
            tx.DeletePrimaryEnvironment(p.spec.app, primary->version));
      }
      if (ExecutesLocally(cur->env.spec)) {
        ctx.teardowns.push_back({p.spec.app, p.spec.name,
                                 EffectiveDeletionPolicy(cur->env.spec)});
      }
      out.env = cur->env;
      out.env.status = "deleted";
      out.env.pending_change_set.clear();
      return out;
    }
    if (p.op == "override_put" || p.op == "override_delete") {
      const InfraOverride& o = *p.override_record;
      if (p.op == "override_put") {
        auto v = tx.PutInfraOverride(o, p.override_expected_version);
        if (!v.ok()) {
          if (v.status().code() == StatusCode::kAborted) {
            return Status::Aborted("infra override " + key + "/" + o.kind +
                                   "/" + o.name +
                                   " changed since your plan; re-run "
                                   "terraform plan");
          }
          return v.status();
        }
        out.override_record = o;
        out.override_record->version = *v;
      } else {
        SVC_RETURN_IF_ERROR(tx.DeleteInfraOverride(
            o.app, o.environment, o.kind, o.name, p.override_expected_version));
        out.override_record = o;
      }
    }
    Environment env;
    std::string url;
    if (cur.ok()) url = cur->env.url;
    if (RunsLocally(p.spec) && url.empty()) {
      auto port = AllocatePort(
          tx, ctx,
          p.spec.cloud == "local" ? kFirstLocalPort : kFirstHostedPort);
      if (!port.ok()) return port.status();
      url = kUrlPrefix + std::to_string(*port);
    }
    if (p.op == "create" || p.op == "update") {
      StoredEnvironment se;
      se.env.spec = p.spec;
      se.env.status = ExecutesLocally(p.spec) ? "provisioning" : AppliedStatus(p.spec);
      se.env.url = url;
      se.env.infrastructure = p.infrastructure;
      se.sealed_admin_password = p.sealed_admin_password;
      auto v = tx.PutEnvironment(se, p.base_version);
      if (!v.ok()) return v.status();
      env = se.env;
      env.version = *v;
    } else {
      env = cur->env;
    }
    env.status = ExecutesLocally(env.spec) ? "provisioning" : AppliedStatus(env.spec);
    env.url = url;
    if (ExecutesLocally(env.spec)) ctx.converge.insert({p.spec.app, p.spec.name});
    env.infrastructure = p.infrastructure;
    env.pending_change_set.clear();
    if (cur.ok()) env.drift = cur->env.drift;
    SVC_RETURN_IF_ERROR(tx.PutEnvironmentStatus(env));
    out.env = env;
    return out;
  }

  // Marks `old` superseded by `by`, clearing the environment's pointer.
  Status Supersede(StoreTx& tx, const Actor& who, const StoredChangeSet& old,
                   const std::string& by) {
    ChangeSet cs = old.change_set;
    cs.state = "superseded";
    cs.decided_by = who.name;
    cs.reason = "superseded by " + by;
    cs.decided_at_ms = clock();
    return tx.DecideChangeSet(cs, "pending_approval");
  }

  struct SubmitResult {
    EnvironmentChange change;
    std::optional<InfraOverride> override_record;
  };

  StatusOr<SubmitResult> Submit(StoreTx& tx, WriteCtx& ctx, const Actor& who,
                                Submission sub) {
    const EnvironmentSpec& spec = sub.payload.spec;
    ctx.force = who.force_conflicts;
    auto pending = PendingFor(tx, spec.app, spec.name);
    if (!pending.ok()) return pending.status();
    const std::string request_key = sub.payload.RequestKey();
    SubmitResult result;
    if (pending->has_value() &&
        StoredRequestKey((*pending)->payload_json) == request_key) {
      // An identical retry waits on the same change set.
      result.change.change_set = (*pending)->change_set;
      if (sub.current) {
        result.change.environment = sub.current->env;
      } else {
        result.change.environment.spec = spec;
        result.change.environment.status = "pending_approval";
        result.change.environment.pending_change_set =
            (*pending)->change_set.id;
      }
      return result;
    }
    ChangeSet cs;
    cs.app = spec.app;
    cs.environment = spec.name;
    cs.summary = sub.summary;
    cs.base_version = sub.payload.base_version;
    cs.operations = sub.ops;
    cs.changes_infrastructure = ChangesInfrastructure(sub.ops);
    cs.created_by = who.name;
    cs.created_at_ms = clock();
    const bool wait = sub.manual && cs.changes_infrastructure;
    if (sub.current) {
      sub.payload.previous_status = sub.current->env.status;
      if (sub.current->env.status == "pending_approval" &&
          pending->has_value()) {
        auto prev = Payload::FromJson((*pending)->payload_json);
        if (prev.ok()) sub.payload.previous_status = prev->previous_status;
      }
    }
    if (wait) {
      cs.state = "pending_approval";
    } else {
      cs.state = "applied";
      cs.decided_by = who.name;
      cs.decided_at_ms = cs.created_at_ms;
    }
    auto id = tx.InsertChangeSet({cs, sub.payload.ToJson()});
    if (!id.ok()) return id.status();
    cs.id = *id;
    if (pending->has_value()) {
      SVC_RETURN_IF_ERROR(Supersede(tx, who, **pending, cs.id));
    }
    if (wait) {
      Environment env;
      if (sub.current) {
        env = sub.current->env;
        env.status = "pending_approval";
        env.pending_change_set = cs.id;
        SVC_RETURN_IF_ERROR(tx.PutEnvironmentStatus(env));
      } else {
        env.spec = spec;
        env.status = "pending_approval";
        env.pending_change_set = cs.id;
      }
      result.change = {env, cs};
    } else {
      auto applied = ApplyPayload(tx, ctx, sub.payload);
      if (!applied.ok()) return applied.status();
      result.change = {applied->env, cs};
      result.override_record = applied->override_record;
    }
    json details = sub.audit_details;
    details["change_set"] = cs.id;
    details["state"] = cs.state;
    if (!wait && sub.payload.op != "delete") {
      details["version"] = result.change.environment.version;
    }
    if (pending->has_value()) {
      details["superseded"] = (*pending)->change_set.id;
    }
    std::string target = EnvKey(spec.app, spec.name);
    if (sub.payload.override_record) {
      target += "/" + sub.payload.override_record->kind + "/" +
                sub.payload.override_record->name;
    }
    SVC_RETURN_IF_ERROR(Audit(tx, who.name, sub.audit_action, target, details));
    return result;
  }

  // Environment-level production check for an environment name of an app.
  StatusOr<bool> IsProductionEnv(StoreTx& tx, const std::string& app,
                                 const std::string& env) {
    auto e = tx.GetEnvironment(app, env);
    if (e.ok()) return IsProductionSpec(e->env.spec);
    if (IsNotFound(e.status())) return false;
    return e.status();
  }

  // Re-plans one environment after an override or model change.
  StatusOr<SubmitResult> Replan(StoreTx& tx, WriteCtx& ctx, const Actor& who,
                                const App& app, const model::AppModel& m,
                                const StoredEnvironment& cur,
                                const std::vector<InfraOverride>& overrides,
                                Payload payload, const std::string& summary,
                                const std::string& audit_action,
                                json audit_details) {
    auto plan = Plan(m, cur.env.spec, overrides, cur.env.infrastructure);
    if (!plan.ok()) return plan.status();
    payload.spec = cur.env.spec;
    payload.sealed_admin_password = cur.sealed_admin_password;
    payload.base_version = cur.env.version;
    payload.infrastructure = plan->desired;
    payload.model_hash = app.model_hash;
    Submission sub;
    sub.payload = payload;
    sub.current = cur;
    sub.ops = plan->ops;
    sub.summary = summary;
    sub.manual = cur.env.spec.infra_approval == "manual";
    sub.audit_action = audit_action;
    sub.audit_details = audit_details;
    return Submit(tx, ctx, who, sub);
  }
};

AgentService::AgentService(std::unique_ptr<Store> store,
                           std::unique_ptr<SecretBox> box, Clock clock)
    : impl_(std::make_unique<Impl>()) {
  impl_->store = std::move(store);
  impl_->box = std::move(box);
  impl_->clock = clock ? std::move(clock) : SystemClock();
}

AgentService::~AgentService() = default;

// ---- tokens
// --------------------------------------------------------------------

StatusOr<model::Actor> AgentService::Authenticate(
    const std::string& token_secret) {
  if (token_secret.empty()) {
    return Status::Unauthenticated(
        "no token given; set the provider's token "
        "or ENCORE_TOKEN");
  }
  const std::string hash = HashTokenSecret(token_secret);
  Actor actor;
  Status s = impl_->store->Read([&](StoreTx& tx) -> Status {
    auto t = tx.FindToken(hash);
    if (!t.ok()) return t.status();
    actor = {t->name, t->role};
    return Status::Ok();
  });
  if (IsNotFound(s)) {
    return Status::Unauthenticated("invalid or revoked token");
  }
  if (!s.ok()) return s;
  return actor;
}

StatusOr<std::string> AgentService::BootstrapAdminToken() {
  std::string secret;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto tokens = tx.ListTokens();
    if (!tokens.ok()) return tokens.status();
    if (!tokens->empty()) return Status::Ok();
    secret = NewTokenSecret();
    model::TokenInfo info{"admin", model::Role::kAdmin, impl_->clock(), 0};
    SVC_RETURN_IF_ERROR(tx.InsertToken(info, HashTokenSecret(secret)));
    return impl_->Audit(tx, "encore-agent", "token.bootstrap", "token:admin",
                        {{"role", "admin"}});
  });
  if (!s.ok()) return s;
  return secret;
}

StatusOr<model::NewToken> AgentService::CreateToken(const model::Actor& who,
                                                    const std::string& name,
                                                    model::Role role) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kManageTokens, false));
  SVC_RETURN_IF_ERROR(ValidateTokenName(name));
  model::NewToken out;
  out.secret = NewTokenSecret();
  out.info = {name, role, impl_->clock(), 0};
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    SVC_RETURN_IF_ERROR(tx.InsertToken(out.info, HashTokenSecret(out.secret)));
    return impl_->Audit(tx, who.name, "token.create", "token:" + name,
                        {{"role", std::string(model::RoleName(role))}});
  });
  if (!s.ok()) return s;
  return out;
}

Status AgentService::RevokeToken(const model::Actor& who,
                                 const std::string& name) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kManageTokens, false));
  return impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    SVC_RETURN_IF_ERROR(tx.RevokeToken(name, impl_->clock()));
    return impl_->Audit(tx, who.name, "token.revoke", "token:" + name,
                        json::object());
  });
}

StatusOr<std::vector<model::TokenInfo>> AgentService::ListTokens(
    const model::Actor& who) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kManageTokens, false));
  return ReadOne(*impl_->store, [&](StoreTx& tx) { return tx.ListTokens(); });
}

// ---- apps
// ------------------------------------------------------------------------

StatusOr<model::App> AgentService::CreateApp(const model::Actor& who,
                                             model::App app) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteApp, false, app.name));
  SVC_RETURN_IF_ERROR(ValidateAppName(app.name));
  auto m = model::ParseAppModel(app.model_json);
  if (!m.ok()) return m.status();
  app.model_json = m->canonical_json;
  app.model_hash = model::AppModelHash(*m);
  app.services.clear();
  for (const auto& s : m->services) app.services.push_back(s.name);
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto existing = tx.GetApp(app.name);
    if (existing.ok()) {
      if (existing->model_hash == app.model_hash) {
        app = *existing;
        return Status::Ok();
      }
      return Status::AlreadyExists("app " + app.name +
                                   " exists already; import it with: terraform "
                                   "import encore_app.NAME " +
                                   app.name);
    }
    if (!IsNotFound(existing.status())) return existing.status();
    auto v = tx.PutApp(app, 0);
    if (!v.ok()) return v.status();
    app.version = *v;
    return impl_->Audit(
        tx, who.name, "app.create", app.name,
        {{"model_hash", app.model_hash}, {"version", app.version}});
  });
  if (!s.ok()) return s;
  return app;
}

StatusOr<model::App> AgentService::GetApp(const model::Actor& who,
                                          const std::string& name) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store, [&](StoreTx& tx) { return tx.GetApp(name); });
}

StatusOr<std::vector<model::App>> AgentService::ListApps(
    const model::Actor& who) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store, [&](StoreTx& tx) { return tx.ListApps(); });
}

StatusOr<model::App> AgentService::UpdateApp(
    const model::Actor& who, model::App app, int64_t expected_version,
    const std::vector<std::string>& field_mask) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteApp, false, app.name));
  SVC_RETURN_IF_ERROR(ValidateAppName(app.name));
  for (const auto& f : field_mask) {
    if (f != "model") {
      return Status::InvalidArgument(
          "field \"" + f +
          "\" of app cannot be updated in place; only "
          "\"model\" can (the name is fixed: replace the app)");
    }
  }
  auto m = model::ParseAppModel(app.model_json);
  if (!m.ok()) return m.status();
  app.model_json = m->canonical_json;
  app.model_hash = model::AppModelHash(*m);
  app.services.clear();
  for (const auto& s : m->services) app.services.push_back(s.name);
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx& ctx) -> Status {
    auto cur = tx.GetApp(app.name);
    if (!cur.ok()) return cur.status();
    if (cur->version != expected_version) {
      return Stale("app " + app.name, expected_version, cur->version);
    }
    if (cur->model_hash == app.model_hash) {
      app = *cur;
      return Status::Ok();
    }
    auto v = tx.PutApp(app, expected_version);
    if (!v.ok()) return v.status();
    app.version = *v;
    auto envs = tx.ListEnvironments(app.name, "");
    if (!envs.ok()) return envs.status();
    json change_sets = json::array();
    for (const auto& e : *envs) {
      auto ovs = tx.ListInfraOverrides(app.name, e.env.spec.name);
      if (!ovs.ok()) return ovs.status();
      auto plan = impl_->Plan(*m, e.env.spec, *ovs, e.env.infrastructure);
      if (!plan.ok()) return plan.status();
      // Unchanged under the new model: nothing to do. A change set pending
      // for it stays pending, and expires if approved (it was planned on
      // the old model).
      if (!ChangesInfrastructure(plan->ops) &&
          plan->desired == e.env.infrastructure) {
        continue;
      }
      const std::string key = EnvKey(app.name, e.env.spec.name);
      if (IsProductionSpec(e.env.spec) &&
          e.env.spec.infra_approval != "manual" &&
          ChangesInfrastructure(plan->ops)) {
        Status auth = Authorize(who, Action::kWriteEnvironment, true, key);
        if (!auth.ok()) {
          return Status::PermissionDenied(auth.message() +
                                          " (the model change re-plans it)");
        }
      }
      Payload p;
      p.op = "replan";
      auto r = impl_->Replan(
          tx, ctx, who, app, *m, e, *ovs, p, "re-plan: app model changed",
          "environment.replan",
          {{"reason", "app model changed"}, {"model_hash", app.model_hash}});
      if (!r.ok()) return r.status();
      change_sets.push_back(r->change.change_set.id);
    }
    return impl_->Audit(tx, who.name, "app.update", app.name,
                        {{"fields", {"model"}},
                         {"model_hash", app.model_hash},
                         {"version", app.version},
                         {"change_sets", change_sets}});
  });
  if (!s.ok()) return s;
  return app;
}

Status AgentService::DeleteApp(const model::Actor& who, const std::string& name,
                               int64_t expected_version) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteApp, false, name));
  return impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto cur = tx.GetApp(name);
    if (!cur.ok()) return cur.status();
    if (cur->version != expected_version) {
      return Stale("app " + name, expected_version, cur->version);
    }
    auto envs = tx.ListEnvironments(name, "");
    if (!envs.ok()) return envs.status();
    if (!envs->empty()) {
      std::vector<std::string> names;
      for (const auto& e : *envs) names.push_back(e.env.spec.name);
      return Status::FailedPrecondition(
          "app " + name + " still has environments " +
          model::QuotedList(names, "and") + "; delete them first");
    }
    json removed = json::array();
    auto secrets = tx.ListSecrets(name);
    if (!secrets.ok()) return secrets.status();
    for (const auto& s : *secrets) {
      SVC_RETURN_IF_ERROR(
          tx.DeleteSecret(name, s.secret.name, s.secret.version));
      removed.push_back("secret " + s.secret.name);
    }
    auto primary = tx.GetPrimaryEnvironment(name);
    if (primary.ok()) {
      SVC_RETURN_IF_ERROR(tx.DeletePrimaryEnvironment(name, primary->version));
      removed.push_back("primary environment");
    }
    auto pending = tx.ListChangeSets({name, "", "pending_approval"});
    if (!pending.ok()) return pending.status();
    for (auto cs : *pending) {
      cs.state = "superseded";
      cs.decided_by = who.name;
      cs.reason = "app " + name + " was deleted";
      cs.decided_at_ms = impl_->clock();
      SVC_RETURN_IF_ERROR(tx.DecideChangeSet(cs, "pending_approval"));
    }
    SVC_RETURN_IF_ERROR(tx.DeleteApp(name, expected_version));
    return impl_->Audit(tx, who.name, "app.delete", name,
                        {{"version", expected_version}, {"removed", removed}});
  });
}

// ---- environments
// ----------------------------------------------------------------

StatusOr<model::EnvironmentChange> AgentService::CreateEnvironment(
    const model::Actor& who, model::EnvironmentSpec spec) {
  const std::string key = EnvKey(spec.app, spec.name);
  SVC_RETURN_IF_ERROR(
      Authorize(who, Action::kWriteEnvironment, IsProductionSpec(spec), key));
  SVC_RETURN_IF_ERROR(ValidateEnvironmentSpec(spec));
  Impl::SubmitResult result;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx& ctx) -> Status {
    auto app = tx.GetApp(spec.app);
    if (!app.ok()) {
      if (IsNotFound(app.status())) {
        return Status::NotFound("app " + spec.app +
                                " not found; create it first");
      }
      return app.status();
    }
    auto existing = tx.GetEnvironment(spec.app, spec.name);
    if (existing.ok()) {
      EnvironmentSpec want = spec;
      std::string sealed;
      std::string stored_fp;
      if (existing->env.spec.database &&
          existing->env.spec.database->existing_server) {
        stored_fp = existing->env.spec.database->existing_server
                        ->admin_password_fingerprint;
      }
      impl_->SealPassword(want, existing->sealed_admin_password, stored_fp,
                          &sealed);
      if (want == existing->env.spec) {
        auto cs = impl_->LatestApplied(tx, existing->env);
        if (!cs.ok()) return cs.status();
        result.change = {existing->env, *cs};
        // A retry after a lost reply or a killed agent: finish the work.
        if (impl_->ExecutesLocally(want) && existing->env.status != "ready" &&
            existing->env.status != "pending_approval") {
          ctx.converge.insert({spec.app, spec.name});
          ctx.force = who.force_conflicts;
        }
        return Status::Ok();
      }
      return Status::AlreadyExists("environment " + key +
                                   " exists already; import it with: terraform "
                                   "import encore_environment.NAME " +
                                   key);
    }
    if (!IsNotFound(existing.status())) return existing.status();
    if (!spec.database || spec.database->branch_from.empty()) {
    } else {
      auto src = tx.GetEnvironment(spec.app, spec.database->branch_from);
      if (!src.ok()) {
        if (IsNotFound(src.status())) {
          return Status::FailedPrecondition(
              "database.branch_from names environment " +
              EnvKey(spec.app, spec.database->branch_from) +
              ", which does not exist");
        }
        return src.status();
      }
    }
    auto m = impl_->ModelOf(*app);
    if (!m.ok()) return m.status();
    Payload p;
    p.op = "create";
    p.spec = spec;
    impl_->SealPassword(p.spec, "", "", &p.sealed_admin_password);
    auto ovs = tx.ListInfraOverrides(spec.app, spec.name);
    if (!ovs.ok()) return ovs.status();
    auto plan = impl_->Plan(*m, p.spec, *ovs, {});
    if (!plan.ok()) return plan.status();
    p.infrastructure = plan->desired;
    p.model_hash = app->model_hash;
    Impl::Submission sub;
    sub.payload = p;
    sub.ops = plan->ops;
    sub.summary = "create environment";
    sub.manual = p.spec.infra_approval == "manual";
    sub.audit_action = "environment.create";
    sub.audit_details = {{"type", spec.type}, {"cloud", spec.cloud}};
    auto r = impl_->Submit(tx, ctx, who, sub);
    if (!r.ok()) return r.status();
    result = *r;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  impl_->Refresh(result.change.environment);
  return result.change;
}

StatusOr<model::Environment> AgentService::GetEnvironment(
    const model::Actor& who, const std::string& app, const std::string& name) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store,
                 [&](StoreTx& tx) -> StatusOr<model::Environment> {
                   auto e = tx.GetEnvironment(app, name);
                   if (!e.ok()) return e.status();
                   return e->env;
                 });
}

StatusOr<std::vector<model::Environment>> AgentService::ListEnvironments(
    const model::Actor& who, const std::string& app, const std::string& type) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store,
                 [&](StoreTx& tx) -> StatusOr<std::vector<model::Environment>> {
                   auto list = tx.ListEnvironments(app, type);
                   if (!list.ok()) return list.status();
                   std::vector<model::Environment> out;
                   out.reserve(list->size());
                   for (auto& e : *list) out.push_back(std::move(e.env));
                   return out;
                 });
}

StatusOr<model::EnvironmentChange> AgentService::UpdateEnvironment(
    const model::Actor& who, model::EnvironmentSpec spec,
    int64_t expected_version, const std::vector<std::string>& field_mask) {
  const std::string key = EnvKey(spec.app, spec.name);
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteEnvironment, false, key));
  auto mask = EnvironmentMask(field_mask);
  if (!mask.ok()) return mask.status();
  Impl::SubmitResult result;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx& ctx) -> Status {
    auto cur = tx.GetEnvironment(spec.app, spec.name);
    if (!cur.ok()) return cur.status();
    SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteEnvironment,
                                  IsProductionSpec(cur->env.spec), key));
    const EnvironmentSpec& old = cur->env.spec;
    for (const auto& [field, given, stored] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"type", spec.type, old.type},
             {"cloud", spec.cloud, old.cloud},
             {"region", spec.region, old.region}}) {
      if (!given.empty() && given != stored) {
        return Status::InvalidArgument(field + " of environment " + key +
                                       " is \"" + stored +
                                       "\" and cannot change in place to \"" +
                                       given + "\"; replace the environment");
      }
    }
    if (cur->env.version != expected_version) {
      return Stale("environment " + key, expected_version, cur->env.version);
    }
    EnvironmentSpec next = old;
    for (const auto& f : *mask) CopyField(f, spec, next);
    std::string stored_fp;
    if (old.database && old.database->existing_server) {
      stored_fp = old.database->existing_server->admin_password_fingerprint;
    }
    Payload p;
    p.op = "update";
    impl_->SealPassword(next, cur->sealed_admin_password, stored_fp,
                        &p.sealed_admin_password);
    SVC_RETURN_IF_ERROR(ValidateEnvironmentSpec(next));
    std::vector<std::string> changed = ChangedFields(old, next);
    if (changed.empty()) {
      auto pending = impl_->PendingFor(tx, spec.app, spec.name);
      if (!pending.ok()) return pending.status();
      if (pending->has_value()) {
        // Back to the stored state: the pending change is no longer wanted.
        SVC_RETURN_IF_ERROR(impl_->Supersede(
            tx, who, **pending,
            "an update to version " + std::to_string(cur->env.version)));
        Environment env = cur->env;
        auto prev = Payload::FromJson((*pending)->payload_json);
        env.status = prev.ok() && !prev->previous_status.empty()
                         ? prev->previous_status
                         : AppliedStatus(env.spec);
        env.pending_change_set.clear();
        SVC_RETURN_IF_ERROR(tx.PutEnvironmentStatus(env));
        SVC_RETURN_IF_ERROR(
            impl_->Audit(tx, who.name, "environment.update", key,
                         {{"fields", json::array()},
                          {"superseded", (*pending)->change_set.id}}));
        cur->env = env;
      }
      auto cs = impl_->LatestApplied(tx, cur->env);
      if (!cs.ok()) return cs.status();
      result.change = {cur->env, *cs};
      return Status::Ok();
    }
    if (next.database && !next.database->branch_from.empty() &&
        (!old.database ||
         old.database->branch_from != next.database->branch_from)) {
      auto src = tx.GetEnvironment(spec.app, next.database->branch_from);
      if (!src.ok()) {
        return IsNotFound(src.status())
                   ? Status::FailedPrecondition(
                         "database.branch_from names environment " +
                         EnvKey(spec.app, next.database->branch_from) +
                         ", which does not exist")
                   : src.status();
      }
    }
    auto app = tx.GetApp(spec.app);
    if (!app.ok()) return app.status();
    auto m = impl_->ModelOf(*app);
    if (!m.ok()) return m.status();
    auto ovs = tx.ListInfraOverrides(spec.app, spec.name);
    if (!ovs.ok()) return ovs.status();
    auto plan = impl_->Plan(*m, next, *ovs, cur->env.infrastructure);
    if (!plan.ok()) return plan.status();
    p.spec = next;
    p.fields = changed;
    p.base_version = expected_version;
    p.infrastructure = plan->desired;
    p.model_hash = app->model_hash;
    Impl::Submission sub;
    sub.payload = p;
    sub.current = *cur;
    sub.ops = plan->ops;
    sub.summary = "update: " + [&] {
      std::string out;
      for (size_t i = 0; i < changed.size(); ++i) {
        out += (i ? ", " : "") + changed[i];
      }
      return out;
    }();
    sub.manual = next.infra_approval == "manual";
    sub.audit_action = "environment.update";
    sub.audit_details = {{"fields", changed},
                         {"base_version", expected_version}};
    auto r = impl_->Submit(tx, ctx, who, sub);
    if (!r.ok()) return r.status();
    result = *r;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  impl_->Refresh(result.change.environment);
  return result.change;
}

StatusOr<model::EnvironmentChange> AgentService::DeleteEnvironment(
    const model::Actor& who, const std::string& app, const std::string& name,
    int64_t expected_version) {
  const std::string key = EnvKey(app, name);
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteEnvironment, false, key));
  Impl::SubmitResult result;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx& ctx) -> Status {
    auto cur = tx.GetEnvironment(app, name);
    if (!cur.ok()) return cur.status();
    SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteEnvironment,
                                  IsProductionSpec(cur->env.spec), key));
    if (cur->env.version != expected_version) {
      return Stale("environment " + key, expected_version, cur->env.version);
    }
    Payload p;
    p.op = "delete";
    p.spec = cur->env.spec;
    p.sealed_admin_password = cur->sealed_admin_password;
    p.base_version = expected_version;
    auto a = tx.GetApp(app);
    if (a.ok()) p.model_hash = a->model_hash;
    Impl::Submission sub;
    sub.payload = p;
    sub.current = *cur;
    sub.ops = TeardownOperations(cur->env.infrastructure,
                                 EffectiveDeletionPolicy(cur->env.spec));
    sub.summary = "delete environment";
    sub.manual = cur->env.spec.infra_approval == "manual";
    sub.audit_action = "environment.delete";
    sub.audit_details = {{"version", expected_version}};
    auto r = impl_->Submit(tx, ctx, who, sub);
    if (!r.ok()) return r.status();
    result = *r;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return result.change;
}

// ---- primary environment
// ---------------------------------------------------------

StatusOr<model::PrimaryEnvironment> AgentService::SetPrimaryEnvironment(
    const model::Actor& who, model::PrimaryEnvironment p,
    int64_t expected_version) {
  SVC_RETURN_IF_ERROR(
      Authorize(who, Action::kWritePrimaryEnvironment, false, p.app));
  SVC_RETURN_IF_ERROR(ValidateAppName(p.app));
  SVC_RETURN_IF_ERROR(ValidateEnvironmentName(p.environment));
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto env = tx.GetEnvironment(p.app, p.environment);
    if (!env.ok()) {
      return IsNotFound(env.status())
                 ? Status::FailedPrecondition(
                       "environment " + EnvKey(p.app, p.environment) +
                       " does not exist; create it before making it primary")
                 : env.status();
    }
    auto cur = tx.GetPrimaryEnvironment(p.app);
    if (!cur.ok() && !IsNotFound(cur.status())) return cur.status();
    if (expected_version == 0 && cur.ok()) {
      if (cur->environment == p.environment) {
        p = *cur;
        return Status::Ok();
      }
      return Status::AlreadyExists("primary environment of app " + p.app +
                                   " exists already (" + cur->environment +
                                   "); import it with: terraform import "
                                   "encore_primary_environment.NAME " +
                                   p.app);
    }
    if (expected_version != 0) {
      if (!cur.ok()) return cur.status();
      if (cur->version != expected_version) {
        return Stale("primary environment of app " + p.app, expected_version,
                     cur->version);
      }
      if (cur->environment == p.environment) {
        p = *cur;
        return Status::Ok();
      }
    }
    auto v = tx.PutPrimaryEnvironment(p, expected_version);
    if (!v.ok()) return v.status();
    p.version = *v;
    return impl_->Audit(
        tx, who.name, "primary_environment.set", p.app,
        {{"environment", p.environment}, {"version", p.version}});
  });
  if (!s.ok()) return s;
  return p;
}

StatusOr<model::PrimaryEnvironment> AgentService::GetPrimaryEnvironment(
    const model::Actor& who, const std::string& app) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store,
                 [&](StoreTx& tx) { return tx.GetPrimaryEnvironment(app); });
}

Status AgentService::DeletePrimaryEnvironment(const model::Actor& who,
                                              const std::string& app,
                                              int64_t expected_version) {
  SVC_RETURN_IF_ERROR(
      Authorize(who, Action::kWritePrimaryEnvironment, false, app));
  return impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto cur = tx.GetPrimaryEnvironment(app);
    if (!cur.ok()) return cur.status();
    if (cur->version != expected_version) {
      return Stale("primary environment of app " + app, expected_version,
                   cur->version);
    }
    SVC_RETURN_IF_ERROR(tx.DeletePrimaryEnvironment(app, expected_version));
    return impl_->Audit(
        tx, who.name, "primary_environment.delete", app,
        {{"environment", cur->environment}, {"version", expected_version}});
  });
}

// ---- secrets
// -----------------------------------------------------------------------

namespace {

// Whether a secret's keys touch production: "production", or "env:NAME"
// where NAME is a production environment of the app.
StatusOr<bool> TouchesProduction(StoreTx& tx, const std::string& app,
                                 const std::set<std::string>& keys) {
  for (const auto& k : keys) {
    if (k == "production") return true;
    if (k.rfind("env:", 0) == 0) {
      auto e = tx.GetEnvironment(app, k.substr(4));
      if (e.ok() && IsProductionSpec(e->env.spec)) return true;
      if (!e.ok() && !IsNotFound(e.status())) return e.status();
    }
  }
  return false;
}

model::Secret Visible(const StoredSecret& s) {
  model::Secret out = s.secret;
  out.values.clear();
  return out;
}

}  // namespace

StatusOr<model::Secret> AgentService::PutSecret(const model::Actor& who,
                                                model::Secret secret,
                                                int64_t expected_version) {
  const std::string key = EnvKey(secret.app, secret.name);
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteSecret, false, key));
  SVC_RETURN_IF_ERROR(ValidateAppName(secret.app));
  SVC_RETURN_IF_ERROR(ValidateSecretName(secret.name));
  for (const auto& [k, v] : secret.values) {
    Status st = ValidateSecretKey(k);
    if (!st.ok()) {
      return Status::InvalidArgument("secret " + key + ": " + st.message());
    }
  }
  StoredSecret next;
  next.secret.app = secret.app;
  next.secret.name = secret.name;
  next.secret.values_wo_version = secret.values_wo_version;
  for (const auto& [k, v] : secret.values) {
    const std::string ctx = SecretContext(secret.app, secret.name, k);
    next.secret.fingerprints[k] = impl_->box->Fingerprint(v, ctx);
  }
  model::Secret out;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto app = tx.GetApp(secret.app);
    if (!app.ok()) {
      return IsNotFound(app.status())
                 ? Status::NotFound("app " + secret.app +
                                    " not found; create it first")
                 : app.status();
    }
    auto cur = tx.GetSecret(secret.app, secret.name);
    if (!cur.ok() && !IsNotFound(cur.status())) return cur.status();
    std::set<std::string> keys;
    for (const auto& [k, v] : secret.values) keys.insert(k);
    if (cur.ok()) {
      for (const auto& [k, v] : cur->secret.fingerprints) keys.insert(k);
    }
    auto prod = TouchesProduction(tx, secret.app, keys);
    if (!prod.ok()) return prod.status();
    SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteSecret, *prod, key));
    const bool same =
        cur.ok() && cur->secret.fingerprints == next.secret.fingerprints &&
        cur->secret.values_wo_version == next.secret.values_wo_version;
    if (expected_version == 0 && cur.ok()) {
      if (same) {
        out = Visible(*cur);
        return Status::Ok();
      }
      return Status::AlreadyExists("secret " + key +
                                   " exists already; import it with: terraform "
                                   "import encore_secret.NAME " +
                                   key);
    }
    if (expected_version != 0) {
      if (!cur.ok()) return cur.status();
      if (cur->secret.version != expected_version) {
        return Stale("secret " + key, expected_version, cur->secret.version);
      }
      if (same) {
        out = Visible(*cur);
        return Status::Ok();
      }
    }
    for (const auto& [k, v] : secret.values) {
      const std::string ctx = SecretContext(secret.app, secret.name, k);
      // Unchanged values keep their sealed form.
      if (cur.ok() && cur->secret.fingerprints.count(k) &&
          cur->secret.fingerprints.at(k) == next.secret.fingerprints[k] &&
          cur->sealed_values.count(k)) {
        next.sealed_values[k] = cur->sealed_values.at(k);
      } else {
        next.sealed_values[k] = impl_->box->Seal(v, ctx);
      }
    }
    auto v = tx.PutSecret(next, expected_version);
    if (!v.ok()) return v.status();
    next.secret.version = *v;
    std::vector<std::string> changed;
    for (const auto& k : keys) {
      std::string before = cur.ok() && cur->secret.fingerprints.count(k)
                               ? cur->secret.fingerprints.at(k)
                               : "";
      std::string after = next.secret.fingerprints.count(k)
                              ? next.secret.fingerprints.at(k)
                              : "";
      if (before != after) changed.push_back(k);
    }
    out = Visible(next);
    std::vector<std::string> all_keys;
    for (const auto& [k, f] : next.secret.fingerprints) all_keys.push_back(k);
    return impl_->Audit(tx, who.name, "secret.put", key,
                        {{"keys", all_keys},
                         {"changed_keys", changed},
                         {"version", next.secret.version}});
  });
  // Clear values are not kept beyond this call.
  for (auto& [k, v] : secret.values) std::fill(v.begin(), v.end(), '\0');
  if (!s.ok()) return s;
  return out;
}

StatusOr<model::Secret> AgentService::GetSecret(const model::Actor& who,
                                                const std::string& app,
                                                const std::string& name) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store, [&](StoreTx& tx) -> StatusOr<model::Secret> {
    auto sec = tx.GetSecret(app, name);
    if (!sec.ok()) return sec.status();
    return Visible(*sec);
  });
}

Status AgentService::DeleteSecret(const model::Actor& who,
                                  const std::string& app,
                                  const std::string& name,
                                  int64_t expected_version) {
  const std::string key = EnvKey(app, name);
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteSecret, false, key));
  return impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto cur = tx.GetSecret(app, name);
    if (!cur.ok()) return cur.status();
    std::set<std::string> keys;
    for (const auto& [k, f] : cur->secret.fingerprints) keys.insert(k);
    auto prod = TouchesProduction(tx, app, keys);
    if (!prod.ok()) return prod.status();
    SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteSecret, *prod, key));
    if (cur->secret.version != expected_version) {
      return Stale("secret " + key, expected_version, cur->secret.version);
    }
    SVC_RETURN_IF_ERROR(tx.DeleteSecret(app, name, expected_version));
    return impl_->Audit(
        tx, who.name, "secret.delete", key,
        {{"keys", std::vector<std::string>(keys.begin(), keys.end())},
         {"version", expected_version}});
  });
}

StatusOr<std::map<std::string, std::string>> AgentService::RevealSecret(
    const model::Actor& who, const std::string& app, const std::string& name) {
  const std::string key = EnvKey(app, name);
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRevealSecret, false, key));
  std::map<std::string, std::string> out;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto sec = tx.GetSecret(app, name);
    if (!sec.ok()) return sec.status();
    std::vector<std::string> keys;
    for (const auto& [k, sealed] : sec->sealed_values) {
      auto v = impl_->box->Open(sealed, SecretContext(app, name, k));
      if (!v.ok()) {
        return Status::Internal("secret " + key + " key " + k + ": " +
                                v.status().message());
      }
      out[k] = *v;
      keys.push_back(k);
    }
    return impl_->Audit(tx, who.name, "secret.reveal", key, {{"keys", keys}});
  });
  if (!s.ok()) {
    for (auto& [k, v] : out) std::fill(v.begin(), v.end(), '\0');
    return s;
  }
  return out;
}

// ---- infrastructure overrides
// ------------------------------------------------------

namespace {

std::string OverrideKey(const std::string& app, const std::string& env,
                        const std::string& kind, const std::string& name) {
  return app + "/" + env + "/" + kind + "/" + name;
}

}  // namespace

StatusOr<model::InfraOverrideChange> AgentService::PutInfraOverride(
    const model::Actor& who, model::InfraOverride o, int64_t expected_version) {
  const std::string key = OverrideKey(o.app, o.environment, o.kind, o.name);
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteInfraOverride, false,
                                EnvKey(o.app, o.environment)));
  SVC_RETURN_IF_ERROR(ValidateInfraOverrideKey(o));
  model::InfraOverrideChange out;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx& ctx) -> Status {
    auto env = tx.GetEnvironment(o.app, o.environment);
    if (!env.ok()) {
      return IsNotFound(env.status())
                 ? Status::FailedPrecondition(
                       "environment " + EnvKey(o.app, o.environment) +
                       " does not exist; create it before overriding its "
                       "infrastructure")
                 : env.status();
    }
    SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteInfraOverride,
                                  IsProductionSpec(env->env.spec),
                                  EnvKey(o.app, o.environment)));
    auto cur = tx.GetInfraOverride(o.app, o.environment, o.kind, o.name);
    if (!cur.ok() && !IsNotFound(cur.status())) return cur.status();
    auto unchanged = [&]() -> Status {
      out.override_record = *cur;
      auto cs = impl_->LatestApplied(tx, env->env);
      if (!cs.ok()) return cs.status();
      out.change_set = *cs;
      return Status::Ok();
    };
    if (expected_version == 0 && cur.ok()) {
      if (cur->settings == o.settings) return unchanged();
      return Status::AlreadyExists(
          "infra override " + key +
          " exists already; import it with: "
          "terraform import encore_infra_override.NAME " +
          key);
    }
    if (expected_version != 0) {
      if (!cur.ok()) return cur.status();
      if (cur->version != expected_version) {
        return Stale("infra override " + key, expected_version, cur->version);
      }
      if (cur->settings == o.settings) return unchanged();
    }
    auto app = tx.GetApp(o.app);
    if (!app.ok()) return app.status();
    auto m = impl_->ModelOf(*app);
    if (!m.ok()) return m.status();
    auto ovs = tx.ListInfraOverrides(o.app, o.environment);
    if (!ovs.ok()) return ovs.status();
    std::vector<InfraOverride> next;
    for (const auto& x : *ovs) {
      if (x.kind != o.kind || x.name != o.name) next.push_back(x);
    }
    next.push_back(o);
    Payload p;
    p.op = "override_put";
    p.override_record = o;
    p.override_expected_version = expected_version;
    std::vector<std::string> keys;
    for (const auto& [k, v] : o.settings) keys.push_back(k);
    auto r = impl_->Replan(
        tx, ctx, who, *app, *m, *env, next, p,
        "infra override " + o.kind + " " + o.name, "infra_override.put",
        {{"settings", o.settings}, {"expected_version", expected_version}});
    if (!r.ok()) return r.status();
    out.change_set = r->change.change_set;
    if (r->override_record) {
      out.override_record = *r->override_record;
    } else {
      // Waiting for approval: the override as it stands (or as requested,
      // version 0, when it is new).
      out.override_record = cur.ok() ? *cur : o;
      if (!cur.ok()) out.override_record.version = 0;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<model::InfraOverride> AgentService::GetInfraOverride(
    const model::Actor& who, const std::string& app, const std::string& env,
    const std::string& kind, const std::string& name) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store, [&](StoreTx& tx) {
    return tx.GetInfraOverride(app, env, kind, name);
  });
}

StatusOr<model::InfraOverrideChange> AgentService::DeleteInfraOverride(
    const model::Actor& who, const std::string& app,
    const std::string& env_name, const std::string& kind,
    const std::string& name, int64_t expected_version) {
  const std::string key = OverrideKey(app, env_name, kind, name);
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteInfraOverride, false,
                                EnvKey(app, env_name)));
  model::InfraOverrideChange out;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx& ctx) -> Status {
    auto cur = tx.GetInfraOverride(app, env_name, kind, name);
    if (!cur.ok()) return cur.status();
    auto env = tx.GetEnvironment(app, env_name);
    if (!env.ok()) return env.status();
    SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteInfraOverride,
                                  IsProductionSpec(env->env.spec),
                                  EnvKey(app, env_name)));
    if (cur->version != expected_version) {
      return Stale("infra override " + key, expected_version, cur->version);
    }
    auto a = tx.GetApp(app);
    if (!a.ok()) return a.status();
    auto m = impl_->ModelOf(*a);
    if (!m.ok()) return m.status();
    auto ovs = tx.ListInfraOverrides(app, env_name);
    if (!ovs.ok()) return ovs.status();
    std::vector<InfraOverride> next;
    for (const auto& x : *ovs) {
      if (x.kind != kind || x.name != name) next.push_back(x);
    }
    Payload p;
    p.op = "override_delete";
    p.override_record = *cur;
    p.override_expected_version = expected_version;
    auto r =
        impl_->Replan(tx, ctx, who, *a, *m, *env, next, p,
                      "remove infra override " + kind + " " + name,
                      "infra_override.delete", {{"version", expected_version}});
    if (!r.ok()) return r.status();
    out.change_set = r->change.change_set;
    out.override_record = *cur;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

// ---- change sets
// --------------------------------------------------------------------

StatusOr<model::ChangeSet> AgentService::GetChangeSet(const model::Actor& who,
                                                      const std::string& id) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store, [&](StoreTx& tx) -> StatusOr<model::ChangeSet> {
    auto cs = tx.GetChangeSet(id);
    if (!cs.ok()) return cs.status();
    return cs->change_set;
  });
}

StatusOr<std::vector<model::ChangeSet>> AgentService::ListChangeSets(
    const model::Actor& who, const ChangeSetFilter& filter) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store,
                 [&](StoreTx& tx) { return tx.ListChangeSets(filter); });
}

StatusOr<model::ChangeSet> AgentService::ApproveChangeSet(
    const model::Actor& who, const std::string& id) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kDecideChangeSet, false, id));
  model::ChangeSet out;
  std::string expired;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx& ctx) -> Status {
    auto stored = tx.GetChangeSet(id);
    if (!stored.ok()) return stored.status();
    ChangeSet cs = stored->change_set;
    if (cs.state != "pending_approval") {
      return Status::FailedPrecondition("change set " + id + " is " + cs.state +
                                        ", not pending approval");
    }
    auto p = Payload::FromJson(stored->payload_json);
    if (!p.ok()) return p.status();
    const std::string key = EnvKey(cs.app, cs.environment);
    // Has anything it was planned on changed since?
    auto env = tx.GetEnvironment(cs.app, cs.environment);
    if (!env.ok() && !IsNotFound(env.status())) return env.status();
    const int64_t now_version = env.ok() ? env->env.version : 0;
    auto app = tx.GetApp(cs.app);
    if (now_version != p->base_version) {
      expired = "environment " + key + " changed since change set " + id +
                " was planned (version " + std::to_string(p->base_version) +
                ", now " + std::to_string(now_version) + ")";
    } else if (!app.ok() || app->model_hash != p->model_hash) {
      expired = "the model of app " + cs.app + " changed since change set " +
                id + " was planned";
    } else if (p->override_record) {
      auto o =
          tx.GetInfraOverride(cs.app, cs.environment, p->override_record->kind,
                              p->override_record->name);
      int64_t ov = o.ok() ? o->version : 0;
      if (ov != p->override_expected_version) {
        expired = "infra override " + p->override_record->kind + " " +
                  p->override_record->name + " changed since change set " + id +
                  " was planned";
      }
    }
    cs.decided_by = who.name;
    cs.decided_at_ms = impl_->clock();
    if (!expired.empty()) {
      cs.state = "expired";
      cs.reason = expired;
      SVC_RETURN_IF_ERROR(tx.DecideChangeSet(cs, "pending_approval"));
      if (env.ok() && env->env.pending_change_set == id) {
        Environment e = env->env;
        e.pending_change_set.clear();
        e.status = p->previous_status.empty() ? AppliedStatus(e.spec)
                                              : p->previous_status;
        SVC_RETURN_IF_ERROR(tx.PutEnvironmentStatus(e));
      }
      out = cs;
      return impl_->Audit(tx, who.name, "changeset.expire", id,
                          {{"environment", key}, {"reason", expired}});
    }
    ctx.force = who.force_conflicts;
    auto applied = impl_->ApplyPayload(tx, ctx, *p);
    if (!applied.ok()) return applied.status();
    cs.state = "applied";
    SVC_RETURN_IF_ERROR(tx.DecideChangeSet(cs, "pending_approval"));
    out = cs;
    json details = {{"environment", key}, {"op", p->op}};
    if (p->op != "delete") details["version"] = applied->env.version;
    return impl_->Audit(tx, who.name, "changeset.approve", id, details);
  });
  if (!s.ok()) return s;
  if (!expired.empty()) {
    return Status::Aborted("change set " + id + " expired: " + expired +
                           "; re-run terraform plan and apply");
  }
  return out;
}

StatusOr<model::ChangeSet> AgentService::RejectChangeSet(
    const model::Actor& who, const std::string& id, const std::string& reason) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kDecideChangeSet, false, id));
  model::ChangeSet out;
  Status s = impl_->Write([&](StoreTx& tx, Impl::WriteCtx&) -> Status {
    auto stored = tx.GetChangeSet(id);
    if (!stored.ok()) return stored.status();
    ChangeSet cs = stored->change_set;
    if (cs.state != "pending_approval") {
      return Status::FailedPrecondition("change set " + id + " is " + cs.state +
                                        ", not pending approval");
    }
    auto p = Payload::FromJson(stored->payload_json);
    if (!p.ok()) return p.status();
    cs.state = "rejected";
    cs.reason = reason;
    cs.decided_by = who.name;
    cs.decided_at_ms = impl_->clock();
    SVC_RETURN_IF_ERROR(tx.DecideChangeSet(cs, "pending_approval"));
    auto env = tx.GetEnvironment(cs.app, cs.environment);
    if (env.ok() && env->env.pending_change_set == id) {
      Environment e = env->env;
      e.pending_change_set.clear();
      e.status = p->previous_status.empty() ? AppliedStatus(e.spec)
                                            : p->previous_status;
      SVC_RETURN_IF_ERROR(tx.PutEnvironmentStatus(e));
    } else if (!env.ok() && !IsNotFound(env.status())) {
      return env.status();
    }
    out = cs;
    return impl_->Audit(
        tx, who.name, "changeset.reject", id,
        {{"environment", EnvKey(cs.app, cs.environment)}, {"reason", reason}});
  });
  if (!s.ok()) return s;
  return out;
}

// ---- audit
// ------------------------------------------------------------------------------

StatusOr<std::vector<model::AuditEntry>> AgentService::ListAudit(
    const model::Actor& who, int64_t after_seq, int limit) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  if (limit <= 0 || limit > 1000) limit = limit <= 0 ? 100 : 1000;
  return ReadOne(*impl_->store,
                 [&](StoreTx& tx) { return tx.ListAudit(after_seq, limit); });
}

StatusOr<model::AuditVerification> AgentService::VerifyAudit(
    const model::Actor& who) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  return ReadOne(*impl_->store, [&](StoreTx& tx) { return tx.VerifyAudit(); });
}

StatusOr<int64_t> AgentService::CountEnvironments() {
  int64_t n = 0;
  Status s = impl_->store->Read([&](StoreTx& tx) -> Status {
    auto c = tx.CountEnvironments();
    if (!c.ok()) return c.status();
    n = *c;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return n;
}

}  // namespace encore::agent

// ---- real infrastructure ------------------------------------------------------

namespace encore::agent {
namespace {

// The environment record (kNotFound naming it).
StatusOr<StoredEnvironment> LoadEnvironment(Store& store, const std::string& app,
                                            const std::string& name) {
  return ReadOne(store, [&](StoreTx& tx) { return tx.GetEnvironment(app, name); });
}

Status CheckTtl(int64_t ttl) {
  if (ttl < 60 || ttl > 12 * 3600) {
    return Status::InvalidArgument("ttl of " + std::to_string(ttl) +
                                   "s is outside 1m..12h");
  }
  return Status::Ok();
}

}  // namespace

void AgentService::SetInfrastructure(
    const std::function<std::unique_ptr<Infrastructure>(Store*, SecretBox*)>& make) {
  impl_->infra = make(impl_->store.get(), impl_->box.get());
}

void AgentService::ResumeProvisioning() {
  if (!impl_->infra) return;
  auto all = ReadOne(*impl_->store, [&](StoreTx& tx) { return tx.ListEnvironments("", ""); });
  if (!all.ok()) return;
  for (const auto& e : *all) {
    if (e.env.status == "provisioning") {
      (void)impl_->Converge(e.env.spec.app, e.env.spec.name, false, nullptr);
    }
  }
}

StatusOr<model::Environment> AgentService::ReconcileEnvironment(
    const model::Actor& who, const std::string& app, const std::string& name) {
  auto se = LoadEnvironment(*impl_->store, app, name);
  if (!se.ok()) return se.status();
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteEnvironment,
                                IsProductionSpec(se->env.spec), EnvKey(app, name)));
  model::Environment out = se->env;
  SVC_RETURN_IF_ERROR(impl_->Converge(app, name, who.force_conflicts, &out));
  return out;
}

StatusOr<model::Environment> AgentService::ScanDrift(const model::Actor& who,
                                                     const std::string& app,
                                                     const std::string& name) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  auto se = LoadEnvironment(*impl_->store, app, name);
  if (!se.ok()) return se.status();
  if (!impl_->ExecutesLocally(se->env.spec)) {
    return Status::FailedPrecondition(
        "environment " + EnvKey(app, name) + " runs on " + se->env.spec.cloud +
        ", whose drivers only plan; there is nothing to scan");
  }
  auto password = AdminPassword(*impl_->box, *se);
  if (!password.ok()) return password.status();
  auto drift = impl_->infra->ScanDrift(app, name, se->env.spec, *password);
  if (!drift.ok()) return drift.status();
  model::Environment out = se->env;
  Status s = impl_->store->Write([&](StoreTx& tx) -> Status {
    auto e = tx.GetEnvironment(app, name);
    if (!e.ok()) return e.status();
    out = e->env;
    out.drift = *drift;
    return tx.PutEnvironmentStatus(out);
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::string> AgentService::RuntimeConfig(const model::Actor& who,
                                                  const std::string& app,
                                                  const std::string& name,
                                                  const std::string& group,
                                                  bool include_secrets) {
  auto se = LoadEnvironment(*impl_->store, app, name);
  if (!se.ok()) return se.status();
  const bool prod = IsProductionSpec(se->env.spec);
  SVC_RETURN_IF_ERROR(Authorize(
      who, include_secrets ? Action::kWriteEnvironment : Action::kRead, prod,
      EnvKey(app, name)));
  auto a = ReadOne(*impl_->store, [&](StoreTx& tx) { return tx.GetApp(app); });
  if (!a.ok()) return a.status();
  auto m = impl_->ModelOf(*a);
  if (!m.ok()) return m.status();
  RuntimeConfigInput in;
  in.env = se->env;
  in.model = *m;
  in.process_group = group;
  in.include_secrets = include_secrets;
  if (impl_->infra) {
    auto ledger = impl_->infra->Ledger(app, name);
    if (!ledger.ok()) return ledger.status();
    in.ledger = *ledger;
  }
  if (include_secrets) {
    if (impl_->infra) {
      auto pw = impl_->infra->RolePasswords(app, name);
      if (!pw.ok()) return pw.status();
      in.role_passwords = *pw;
    }
    auto secrets = ReadOne(*impl_->store, [&](StoreTx& tx) { return tx.ListSecrets(app); });
    if (!secrets.ok()) return secrets.status();
    for (const auto& sec : *secrets) {
      for (const std::string& key : {"env:" + name, se->env.spec.type}) {
        auto it = sec.sealed_values.find(key);
        if (it == sec.sealed_values.end()) continue;
        auto clear = impl_->box->Open(it->second, SecretContext(app, sec.secret.name, key));
        if (!clear.ok()) return clear.status();
        in.secrets[sec.secret.name] = *clear;
        break;
      }
    }
    SVC_RETURN_IF_ERROR(impl_->store->Write([&](StoreTx& tx) {
      return impl_->Audit(tx, who.name, "runtime_config.reveal", EnvKey(app, name),
                          {{"process_group", group}});
    }));
  }
  return BuildRuntimeConfig(in);
}

StatusOr<model::ResourceFacts> AgentService::GetResourceFacts(
    const model::Actor& who, const std::string& app, const std::string& env,
    const std::string& kind, const std::string& name, bool include_credentials) {
  auto se = LoadEnvironment(*impl_->store, app, env);
  if (!se.ok()) return se.status();
  SVC_RETURN_IF_ERROR(Authorize(
      who, include_credentials ? Action::kWriteEnvironment : Action::kRead,
      IsProductionSpec(se->env.spec), EnvKey(app, env)));
  model::ResourceFacts f;
  f.kind = kind;
  f.name = name;
  f.status = se->env.status;
  if (kind == "gateway" || kind == "service") {
    if (se->env.url.empty()) {
      return Status::NotFound("environment " + EnvKey(app, env) +
                              " has no gateway address (status " + se->env.status + ")");
    }
    f.facts["url"] = se->env.url;
    f.facts["address"] = se->env.url.substr(se->env.url.find("://") + 3);
    f.provider_id = "gateway:" + EnvKey(app, env);
    return f;
  }
  if (!impl_->infra) {
    return Status::NotFound(kind + " " + name + " of " + EnvKey(app, env) +
                            " is not provisioned (status " + se->env.status + ")");
  }
  auto ledger = impl_->infra->Ledger(app, env);
  if (!ledger.ok()) return ledger.status();
  for (const auto& e : *ledger) {
    if (e.kind != kind || e.name != name) continue;
    f.provider_id = e.provider_id;
    f.status = e.owner == "adopted:observe" ? "observed" : e.state;
    f.facts = e.facts;
    if (include_credentials && kind == "sql_database" && e.facts.count("user")) {
      auto pw = impl_->infra->RolePasswords(app, env);
      if (!pw.ok()) return pw.status();
      auto it = pw->find(e.facts.at("user"));
      if (it != pw->end()) f.credentials["password"] = it->second;
    }
    return f;
  }
  return Status::NotFound(kind + " " + name + " of " + EnvKey(app, env) +
                          " is not provisioned (environment status " +
                          se->env.status + ")");
}

StatusOr<std::map<std::string, model::BackendCounter>> AgentService::BackendCounters(
    const model::Actor& who) {
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kRead, false));
  if (!impl_->infra) return std::map<std::string, model::BackendCounter>{};
  return impl_->infra->Counters();
}

namespace {

struct LoginTarget {
  StoredEnvironment env;
  LedgerEntry database;
  std::string admin_password;
};

}  // namespace

static StatusOr<LoginTarget> FindLoginTarget(Store& store, SecretBox& box,
                                             Infrastructure* infra,
                                             const model::Actor& who,
                                             const std::string& app,
                                             const std::string& env,
                                             const std::string& database) {
  auto se = LoadEnvironment(store, app, env);
  if (!se.ok()) return se.status();
  SVC_RETURN_IF_ERROR(Authorize(who, Action::kWriteEnvironment,
                                IsProductionSpec(se->env.spec), EnvKey(app, env)));
  if (!infra || !RunsLocally(se->env.spec)) {
    return Status::FailedPrecondition(
        "environment " + EnvKey(app, env) +
        " has no database the agent runs; short-lived logins need a local or "
        "encore environment");
  }
  auto ledger = infra->Ledger(app, env);
  if (!ledger.ok()) return ledger.status();
  LoginTarget t;
  t.env = *se;
  bool found = false;
  for (const auto& e : *ledger) {
    if (e.kind == "sql_database" && e.name == database) {
      t.database = e;
      found = true;
    }
  }
  if (!found) {
    return Status::NotFound("database " + database + " of " + EnvKey(app, env) +
                            " is not provisioned (environment status " +
                            se->env.status + ")");
  }
  auto password = AdminPassword(box, *se);
  if (!password.ok()) return password.status();
  t.admin_password = *password;
  return t;
}

StatusOr<model::DatabaseCredentials> AgentService::IssueDatabaseCredentials(
    const model::Actor& who, const std::string& app, const std::string& env,
    const std::string& database, const std::string& service, int64_t ttl) {
  SVC_RETURN_IF_ERROR(CheckTtl(ttl));
  auto t = FindLoginTarget(*impl_->store, *impl_->box, impl_->infra.get(), who,
                           app, env, database);
  if (!t.ok()) return t.status();
  std::string role = t->database.facts.count("user") ? t->database.facts.at("user") : "";
  if (!service.empty()) {
    role.clear();
    std::string roles;
    if (auto it = t->database.attributes.find("roles"); it != t->database.attributes.end()) {
      roles = it->second.written;
    }
    std::stringstream in(roles);
    std::string r;
    while (std::getline(in, r, ',')) {
      const std::string want = service + "_svc";
      if (r == want || (r.size() > want.size() &&
                        r.compare(r.size() - want.size() - 1, std::string::npos,
                                  "_" + want) == 0)) {
        role = r;
      }
    }
    if (role.empty()) {
      return Status::InvalidArgument("service " + service + " does not use database " +
                                     database + " (its roles: " + roles + ")");
    }
  }
  auto c = impl_->infra->IssueLogin(t->env.env.spec, t->admin_password, t->database,
                                    role, ttl);
  if (!c.ok()) return c.status();
  SVC_RETURN_IF_ERROR(impl_->store->Write([&](StoreTx& tx) {
    return impl_->Audit(tx, who.name, "database_credentials.issue", EnvKey(app, env),
                        {{"database", database}, {"login", c->login},
                         {"valid_until", c->valid_until}});
  }));
  return c;
}

StatusOr<model::DatabaseCredentials> AgentService::RenewDatabaseCredentials(
    const model::Actor& who, const std::string& app, const std::string& env,
    const std::string& database, const std::string& login, int64_t ttl) {
  SVC_RETURN_IF_ERROR(CheckTtl(ttl));
  auto t = FindLoginTarget(*impl_->store, *impl_->box, impl_->infra.get(), who,
                           app, env, database);
  if (!t.ok()) return t.status();
  return impl_->infra->RenewLogin(t->env.env.spec, t->admin_password, t->database,
                                  login, ttl);
}

Status AgentService::RevokeDatabaseCredentials(const model::Actor& who,
                                               const std::string& app,
                                               const std::string& env,
                                               const std::string& database,
                                               const std::string& login) {
  auto t = FindLoginTarget(*impl_->store, *impl_->box, impl_->infra.get(), who,
                           app, env, database);
  if (!t.ok()) return t.status();
  SVC_RETURN_IF_ERROR(impl_->infra->DropLogin(t->env.env.spec, t->admin_password,
                                              t->database, login));
  return impl_->store->Write([&](StoreTx& tx) {
    return impl_->Audit(tx, who.name, "database_credentials.revoke", EnvKey(app, env),
                        {{"database", database}, {"login", login}});
  });
}

}  // namespace encore::agent
