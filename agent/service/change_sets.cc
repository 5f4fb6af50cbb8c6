// AgentService: planning and change-set submission (Impl::Plan, Submit,
// ApplyPayload, Replan...), change sets (get, list, approve, reject) and
// the audit log.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "agent/planner/planner.h"
#include "agent/service/agent_service.h"
#include "agent/service/permissions.h"
#include "agent/service/service_internal.h"
#include "agent/service/validation.h"
#include "model/app_model.h"
#include "model/text.h"

namespace encore::agent {
namespace {

using model::Actor;
using model::App;
using model::ChangeSet;
using model::Environment;
using model::EnvironmentSpec;
using model::InfraItem;
using model::InfraOverride;
using nlohmann::json;
using service_internal::AppliedStatus;
using service_internal::EnvKey;
using service_internal::IsNotFound;
using service_internal::IsProductionSpec;
using service_internal::kUrlPrefix;
using service_internal::Payload;
using service_internal::PortOfUrl;
using service_internal::ReadOne;
using service_internal::RunsLocally;
using service_internal::Stale;

// Gateway ports (DESIGN §3: "the first local one on 4000, as Encore does"):
// local environments count up from 4000, hosted (cloud "encore") ones from
// 5000, so `encore run`'s usual address goes to a local environment.
constexpr int kFirstLocalPort = 4000;
constexpr int kFirstHostedPort = 5000;

std::string StoredRequestKey(const std::string& payload_json) {
  json j = json::parse(payload_json, nullptr, false);
  if (!j.is_object()) return "";
  return j.value("request_key", "");
}

}  // namespace

StatusOr<AgentService::Impl::EnvPlan> AgentService::Impl::Plan(
    const model::AppModel& m, const EnvironmentSpec& spec,
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
  p.ops = DiffInfrastructure(current, p.desired, EffectiveDeletionPolicy(spec));
  return p;
}

StatusOr<std::optional<StoredChangeSet>> AgentService::Impl::PendingFor(
    StoreTx& tx, const std::string& app, const std::string& env) {
  auto list = tx.ListChangeSets({app, env, "pending_approval"});
  if (!list.ok()) return list.status();
  if (list->empty()) return std::optional<StoredChangeSet>();
  auto cs = tx.GetChangeSet(list->front().id);
  if (!cs.ok()) return cs.status();
  return std::optional<StoredChangeSet>(*cs);
}

StatusOr<ChangeSet> AgentService::Impl::LatestApplied(StoreTx& tx,
                                                      const Environment& env) {
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

StatusOr<AgentService::Impl::Applied> AgentService::Impl::ApplyPayload(
    StoreTx& tx, WriteCtx& ctx, const Payload& p) {
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
      ctx.teardowns.push_back(
          {p.spec.app, p.spec.name, EffectiveDeletionPolicy(cur->env.spec)});
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
          return Status::Aborted("infra override " + key + "/" + o.kind + "/" +
                                 o.name +
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
        tx, ctx, p.spec.cloud == "local" ? kFirstLocalPort : kFirstHostedPort);
    if (!port.ok()) return port.status();
    url = kUrlPrefix + std::to_string(*port);
  }
  if (p.op == "create" || p.op == "update") {
    StoredEnvironment se;
    se.env.spec = p.spec;
    se.env.status =
        ExecutesLocally(p.spec) ? "provisioning" : AppliedStatus(p.spec);
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
  env.status =
      ExecutesLocally(env.spec) ? "provisioning" : AppliedStatus(env.spec);
  env.url = url;
  if (ExecutesLocally(env.spec)) ctx.converge.insert({p.spec.app, p.spec.name});
  env.infrastructure = p.infrastructure;
  env.pending_change_set.clear();
  if (cur.ok()) env.drift = cur->env.drift;
  SVC_RETURN_IF_ERROR(tx.PutEnvironmentStatus(env));
  out.env = env;
  return out;
}

Status AgentService::Impl::Supersede(StoreTx& tx, const Actor& who,
                                     const StoredChangeSet& old,
                                     const std::string& by) {
  ChangeSet cs = old.change_set;
  cs.state = "superseded";
  cs.decided_by = who.name;
  cs.reason = "superseded by " + by;
  cs.decided_at_ms = clock();
  return tx.DecideChangeSet(cs, "pending_approval");
}

StatusOr<AgentService::Impl::SubmitResult> AgentService::Impl::Submit(
    StoreTx& tx, WriteCtx& ctx, const Actor& who, Submission sub) {
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
      result.change.environment.pending_change_set = (*pending)->change_set.id;
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
    if (sub.current->env.status == "pending_approval" && pending->has_value()) {
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

StatusOr<bool> AgentService::Impl::IsProductionEnv(StoreTx& tx,
                                                   const std::string& app,
                                                   const std::string& env) {
  auto e = tx.GetEnvironment(app, env);
  if (e.ok()) return IsProductionSpec(e->env.spec);
  if (IsNotFound(e.status())) return false;
  return e.status();
}

StatusOr<AgentService::Impl::SubmitResult> AgentService::Impl::Replan(
    StoreTx& tx, WriteCtx& ctx, const Actor& who, const App& app,
    const model::AppModel& m, const StoredEnvironment& cur,
    const std::vector<InfraOverride>& overrides, Payload payload,
    const std::string& summary, const std::string& audit_action,
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
