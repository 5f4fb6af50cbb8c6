// The records the agent keeps and the provider manages (DESIGN §3, §4):
// the project's own types, shared by the agent (store, service, CLI) and the
// provider (resources, data sources). The agent API's protobuf messages are
// converted to and from these at the border (agent/api/convert.h) and never
// go further (house rule 1).
//
// Conventions:
// - `version` is the record's etag: 0 means "no record yet" (a create);
//   it changes only when the desired state changes (a user's write).
// - Empty string means "not set" for optional strings; an absent optional
//   block is std::nullopt (Terraform's null block), never an empty struct.
// - Secret values (secret values, admin passwords) are only ever set on
//   requests to the agent; what comes back carries fingerprints instead.
#ifndef ENCORE_MODEL_RECORDS_H_
#define ENCORE_MODEL_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provider/core/status.h"

namespace encore::model {

// ---- access ----------------------------------------------------------------

enum class Role { kViewer = 0, kMember = 1, kAdmin = 2 };
std::string_view RoleName(Role role);  // "viewer", "member", "admin"
std::optional<Role> ParseRole(std::string_view name);

// Who makes a call: the token's name and its role.
struct Actor {
  std::string name;
  Role role = Role::kViewer;
  // The caller asked to resolve ownership conflicts in its favour (provider
  // setting force_conflicts, CLI --force); such writes are audited.
  bool force_conflicts = false;
};

struct TokenInfo {
  std::string name;
  Role role = Role::kViewer;
  int64_t created_at_ms = 0;
  int64_t revoked_at_ms = 0;  // 0: active
};

// ---- apps --------------------------------------------------------------------

struct App {
  std::string name;
  std::string model_json;  // canonical JSON (model/app_model.h)
  std::string model_hash;  // computed by the agent
  std::vector<std::string> services;  // computed: the model's services
  int64_t version = 0;
};

// ---- environments ------------------------------------------------------------

struct DeploySpec {
  std::string trigger;  // "branch" | "manual"
  std::string branch;
  bool operator==(const DeploySpec&) const = default;
};

struct ProcessGroup {
  std::string name;
  std::vector<std::string> services;
  bool operator==(const ProcessGroup&) const = default;
};

struct KubernetesSpec {
  std::string provider;  // "eks" | "gke"
  std::string cluster;   // "new" | "existing"
  std::string cluster_name;
  bool operator==(const KubernetesSpec&) const = default;
};

struct ComputeSpec {
  std::string platform;  // processes | fargate | cloud_run | kubernetes
  std::optional<KubernetesSpec> kubernetes;
  bool operator==(const ComputeSpec&) const = default;
};

struct ExistingServer {
  std::string host;
  int64_t port = 5432;
  std::string admin_user;
  // Request only: the password to store (encrypted). Empty: keep the
  // stored one.
  std::string admin_password;
  // Set when the password was given write-only (admin_password_wo).
  std::optional<int64_t> admin_password_wo_version;
  std::string sslmode;
  // Response only: HMAC fingerprint of the stored password; empty if none.
  std::string admin_password_fingerprint;
  bool operator==(const ExistingServer&) const = default;
};

struct DatabaseSpec {
  std::string provider;  // postgres | rds | cloudsql | neon
  std::string branch_from;
  std::optional<ExistingServer> existing_server;
  bool operator==(const DatabaseSpec&) const = default;
};

struct AdoptSpec {
  std::string kind;  // sql_database | cache | pubsub_topic | ...
  std::string name;
  std::string policy;  // observe | manage
  bool operator==(const AdoptSpec&) const = default;
};

// What the user declares (encore_environment's arguments, minus
// `timeouts`, which only the provider uses).
struct EnvironmentSpec {
  std::string app;
  std::string name;
  std::string type;   // production | development | preview | local
  std::string cloud;  // local | encore | aws | gcp
  std::string region;
  std::optional<DeploySpec> deploy;
  std::string infra_approval;      // automatic | manual
  std::string process_allocation;  // single | per_service | "" (groups)
  std::vector<ProcessGroup> process_groups;
  std::optional<ComputeSpec> compute;
  std::optional<DatabaseSpec> database;
  std::vector<AdoptSpec> adopt;
  std::string deletion_policy;  // retain | delete
  bool operator==(const EnvironmentSpec&) const = default;
};

// The mutable top-level fields of EnvironmentSpec, as field-mask names.
// app, name, type, cloud and region are fixed at creation.
inline constexpr std::string_view kEnvironmentMutableFields[] = {
    "deploy",  "infra_approval", "process_allocation", "process_groups",
    "compute", "database",       "adopt",              "deletion_policy"};

// One piece of infrastructure an environment has or plans to have.
struct InfraItem {
  std::string kind;         // sql_database | cache | pubsub_topic | ...
  std::string name;         // the name in the app model
  std::string provider_id;  // the backend's id, e.g. "postgres:local/orders"
  std::string owner;        // "encore-agent", or the adopted owner
  std::string status;       // planned | plan_only | ready | ...
  std::vector<std::string> planned_calls;
  // The settings the agent owns for it (DESIGN §5), e.g. for a cache
  // {"maxmemory-policy": "allkeys-lru"}; the planner diffs these.
  std::map<std::string, std::string> attributes;
  bool operator==(const InfraItem&) const = default;
};

struct DriftItem {
  std::string kind, name, attribute, expected, actual, classification;
  bool operator==(const DriftItem&) const = default;
};

struct Environment {
  EnvironmentSpec spec;
  int64_t version = 0;
  // Computed by the agent; never part of `version`.
  std::string status;  // pending_approval | planned | plan_only | ...
  std::string url;     // local/encore: http://127.0.0.1:PORT
  std::vector<InfraItem> infrastructure;
  std::string pending_change_set;  // "cs-N" or empty
  std::vector<DriftItem> drift;
};

struct PrimaryEnvironment {
  std::string app;
  std::string environment;
  int64_t version = 0;
};

// ---- secrets ------------------------------------------------------------------

struct Secret {
  std::string app;
  std::string name;
  // Request only: key -> value (keys: an environment type, or "env:NAME").
  std::map<std::string, std::string> values;
  // Response only: key -> fingerprint of the stored value.
  std::map<std::string, std::string> fingerprints;
  // Set when the values were given write-only (values_wo).
  std::optional<int64_t> values_wo_version;
  int64_t version = 0;
};

// ---- infrastructure overrides ------------------------------------------------

struct InfraOverride {
  std::string app;
  std::string environment;
  std::string kind;  // sql_database | cache | pubsub_topic | bucket | service
  std::string name;
  std::map<std::string, std::string> settings;
  int64_t version = 0;
};

// ---- change sets ---------------------------------------------------------------

// One planned operation on one piece of infrastructure.
struct Operation {
  std::string action;  // create | update | delete | adopt | no-op
  std::string kind;
  std::string name;
  std::vector<std::string> calls;  // the exact driver calls it will make
  std::string note;  // e.g. why a cloud driver will not execute it
  bool operator==(const Operation&) const = default;
};

struct ChangeSet {
  std::string id;  // "cs-N"
  std::string app;
  std::string environment;
  // pending_approval | applied | rejected | expired | superseded
  std::string state;
  std::string summary;  // "create environment", "update: deploy, ..."
  int64_t base_version = 0;  // the environment version it was planned on
  std::vector<Operation> operations;
  bool changes_infrastructure = false;
  std::string created_by;
  std::string decided_by;
  std::string reason;  // why it was rejected / expired
  int64_t created_at_ms = 0;
  int64_t decided_at_ms = 0;
};

// The outcome of a write that goes through a change set (environment
// create/update/delete, infra override writes, app model changes per
// environment). When change_set.state is "pending_approval", `environment`
// is the record as it stands (unchanged) and the caller waits.
struct EnvironmentChange {
  Environment environment;
  ChangeSet change_set;
};

struct InfraOverrideChange {
  InfraOverride override_record;
  ChangeSet change_set;  // the re-plan of its environment
};

// ---- audit -------------------------------------------------------------------

struct AuditEntry {
  int64_t seq = 0;
  int64_t time_ms = 0;
  std::string actor;
  std::string action;   // "environment.update", "secret.put", ...
  std::string target;   // "app/env", "app/secret", "cs-4", "token:ci"
  std::string details;  // JSON; secret values never appear
  std::string prev_hash;
  std::string hash;
};

// The result of checking the audit chain.
struct AuditVerification {
  bool ok = true;
  int64_t entries = 0;
  int64_t bad_seq = 0;  // first bad row (or the row after a gap); 0 if ok
  std::string problem;  // "row 7: hash does not match its contents", ...
};

// A token just made: its secret is shown once, never stored.
// ---- real infrastructure ------------------------------------------------------

// Connection facts of one provisioned resource (data sources).
struct ResourceFacts {
  std::string kind, name, provider_id, status;
  std::map<std::string, std::string> facts;        // host, port, user, ...
  std::map<std::string, std::string> credentials;  // password, when asked
};

struct BackendCounter {
  int64_t reads = 0;
  int64_t writes = 0;
};

// A short-lived PostgreSQL login (ephemeral encore_database_credentials).
struct DatabaseCredentials {
  std::string login;     // the role name
  std::string password;  // only when issued
  std::string host;
  int64_t port = 0;
  std::string database;
  std::string sslmode;
  std::string valid_until;  // RFC 3339, UTC
};

struct NewToken {
  TokenInfo info;
  std::string secret;
};

// ---- JSON forms ----------------------------------------------------------------
// Stable JSON for storage and CLI output. FromJson reports what is wrong.

std::string ToJson(const EnvironmentSpec& spec);
StatusOr<EnvironmentSpec> EnvironmentSpecFromJson(std::string_view json);
std::string ToJson(const std::vector<InfraItem>& items);
StatusOr<std::vector<InfraItem>> InfraItemsFromJson(std::string_view json);
std::string ToJson(const std::vector<Operation>& ops);
StatusOr<std::vector<Operation>> OperationsFromJson(std::string_view json);
std::string ToJson(const std::vector<DriftItem>& drift);
StatusOr<std::vector<DriftItem>> DriftFromJson(std::string_view json);
std::string ToJson(const std::map<std::string, std::string>& m);
StatusOr<std::map<std::string, std::string>> StringMapFromJson(
    std::string_view json);

// "cs-12" <-> 12; nullopt when malformed.
std::string ChangeSetId(int64_t n);
std::optional<int64_t> ParseChangeSetId(std::string_view id);

}  // namespace encore::model

#endif  // ENCORE_MODEL_RECORDS_H_
