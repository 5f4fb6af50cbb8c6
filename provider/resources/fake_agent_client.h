// A test-only in-memory AgentClient for the resources' and data sources'
// unit tests: versioned records with compare-and-set, change sets whose
// later states a test scripts, injected errors, and a record of what was
// sent. Not a feature: it only exists in test binaries.
#ifndef ENCORE_PROVIDER_RESOURCES_FAKE_AGENT_CLIENT_H_
#define ENCORE_PROVIDER_RESOURCES_FAKE_AGENT_CLIENT_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "agent/api/agent_client.h"
#include "model/app_model.h"
#include "provider/config/provider_settings.h"
#include "provider/framework/call_context.h"

namespace encore::resources::testing {

class FakeAgentClient : public agent::AgentClient {
 public:
  // ---- test controls ----
  // The next call of `rpc` ("GetEnvironment", ...) fails with this status.
  std::map<std::string, Status> fail_next;
  // Environment and override writes make change sets in this state
  // ("applied" or "pending_approval").
  std::string new_change_set_state = "applied";
  // States GetChangeSet reports next, one per call (the last one repeats).
  std::deque<model::ChangeSet> scripted_change_sets;
  int get_change_set_calls = 0;
  // The next Create/Update/ReconcileEnvironment records the new desired
  // state (status "failed: ...") and then fails with this status, as the
  // agent does when the apply against the backends fails.
  std::map<std::string, Status> fail_after_record;
  // The status ReconcileEnvironment leaves the environment in.
  std::string reconcile_status = "ready";
  // Set by SetForceConflicts (or the test).
  bool force = false;

  // ---- what was sent ----
  std::vector<std::string> last_mask;
  int64_t last_expected_version = -1;
  model::EnvironmentSpec last_spec;
  model::Secret last_secret;
  std::vector<std::string> calls;
  bool last_include_credentials = false;
  int64_t last_ttl_seconds = 0;
  std::string last_service, last_login;
  bool last_read_only = false;

  // ---- the records ----
  std::map<std::string, model::App> apps;
  std::map<std::string, model::Environment> envs;  // "app/env"
  std::map<std::string, model::PrimaryEnvironment> primaries;
  std::map<std::string, model::Secret> secrets;  // "app/name"
  std::map<std::string, model::InfraOverride> overrides;
  std::map<std::string, std::string> secret_values;  // "app/name/key"
  // GetResourceFacts answers: "app/env/kind/name" (absent: NOT_FOUND).
  std::map<std::string, model::ResourceFacts> facts;
  // Live database logins by login name ("app/env/database" in `where`).
  std::map<std::string, model::DatabaseCredentials> logins;
  std::map<std::string, std::string> login_where;
  int issued_logins = 0;

  static std::string Fp(const std::string& v) {
    return "fp" + std::to_string(std::hash<std::string>{}(v) % 100000);
  }

  StatusOr<agent::AgentInfo> GetInfo(const std::string& = "") override {
    return agent::AgentInfo{"test", "tester", "admin", "/tmp"};
  }

  StatusOr<model::App> CreateApp(const model::App& app,
                                 const std::string& = "") override {
    if (auto s = Fail("CreateApp"); !s.ok()) return s;
    if (apps.count(app.name)) return Status::AlreadyExists("app exists");
    auto m = model::ParseAppModel(app.model_json);
    if (!m.ok()) return m.status();
    model::App a = app;
    a.model_json = m->canonical_json;
    a.model_hash = model::AppModelHash(*m);
    a.services.clear();
    for (const auto& s : m->services) a.services.push_back(s.name);
    a.version = 1;
    apps[a.name] = a;
    return a;
  }
  StatusOr<model::App> GetApp(const std::string& name,
                              const std::string& = "") override {
    if (auto s = Fail("GetApp"); !s.ok()) return s;
    auto it = apps.find(name);
    if (it == apps.end()) return Status::NotFound("app " + name + " not found");
    return it->second;
  }
  StatusOr<std::vector<model::App>> ListApps(const std::string& = "") override {
    std::vector<model::App> out;
    for (const auto& [k, v] : apps) out.push_back(v);
    return out;
  }
  StatusOr<model::App> UpdateApp(const model::App& app, int64_t expected,
                                 const std::vector<std::string>& mask,
                                 const std::string& = "") override {
    if (auto s = Fail("UpdateApp"); !s.ok()) return s;
    last_mask = mask;
    last_expected_version = expected;
    auto it = apps.find(app.name);
    if (it == apps.end()) return Status::NotFound("app not found");
    if (it->second.version != expected) {
      return Status::Aborted("app " + app.name + " changed since your plan");
    }
    int64_t v = it->second.version;
    apps.erase(it);
    auto made = CreateApp(app);
    if (!made.ok()) return made;
    apps[app.name].version = v + 1;
    return apps[app.name];
  }
  Status DeleteApp(const std::string& name, int64_t expected,
                   const std::string& = "") override {
    if (auto s = Fail("DeleteApp"); !s.ok()) return s;
    last_expected_version = expected;
    auto it = apps.find(name);
    if (it == apps.end()) return Status::NotFound("app not found");
    if (it->second.version != expected) return Status::Aborted("changed");
    apps.erase(it);
    return Status::Ok();
  }

  StatusOr<model::EnvironmentChange> CreateEnvironment(
      const model::EnvironmentSpec& spec, const std::string& = "") override {
    if (auto s = Fail("CreateEnvironment"); !s.ok()) return s;
    last_spec = spec;
    std::string key = spec.app + "/" + spec.name;
    if (envs.count(key)) return Status::AlreadyExists("environment exists");
    model::Environment env;
    env.spec = Stored(spec, {});
    env.version = 1;
    env.status = "planned";
    env.url = "http://127.0.0.1:4000";
    env.infrastructure.push_back({"gateway",
                                  "api-gateway",
                                  "port:4000",
                                  "encore-agent",
                                  "planned",
                                  {"reserve 127.0.0.1:4000"},
                                  {}});
    auto c = Change(key, env);
    if (Status f = FailAfterRecord("CreateEnvironment", key); !f.ok()) {
      return f;
    }
    return c;
  }
  StatusOr<model::Environment> GetEnvironment(
      const std::string& app, const std::string& name,
      const std::string& = "") override {
    if (auto s = Fail("GetEnvironment"); !s.ok()) return s;
    auto it = envs.find(app + "/" + name);
    if (it == envs.end()) {
      return Status::NotFound("environment " + app + "/" + name + " not found");
    }
    return it->second;
  }
  StatusOr<std::vector<model::Environment>> ListEnvironments(
      const std::string& app, const std::string& type,
      const std::string& = "") override {
    if (auto s = Fail("ListEnvironments"); !s.ok()) return s;
    std::vector<model::Environment> out;
    for (const auto& [k, v] : envs) {
      if (v.spec.app == app && (type.empty() || v.spec.type == type)) {
        out.push_back(v);
      }
    }
    return out;
  }
  StatusOr<model::EnvironmentChange> UpdateEnvironment(
      const model::EnvironmentSpec& spec, int64_t expected,
      const std::vector<std::string>& mask, const std::string& = "") override {
    if (auto s = Fail("UpdateEnvironment"); !s.ok()) return s;
    last_spec = spec;
    last_mask = mask;
    last_expected_version = expected;
    std::string key = spec.app + "/" + spec.name;
    auto it = envs.find(key);
    if (it == envs.end()) return Status::NotFound("environment not found");
    if (it->second.version != expected) {
      return Status::Aborted(
          "environment " + key + " changed since your plan (version " +
          std::to_string(expected) + ", now " +
          std::to_string(it->second.version) + "); re-run plan");
    }
    model::Environment env = it->second;
    env.spec = Stored(spec, env.spec);
    env.version++;
    auto c = Change(key, env);
    if (Status f = FailAfterRecord("UpdateEnvironment", key); !f.ok()) {
      return f;
    }
    return c;
  }
  StatusOr<model::EnvironmentChange> DeleteEnvironment(
      const std::string& app, const std::string& name, int64_t expected,
      const std::string& = "") override {
    if (auto s = Fail("DeleteEnvironment"); !s.ok()) return s;
    last_expected_version = expected;
    std::string key = app + "/" + name;
    auto it = envs.find(key);
    if (it == envs.end()) return Status::NotFound("environment not found");
    model::EnvironmentChange c;
    c.environment = it->second;
    c.change_set = NewChangeSet(app, name);
    if (c.change_set.state == "applied") envs.erase(key);
    return c;
  }

  StatusOr<model::PrimaryEnvironment> SetPrimaryEnvironment(
      const model::PrimaryEnvironment& p, int64_t expected,
      const std::string& = "") override {
    if (auto s = Fail("SetPrimaryEnvironment"); !s.ok()) return s;
    last_expected_version = expected;
    auto it = primaries.find(p.app);
    int64_t have = it == primaries.end() ? 0 : it->second.version;
    if (have != expected) return Status::Aborted("changed since your plan");
    model::PrimaryEnvironment out = p;
    out.version = have + 1;
    primaries[p.app] = out;
    return out;
  }
  StatusOr<model::PrimaryEnvironment> GetPrimaryEnvironment(
      const std::string& app, const std::string& = "") override {
    if (auto s = Fail("GetPrimaryEnvironment"); !s.ok()) return s;
    auto it = primaries.find(app);
    if (it == primaries.end()) return Status::NotFound("no primary");
    return it->second;
  }
  Status DeletePrimaryEnvironment(const std::string& app, int64_t expected,
                                  const std::string& = "") override {
    last_expected_version = expected;
    if (!primaries.erase(app)) return Status::NotFound("no primary");
    return Status::Ok();
  }

  StatusOr<model::Secret> PutSecret(const model::Secret& s, int64_t expected,
                                    const std::string& = "") override {
    if (auto st = Fail("PutSecret"); !st.ok()) return st;
    last_secret = s;
    last_expected_version = expected;
    std::string key = s.app + "/" + s.name;
    auto it = secrets.find(key);
    int64_t have = it == secrets.end() ? 0 : it->second.version;
    if (have != expected) return Status::Aborted("secret changed");
    model::Secret out;
    out.app = s.app;
    out.name = s.name;
    out.values_wo_version = s.values_wo_version;
    out.version = have + 1;
    for (const auto& [k, v] : s.values) out.fingerprints[k] = Fp(v);
    secrets[key] = out;
    return out;
  }
  StatusOr<model::Secret> GetSecret(const std::string& app,
                                    const std::string& name,
                                    const std::string& = "") override {
    if (auto s = Fail("GetSecret"); !s.ok()) return s;
    auto it = secrets.find(app + "/" + name);
    if (it == secrets.end()) return Status::NotFound("secret not found");
    return it->second;
  }
  Status DeleteSecret(const std::string& app, const std::string& name,
                      int64_t expected, const std::string& = "") override {
    last_expected_version = expected;
    if (!secrets.erase(app + "/" + name)) return Status::NotFound("no secret");
    return Status::Ok();
  }
  StatusOr<std::map<std::string, std::string>> RevealSecret(
      const std::string&, const std::string&,
      const std::string& = "") override {
    return Status::PermissionDenied("not in tests");
  }

  StatusOr<model::InfraOverrideChange> PutInfraOverride(
      const model::InfraOverride& o, int64_t expected,
      const std::string& = "") override {
    if (auto s = Fail("PutInfraOverride"); !s.ok()) return s;
    last_expected_version = expected;
    std::string key = o.app + "/" + o.environment + "/" + o.kind + "/" + o.name;
    auto it = overrides.find(key);
    int64_t have = it == overrides.end() ? 0 : it->second.version;
    if (have != expected) return Status::Aborted("override changed");
    model::InfraOverrideChange c;
    c.override_record = o;
    c.override_record.version = have + 1;
    c.change_set = NewChangeSet(o.app, o.environment);
    overrides[key] = c.override_record;
    return c;
  }
  StatusOr<model::InfraOverride> GetInfraOverride(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, const std::string& = "") override {
    auto it = overrides.find(app + "/" + env + "/" + kind + "/" + name);
    if (it == overrides.end()) return Status::NotFound("no override");
    return it->second;
  }
  StatusOr<model::InfraOverrideChange> DeleteInfraOverride(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, int64_t expected,
      const std::string& = "") override {
    last_expected_version = expected;
    std::string key = app + "/" + env + "/" + kind + "/" + name;
    auto it = overrides.find(key);
    if (it == overrides.end()) return Status::NotFound("no override");
    model::InfraOverrideChange c;
    c.override_record = it->second;
    c.change_set = NewChangeSet(app, env);
    overrides.erase(it);
    return c;
  }

  StatusOr<model::ChangeSet> GetChangeSet(const std::string& id,
                                          const std::string& = "") override {
    ++get_change_set_calls;
    if (auto s = Fail("GetChangeSet"); !s.ok()) return s;
    if (scripted_change_sets.empty()) {
      model::ChangeSet cs;
      cs.id = id;
      cs.state = "pending_approval";
      return cs;
    }
    model::ChangeSet cs = scripted_change_sets.front();
    if (scripted_change_sets.size() > 1) scripted_change_sets.pop_front();
    cs.id = id;
    if (cs.state == "applied" && pending_env_.count(id)) {
      auto& [key, env] = pending_env_[id];
      envs[key] = env;
    }
    return cs;
  }
  StatusOr<std::vector<model::ChangeSet>> ListChangeSets(
      const std::string&, const std::string&, const std::string&,
      const std::string& = "") override {
    return std::vector<model::ChangeSet>{};
  }
  StatusOr<model::ChangeSet> ApproveChangeSet(
      const std::string&, const std::string& = "") override {
    return Status::Unimplemented("not in tests");
  }
  StatusOr<model::ChangeSet> RejectChangeSet(const std::string&,
                                             const std::string&,
                                             const std::string& = "") override {
    return Status::Unimplemented("not in tests");
  }
  StatusOr<std::vector<model::AuditEntry>> ListAudit(
      int64_t, int, const std::string& = "") override {
    return std::vector<model::AuditEntry>{};
  }
  StatusOr<model::AuditVerification> VerifyAudit(
      const std::string& = "") override {
    return model::AuditVerification{};
  }
  StatusOr<model::NewToken> CreateToken(const std::string&, model::Role,
                                        const std::string& = "") override {
    return Status::Unimplemented("not in tests");
  }
  Status RevokeToken(const std::string&, const std::string& = "") override {
    return Status::Unimplemented("not in tests");
  }
  StatusOr<std::vector<model::TokenInfo>> ListTokens(
      const std::string& = "") override {
    return std::vector<model::TokenInfo>{};
  }

  StatusOr<model::Environment> ReconcileEnvironment(
      const std::string& app, const std::string& name,
      const std::string& = "") override {
    if (auto s = Fail("ReconcileEnvironment"); !s.ok()) return s;
    std::string key = app + "/" + name;
    auto it = envs.find(key);
    if (it == envs.end()) return Status::NotFound("environment not found");
    if (Status f = FailAfterRecord("ReconcileEnvironment", key); !f.ok()) {
      return f;
    }
    it->second.status = reconcile_status;
    return it->second;
  }
  StatusOr<model::Environment> ScanDrift(const std::string& app,
                                         const std::string& name,
                                         const std::string& = "") override {
    if (auto s = Fail("ScanDrift"); !s.ok()) return s;
    return GetEnvironment(app, name);
  }
  StatusOr<std::string> GetRuntimeConfig(const std::string&, const std::string&,
                                         const std::string&, bool,
                                         const std::string& = "") override {
    if (auto s = Fail("GetRuntimeConfig"); !s.ok()) return s;
    return std::string("{}");
  }
  StatusOr<model::ResourceFacts> GetResourceFacts(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, bool include_credentials,
      const std::string& = "") override {
    if (auto s = Fail("GetResourceFacts"); !s.ok()) return s;
    last_include_credentials = include_credentials;
    auto it = facts.find(app + "/" + env + "/" + kind + "/" + name);
    if (it == facts.end()) {
      return Status::NotFound(kind + " " + name + " is not provisioned");
    }
    model::ResourceFacts out = it->second;
    if (!include_credentials) out.credentials.clear();
    return out;
  }
  StatusOr<std::map<std::string, model::BackendCounter>> GetBackendCounters(
      const std::string& = "") override {
    return std::map<std::string, model::BackendCounter>{};
  }
  StatusOr<model::DatabaseCredentials> IssueDatabaseCredentials(
      const std::string& app, const std::string& env,
      const std::string& database, const std::string& service,
      int64_t ttl_seconds, bool read_only = false,
      const std::string& = "") override {
    if (auto s = Fail("IssueDatabaseCredentials"); !s.ok()) return s;
    last_ttl_seconds = ttl_seconds;
    last_read_only = read_only;
    last_service = service;
    model::DatabaseCredentials c;
    c.login = "tmp_" + database + "_" + std::to_string(++issued_logins);
    c.password = "pw-" + c.login;
    c.host = "127.0.0.1";
    c.port = 5433;
    c.database = env + "_" + database;
    c.sslmode = "disable";
    c.valid_until = "2030-01-01T00:15:00Z";
    logins[c.login] = c;
    login_where[c.login] = app + "/" + env + "/" + database;
    return c;
  }
  StatusOr<model::DatabaseCredentials> RenewDatabaseCredentials(
      const std::string& app, const std::string& env,
      const std::string& database, const std::string& login,
      int64_t ttl_seconds, const std::string& = "") override {
    if (auto s = Fail("RenewDatabaseCredentials"); !s.ok()) return s;
    last_ttl_seconds = ttl_seconds;
    last_login = login;
    auto it = logins.find(login);
    if (it == logins.end() ||
        login_where[login] != app + "/" + env + "/" + database) {
      return Status::NotFound("login " + login + " not found");
    }
    model::DatabaseCredentials c = it->second;
    c.password.clear();
    c.valid_until = "2030-01-01T00:30:00Z";
    return c;
  }
  Status RevokeDatabaseCredentials(const std::string& app,
                                   const std::string& env,
                                   const std::string& database,
                                   const std::string& login,
                                   const std::string& = "") override {
    if (auto s = Fail("RevokeDatabaseCredentials"); !s.ok()) return s;
    last_login = login;
    if (login_where[login] != app + "/" + env + "/" + database ||
        !logins.erase(login)) {
      return Status::NotFound("login " + login + " not found");
    }
    return Status::Ok();
  }
  void SetForceConflicts(bool f) override { force = f; }
  bool force_conflicts() const override { return force; }

 private:
  // After the record was stored: fails `rpc` once if a test asked for it,
  // leaving the environment's status "failed: ...".
  Status FailAfterRecord(const std::string& rpc, const std::string& key) {
    auto it = fail_after_record.find(rpc);
    if (it == fail_after_record.end()) return Status::Ok();
    Status s = it->second;
    fail_after_record.erase(it);
    envs[key].status = "failed: " + s.message();
    return s;
  }

  Status Fail(const std::string& rpc) {
    calls.push_back(rpc);
    auto it = fail_next.find(rpc);
    if (it == fail_next.end()) return Status::Ok();
    Status s = it->second;
    fail_next.erase(it);
    return s;
  }

  // What the agent stores: passwords become fingerprints.
  static model::EnvironmentSpec Stored(model::EnvironmentSpec spec,
                                       const model::EnvironmentSpec& before) {
    if (spec.database && spec.database->existing_server) {
      auto& e = *spec.database->existing_server;
      if (!e.admin_password.empty()) {
        e.admin_password_fingerprint = Fp(e.admin_password);
      } else if (before.database && before.database->existing_server) {
        e.admin_password_fingerprint =
            before.database->existing_server->admin_password_fingerprint;
      }
      e.admin_password.clear();
    }
    return spec;
  }

  model::ChangeSet NewChangeSet(const std::string& app,
                                const std::string& env) {
    model::ChangeSet cs;
    cs.id = model::ChangeSetId(++next_change_set_);
    cs.app = app;
    cs.environment = env;
    cs.state = new_change_set_state;
    return cs;
  }

  StatusOr<model::EnvironmentChange> Change(const std::string& key,
                                            const model::Environment& env) {
    model::EnvironmentChange c;
    c.change_set = NewChangeSet(env.spec.app, env.spec.name);
    if (c.change_set.state == "applied") {
      envs[key] = env;
      c.environment = env;
    } else {
      pending_env_[c.change_set.id] = {key, env};
      if (envs.count(key)) {
        envs[key].pending_change_set = c.change_set.id;
        c.environment = envs[key];
      } else {
        c.environment = env;
        c.environment.version = 0;
      }
    }
    return c;
  }

  int64_t next_change_set_ = 0;
  std::map<std::string, std::pair<std::string, model::Environment>>
      pending_env_;
};

// A CallContext whose configured provider holds `client` (and `settings`).
inline framework::CallContext ContextWith(
    std::shared_ptr<agent::AgentClient> client,
    config::ProviderSettings settings = {}) {
  framework::CallContext ctx;
  if (settings.agent.empty()) settings.agent = "unix:///tmp/test/agent.sock";
  ctx.provider = std::make_shared<config::ConfiguredEncore>(std::move(settings),
                                                            std::move(client));
  ctx.cancel = std::make_shared<CancellationToken>();
  return ctx;
}

}  // namespace encore::resources::testing

#endif  // ENCORE_PROVIDER_RESOURCES_FAKE_AGENT_CLIENT_H_
