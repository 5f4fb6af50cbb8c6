// AgentClient: the agent API (schema/agent/v1/agent.proto) seen through the
// project's own types. Used by terraform-provider-encore (through
// provider/config) and by the encore-agent CLI. The protobuf messages stay
// inside agent_client.cc and convert.cc (house rule 1).
//
// Addresses: "unix:///abs/path/agent.sock", or "https://host:port" (TLS,
// the server checked against `ca_cert_pem`, or the system's trust store
// when empty). Each call sends "authorization: Bearer <token>",
// "x-request-id" (a fresh "req-<16 hex>" unless the caller gives one) and
// "x-client"; `on_call` sees every finished call (rpc, request id,
// status, milliseconds) so the caller can log it. gRPC errors come back as
// Status with the agent's message; UNAVAILABLE ("agent not reachable at
// ADDRESS (...); start it with `encore-agent serve`") is retried with
// backoff for up to `retry_unavailable_ms` (a restarting agent), never
// other codes. With `force_conflicts` (or SetForceConflicts(true)) every
// call also sends "x-encore-force-conflicts: true": the agent then resolves
// ownership conflicts in the caller's favour, and audits it. Thread-safe.
#ifndef ENCORE_AGENT_API_AGENT_CLIENT_H_
#define ENCORE_AGENT_API_AGENT_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent {

struct CallLog {
  std::string rpc;  // "UpdateEnvironment"
  std::string request_id;
  Status status;
  double ms = 0;
};

struct ClientOptions {
  std::string address;
  std::string token;
  std::string ca_cert_pem;
  std::string client_name;  // "terraform-provider-encore/0.1.0"
  int64_t call_timeout_ms = 30000;
  int64_t retry_unavailable_ms = 0;
  // Sends "x-encore-force-conflicts: true" with every call.
  bool force_conflicts = false;
  std::function<void(const CallLog&)> on_call;
};

// The metadata key and value that ask the agent to force conflicts.
inline constexpr char kForceConflictsMetadata[] = "x-encore-force-conflicts";

struct AgentInfo {
  std::string version, caller, caller_role, data_dir;
};

class AgentClient {
 public:
  // Checks the address and builds the channel; does not connect yet.
  static StatusOr<std::unique_ptr<AgentClient>> Open(ClientOptions options);
  virtual ~AgentClient() = default;

  // Each call may pass a request id (empty: generated).
  virtual StatusOr<AgentInfo> GetInfo(const std::string& rid = "") = 0;

  virtual StatusOr<model::App> CreateApp(const model::App& app,
                                         const std::string& rid = "") = 0;
  virtual StatusOr<model::App> GetApp(const std::string& name,
                                      const std::string& rid = "") = 0;
  virtual StatusOr<std::vector<model::App>> ListApps(
      const std::string& rid = "") = 0;
  virtual StatusOr<model::App> UpdateApp(const model::App& app,
                                         int64_t expected_version,
                                         const std::vector<std::string>& mask,
                                         const std::string& rid = "") = 0;
  virtual Status DeleteApp(const std::string& name, int64_t expected_version,
                           const std::string& rid = "") = 0;

  virtual StatusOr<model::EnvironmentChange> CreateEnvironment(
      const model::EnvironmentSpec& spec, const std::string& rid = "") = 0;
  virtual StatusOr<model::Environment> GetEnvironment(
      const std::string& app, const std::string& name,
      const std::string& rid = "") = 0;
  virtual StatusOr<std::vector<model::Environment>> ListEnvironments(
      const std::string& app, const std::string& type,
      const std::string& rid = "") = 0;
  virtual StatusOr<model::EnvironmentChange> UpdateEnvironment(
      const model::EnvironmentSpec& spec, int64_t expected_version,
      const std::vector<std::string>& mask, const std::string& rid = "") = 0;
  virtual StatusOr<model::EnvironmentChange> DeleteEnvironment(
      const std::string& app, const std::string& name, int64_t expected_version,
      const std::string& rid = "") = 0;

  virtual StatusOr<model::PrimaryEnvironment> SetPrimaryEnvironment(
      const model::PrimaryEnvironment& p, int64_t expected_version,
      const std::string& rid = "") = 0;
  virtual StatusOr<model::PrimaryEnvironment> GetPrimaryEnvironment(
      const std::string& app, const std::string& rid = "") = 0;
  virtual Status DeletePrimaryEnvironment(const std::string& app,
                                          int64_t expected_version,
                                          const std::string& rid = "") = 0;

  virtual StatusOr<model::Secret> PutSecret(const model::Secret& s,
                                            int64_t expected_version,
                                            const std::string& rid = "") = 0;
  virtual StatusOr<model::Secret> GetSecret(const std::string& app,
                                            const std::string& name,
                                            const std::string& rid = "") = 0;
  virtual Status DeleteSecret(const std::string& app, const std::string& name,
                              int64_t expected_version,
                              const std::string& rid = "") = 0;
  virtual StatusOr<std::map<std::string, std::string>> RevealSecret(
      const std::string& app, const std::string& name,
      const std::string& rid = "") = 0;

  virtual StatusOr<model::InfraOverrideChange> PutInfraOverride(
      const model::InfraOverride& o, int64_t expected_version,
      const std::string& rid = "") = 0;
  virtual StatusOr<model::InfraOverride> GetInfraOverride(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, const std::string& rid = "") = 0;
  virtual StatusOr<model::InfraOverrideChange> DeleteInfraOverride(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, int64_t expected_version,
      const std::string& rid = "") = 0;

  virtual StatusOr<model::ChangeSet> GetChangeSet(
      const std::string& id, const std::string& rid = "") = 0;
  virtual StatusOr<std::vector<model::ChangeSet>> ListChangeSets(
      const std::string& app, const std::string& env, const std::string& state,
      const std::string& rid = "") = 0;
  virtual StatusOr<model::ChangeSet> ApproveChangeSet(
      const std::string& id, const std::string& rid = "") = 0;
  virtual StatusOr<model::ChangeSet> RejectChangeSet(
      const std::string& id, const std::string& reason,
      const std::string& rid = "") = 0;

  virtual StatusOr<std::vector<model::AuditEntry>> ListAudit(
      int64_t after_seq, int limit, const std::string& rid = "") = 0;
  virtual StatusOr<model::AuditVerification> VerifyAudit(
      const std::string& rid = "") = 0;

  virtual StatusOr<model::NewToken> CreateToken(
      const std::string& name, model::Role role,
      const std::string& rid = "") = 0;
  virtual Status RevokeToken(const std::string& name,
                             const std::string& rid = "") = 0;
  virtual StatusOr<std::vector<model::TokenInfo>> ListTokens(
      const std::string& rid = "") = 0;

  // ---- real infrastructure (DESIGN §5, §7) ----
  // Applies the environment's desired state against its backends again
  // (after a failed apply); the environment as it is afterwards.
  virtual StatusOr<model::Environment> ReconcileEnvironment(
      const std::string& app, const std::string& name,
      const std::string& rid = "") = 0;
  // Reads every resource and records the differences as the env's drift.
  virtual StatusOr<model::Environment> ScanDrift(
      const std::string& app, const std::string& name,
      const std::string& rid = "") = 0;
  // The runtime config document (infra.config.json shape) as JSON text.
  virtual StatusOr<std::string> GetRuntimeConfig(
      const std::string& app, const std::string& name,
      const std::string& process_group, bool include_secrets,
      const std::string& rid = "") = 0;
  // Connection facts of one provisioned resource; NOT_FOUND when it is not
  // provisioned (yet, or the environment's drivers only plan).
  virtual StatusOr<model::ResourceFacts> GetResourceFacts(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, bool include_credentials,
      const std::string& rid = "") = 0;
  // Backend reads and writes per driver since the agent started.
  virtual StatusOr<std::map<std::string, model::BackendCounter>>
  GetBackendCounters(const std::string& rid = "") = 0;
  // Short-lived PostgreSQL logins. `service` empty: the database's owner.
  virtual StatusOr<model::DatabaseCredentials> IssueDatabaseCredentials(
      const std::string& app, const std::string& env,
      const std::string& database, const std::string& service,
      int64_t ttl_seconds, bool read_only = false,
      const std::string& rid = "") = 0;
  virtual StatusOr<model::DatabaseCredentials> RenewDatabaseCredentials(
      const std::string& app, const std::string& env,
      const std::string& database, const std::string& login,
      int64_t ttl_seconds, const std::string& rid = "") = 0;
  virtual Status RevokeDatabaseCredentials(const std::string& app,
                                           const std::string& env,
                                           const std::string& database,
                                           const std::string& login,
                                           const std::string& rid = "") = 0;

  // Turns the "x-encore-force-conflicts: true" metadata on or off for the
  // calls that follow (ClientOptions::force_conflicts is the initial value).
  virtual void SetForceConflicts(bool force) = 0;
  virtual bool force_conflicts() const = 0;
};

// A fresh request id: "req-" + 16 lowercase hex digits.
std::string NewRequestId();

}  // namespace encore::agent

#endif  // ENCORE_AGENT_API_AGENT_CLIENT_H_
