// OpenSqliteStore: the Store of store.h over SQLite (WAL, synchronous=FULL).
//
// One writer connection, guarded by a mutex, runs each Write in BEGIN
// IMMEDIATE; reads take a connection from a small pool (query_only) and run
// in a deferred transaction, which in WAL mode is a snapshot that never
// waits for the writer. Every connection caches its prepared statements.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "agent/store/audit_chain.h"
#include "agent/store/ledger_json.h"
#include "agent/store/migrations.h"
#include "agent/store/sqlite_db.h"
#include "agent/store/store.h"

namespace encore::agent {
namespace {

using sqlite::SqliteDb;
using sqlite::Stmt;

// Local to this file: return early on a non-OK Status.
#define STORE_RETURN_IF_ERROR(expr) \
  do {                              \
    ::encore::Status _st = (expr);  \
    if (!_st.ok()) return _st;      \
  } while (false)

// Steps `s` to the end, converting each row with `from_row` (returning
// StatusOr<T>); the first error stops it.
template <typename T, typename FromRow>
StatusOr<std::vector<T>> CollectRows(Stmt& s, FromRow from_row) {
  std::vector<T> out;
  while (true) {
    auto row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StatusOr<T> item = from_row(s);
    if (!item.ok()) return item.status();
    out.push_back(std::move(*item));
  }
  return out;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void BindAll(Stmt&, int) {}
template <typename T, typename... Rest>
void BindAll(Stmt& s, int i, const T& first, const Rest&... rest) {
  s.Bind(i, first);
  BindAll(s, i + 1, rest...);
}

// ---- record <-> JSON columns ----------------------------------------------

std::string ServicesToJson(const std::vector<std::string>& services) {
  return nlohmann::json(services).dump();
}

StatusOr<std::vector<std::string>> ServicesFromJson(const std::string& text) {
  try {
    return nlohmann::json::parse(text).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Internal(std::string("bad services list: ") + e.what());
  }
}

Status Damaged(const SqliteDb& db, std::string_view what, const Status& st) {
  return Status::Internal("database " + db.path() + ": " + std::string(what) +
                          " is damaged: " + st.message());
}

// ---- compare-and-set ------------------------------------------------------

// Checks `expected` against `current` (0: no record) for a Put.
Status CheckPut(std::string_view kind, const std::string& key, int64_t current,
                int64_t expected) {
  std::string what = std::string(kind) + " " + key;
  if (expected < 0) {
    return Status::InvalidArgument(
        what + ": version " + std::to_string(expected) + " is not a version");
  }
  if (expected == 0) {
    if (current != 0) return Status::AlreadyExists(what + " exists already");
    return Status::Ok();
  }
  if (current == 0) return Status::NotFound(what + " not found");
  if (current != expected) {
    return Status::Aborted(what + " changed since it was read (version " +
                           std::to_string(expected) + ", now " +
                           std::to_string(current) + ")");
  }
  return Status::Ok();
}

Status CheckDelete(std::string_view kind, const std::string& key,
                   int64_t current, int64_t expected) {
  std::string what = std::string(kind) + " " + key;
  if (current == 0) return Status::NotFound(what + " not found");
  if (current != expected) {
    return Status::Aborted(what + " changed since it was read (version " +
                           std::to_string(expected) + ", now " +
                           std::to_string(current) + ")");
  }
  return Status::Ok();
}

// ---- the transaction ------------------------------------------------------

class SqliteTx : public StoreTx {
 public:
  explicit SqliteTx(SqliteDb& db) : db_(db) {}

  // Apps ---------------------------------------------------------------
  StatusOr<model::App> GetApp(const std::string& name) override {
    auto s = db_.Prepare(
        "SELECT name, model_json, model_hash, services_json, version FROM apps "
        "WHERE name = ?");
    if (!s.ok()) return s.status();
    s->Bind(1, name);
    auto row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("app " + name + " not found");
    return AppFromRow(*s);
  }

  StatusOr<std::vector<model::App>> ListApps() override {
    auto s = db_.Prepare(
        "SELECT name, model_json, model_hash, services_json, version FROM apps "
        "ORDER BY name");
    if (!s.ok()) return s.status();
    return CollectRows<model::App>(*s,
                                   [this](Stmt& st) { return AppFromRow(st); });
  }

  StatusOr<int64_t> PutApp(const model::App& app,
                           int64_t expected_version) override {
    auto current = Version("SELECT version FROM apps WHERE name = ?", app.name);
    if (!current.ok()) return current.status();
    STORE_RETURN_IF_ERROR(
        CheckPut("app", app.name, *current, expected_version));
    const int64_t next = expected_version + 1;
    auto s = db_.Prepare(
        "INSERT INTO apps (name, model_json, model_hash, services_json, "
        "version) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
        "model_json = ?2, model_hash = ?3, services_json = ?4, version = ?5");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, app.name, app.model_json, app.model_hash,
            ServicesToJson(app.services), next);
    STORE_RETURN_IF_ERROR(s->Run());
    return next;
  }

  Status DeleteApp(const std::string& name, int64_t expected_version) override {
    return CasDelete("app", name, "SELECT version FROM apps WHERE name = ?",
                     "DELETE FROM apps WHERE name = ?", expected_version, name);
  }

  // Environments -------------------------------------------------------
  StatusOr<StoredEnvironment> GetEnvironment(const std::string& app,
                                             const std::string& name) override {
    auto s =
        db_.Prepare(std::string(kEnvColumns) + " WHERE app = ? AND name = ?");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, app, name);
    auto row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return Status::NotFound("environment " + app + "/" + name + " not found");
    }
    return EnvFromRow(*s);
  }

  StatusOr<std::vector<StoredEnvironment>> ListEnvironments(
      const std::string& app, const std::string& type) override {
    std::string sql(kEnvColumns);
    if (!app.empty() && !type.empty()) {
      sql += " WHERE app = ?1 AND type = ?2";
    } else if (!app.empty()) {
      sql += " WHERE app = ?1";
    } else if (!type.empty()) {
      sql += " WHERE type = ?2";
    }
    sql += " ORDER BY app, name";
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.status();
    if (!app.empty()) s->Bind(1, app);
    if (!type.empty()) s->Bind(2, type);
    return CollectRows<StoredEnvironment>(
        *s, [this](Stmt& st) { return EnvFromRow(st); });
  }

  StatusOr<int64_t> PutEnvironment(const StoredEnvironment& stored,
                                   int64_t expected_version) override {
    const model::EnvironmentSpec& spec = stored.env.spec;
    const std::string key = spec.app + "/" + spec.name;
    auto current =
        Version("SELECT version FROM environments WHERE app = ? AND name = ?",
                spec.app, spec.name);
    if (!current.ok()) return current.status();
    STORE_RETURN_IF_ERROR(
        CheckPut("environment", key, *current, expected_version));
    const int64_t next = expected_version + 1;
    // model::ToJson never writes admin_password: the clear password, if a
    // caller left it in the spec, is not stored.
    const std::string spec_json = model::ToJson(spec);
    if (expected_version == 0) {
      const model::Environment& e = stored.env;
      auto s = db_.Prepare(
          "INSERT INTO environments (app, name, type, spec_json, "
          "sealed_admin_password, version, status, url, infrastructure_json, "
          "pending_change_set, drift_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?)");
      if (!s.ok()) return s.status();
      BindAll(*s, 1, spec.app, spec.name, spec.type, spec_json,
              stored.sealed_admin_password, next, e.status, e.url,
              model::ToJson(e.infrastructure), e.pending_change_set,
              model::ToJson(e.drift));
      STORE_RETURN_IF_ERROR(s->Run());
    } else {
      auto s = db_.Prepare(
          "UPDATE environments SET type = ?, spec_json = ?, "
          "sealed_admin_password = ?, version = ? WHERE app = ? AND name = ?");
      if (!s.ok()) return s.status();
      BindAll(*s, 1, spec.type, spec_json, stored.sealed_admin_password, next,
              spec.app, spec.name);
      STORE_RETURN_IF_ERROR(s->Run());
    }
    return next;
  }

  Status PutEnvironmentStatus(const model::Environment& e) override {
    auto s = db_.Prepare(
        "UPDATE environments SET status = ?, url = ?, infrastructure_json = ?, "
        "pending_change_set = ?, drift_json = ? WHERE app = ? AND name = ?");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, e.status, e.url, model::ToJson(e.infrastructure),
            e.pending_change_set, model::ToJson(e.drift), e.spec.app,
            e.spec.name);
    STORE_RETURN_IF_ERROR(s->Run());
    if (db_.Changes() == 0) {
      return Status::NotFound("environment " + e.spec.app + "/" + e.spec.name +
                              " not found");
    }
    return Status::Ok();
  }

  Status DeleteEnvironment(const std::string& app, const std::string& name,
                           int64_t expected_version) override {
    return CasDelete(
        "environment", app + "/" + name,
        "SELECT version FROM environments WHERE app = ? AND name = ?",
        "DELETE FROM environments WHERE app = ? AND name = ?", expected_version,
        app, name);
  }

  StatusOr<int64_t> CountEnvironments() override {
    auto s = db_.Prepare("SELECT COUNT(*) FROM environments");
    if (!s.ok()) return s.status();
    auto row = s->Step();
    if (!row.ok()) return row.status();
    return *row ? s->Int(0) : 0;
  }

  // Primary environment ------------------------------------------------
  StatusOr<model::PrimaryEnvironment> GetPrimaryEnvironment(
      const std::string& app) override {
    auto s = db_.Prepare(
        "SELECT app, environment, version FROM primary_environments WHERE "
        "app = ?");
    if (!s.ok()) return s.status();
    s->Bind(1, app);
    auto row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return Status::NotFound("primary environment " + app + " not found");
    }
    model::PrimaryEnvironment p;
    p.app = s->Text(0);
    p.environment = s->Text(1);
    p.version = s->Int(2);
    return p;
  }

  StatusOr<int64_t> PutPrimaryEnvironment(const model::PrimaryEnvironment& p,
                                          int64_t expected_version) override {
    auto current = Version(
        "SELECT version FROM primary_environments WHERE app = ?", p.app);
    if (!current.ok()) return current.status();
    STORE_RETURN_IF_ERROR(
        CheckPut("primary environment", p.app, *current, expected_version));
    const int64_t next = expected_version + 1;
    auto s = db_.Prepare(
        "INSERT INTO primary_environments (app, environment, version) VALUES "
        "(?1, ?2, ?3) ON CONFLICT (app) DO UPDATE SET environment = ?2, "
        "version = ?3");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, p.app, p.environment, next);
    STORE_RETURN_IF_ERROR(s->Run());
    return next;
  }

  Status DeletePrimaryEnvironment(const std::string& app,
                                  int64_t expected_version) override {
    return CasDelete("primary environment", app,
                     "SELECT version FROM primary_environments WHERE app = ?",
                     "DELETE FROM primary_environments WHERE app = ?",
                     expected_version, app);
  }

  // Secrets ------------------------------------------------------------
  StatusOr<StoredSecret> GetSecret(const std::string& app,
                                   const std::string& name) override {
    auto s = db_.Prepare(std::string(kSecretColumns) +
                         " WHERE app = ? AND name = ?");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, app, name);
    auto row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row)
      return Status::NotFound("secret " + app + "/" + name + " not found");
    return SecretFromRow(*s);
  }

  StatusOr<std::vector<StoredSecret>> ListSecrets(
      const std::string& app) override {
    std::string sql(kSecretColumns);
    if (!app.empty()) sql += " WHERE app = ?1";
    sql += " ORDER BY app, name";
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.status();
    if (!app.empty()) s->Bind(1, app);
    return CollectRows<StoredSecret>(
        *s, [this](Stmt& st) { return SecretFromRow(st); });
  }

  StatusOr<int64_t> PutSecret(const StoredSecret& stored,
                              int64_t expected_version) override {
    const model::Secret& sec = stored.secret;
    auto current =
        Version("SELECT version FROM secrets WHERE app = ? AND name = ?",
                sec.app, sec.name);
    if (!current.ok()) return current.status();
    STORE_RETURN_IF_ERROR(CheckPut("secret", sec.app + "/" + sec.name, *current,
                                   expected_version));
    const int64_t next = expected_version + 1;
    // secret.values (clear) is never written; only the sealed values are.
    auto s = db_.Prepare(
        "INSERT INTO secrets (app, name, fingerprints_json, "
        "sealed_values_json, values_wo_version, version) VALUES (?1, ?2, ?3, "
        "?4, ?5, ?6) ON CONFLICT (app, name) DO UPDATE SET fingerprints_json = "
        "?3, sealed_values_json = ?4, values_wo_version = ?5, version = ?6");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, sec.app, sec.name, model::ToJson(sec.fingerprints),
            model::ToJson(stored.sealed_values), sec.values_wo_version, next);
    STORE_RETURN_IF_ERROR(s->Run());
    return next;
  }

  Status DeleteSecret(const std::string& app, const std::string& name,
                      int64_t expected_version) override {
    return CasDelete("secret", app + "/" + name,
                     "SELECT version FROM secrets WHERE app = ? AND name = ?",
                     "DELETE FROM secrets WHERE app = ? AND name = ?",
                     expected_version, app, name);
  }

  // Infrastructure overrides -------------------------------------------
  StatusOr<model::InfraOverride> GetInfraOverride(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name) override {
    auto s = db_.Prepare(std::string(kOverrideColumns) +
                         " WHERE app = ? AND environment = ? AND kind = ? AND "
                         "name = ?");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, app, env, kind, name);
    auto row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return Status::NotFound("infra override " + app + "/" + env + "/" + kind +
                              "/" + name + " not found");
    }
    return OverrideFromRow(*s);
  }

  StatusOr<std::vector<model::InfraOverride>> ListInfraOverrides(
      const std::string& app, const std::string& env) override {
    std::string sql(kOverrideColumns);
    if (!app.empty() && !env.empty()) {
      sql += " WHERE app = ?1 AND environment = ?2";
    } else if (!app.empty()) {
      sql += " WHERE app = ?1";
    } else if (!env.empty()) {
      sql += " WHERE environment = ?2";
    }
    sql += " ORDER BY app, environment, kind, name";
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.status();
    if (!app.empty()) s->Bind(1, app);
    if (!env.empty()) s->Bind(2, env);
    return CollectRows<model::InfraOverride>(
        *s, [this](Stmt& st) { return OverrideFromRow(st); });
  }

  StatusOr<int64_t> PutInfraOverride(const model::InfraOverride& o,
                                     int64_t expected_version) override {
    auto current = Version(
        "SELECT version FROM infra_overrides WHERE app = ? AND environment = "
        "? AND kind = ? AND name = ?",
        o.app, o.environment, o.kind, o.name);
    if (!current.ok()) return current.status();
    STORE_RETURN_IF_ERROR(
        CheckPut("infra override",
                 o.app + "/" + o.environment + "/" + o.kind + "/" + o.name,
                 *current, expected_version));
    const int64_t next = expected_version + 1;
    auto s = db_.Prepare(
        "INSERT INTO infra_overrides (app, environment, kind, name, "
        "settings_json, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT "
        "(app, environment, kind, name) DO UPDATE SET settings_json = ?5, "
        "version = ?6");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, o.app, o.environment, o.kind, o.name,
            model::ToJson(o.settings), next);
    STORE_RETURN_IF_ERROR(s->Run());
    return next;
  }

  Status DeleteInfraOverride(const std::string& app, const std::string& env,
                             const std::string& kind, const std::string& name,
                             int64_t expected_version) override {
    return CasDelete(
        "infra override", app + "/" + env + "/" + kind + "/" + name,
        "SELECT version FROM infra_overrides WHERE app = ? AND environment = "
        "? AND kind = ? AND name = ?",
        "DELETE FROM infra_overrides WHERE app = ? AND environment = ? AND "
        "kind = ? AND name = ?",
        expected_version, app, env, kind, name);
  }

  // Change sets --------------------------------------------------------
  StatusOr<std::string> InsertChangeSet(
      const StoredChangeSet& stored) override {
    const model::ChangeSet& cs = stored.change_set;
    auto s = db_.Prepare(
        "INSERT INTO change_sets (app, environment, state, summary, "
        "base_version, operations_json, changes_infrastructure, created_by, "
        "decided_by, reason, created_at_ms, decided_at_ms, payload_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, cs.app, cs.environment, cs.state, cs.summary,
            cs.base_version, model::ToJson(cs.operations),
            static_cast<int64_t>(cs.changes_infrastructure ? 1 : 0),
            cs.created_by, cs.decided_by, cs.reason, cs.created_at_ms,
            cs.decided_at_ms, stored.payload_json);
    STORE_RETURN_IF_ERROR(s->Run());
    return model::ChangeSetId(db_.LastInsertRowId());
  }

  StatusOr<StoredChangeSet> GetChangeSet(const std::string& id) override {
    std::optional<int64_t> n = model::ParseChangeSetId(id);
    if (!n) return Status::NotFound("change set " + id + " not found");
    auto s = db_.Prepare(std::string(kChangeSetColumns) +
                         ", payload_json FROM change_sets WHERE id = ?");
    if (!s.ok()) return s.status();
    s->Bind(1, *n);
    auto row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("change set " + id + " not found");
    StoredChangeSet out;
    auto cs = ChangeSetFromRow(*s);
    if (!cs.ok()) return cs.status();
    out.change_set = std::move(*cs);
    out.payload_json = s->Text(13);
    return out;
  }

  StatusOr<std::vector<model::ChangeSet>> ListChangeSets(
      const ChangeSetFilter& f) override {
    std::string sql = std::string(kChangeSetColumns) + " FROM change_sets";
    std::vector<std::string> where;
    if (!f.app.empty()) where.push_back("app = ?1");
    if (!f.environment.empty()) where.push_back("environment = ?2");
    if (!f.state.empty()) where.push_back("state = ?3");
    for (size_t i = 0; i < where.size(); ++i) {
      sql += (i == 0 ? " WHERE " : " AND ") + where[i];
    }
    sql += " ORDER BY id DESC";
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.status();
    if (!f.app.empty()) s->Bind(1, f.app);
    if (!f.environment.empty()) s->Bind(2, f.environment);
    if (!f.state.empty()) s->Bind(3, f.state);
    return CollectRows<model::ChangeSet>(
        *s, [this](Stmt& st) { return ChangeSetFromRow(st); });
  }

  Status DecideChangeSet(const model::ChangeSet& cs,
                         const std::string& from_state) override {
    std::optional<int64_t> n = model::ParseChangeSetId(cs.id);
    if (!n) return Status::NotFound("change set " + cs.id + " not found");
    auto s = db_.Prepare(
        "UPDATE change_sets SET state = ?, decided_by = ?, reason = ?, "
        "decided_at_ms = ? WHERE id = ? AND state = ?");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, cs.state, cs.decided_by, cs.reason, cs.decided_at_ms, *n,
            from_state);
    STORE_RETURN_IF_ERROR(s->Run());
    if (db_.Changes() == 1) return Status::Ok();
    auto q = db_.Prepare("SELECT state FROM change_sets WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, *n);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("change set " + cs.id + " not found");
    return Status::Aborted("change set " + cs.id + " is " + q->Text(0) +
                           ", not " + from_state);
  }

  // Audit --------------------------------------------------------------
  StatusOr<model::AuditEntry> AppendAudit(
      const model::AuditEntry& entry) override {
    model::AuditEntry e = entry;
    {
      auto s =
          db_.Prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
      if (!s.ok()) return s.status();
      auto row = s->Step();
      if (!row.ok()) return row.status();
      e.seq = *row ? s->Int(0) + 1 : 1;
      e.prev_hash = *row ? s->Text(1) : std::string(kAuditGenesisHash);
    }
    if (e.time_ms == 0) e.time_ms = NowMs();
    e.hash = AuditEntryHash(e);
    auto s = db_.Prepare(
        "INSERT INTO audit (seq, time_ms, actor, action, target, details, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, e.seq, e.time_ms, e.actor, e.action, e.target, e.details,
            e.prev_hash, e.hash);
    STORE_RETURN_IF_ERROR(s->Run());
    return e;
  }

  StatusOr<std::vector<model::AuditEntry>> ListAudit(int64_t after_seq,
                                                     int limit) override {
    auto s = db_.Prepare(std::string(kAuditColumns) +
                         " WHERE seq > ? ORDER BY seq LIMIT ?");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, after_seq, static_cast<int64_t>(limit > 0 ? limit : -1));
    std::vector<model::AuditEntry> out;
    while (true) {
      auto row = s->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.push_back(AuditFromRow(*s));
    }
    return out;
  }

  StatusOr<model::AuditVerification> VerifyAudit() override {
    auto s = db_.Prepare(std::string(kAuditColumns) + " ORDER BY seq");
    if (!s.ok()) return s.status();
    AuditChainVerifier verifier;
    while (true) {
      auto row = s->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      verifier.Add(AuditFromRow(*s));
    }
    return verifier.result();
  }

  // Tokens -------------------------------------------------------------
  StatusOr<std::vector<LedgerEntry>> ListLedger(const std::string& app,
                                                const std::string& env) override {
    std::string sql =
        "SELECT app, environment, kind, name, entry_json FROM ledger";
    if (!app.empty()) sql += " WHERE app = ?1 AND environment = ?2";
    sql += " ORDER BY app, environment, kind, name";
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.status();
    if (!app.empty()) {
      s->Bind(1, app);
      s->Bind(2, env);
    }
    std::vector<LedgerEntry> out;
    while (true) {
      auto row = s->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      LedgerEntry e;
      e.app = s->Text(0);
      e.environment = s->Text(1);
      e.kind = s->Text(2);
      e.name = s->Text(3);
      STORE_RETURN_IF_ERROR(LedgerEntryFromJson(s->Text(4), &e));
      out.push_back(std::move(e));
    }
    return out;
  }

  Status PutLedger(const LedgerEntry& e) override {
    auto s = db_.Prepare(
        "INSERT INTO ledger (app, environment, kind, name, entry_json) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (app, environment, kind, "
        "name) DO UPDATE SET entry_json = excluded.entry_json");
    if (!s.ok()) return s.status();
    s->Bind(1, e.app).Bind(2, e.environment).Bind(3, e.kind).Bind(4, e.name);
    s->Bind(5, LedgerEntryToJson(e));
    return s->Run();
  }

  Status DeleteLedger(const std::string& app, const std::string& env,
                      const std::string& kind, const std::string& name) override {
    auto s = db_.Prepare(
        "DELETE FROM ledger WHERE app = ?1 AND environment = ?2 AND kind = ?3 "
        "AND name = ?4");
    if (!s.ok()) return s.status();
    s->Bind(1, app).Bind(2, env).Bind(3, kind).Bind(4, name);
    return s->Run();
  }

  StatusOr<std::map<std::string, std::string>> ListCredentials(
      const std::string& app, const std::string& env) override {
    auto s = db_.Prepare(
        "SELECT key, sealed FROM credentials WHERE app = ?1 AND environment = "
        "?2 ORDER BY key");
    if (!s.ok()) return s.status();
    s->Bind(1, app).Bind(2, env);
    std::map<std::string, std::string> out;
    while (true) {
      auto row = s->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out[s->Text(0)] = s->Text(1);
    }
    return out;
  }

  Status PutCredential(const std::string& app, const std::string& env,
                       const std::string& key, const std::string& sealed) override {
    auto s = db_.Prepare(
        "INSERT INTO credentials (app, environment, key, sealed) VALUES (?1, "
        "?2, ?3, ?4) ON CONFLICT (app, environment, key) DO UPDATE SET sealed "
        "= excluded.sealed");
    if (!s.ok()) return s.status();
    s->Bind(1, app).Bind(2, env).Bind(3, key).Bind(4, sealed);
    return s->Run();
  }

  Status DeleteCredentials(const std::string& app, const std::string& env) override {
    auto s = db_.Prepare(
        "DELETE FROM credentials WHERE app = ?1 AND environment = ?2");
    if (!s.ok()) return s.status();
    s->Bind(1, app).Bind(2, env);
    return s->Run();
  }

  Status InsertToken(const model::TokenInfo& token,
                     const std::string& secret_hash) override {
    auto current = Version("SELECT 1 FROM tokens WHERE name = ?", token.name);
    if (!current.ok()) return current.status();
    if (*current != 0) {
      return Status::AlreadyExists("token " + token.name + " exists already");
    }
    auto s = db_.Prepare(
        "INSERT INTO tokens (name, role, secret_hash, created_at_ms, "
        "revoked_at_ms) VALUES (?, ?, ?, ?, ?)");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, token.name, std::string(model::RoleName(token.role)),
            secret_hash, token.created_at_ms, token.revoked_at_ms);
    Status st = s->Run();
    if (st.code() == StatusCode::kFailedPrecondition) {
      // The only other constraint: another token has this secret.
      return Status::AlreadyExists("token " + token.name +
                                   ": a token with the same secret exists");
    }
    return st;
  }

  StatusOr<model::TokenInfo> FindToken(
      const std::string& secret_hash) override {
    auto s = db_.Prepare(std::string(kTokenColumns) +
                         " WHERE secret_hash = ? AND revoked_at_ms = 0");
    if (!s.ok()) return s.status();
    s->Bind(1, secret_hash);
    auto row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("token not found (unknown or revoked)");
    return TokenFromRow(*s);
  }

  Status RevokeToken(const std::string& name, int64_t at_ms) override {
    auto s = db_.Prepare(
        "UPDATE tokens SET revoked_at_ms = ? WHERE name = ? AND revoked_at_ms "
        "= 0");
    if (!s.ok()) return s.status();
    BindAll(*s, 1, at_ms > 0 ? at_ms : NowMs(), name);
    STORE_RETURN_IF_ERROR(s->Run());
    if (db_.Changes() == 1) return Status::Ok();
    auto exists = Version("SELECT 1 FROM tokens WHERE name = ?", name);
    if (!exists.ok()) return exists.status();
    if (*exists == 0) return Status::NotFound("token " + name + " not found");
    return Status::FailedPrecondition("token " + name + " is revoked already");
  }

  StatusOr<std::vector<model::TokenInfo>> ListTokens() override {
    auto s = db_.Prepare(std::string(kTokenColumns) + " ORDER BY name");
    if (!s.ok()) return s.status();
    return CollectRows<model::TokenInfo>(
        *s, [this](Stmt& st) { return TokenFromRow(st); });
  }

 private:
  static constexpr std::string_view kEnvColumns =
      "SELECT app, name, spec_json, sealed_admin_password, version, status, "
      "url, infrastructure_json, pending_change_set, drift_json FROM "
      "environments";
  static constexpr std::string_view kSecretColumns =
      "SELECT app, name, fingerprints_json, sealed_values_json, "
      "values_wo_version, version FROM secrets";
  static constexpr std::string_view kOverrideColumns =
      "SELECT app, environment, kind, name, settings_json, version FROM "
      "infra_overrides";
  static constexpr std::string_view kChangeSetColumns =
      "SELECT id, app, environment, state, summary, base_version, "
      "operations_json, changes_infrastructure, created_by, decided_by, "
      "reason, created_at_ms, decided_at_ms";
  static constexpr std::string_view kAuditColumns =
      "SELECT seq, time_ms, actor, action, target, details, prev_hash, hash "
      "FROM audit";
  static constexpr std::string_view kTokenColumns =
      "SELECT name, role, created_at_ms, revoked_at_ms FROM tokens";

  // The version of the record selected by `sql` (0 if there is none).
  template <typename... Keys>
  StatusOr<int64_t> Version(const std::string& sql, const Keys&... keys) {
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.status();
    BindAll(*s, 1, keys...);
    auto row = s->Step();
    if (!row.ok()) return row.status();
    return *row ? s->Int(0) : 0;
  }

  template <typename... Keys>
  Status CasDelete(std::string_view kind, const std::string& key,
                   const std::string& select_sql, const std::string& delete_sql,
                   int64_t expected, const Keys&... keys) {
    auto current = Version(select_sql, keys...);
    if (!current.ok()) return current.status();
    STORE_RETURN_IF_ERROR(CheckDelete(kind, key, *current, expected));
    auto s = db_.Prepare(delete_sql);
    if (!s.ok()) return s.status();
    BindAll(*s, 1, keys...);
    return s->Run();
  }

  StatusOr<model::App> AppFromRow(Stmt& s) {
    model::App app;
    app.name = s.Text(0);
    app.model_json = s.Text(1);
    app.model_hash = s.Text(2);
    auto services = ServicesFromJson(s.Text(3));
    if (!services.ok()) {
      return Damaged(db_, "app " + app.name, services.status());
    }
    app.services = std::move(*services);
    app.version = s.Int(4);
    return app;
  }

  StatusOr<StoredEnvironment> EnvFromRow(Stmt& s) {
    StoredEnvironment out;
    const std::string what = "environment " + s.Text(0) + "/" + s.Text(1);
    auto spec = model::EnvironmentSpecFromJson(s.Text(2));
    if (!spec.ok()) return Damaged(db_, what, spec.status());
    out.env.spec = std::move(*spec);
    // The key columns are the truth (the spec JSON carries them too).
    out.env.spec.app = s.Text(0);
    out.env.spec.name = s.Text(1);
    out.sealed_admin_password = s.Text(3);
    out.env.version = s.Int(4);
    out.env.status = s.Text(5);
    out.env.url = s.Text(6);
    auto infra = model::InfraItemsFromJson(s.Text(7));
    if (!infra.ok()) return Damaged(db_, what, infra.status());
    out.env.infrastructure = std::move(*infra);
    out.env.pending_change_set = s.Text(8);
    auto drift = model::DriftFromJson(s.Text(9));
    if (!drift.ok()) return Damaged(db_, what, drift.status());
    out.env.drift = std::move(*drift);
    return out;
  }

  StatusOr<StoredSecret> SecretFromRow(Stmt& s) {
    StoredSecret out;
    out.secret.app = s.Text(0);
    out.secret.name = s.Text(1);
    const std::string what = "secret " + out.secret.app + "/" + out.secret.name;
    auto fps = model::StringMapFromJson(s.Text(2));
    if (!fps.ok()) return Damaged(db_, what, fps.status());
    out.secret.fingerprints = std::move(*fps);
    auto sealed = model::StringMapFromJson(s.Text(3));
    if (!sealed.ok()) return Damaged(db_, what, sealed.status());
    out.sealed_values = std::move(*sealed);
    if (!s.IsNull(4)) out.secret.values_wo_version = s.Int(4);
    out.secret.version = s.Int(5);
    return out;
  }

  StatusOr<model::InfraOverride> OverrideFromRow(Stmt& s) {
    model::InfraOverride o;
    o.app = s.Text(0);
    o.environment = s.Text(1);
    o.kind = s.Text(2);
    o.name = s.Text(3);
    auto settings = model::StringMapFromJson(s.Text(4));
    if (!settings.ok()) {
      return Damaged(db_,
                     "infra override " + o.app + "/" + o.environment + "/" +
                         o.kind + "/" + o.name,
                     settings.status());
    }
    o.settings = std::move(*settings);
    o.version = s.Int(5);
    return o;
  }

  StatusOr<model::ChangeSet> ChangeSetFromRow(Stmt& s) {
    model::ChangeSet cs;
    cs.id = model::ChangeSetId(s.Int(0));
    cs.app = s.Text(1);
    cs.environment = s.Text(2);
    cs.state = s.Text(3);
    cs.summary = s.Text(4);
    cs.base_version = s.Int(5);
    auto ops = model::OperationsFromJson(s.Text(6));
    if (!ops.ok()) return Damaged(db_, "change set " + cs.id, ops.status());
    cs.operations = std::move(*ops);
    cs.changes_infrastructure = s.Int(7) != 0;
    cs.created_by = s.Text(8);
    cs.decided_by = s.Text(9);
    cs.reason = s.Text(10);
    cs.created_at_ms = s.Int(11);
    cs.decided_at_ms = s.Int(12);
    return cs;
  }

  static model::AuditEntry AuditFromRow(Stmt& s) {
    model::AuditEntry e;
    e.seq = s.Int(0);
    e.time_ms = s.Int(1);
    e.actor = s.Text(2);
    e.action = s.Text(3);
    e.target = s.Text(4);
    e.details = s.Text(5);
    e.prev_hash = s.Text(6);
    e.hash = s.Text(7);
    return e;
  }

  StatusOr<model::TokenInfo> TokenFromRow(Stmt& s) {
    model::TokenInfo t;
    t.name = s.Text(0);
    std::optional<model::Role> role = model::ParseRole(s.Text(1));
    if (!role) {
      return Status::Internal("database " + db_.path() + ": token " + t.name +
                              " has an unknown role \"" + s.Text(1) + "\"");
    }
    t.role = *role;
    t.created_at_ms = s.Int(2);
    t.revoked_at_ms = s.Int(3);
    return t;
  }

  SqliteDb& db_;
};

// ---- the store ------------------------------------------------------------

// Set while this thread is inside a Write: a nested Write would deadlock on
// the writer mutex, so it is refused instead.
thread_local const void* tls_writing_store = nullptr;

class SqliteStore : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<SqliteDb> writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}

  Status Write(const std::function<Status(StoreTx&)>& fn) override {
    if (tls_writing_store == this) {
      return Status::FailedPrecondition(
          "store: Write called inside a Write on the same thread");
    }
    std::lock_guard<std::mutex> lock(write_mu_);
    tls_writing_store = this;
    struct Reset {
      ~Reset() { tls_writing_store = nullptr; }
    } reset;
    if (sqlite3_get_autocommit(writer_->raw()) == 0) {
      (void)writer_->Run("ROLLBACK");  // a transaction left open by a fault
    }
    STORE_RETURN_IF_ERROR(writer_->Run("BEGIN IMMEDIATE"));
    SqliteTx tx(*writer_);
    Status result = fn(tx);
    if (result.ok()) {
      result = writer_->Run("COMMIT");
      if (result.ok()) return result;
    }
    if (sqlite3_get_autocommit(writer_->raw()) == 0) {
      (void)writer_->Run("ROLLBACK");
    }
    return result;
  }

  Status Read(const std::function<Status(StoreTx&)>& fn) override {
    auto conn = AcquireReader();
    if (!conn.ok()) return conn.status();
    std::unique_ptr<SqliteDb> db = std::move(*conn);
    Status result = db->Run("BEGIN");
    if (result.ok()) {
      SqliteTx tx(*db);
      result = fn(tx);
      Status end = db->Run(result.ok() ? "COMMIT" : "ROLLBACK");
      if (result.ok()) result = end;
    }
    if (sqlite3_get_autocommit(db->raw()) == 0) (void)db->Run("ROLLBACK");
    ReleaseReader(std::move(db));
    return result;
  }

 private:
  static constexpr size_t kMaxIdleReaders = 16;

  StatusOr<std::unique_ptr<SqliteDb>> AcquireReader() {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      if (!idle_readers_.empty()) {
        auto db = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        return db;
      }
    }
    auto db = SqliteDb::Open(path_);
    if (!db.ok()) return db.status();
    STORE_RETURN_IF_ERROR(
        (*db)->Exec("PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;"));
    return std::move(*db);
  }

  void ReleaseReader(std::unique_ptr<SqliteDb> db) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (idle_readers_.size() < kMaxIdleReaders) {
      idle_readers_.push_back(std::move(db));
    }
  }

  const std::string path_;
  std::mutex write_mu_;
  std::unique_ptr<SqliteDb> writer_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_readers_;
};

Status EnsureFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Unavailable("cannot open database " + path + ": " +
                               std::strerror(errno));
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  STORE_RETURN_IF_ERROR(EnsureFile(path));
  auto writer = SqliteDb::Open(path);
  if (!writer.ok()) return writer.status();
  SqliteDb& db = **writer;
  STORE_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 5000"));
  {
    auto mode = db.Prepare("PRAGMA journal_mode = WAL");
    if (!mode.ok()) return mode.status();
    auto row = mode->Step();
    if (!row.ok()) return row.status();
    if (!*row || mode->Text(0) != "wal") {
      return Status::FailedPrecondition("database " + path +
                                        ": cannot switch to WAL mode");
    }
  }
  STORE_RETURN_IF_ERROR(
      db.Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"));
  STORE_RETURN_IF_ERROR(MigrateStore(db, NowMs()));
  return std::unique_ptr<Store>(new SqliteStore(path, std::move(*writer)));
}

#undef STORE_RETURN_IF_ERROR

}  // namespace encore::agent
