// The store's schema as an ordered list of migrations (internal to
// agent/store). Migration i (1-based) takes the schema from version i-1 to
// i; applied ones are recorded in `schema_migrations`. Never edit a
// released migration: append a new one.
#ifndef ENCORE_AGENT_STORE_MIGRATIONS_H_
#define ENCORE_AGENT_STORE_MIGRATIONS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "agent/store/sqlite_db.h"
#include "provider/core/status.h"

namespace encore::agent {

// The SQL of each migration, in order; size() is the newest version.
const std::vector<std::string_view>& StoreMigrations();

// Brings the database on `db` up to the newest version, each migration in
// its own transaction. kFailedPrecondition, naming the file and both
// versions, if the database is newer than this agent knows.
Status MigrateStore(sqlite::SqliteDb& db, int64_t now_ms);

// The schema version recorded in the database (0 for a new one).
StatusOr<int64_t> StoreSchemaVersion(sqlite::SqliteDb& db);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_STORE_MIGRATIONS_H_
