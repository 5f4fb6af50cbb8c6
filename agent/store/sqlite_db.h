// Thin RAII helpers over the SQLite C API for the store (internal to
// agent/store). A SqliteDb is one connection with a cache of prepared
// statements keyed by their SQL text; a Stmt borrows a cached statement and
// resets it when it goes out of scope. A connection is used by one thread
// at a time (the store guarantees it), so connections are opened NOMUTEX.
#ifndef ENCORE_AGENT_STORE_SQLITE_DB_H_
#define ENCORE_AGENT_STORE_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "provider/core/status.h"

namespace encore::agent::sqlite {

class Stmt;

class SqliteDb {
 public:
  // Opens `path` (which must exist) read-write.
  static StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements with no parameters and no results.
  Status Exec(std::string_view sql);
  // A cached prepared statement for `sql` (one statement).
  StatusOr<Stmt> Prepare(const std::string& sql);
  // Runs a cached statement with no parameters to completion.
  Status Run(const std::string& sql);

  // An error status for the connection's last error; `rc` picks the code
  // (SQLITE_BUSY -> kUnavailable, SQLITE_CONSTRAINT -> kFailedPrecondition,
  // others kInternal). The message names the file.
  Status Error(int rc, std::string_view doing) const;

  int64_t Changes() const;
  int64_t LastInsertRowId() const;
  sqlite3* raw() { return db_; }
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// A bound, running statement. Bind indexes start at 1. Step returns true
// while there is a row; errors come back as a Status.
class Stmt {
 public:
  Stmt(SqliteDb* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, std::optional<int64_t> v);
  Stmt& BindNull(int i);

  // A row is ready (true), done (false), or an error.
  StatusOr<bool> Step();
  // Steps to completion (for INSERT/UPDATE/DELETE).
  Status Run();

  std::string Text(int col) const;
  int64_t Int(int col) const;
  bool IsNull(int col) const;

 private:
  SqliteDb* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace encore::agent::sqlite

#endif  // ENCORE_AGENT_STORE_SQLITE_DB_H_
