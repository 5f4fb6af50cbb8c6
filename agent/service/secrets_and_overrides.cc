// AgentService: secrets (put, get, delete, reveal) and infrastructure
// overrides (put, get, delete).
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

#include "agent/service/agent_service.h"
#include "agent/service/permissions.h"
#include "agent/service/service_internal.h"
#include "agent/service/validation.h"
#include "model/text.h"

namespace encore::agent {
namespace {

using model::InfraOverride;
using service_internal::EnvKey;
using service_internal::IsNotFound;
using service_internal::IsProductionSpec;
using service_internal::Payload;
using service_internal::ReadOne;
using service_internal::SecretContext;
using service_internal::Stale;

}  // namespace

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

}  // namespace encore::agent
