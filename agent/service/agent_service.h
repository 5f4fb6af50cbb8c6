// AgentService: the agent's behaviour, with no transport (DESIGN §4). The
// gRPC layer (agent/api) authenticates the caller, converts messages and
// calls these; tests call them directly over a real SQLite store.
//
// Every call takes the Actor (from Authenticate) and checks its role first
// (agent/service/permissions.h: policy as data). Every mutation is one
// store transaction that also appends its audit entry (secret values never
// in it). Errors are Status values whose message is one line for a person:
//   kPermissionDenied "role member may not change production environment
//                      shop/prod; use an admin token"
//   kAborted          "environment shop/prod changed since your plan
//                      (version 3, now 4); re-run plan"
//   kNotFound, kAlreadyExists, kInvalidArgument, kFailedPrecondition.
//
// Environment writes (create, update, delete, and override or model changes
// that re-plan an environment) make a change set: the planner's operations
// from the environment's current infrastructure to the desired one. If it
// changes infrastructure and the environment has infra_approval = manual,
// it waits (state pending_approval, the environment's pending_change_set
// names it) and the record keeps its previous version until an admin
// approves; otherwise it is applied at once (state applied). Applying
// records the new desired state and infrastructure (status "planned" for
// local/encore: execution on real backends is the next step; "plan_only"
// for aws/gcp, whose drivers do not execute). A new change to the same
// environment supersedes a pending change set.
#ifndef ENCORE_AGENT_SERVICE_AGENT_SERVICE_H_
#define ENCORE_AGENT_SERVICE_AGENT_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/crypto/secret_box.h"
#include "agent/store/store.h"
#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent {

class Infrastructure;  // agent/executor/infrastructure.h

// Milliseconds since the epoch; tests pass their own clock.
using Clock = std::function<int64_t()>;
Clock SystemClock();

class AgentService {
 public:
  AgentService(std::unique_ptr<Store> store, std::unique_ptr<SecretBox> box,
               Clock clock);
  ~AgentService();

  // Bearer token -> Actor. kUnauthenticated (never saying which part was
  // wrong) for an unknown or revoked token.
  StatusOr<model::Actor> Authenticate(const std::string& token_secret);
  // Makes the first admin token if there is no token at all; returns its
  // secret, or "" when tokens exist already (idempotent on restart).
  StatusOr<std::string> BootstrapAdminToken();

  // Apps.
  StatusOr<model::App> CreateApp(const model::Actor& who, model::App app);
  StatusOr<model::App> GetApp(const model::Actor& who, const std::string& name);
  StatusOr<std::vector<model::App>> ListApps(const model::Actor& who);
  StatusOr<model::App> UpdateApp(const model::Actor& who, model::App app,
                                 int64_t expected_version,
                                 const std::vector<std::string>& field_mask);
  Status DeleteApp(const model::Actor& who, const std::string& name,
                   int64_t expected_version);

  // Environments.
  StatusOr<model::EnvironmentChange> CreateEnvironment(
      const model::Actor& who, model::EnvironmentSpec spec);
  StatusOr<model::Environment> GetEnvironment(const model::Actor& who,
                                              const std::string& app,
                                              const std::string& name);
  StatusOr<std::vector<model::Environment>> ListEnvironments(
      const model::Actor& who, const std::string& app, const std::string& type);
  StatusOr<model::EnvironmentChange> UpdateEnvironment(
      const model::Actor& who, model::EnvironmentSpec spec,
      int64_t expected_version, const std::vector<std::string>& field_mask);
  StatusOr<model::EnvironmentChange> DeleteEnvironment(
      const model::Actor& who, const std::string& app, const std::string& name,
      int64_t expected_version);

  // Primary environment.
  StatusOr<model::PrimaryEnvironment> SetPrimaryEnvironment(
      const model::Actor& who, model::PrimaryEnvironment p,
      int64_t expected_version);
  StatusOr<model::PrimaryEnvironment> GetPrimaryEnvironment(
      const model::Actor& who, const std::string& app);
  Status DeletePrimaryEnvironment(const model::Actor& who,
                                  const std::string& app,
                                  int64_t expected_version);

  // Secrets: values in, fingerprints out.
  StatusOr<model::Secret> PutSecret(const model::Actor& who,
                                    model::Secret secret,
                                    int64_t expected_version);
  StatusOr<model::Secret> GetSecret(const model::Actor& who,
                                    const std::string& app,
                                    const std::string& name);
  Status DeleteSecret(const model::Actor& who, const std::string& app,
                      const std::string& name, int64_t expected_version);
  // Admin only; audited (without the values).
  StatusOr<std::map<std::string, std::string>> RevealSecret(
      const model::Actor& who, const std::string& app, const std::string& name);

  // Infrastructure overrides (re-plan their environment).
  StatusOr<model::InfraOverrideChange> PutInfraOverride(
      const model::Actor& who, model::InfraOverride o,
      int64_t expected_version);
  StatusOr<model::InfraOverride> GetInfraOverride(const model::Actor& who,
                                                  const std::string& app,
                                                  const std::string& env,
                                                  const std::string& kind,
                                                  const std::string& name);
  StatusOr<model::InfraOverrideChange> DeleteInfraOverride(
      const model::Actor& who, const std::string& app, const std::string& env,
      const std::string& kind, const std::string& name,
      int64_t expected_version);

  // Change sets.
  StatusOr<model::ChangeSet> GetChangeSet(const model::Actor& who,
                                          const std::string& id);
  StatusOr<std::vector<model::ChangeSet>> ListChangeSets(
      const model::Actor& who, const ChangeSetFilter& filter);
  // Admin only. Approve applies it (kAborted, and the change set becomes
  // expired, if the environment changed since it was planned); reject keeps
  // it as rejected and the environment as it was.
  StatusOr<model::ChangeSet> ApproveChangeSet(const model::Actor& who,
                                              const std::string& id);
  StatusOr<model::ChangeSet> RejectChangeSet(const model::Actor& who,
                                             const std::string& id,
                                             const std::string& reason);

  // Audit.
  StatusOr<std::vector<model::AuditEntry>> ListAudit(const model::Actor& who,
                                                     int64_t after_seq,
                                                     int limit);
  StatusOr<model::AuditVerification> VerifyAudit(const model::Actor& who);

  // Tokens (admin only). Create returns the secret, shown once.
  StatusOr<model::NewToken> CreateToken(const model::Actor& who,
                                        const std::string& name,
                                        model::Role role);
  Status RevokeToken(const model::Actor& who, const std::string& name);
  StatusOr<std::vector<model::TokenInfo>> ListTokens(const model::Actor& who);

  // For the benchmark and status output.
  StatusOr<int64_t> CountEnvironments();

  // ---- real infrastructure (DESIGN §5, §7); need SetInfrastructure ----
  // Without it (unit tests of policy) environments stay "planned".
  // `make` gets the service's store and secret box (which outlive it).
  void SetInfrastructure(
      const std::function<std::unique_ptr<Infrastructure>(Store*, SecretBox*)>&
          make);
  // At start: converges the environments a killed agent left provisioning.
  void ResumeProvisioning();
  // Applies the environment's desired state again (after a failure or by
  // hand). Member for non-production, admin for production.
  StatusOr<model::Environment> ReconcileEnvironment(const model::Actor& who,
                                                    const std::string& app,
                                                    const std::string& name);
  // Reads every resource and stores the differences as the env's drift.
  StatusOr<model::Environment> ScanDrift(const model::Actor& who,
                                         const std::string& app,
                                         const std::string& name);
  // The runtime config (infra.config.json shape) as JSON. With
  // include_secrets, passwords and secret values in clear (admin for
  // production, member otherwise; audited); without, `{"$env": NAME}`
  // references in their place.
  StatusOr<std::string> RuntimeConfig(const model::Actor& who,
                                      const std::string& app,
                                      const std::string& name,
                                      const std::string& process_group,
                                      bool include_secrets);
  StatusOr<model::ResourceFacts> GetResourceFacts(const model::Actor& who,
                                                  const std::string& app,
                                                  const std::string& env,
                                                  const std::string& kind,
                                                  const std::string& name,
                                                  bool include_credentials);
  StatusOr<std::map<std::string, model::BackendCounter>> BackendCounters(
      const model::Actor& who);
  // Short-lived logins: member for non-production, admin for production.
  StatusOr<model::DatabaseCredentials> IssueDatabaseCredentials(
      const model::Actor& who, const std::string& app, const std::string& env,
      const std::string& database, const std::string& service,
      int64_t ttl_seconds, bool read_only = false);
  StatusOr<model::DatabaseCredentials> RenewDatabaseCredentials(
      const model::Actor& who, const std::string& app, const std::string& env,
      const std::string& database, const std::string& login,
      int64_t ttl_seconds);
  Status RevokeDatabaseCredentials(const model::Actor& who,
                                   const std::string& app,
                                   const std::string& env,
                                   const std::string& database,
                                   const std::string& login);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace encore::agent

#endif  // ENCORE_AGENT_SERVICE_AGENT_SERVICE_H_
