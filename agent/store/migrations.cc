#include "agent/store/migrations.h"

#include <string>

namespace encore::agent {
namespace {

// Version 1: the records of issue 8. Environments keep their spec as JSON
// (model::ToJson(EnvironmentSpec)) plus the columns we look up by; the
// status columns are written without touching `version`. The audit table
// refuses UPDATE and DELETE (a person with sqlite3 can drop the triggers;
// the hash chain still catches the edit).
constexpr std::string_view kV1 = R"sql(
CREATE TABLE apps (
  name TEXT PRIMARY KEY,
  model_json TEXT NOT NULL,
  model_hash TEXT NOT NULL,
  services_json TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE TABLE environments (
  app TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  sealed_admin_password TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  infrastructure_json TEXT NOT NULL DEFAULT '[]',
  pending_change_set TEXT NOT NULL DEFAULT '',
  drift_json TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (app, name)
);
CREATE INDEX environments_by_app_type ON environments (app, type, name);
CREATE INDEX environments_by_type ON environments (type, app, name);
CREATE TABLE primary_environments (
  app TEXT PRIMARY KEY,
  environment TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE TABLE secrets (
  app TEXT NOT NULL,
  name TEXT NOT NULL,
  fingerprints_json TEXT NOT NULL,
  sealed_values_json TEXT NOT NULL,
  values_wo_version INTEGER,
  version INTEGER NOT NULL,
  PRIMARY KEY (app, name)
);
CREATE TABLE infra_overrides (
  app TEXT NOT NULL,
  environment TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (app, environment, kind, name)
);
CREATE TABLE change_sets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  app TEXT NOT NULL,
  environment TEXT NOT NULL,
  state TEXT NOT NULL,
  summary TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  operations_json TEXT NOT NULL,
  changes_infrastructure INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  decided_at_ms INTEGER NOT NULL,
  payload_json TEXT NOT NULL
);
CREATE INDEX change_sets_by_env ON change_sets (app, environment, id);
CREATE INDEX change_sets_by_state ON change_sets (state, id);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TABLE tokens (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER NOT NULL DEFAULT 0
);
)sql";

// v2: the ownership ledger (DESIGN §5) and the credentials the agent made.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE ledger (
  app TEXT NOT NULL,
  environment TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  entry_json TEXT NOT NULL,
  PRIMARY KEY (app, environment, kind, name)
);
CREATE TABLE credentials (
  app TEXT NOT NULL,
  environment TEXT NOT NULL,
  key TEXT NOT NULL,
  sealed TEXT NOT NULL,
  PRIMARY KEY (app, environment, key)
);
)sql";

}  // namespace

const std::vector<std::string_view>& StoreMigrations() {
  static const std::vector<std::string_view> kMigrations = {kV1, kV2};
  return kMigrations;
}

StatusOr<int64_t> StoreSchemaVersion(sqlite::SqliteDb& db) {
  StatusOr<sqlite::Stmt> stmt =
      db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!stmt.ok()) return stmt.status();
  StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row ? stmt->Int(0) : 0;
}

Status MigrateStore(sqlite::SqliteDb& db, int64_t now_ms) {
  Status st = db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)");
  if (!st.ok()) return st;
  const auto& migrations = StoreMigrations();
  const int64_t known = static_cast<int64_t>(migrations.size());
  while (true) {
    // Each step re-reads the version inside BEGIN IMMEDIATE, so two
    // processes opening one file at once never apply a step twice.
    st = db.Exec("BEGIN IMMEDIATE");
    if (!st.ok()) return st;
    StatusOr<int64_t> current = StoreSchemaVersion(db);
    if (!current.ok()) {
      (void)db.Exec("ROLLBACK");
      return current.status();
    }
    if (*current > known) {
      (void)db.Exec("ROLLBACK");
      return Status::FailedPrecondition(
          "database " + db.path() + " has schema version " +
          std::to_string(*current) + ", newer than this encore-agent knows (" +
          std::to_string(known) + "); run a newer encore-agent");
    }
    if (*current == known) return db.Exec("COMMIT");
    const int64_t next = *current + 1;
    st = db.Exec(migrations[static_cast<size_t>(next - 1)]);
    if (st.ok()) {
      StatusOr<sqlite::Stmt> ins = db.Prepare(
          "INSERT INTO schema_migrations (version, applied_at_ms) VALUES (?, "
          "?)");
      st = ins.ok() ? ins->Bind(1, next).Bind(2, now_ms).Run() : ins.status();
    }
    if (st.ok()) st = db.Exec("COMMIT");
    if (!st.ok()) {
      (void)db.Exec("ROLLBACK");
      return Status(st.code(), "migrating to schema version " +
                                   std::to_string(next) + ": " + st.message());
    }
  }
}

}  // namespace encore::agent
