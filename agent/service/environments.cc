// AgentService: environments (create, get, list, update, delete) and the
// primary environment of an app.
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

using model::Environment;
using model::EnvironmentSpec;
using nlohmann::json;
using service_internal::AppliedStatus;
using service_internal::EnvKey;
using service_internal::IsNotFound;
using service_internal::IsProductionSpec;
using service_internal::Payload;
using service_internal::ReadOne;
using service_internal::Stale;

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

}  // namespace

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

}  // namespace encore::agent
