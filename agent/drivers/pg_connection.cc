#include "agent/drivers/pg_connection.h"

#include <libpq-fe.h>

#include <utility>

namespace encore::agent::drivers {
namespace {

std::string FirstLine(const char* msg) {
  std::string s = msg ? msg : "";
  size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

StatusCode CodeFor(const std::string& state) {
  if (state == "42P04" || state == "42710") return StatusCode::kAlreadyExists;
  if (state == "3D000" || state == "42704") return StatusCode::kNotFound;
  if (state == "55006" || state == "2BP01")
    return StatusCode::kFailedPrecondition;
  if (state == "42501") return StatusCode::kPermissionDenied;
  if (state == "28P01" || state == "28000") return StatusCode::kUnauthenticated;
  if (state.rfind("08", 0) == 0 || state == "57P03")
    return StatusCode::kUnavailable;
  if (state == "22023" || state.rfind("42", 0) == 0) {
    return StatusCode::kInvalidArgument;
  }
  return StatusCode::kInternal;
}

std::string ConnValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string ServerName(const SqlServer& s) {
  if (!s.socket_dir.empty()) return "the agent's PostgreSQL cluster";
  return "PostgreSQL at " + s.host + ":" + std::to_string(s.port);
}

std::string ConnInfo(const SqlServer& s, const std::string& database) {
  std::string c =
      "host=" + ConnValue(s.socket_dir.empty() ? s.host : s.socket_dir);
  if (s.port > 0) c += " port=" + std::to_string(s.port);
  if (!s.admin_user.empty()) c += " user=" + ConnValue(s.admin_user);
  c += " dbname=" + ConnValue(database);
  if (!s.sslmode.empty() && s.socket_dir.empty()) {
    c += " sslmode=" + ConnValue(s.sslmode);
  }
  return c;
}

StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(
    const SqlServer& s, const std::string& database, int timeout) {
  std::vector<std::pair<std::string, std::string>> kv;
  kv.emplace_back("host", s.socket_dir.empty() ? s.host : s.socket_dir);
  if (s.port > 0) kv.emplace_back("port", std::to_string(s.port));
  if (!s.admin_user.empty()) kv.emplace_back("user", s.admin_user);
  if (!s.admin_password.empty() && s.socket_dir.empty()) {
    kv.emplace_back("password", s.admin_password);
  }
  if (!s.sslmode.empty() && s.socket_dir.empty()) {
    kv.emplace_back("sslmode", s.sslmode);
  }
  kv.emplace_back("dbname", database);
  kv.emplace_back("connect_timeout",
                  std::to_string(timeout > 0 ? timeout : 10));
  kv.emplace_back("application_name", "encore-agent");
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* c = PQconnectdbParams(keys.data(), values.data(), 0);
  if (c == nullptr) return Status::Internal("libpq: out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string err = FirstLine(PQerrorMessage(c));
    PQfinish(c);
    StatusCode code =
        err.find("password authentication failed") != std::string::npos
            ? StatusCode::kUnauthenticated
        : err.find("does not exist") != std::string::npos
            ? StatusCode::kNotFound
            : StatusCode::kUnavailable;
    return Status(code, "cannot connect to database \"" + database + "\" on " +
                            ServerName(s) + " as " + s.admin_user + ": " + err);
  }
  // NOTICEs ("... does not exist, skipping") are not errors; keep them off
  // stderr.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(c));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

StatusOr<PgRows> PgConnection::Exec(const std::string& sql,
                                    const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PGresult* r =
      params.empty()
          ? PQexec(conn_, sql.c_str())
          : PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()),
                         nullptr, values.data(), nullptr, nullptr, 0);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary =
        r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    sql_state_ = state ? state : "";
    std::string msg = primary ? primary : FirstLine(PQerrorMessage(conn_));
    if (r) PQclear(r);
    return Status(CodeFor(sql_state_),
                  msg.empty() ? "the server closed the connection" : msg);
  }
  PgRows rows;
  const int n = PQntuples(r), cols = PQnfields(r);
  rows.reserve(n);
  for (int i = 0; i < n; ++i) {
    PgRow row;
    row.reserve(cols);
    for (int j = 0; j < cols; ++j) row.emplace_back(PQgetvalue(r, i, j));
    rows.push_back(std::move(row));
  }
  PQclear(r);
  return rows;
}

std::string PgConnection::QuoteIdent(const std::string& ident) const {
  char* q = PQescapeIdentifier(conn_, ident.c_str(), ident.size());
  if (q == nullptr) return "\"\"";
  std::string out = q;
  PQfreemem(q);
  return out;
}

std::string PgConnection::QuoteLiteral(const std::string& value) const {
  char* q = PQescapeLiteral(conn_, value.c_str(), value.size());
  if (q == nullptr) return "''";
  std::string out = q;
  PQfreemem(q);
  return out;
}

StatusOr<std::string> PgConnection::PasswordVerifier(
    const std::string& user, const std::string& password) const {
  char* v = PQencryptPasswordConn(conn_, password.c_str(), user.c_str(),
                                  "scram-sha-256");
  if (v == nullptr) {
    return Status::Internal("cannot compute the password verifier for role " +
                            user);
  }
  std::string out = v;
  PQfreemem(v);
  return out;
}

// ---- PgConnectionPool ------------------------------------------------------

namespace {
constexpr size_t kMaxIdlePerKey = 4;

// Worth keeping: open and outside any transaction.
bool Idle(PGconn* c) {
  return PQstatus(c) == CONNECTION_OK &&
         PQtransactionStatus(c) == PQTRANS_IDLE && !PQisBusy(c);
}

// Still usable: idle, and an empty query comes back (one round trip on the
// unix socket, a liveness probe, not a backend call: a session the server
// ended answers with its FATAL or the end of the stream).
bool Alive(PGconn* c) {
  if (!Idle(c)) return false;
  PGresult* r = PQexec(c, "");
  const bool ok = r != nullptr && PQresultStatus(r) == PGRES_EMPTY_QUERY;
  if (r != nullptr) PQclear(r);
  return ok && Idle(c);
}
}  // namespace

PgConnectionPool::Lease::Lease(PgConnectionPool* pool, std::string key,
                               std::unique_ptr<PgConnection> c)
    : pool_(pool), key_(std::move(key)), c_(std::move(c)) {}

PgConnectionPool::Lease::Lease(Lease&& o) noexcept
    : pool_(o.pool_), key_(std::move(o.key_)), c_(std::move(o.c_)) {
  o.pool_ = nullptr;
}

PgConnectionPool::Lease& PgConnectionPool::Lease::operator=(
    Lease&& o) noexcept {
  if (this != &o) {
    if (pool_ != nullptr && c_ != nullptr) pool_->GiveBack(key_, std::move(c_));
    pool_ = o.pool_;
    key_ = std::move(o.key_);
    c_ = std::move(o.c_);
    o.pool_ = nullptr;
  }
  return *this;
}

PgConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && c_ != nullptr) pool_->GiveBack(key_, std::move(c_));
}

StatusOr<PgConnectionPool::Lease> PgConnectionPool::Take(
    const SqlServer& server, const std::string& database) {
  if (server.socket_dir.empty()) {
    auto c = PgConnection::Connect(server, database);
    if (!c.ok()) return c.status();
    return Lease(nullptr, "", std::move(*c));
  }
  std::string key = server.socket_dir + '\n' + std::to_string(server.port) +
                    '\n' + server.admin_user + '\n' + database;
  std::unique_ptr<PgConnection> kept;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = idle_.find(key); it != idle_.end() && it->first == key;) {
      std::unique_ptr<PgConnection> c = std::move(it->second);
      it = idle_.erase(it);
      if (Alive(c->raw())) {
        kept = std::move(c);
        break;
      }
    }
  }
  if (kept) return Lease(this, std::move(key), std::move(kept));
  auto c = PgConnection::Connect(server, database);
  if (!c.ok()) return c.status();
  return Lease(this, std::move(key), std::move(*c));
}

void PgConnectionPool::GiveBack(const std::string& key,
                                std::unique_ptr<PgConnection> c) {
  if (!Idle(c->raw())) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.count(key) >= kMaxIdlePerKey) return;
  idle_.emplace(key, std::move(c));
}

}  // namespace encore::agent::drivers
