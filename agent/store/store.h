// Store: the agent's durable records (DESIGN §4). SQLite in WAL mode with
// synchronous=FULL, so a write acknowledged is on disk and survives
// kill -9; versioned migrations run on open.
//
// Every access happens inside a transaction callback:
//   store->Write([&](StoreTx& tx) -> Status { ... });  // BEGIN IMMEDIATE
//   store->Read([&](StoreTx& tx) -> Status { ... });   // a snapshot
// Write commits when the callback returns OK and rolls back otherwise, so a
// change, its change set and its audit entry land together or not at all.
// Thread-safe: writes are serialised; reads may run alongside them (WAL:
// a read never waits for a write and sees only committed data). A Read is
// read-only (a write inside it fails); a Write nested in a Write on the
// same thread is refused (kFailedPrecondition) rather than deadlocking.
// Records may be read inside a Write and see the Write's own changes.
//
// Versions (etags): each versioned record starts at version 1; a Put with
// expected_version 0 inserts (kAlreadyExists if the key exists), otherwise
// it updates only if the stored version equals expected_version (kAborted
// "stale version" if not; kNotFound if the record is gone) and bumps it.
// Delete is compare-and-set the same way (expected_version must equal the
// stored version; 0 never matches). Messages:
//   kNotFound      "<kind> <key> not found"
//   kAlreadyExists "<kind> <key> exists already"
//   kAborted       "<kind> <key> changed since it was read (version N, now M)"
// with kind "app", "environment", "primary environment", "secret",
// "infra override", "change set", "token" and key "app", "app/env",
// "app/name", "app/env/kind/name", "cs-N", the token's name.
// The store enforces no references between records (deleting an app
// leaves its environments): that is the service's policy. Status fields of an environment
// (status, url, infrastructure, pending change set, drift) are written with
// PutEnvironmentStatus and never change the version.
//
// The store holds no clear secret: callers pass sealed (encrypted) values
// from agent/crypto and the store keeps them as given.
#ifndef ENCORE_AGENT_STORE_STORE_H_
#define ENCORE_AGENT_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent {

// An environment as stored: the record plus its sealed admin password.
struct StoredEnvironment {
  model::Environment env;  // spec.database.existing_server.admin_password
                           // is always empty here
  std::string sealed_admin_password;  // empty: none
};

// A secret as stored: metadata and fingerprints, plus each value sealed.
struct StoredSecret {
  model::Secret secret;  // secret.values is always empty here
  std::map<std::string, std::string> sealed_values;  // key -> sealed
};

// A change set and what approving it will do (the service's own JSON).
struct StoredChangeSet {
  model::ChangeSet change_set;
  std::string payload_json;
};

// One resource in the ownership ledger (DESIGN §5): who owns it, and per
// owned attribute the value last written and the value the backend reported
// back (they differ when the backend normalises, e.g. "256mb" ->
// "268435456"). The executor diffs desired state against `written` and
// detects conflicts against `observed`.
struct LedgerAttribute {
  std::string written;
  std::string observed;
  bool operator==(const LedgerAttribute&) const = default;
};
struct LedgerEntry {
  std::string app, environment, kind, name;
  std::string provider_id;
  std::string backend_name;
  std::string owner;  // encore-agent | adopted:observe | adopted:manage
  std::string state;  // creating | updating | deleting | ready (journal)
  std::map<std::string, LedgerAttribute> attributes;
  std::map<std::string, std::string> baseline;  // "foreign.*" at creation
  std::map<std::string, std::string> facts;     // connection facts
  // sql_database on a server the agent does not own: host, port,
  // admin_user, sslmode, sealed_admin_password (so teardown needs no
  // environment record).
  std::map<std::string, std::string> location;
  std::map<std::string, std::string> credential_fingerprints;
  int64_t updated_at_ms = 0;
  bool operator==(const LedgerEntry&) const = default;
};

struct ChangeSetFilter {
  std::string app, environment, state;  // empty: any
};

class StoreTx {
 public:
  virtual ~StoreTx() = default;

  // Apps.
  virtual StatusOr<model::App> GetApp(const std::string& name) = 0;
  virtual StatusOr<std::vector<model::App>> ListApps() = 0;
  // Returns the new version.
  virtual StatusOr<int64_t> PutApp(const model::App& app,
                                   int64_t expected_version) = 0;
  virtual Status DeleteApp(const std::string& name,
                           int64_t expected_version) = 0;

  // Environments.
  virtual StatusOr<StoredEnvironment> GetEnvironment(
      const std::string& app, const std::string& name) = 0;
  // Empty filters match everything. Ordered by app, then name.
  virtual StatusOr<std::vector<StoredEnvironment>> ListEnvironments(
      const std::string& app, const std::string& type) = 0;
  // Writes env.spec and sealed_admin_password (compare-and-set); on insert
  // also the status fields given. Returns the new version.
  virtual StatusOr<int64_t> PutEnvironment(const StoredEnvironment& env,
                                           int64_t expected_version) = 0;
  // Writes status, url, infrastructure, pending_change_set and drift of an
  // existing environment; the version stays.
  virtual Status PutEnvironmentStatus(const model::Environment& env) = 0;
  virtual Status DeleteEnvironment(const std::string& app,
                                   const std::string& name,
                                   int64_t expected_version) = 0;
  // Number of environments (for benchmarks and `encore-agent status`).
  virtual StatusOr<int64_t> CountEnvironments() = 0;

  // Primary environment, one per app.
  virtual StatusOr<model::PrimaryEnvironment> GetPrimaryEnvironment(
      const std::string& app) = 0;
  virtual StatusOr<int64_t> PutPrimaryEnvironment(
      const model::PrimaryEnvironment& p, int64_t expected_version) = 0;
  virtual Status DeletePrimaryEnvironment(const std::string& app,
                                          int64_t expected_version) = 0;

  // Secrets.
  virtual StatusOr<StoredSecret> GetSecret(const std::string& app,
                                           const std::string& name) = 0;
  virtual StatusOr<std::vector<StoredSecret>> ListSecrets(
      const std::string& app) = 0;
  virtual StatusOr<int64_t> PutSecret(const StoredSecret& s,
                                      int64_t expected_version) = 0;
  virtual Status DeleteSecret(const std::string& app, const std::string& name,
                              int64_t expected_version) = 0;

  // Infrastructure overrides, keyed by app, environment, kind and name.
  virtual StatusOr<model::InfraOverride> GetInfraOverride(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name) = 0;
  virtual StatusOr<std::vector<model::InfraOverride>> ListInfraOverrides(
      const std::string& app, const std::string& env) = 0;
  virtual StatusOr<int64_t> PutInfraOverride(const model::InfraOverride& o,
                                             int64_t expected_version) = 0;
  virtual Status DeleteInfraOverride(const std::string& app,
                                     const std::string& env,
                                     const std::string& kind,
                                     const std::string& name,
                                     int64_t expected_version) = 0;

  // Change sets. Insert assigns the id ("cs-N", N from 1 up) and returns it.
  virtual StatusOr<std::string> InsertChangeSet(const StoredChangeSet& cs) = 0;
  virtual StatusOr<StoredChangeSet> GetChangeSet(const std::string& id) = 0;
  // Newest first.
  virtual StatusOr<std::vector<model::ChangeSet>> ListChangeSets(
      const ChangeSetFilter& filter) = 0;
  // Moves a change set from `from_state` to cs.state, writing decided_by,
  // reason and decided_at_ms (only those, by cs.id); kAborted "change set
  // cs-N is <state>, not <from_state>" if its state is not `from_state`.
  virtual Status DecideChangeSet(const model::ChangeSet& cs,
                                 const std::string& from_state) = 0;

  // Audit log: append-only. Append fills seq, prev_hash and hash (see
  // agent/store/audit_chain.h) and returns the entry as stored; a time_ms
  // of 0 is filled with the current time.
  virtual StatusOr<model::AuditEntry> AppendAudit(
      const model::AuditEntry& entry) = 0;
  // Entries with seq > after_seq, oldest first, at most `limit` (<= 0: all).
  virtual StatusOr<std::vector<model::AuditEntry>> ListAudit(
      int64_t after_seq, int limit) = 0;
  virtual StatusOr<model::AuditVerification> VerifyAudit() = 0;

  // Tokens, stored by the hash of their secret (agent/crypto).
  // kAlreadyExists if the name (or the secret hash) is taken.
  // Ledger (no versions: the executor serialises per environment). An
  // empty app lists every environment's entries.
  virtual StatusOr<std::vector<LedgerEntry>> ListLedger(
      const std::string& app, const std::string& env) = 0;
  virtual Status PutLedger(const LedgerEntry& e) = 0;
  virtual Status DeleteLedger(const std::string& app, const std::string& env,
                              const std::string& kind,
                              const std::string& name) = 0;
  // Credentials the agent generated (sealed by the caller).
  virtual StatusOr<std::map<std::string, std::string>> ListCredentials(
      const std::string& app, const std::string& env) = 0;
  virtual Status PutCredential(const std::string& app, const std::string& env,
                               const std::string& key,
                               const std::string& sealed) = 0;
  virtual Status DeleteCredentials(const std::string& app,
                                   const std::string& env) = 0;

  virtual Status InsertToken(const model::TokenInfo& token,
                             const std::string& secret_hash) = 0;
  // The active (not revoked) token whose secret hashes to `secret_hash`.
  virtual StatusOr<model::TokenInfo> FindToken(
      const std::string& secret_hash) = 0;
  // kNotFound for an unknown name; kFailedPrecondition if revoked already.
  // at_ms 0: now.
  virtual Status RevokeToken(const std::string& name, int64_t at_ms) = 0;
  // All tokens, revoked ones included, by name.
  virtual StatusOr<std::vector<model::TokenInfo>> ListTokens() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Status Write(const std::function<Status(StoreTx&)>& fn) = 0;
  virtual Status Read(const std::function<Status(StoreTx&)>& fn) = 0;
};

// Opens (creating if needed, mode 0600) the SQLite store at `path` and runs
// its migrations. An error names the file and what is wrong (not a
// database, newer schema than this agent knows, locked, ...).
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_STORE_STORE_H_
