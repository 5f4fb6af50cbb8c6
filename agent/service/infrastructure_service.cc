// AgentService: the real infrastructure (SetInfrastructure,
// ResumeProvisioning, ReconcileEnvironment, ScanDrift, RuntimeConfig,
// resource facts, backend counters, database credentials).
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

#include "agent/executor/runtime_config.h"
#include "agent/service/agent_service.h"
#include "agent/service/permissions.h"
#include "agent/service/service_internal.h"
#include "agent/service/validation.h"
#include "model/app_model.h"
#include "model/text.h"

namespace encore::agent {
namespace {

using service_internal::AdminPassword;
using service_internal::EnvKey;
using service_internal::IsProductionSpec;
using service_internal::ReadOne;
using service_internal::RunsLocally;
using service_internal::SecretContext;

// The environment record (kNotFound naming it).
StatusOr<StoredEnvironment> LoadEnvironment(Store& store,
                                            const std::string& app,
                                            const std::string& name) {
  return ReadOne(store,
                 [&](StoreTx& tx) { return tx.GetEnvironment(app, name); });
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
    const std::function<std::unique_ptr<Infrastructure>(Store*, SecretBox*)>&
        make) {
  impl_->infra = make(impl_->store.get(), impl_->box.get());
}

void AgentService::ResumeProvisioning() {
  if (!impl_->infra) return;
  auto all = ReadOne(*impl_->store,
                     [&](StoreTx& tx) { return tx.ListEnvironments("", ""); });
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
                                IsProductionSpec(se->env.spec),
                                EnvKey(app, name)));
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
    auto secrets = ReadOne(*impl_->store,
                           [&](StoreTx& tx) { return tx.ListSecrets(app); });
    if (!secrets.ok()) return secrets.status();
    for (const auto& sec : *secrets) {
      for (const std::string& key : {"env:" + name, se->env.spec.type}) {
        auto it = sec.sealed_values.find(key);
        if (it == sec.sealed_values.end()) continue;
        auto clear = impl_->box->Open(it->second,
                                      SecretContext(app, sec.secret.name, key));
        if (!clear.ok()) return clear.status();
        in.secrets[sec.secret.name] = *clear;
        break;
      }
    }
    SVC_RETURN_IF_ERROR(impl_->store->Write([&](StoreTx& tx) {
      return impl_->Audit(tx, who.name, "runtime_config.reveal",
                          EnvKey(app, name), {{"process_group", group}});
    }));
  }
  return BuildRuntimeConfig(in);
}

StatusOr<model::ResourceFacts> AgentService::GetResourceFacts(
    const model::Actor& who, const std::string& app, const std::string& env,
    const std::string& kind, const std::string& name,
    bool include_credentials) {
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
                              " has no gateway address (status " +
                              se->env.status + ")");
    }
    f.facts["url"] = se->env.url;
    f.facts["address"] = se->env.url.substr(se->env.url.find("://") + 3);
    f.provider_id = "gateway:" + EnvKey(app, env);
    return f;
  }
  if (!impl_->infra) {
    return Status::NotFound(kind + " " + name + " of " + EnvKey(app, env) +
                            " is not provisioned (status " + se->env.status +
                            ")");
  }
  auto ledger = impl_->infra->Ledger(app, env);
  if (!ledger.ok()) return ledger.status();
  for (const auto& e : *ledger) {
    if (e.kind != kind || e.name != name) continue;
    f.provider_id = e.provider_id;
    f.status = e.owner == "adopted:observe" ? "observed" : e.state;
    f.facts = e.facts;
    if (include_credentials && kind == "sql_database" &&
        e.facts.count("user")) {
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

StatusOr<std::map<std::string, model::BackendCounter>>
AgentService::BackendCounters(const model::Actor& who) {
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
                                IsProductionSpec(se->env.spec),
                                EnvKey(app, env)));
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
    const std::string& database, const std::string& service, int64_t ttl,
    bool read_only) {
  SVC_RETURN_IF_ERROR(CheckTtl(ttl));
  auto t = FindLoginTarget(*impl_->store, *impl_->box, impl_->infra.get(), who,
                           app, env, database);
  if (!t.ok()) return t.status();
  std::string role =
      t->database.facts.count("user") ? t->database.facts.at("user") : "";
  if (!service.empty()) {
    role.clear();
    std::string roles;
    if (auto it = t->database.attributes.find("roles");
        it != t->database.attributes.end()) {
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
      return Status::InvalidArgument("service " + service +
                                     " does not use database " + database +
                                     " (its roles: " + roles + ")");
    }
  }
  auto c = impl_->infra->IssueLogin(t->env.env.spec, t->admin_password,
                                    t->database, role, ttl, read_only);
  if (!c.ok()) return c.status();
  SVC_RETURN_IF_ERROR(impl_->store->Write([&](StoreTx& tx) {
    return impl_->Audit(tx, who.name, "database_credentials.issue",
                        EnvKey(app, env),
                        {{"database", database},
                         {"access", read_only ? "read_only" : "read_write"},
                         {"login", c->login},
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
  return impl_->infra->RenewLogin(t->env.env.spec, t->admin_password,
                                  t->database, login, ttl);
}

Status AgentService::RevokeDatabaseCredentials(const model::Actor& who,
                                               const std::string& app,
                                               const std::string& env,
                                               const std::string& database,
                                               const std::string& login) {
  auto t = FindLoginTarget(*impl_->store, *impl_->box, impl_->infra.get(), who,
                           app, env, database);
  if (!t.ok()) return t.status();
  SVC_RETURN_IF_ERROR(impl_->infra->DropLogin(
      t->env.env.spec, t->admin_password, t->database, login));
  return impl_->store->Write([&](StoreTx& tx) {
    return impl_->Audit(tx, who.name, "database_credentials.revoke",
                        EnvKey(app, env),
                        {{"database", database}, {"login", login}});
  });
}

}  // namespace encore::agent
