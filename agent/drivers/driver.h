// Driver: the four verbs on one kind of backend resource (DESIGN §5, house
// rule 4). A driver knows how to talk to its backend and nothing about
// policy: whether to create, update, adopt, delete or stop on a conflict is
// decided by the executor (agent/executor), from the ledger, as data.
//
// Every verb is idempotent:
//   Create  on a resource that exists with our mark completes what is missing
//           (e.g. a role or a grant) and succeeds; on one without our mark it
//           fails kAlreadyExists naming it, unless Resource::adopted is set
//           (an `adopt { policy = "manage" }` block: complete the missing parts
//           and never write our mark on it).
//   Update  writes exactly the patch's attributes and re-reads them; an empty
//           patch does nothing (0 reads, 0 writes).
//   Delete  of a missing resource succeeds; one without our mark is refused
//           (kFailedPrecondition), never dropped.
//   Observe reads only what it is asked for (a missing resource is
//           Observed{exists = false}, not an error).
//
// Counting (DESIGN §5): every statement or request to the backend (SQL
// statement, Redis command, NATS request, file read or write) counts as one
// read or one write. Starting or probing the agent's own servers does not.
//
// Ownership mark: OwnershipMark(env) in the backend itself (COMMENT ON
// DATABASE / ROLE, the stream's description, a metadata file), so the
// ledger can be rebuilt from the backends.
#ifndef ENCORE_AGENT_DRIVERS_DRIVER_H_
#define ENCORE_AGENT_DRIVERS_DRIVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent::drivers {

using Attributes = std::map<std::string, std::string>;

// "managed-by=encore-agent env=shop/local": what the agent writes on every
// resource it creates. A mark for another environment is foreign too.
std::string OwnershipMark(const std::string& env_full);
// True when `mark` is any encore-agent mark (for messages: "belongs to
// environment X" rather than "made by someone else").
bool IsAgentMark(const std::string& mark);
// The environment a mark names ("shop/local"), or "" when none.
std::string MarkEnvironment(const std::string& mark);

// Where a SQL database lives: the agent's cluster or an existing server.
struct SqlServer {
  std::string host;        // "127.0.0.1"
  int port = 0;
  std::string socket_dir;  // the agent's cluster: admin connects here
  std::string admin_user;
  std::string admin_password;  // in memory only; never logged
  std::string sslmode;         // "" means the libpq default
  bool agent_owned = false;
};

// One resource as the executor hands it to a driver.
struct Resource {
  std::string env;        // "app/env" with the env's own name ("shop/pr:1")
  model::InfraItem item;  // kind, name, provider_id, attributes (desired,
                          // only those the agent owns; DESIGN §5)
  std::string backend_name;  // the name in the backend: database "orders",
                             // stream "pr-1_order-created", bucket dir...
  SqlServer sql_server;      // sql_database only
  // Credentials the agent generated, clear, in memory only:
  // sql_database: "password:<role>" -> password.
  std::map<std::string, std::string> credentials;
  // sql_database with `branch_from`: the source database's backend name
  // (same server); empty otherwise.
  std::string branch_from;
  bool adopted = false;  // adopt { policy = "manage" }: never mark, never drop
};

struct Observed {
  bool exists = false;
  std::string mark;       // the ownership mark found ("" when none)
  Attributes attributes;  // the owned attributes asked for, as the backend
                          // reports them; with an empty request: every
                          // owned attribute plus the foreign ones drift
                          // lists, keyed "foreign.<name>" (e.g.
                          // "foreign.statement_timeout", "foreign.timeout",
                          // "foreign.duplicate_window")
};

// What Create reports back.
struct Created {
  Attributes observed;  // the owned attributes as read back
  Attributes baseline;  // "foreign.*" attributes as found at creation
  Attributes facts;     // connection facts for the runtime config and the
                        // data sources: host, port, database, user, url,
                        // stream, subject, consumer, path, ... (no secrets)
};

struct Counters {
  int64_t reads = 0;
  int64_t writes = 0;
};

class Driver {
 public:
  virtual ~Driver() = default;
  // "sql_database", "cache", "pubsub_topic", "pubsub_subscription", "bucket".
  virtual std::string_view kind() const = 0;

  // `attributes`: the owned attributes wanted; empty asks for everything
  // (drift scans).
  virtual StatusOr<Observed> Observe(const Resource& r,
                                     const std::vector<std::string>& attributes) = 0;
  virtual StatusOr<Created> Create(const Resource& r) = 0;
  // `patch`: attribute -> new value; "" resets it to the backend's default
  // (e.g. an override removed). Returns the patched attributes re-read.
  virtual StatusOr<Attributes> Update(const Resource& r, const Attributes& patch) = 0;
  virtual Status Delete(const Resource& r) = 0;

  Counters counters() const { return {reads_.load(), writes_.load()}; }

 protected:
  void CountRead(int64_t n = 1) { reads_ += n; }
  void CountWrite(int64_t n = 1) { writes_ += n; }

 private:
  std::atomic<int64_t> reads_{0};
  std::atomic<int64_t> writes_{0};
};

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_DRIVER_H_
