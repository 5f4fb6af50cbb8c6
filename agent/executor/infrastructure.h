// Infrastructure: runs an environment's desired state against the local
// backends through the drivers, keeping the ownership ledger (DESIGN §5).
//
// Apply is ledger-first:
//   1. NextActions(desired, ledger) (pure). Nothing to do: no backend call.
//   2. Checks, reads only: a resource to create is observed (one read): if
//      it exists with this environment's mark the ledger is rebuilt from it;
//      with no mark or another's, the apply stops with an error naming it
//      and the fix (an adopt block). A resource to update has the patched
//      attributes observed and compared with the values the backend
//      reported after our last write: a difference is a conflict (kind,
//      name, attribute, expected, actual) and the apply stops before any
//      write, unless forced (then each overwritten value is reported in
//      ApplyResult::forced for the audit).
//   3. Writes, journalled: the ledger entry is written (state creating /
//      updating / deleting) before the driver call and settled after it, so
//      a killed agent resumes and creates nothing twice.
// Errors: kFailedPrecondition "conflict: ..." / "<kind> "<name>": ...";
// backend failures keep the driver's code. Calls for one environment are
// serialised (a per-environment lock); different environments run in
// parallel.
#ifndef ENCORE_AGENT_EXECUTOR_INFRASTRUCTURE_H_
#define ENCORE_AGENT_EXECUTOR_INFRASTRUCTURE_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/backends/local_backends.h"
#include "agent/crypto/secret_box.h"
#include "agent/drivers/registry.h"
#include "agent/executor/next_actions.h"
#include "agent/store/store.h"
#include "model/records.h"

namespace encore::agent {

struct ApplyResult {
  // The desired items with their status: ready | observed (adopted) |
  // plan_only | not_triggered (local cron) | recorded | reserved.
  std::vector<model::InfraItem> items;
  int64_t reads = 0;  // backend calls this apply made
  int64_t writes = 0;
  std::vector<std::string> forced;    // "kind name attribute: actual -> new"
  std::vector<std::string> retained;  // "kind name" kept by deletion_policy
};

class Infrastructure {
 public:
  // `store` and `box` must outlive it.
  Infrastructure(Store* store, SecretBox* box,
                 std::unique_ptr<backends::LocalBackends> backends,
                 drivers::DriverSet drivers);
  ~Infrastructure();

  // `admin_password`: the clear admin password of spec's existing_server
  // (empty when none).
  StatusOr<ApplyResult> Apply(const model::EnvironmentSpec& spec,
                              const std::string& admin_password,
                              const std::vector<model::InfraItem>& desired,
                              bool force);
  // Removes (or retains) everything the ledger has for the environment.
  StatusOr<ApplyResult> Teardown(const std::string& app, const std::string& env,
                                 const std::string& deletion_policy);
  // Reads every resource in the ledger (all attributes) and classifies the
  // differences: conflict (an owned attribute changed since our last write,
  // or the resource is gone), normalization (the backend reports a written
  // value in another form), foreign_change (something we do not own changed
  // since creation).
  StatusOr<std::vector<model::DriftItem>> ScanDrift(
      const std::string& app, const std::string& env,
      const model::EnvironmentSpec& spec, const std::string& admin_password);
  StatusOr<std::vector<LedgerEntry>> Ledger(const std::string& app,
                                            const std::string& env);
  // Clear passwords of the roles the agent made: role name -> password.
  StatusOr<std::map<std::string, std::string>> RolePasswords(
      const std::string& app, const std::string& env);
  std::map<std::string, model::BackendCounter> Counters() const;

  // Short-lived logins on an environment's database (agent-run PostgreSQL
  // or the existing server); `grant_role` is the role whose access it gets.
  StatusOr<model::DatabaseCredentials> IssueLogin(
      const model::EnvironmentSpec& spec, const std::string& admin_password,
      const LedgerEntry& database, const std::string& grant_role,
      int64_t ttl_seconds, bool read_only = false);
  StatusOr<model::DatabaseCredentials> RenewLogin(
      const model::EnvironmentSpec& spec, const std::string& admin_password,
      const LedgerEntry& database, const std::string& login,
      int64_t ttl_seconds);
  Status DropLogin(const model::EnvironmentSpec& spec,
                   const std::string& admin_password,
                   const LedgerEntry& database, const std::string& login);

  backends::LocalBackends& backends() { return *backends_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<backends::LocalBackends> backends_;
};

}  // namespace encore::agent

#endif  // ENCORE_AGENT_EXECUTOR_INFRASTRUCTURE_H_
