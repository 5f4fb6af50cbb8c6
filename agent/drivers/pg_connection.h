// PgConnection: a small libpq wrapper for the SQL drivers.
//
// Connect goes to the server a SqlServer names: its unix socket dir when set
// (the agent's cluster, trust auth as the admin), else host/port with
// admin_user/admin_password/sslmode. The password is handed to libpq as a
// parameter, never put in a connection string, log or message.
//
// Exec runs one statement (with $1.. text parameters when given) and returns
// its rows as text (NULL reads as ""). A failure is a Status with the
// server's one-line primary message (no statement text, so no password in
// it); sql_state() keeps the SQLSTATE of the last failure.
// A connection is used by one thread at a time.
#ifndef ENCORE_AGENT_DRIVERS_PG_CONNECTION_H_
#define ENCORE_AGENT_DRIVERS_PG_CONNECTION_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/drivers/driver.h"
#include "provider/core/status.h"

typedef struct pg_conn PGconn;

namespace encore::agent::drivers {

using PgRow = std::vector<std::string>;
using PgRows = std::vector<PgRow>;

class PgConnection {
 public:
  static StatusOr<std::unique_ptr<PgConnection>> Connect(
      const SqlServer& server, const std::string& database,
      int connect_timeout_seconds = 10);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  StatusOr<PgRows> Exec(const std::string& sql,
                        const std::vector<std::string>& params = {});
  // "\"name\"" and "'value'" escaped for this connection's encoding.
  std::string QuoteIdent(const std::string& ident) const;
  std::string QuoteLiteral(const std::string& value) const;
  // The SCRAM-SHA-256 verifier of `password` for `user`, computed in the
  // client: CREATE/ALTER ROLE ... PASSWORD '<verifier>' never sends the
  // clear password to the server.
  StatusOr<std::string> PasswordVerifier(const std::string& user,
                                         const std::string& password) const;
  const std::string& sql_state() const { return sql_state_; }
  PGconn* raw() { return conn_; }

 private:
  explicit PgConnection(PGconn* c) : conn_(c) {}
  PGconn* conn_;
  std::string sql_state_;
};

// Idle connections kept between driver calls, for the agent's own cluster
// only (SqlServer::socket_dir set: trust auth over the unix socket, so no
// credentials in the key). Take() hands out a kept connection to the same
// socket, port, user and database that is still alive (an empty query: one
// round trip, a probe, not a backend call), else a new one; its Lease gives
// it back when destroyed, unless it broke or is inside a transaction.
// Connections to any other server are never kept. Thread-safe; a Lease is used
// by one thread.
class PgConnectionPool {
 public:
  class Lease {
   public:
    Lease(PgConnectionPool* pool, std::string key,
          std::unique_ptr<PgConnection> c);
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) noexcept;
    ~Lease();
    PgConnection* get() const { return c_.get(); }
    PgConnection* operator->() const { return c_.get(); }

   private:
    PgConnectionPool* pool_;
    std::string key_;
    std::unique_ptr<PgConnection> c_;
  };

  StatusOr<Lease> Take(const SqlServer& server, const std::string& database);

 private:
  void GiveBack(const std::string& key, std::unique_ptr<PgConnection> c);
  std::mutex mu_;
  std::multimap<std::string, std::unique_ptr<PgConnection>> idle_;
};

// "where": `database` on `server`, for messages ("database \"x\" on
// 127.0.0.1:5432").
std::string ServerName(const SqlServer& server);

// libpq connection parameters for `database` on `server` (no password), as a
// conninfo string for pg_dump / psql; the password goes in PGPASSWORD.
std::string ConnInfo(const SqlServer& server, const std::string& database);

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_PG_CONNECTION_H_
