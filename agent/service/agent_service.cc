// AgentService: construction, Impl's shared machinery (writes, ports,
// convergence, audit, passwords, models), tokens and apps.
#include "agent/service/agent_service.h"

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
#include "agent/service/permissions.h"
#include "agent/service/service_internal.h"
#include "agent/service/validation.h"
#include "model/app_model.h"
#include "model/text.h"

namespace encore::agent {
namespace {

using model::Actor;
using model::App;
using model::Environment;
using model::EnvironmentSpec;
using nlohmann::json;
using service_internal::AdminPassword;
using service_internal::EnvKey;
using service_internal::IsNotFound;
using service_internal::IsProductionSpec;
using service_internal::PasswordContext;
using service_internal::Payload;
using service_internal::PortOfUrl;
using service_internal::ReadOne;
using service_internal::RunsLocally;
using service_internal::Stale;

}  // namespace

Clock SystemClock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

Status AgentService::Impl::Write(
    const std::function<Status(StoreTx&, WriteCtx&)>& fn) {
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

void AgentService::Impl::Refresh(Environment& env) {
  if (!infra || env.spec.app.empty()) return;
  (void)store->Read([&](StoreTx& tx) -> Status {
    auto e = tx.GetEnvironment(env.spec.app, env.spec.name);
    if (e.ok() && e->env.version == env.version) env = e->env;
    return Status::Ok();
  });
}

bool AgentService::Impl::ExecutesLocally(const EnvironmentSpec& spec) const {
  return infra != nullptr && RunsLocally(spec);
}

Status AgentService::Impl::Converge(const std::string& app,
                                    const std::string& name, bool force,
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
    if (failure.rfind("conflict:", 0) != 0)
      failure = "apply failed: " + failure;
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

Status AgentService::Impl::Audit(StoreTx& tx, const std::string& actor,
                                 const std::string& action,
                                 const std::string& target,
                                 const json& details) {
  model::AuditEntry e;
  e.time_ms = clock();
  e.actor = actor;
  e.action = action;
  e.target = target;
  e.details = details.dump();
  auto r = tx.AppendAudit(e);
  return r.ok() ? Status::Ok() : r.status();
}

StatusOr<int> AgentService::Impl::AllocatePort(StoreTx& tx, WriteCtx& ctx,
                                               int first_port) {
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

void AgentService::Impl::SealPassword(EnvironmentSpec& spec,
                                      const std::string& stored_sealed,
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

StatusOr<model::AppModel> AgentService::Impl::ModelOf(const App& app) {
  auto m = model::ParseAppModel(app.model_json);
  if (!m.ok()) {
    return Status::FailedPrecondition(
        "app " + app.name +
        ": stored model does not parse: " + m.status().message());
  }
  return m;
}

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

}  // namespace encore::agent
