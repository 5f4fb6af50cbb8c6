// Private to agent/service (never included from outside it): the state and
// shared machinery of AgentService (AgentService::Impl: store, crypto, write
// serialisation, ports, convergence, planning and change-set submission) and
// the helpers that several of its files use. Defined in agent_service.cc,
// change_sets.cc (Impl) and service_internal.cc (helpers).
#ifndef ENCORE_AGENT_SERVICE_SERVICE_INTERNAL_H_
#define ENCORE_AGENT_SERVICE_SERVICE_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agent/crypto/secret_box.h"
#include "agent/executor/infrastructure.h"
#include "agent/service/agent_service.h"
#include "agent/store/store.h"
#include "model/app_model.h"
#include "model/records.h"
#include "provider/core/status.h"

#define SVC_RETURN_IF_ERROR(expr)  \
  do {                             \
    ::encore::Status _st = (expr); \
    if (!_st.ok()) return _st;     \
  } while (0)

namespace encore::agent::service_internal {

using model::Actor;
using model::App;
using model::ChangeSet;
using model::Environment;
using model::EnvironmentChange;
using model::EnvironmentSpec;
using model::InfraItem;
using model::InfraOverride;
using model::Operation;
using nlohmann::json;

// Runs `get` (StoreTx& -> StatusOr<T>) in a read transaction and returns
// its value or its error.
template <typename Get>
auto ReadOne(Store& store, Get get) -> decltype(get(std::declval<StoreTx&>())) {
  using Result = decltype(get(std::declval<StoreTx&>()));
  std::optional<Result> out;
  Status s = store.Read([&](StoreTx& tx) -> Status {
    out.emplace(get(tx));
    return out->ok() ? Status::Ok() : out->status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

std::string EnvKey(const std::string& app, const std::string& env);

bool IsProductionSpec(const EnvironmentSpec& s);

bool RunsLocally(const EnvironmentSpec& s);

std::string AppliedStatus(const EnvironmentSpec& s);

std::string PasswordContext(const std::string& app, const std::string& env);

// The clear admin password of a stored environment's existing_server ("" when
// none).
StatusOr<std::string> AdminPassword(const SecretBox& box,
                                    const StoredEnvironment& se);

std::string SecretContext(const std::string& app, const std::string& name,
                          const std::string& key);

std::optional<int> PortOfUrl(const std::string& url);

Status Stale(const std::string& what, int64_t expected, int64_t now);

// What approving a change set does, stored as its payload_json.
struct Payload {
  std::string op;  // create | update | delete | replan | override_put |
                   // override_delete
  EnvironmentSpec spec;
  std::string sealed_admin_password;
  std::vector<std::string> fields;
  int64_t base_version = 0;
  std::vector<InfraItem> infrastructure;
  std::string previous_status;
  std::string model_hash;
  std::optional<InfraOverride> override_record;
  int64_t override_expected_version = 0;

  // Identifies the request: an identical retry has the same key.
  std::string RequestKey() const;

  std::string ToJson() const;

  static StatusOr<Payload> FromJson(const std::string& text);
};

bool IsNotFound(const Status& s);

constexpr char kUrlPrefix[] = "http://127.0.0.1:";

}  // namespace encore::agent::service_internal

namespace encore::agent {

struct AgentService::Impl {
  std::unique_ptr<Store> store;
  std::unique_ptr<SecretBox> box;
  Clock clock;

  // Writes go one at a time through the service, so the port cache below
  // changes only after the transaction that used it committed.
  std::mutex write_mu;
  bool ports_loaded = false;
  std::set<int> used_ports;

  // Real infrastructure (null: environments stay "planned").
  std::unique_ptr<Infrastructure> infra;

  struct TeardownJob {
    std::string app, env, policy;
  };
  // Per write: port changes to apply on commit, and the environments whose
  // infrastructure to converge (or tear down) once it committed.
  struct WriteCtx {
    std::set<int> add, remove;
    std::set<std::pair<std::string, std::string>> converge;
    std::vector<TeardownJob> teardowns;
    bool force = false;
  };

  Status Write(const std::function<Status(StoreTx&, WriteCtx&)>& fn);

  // After a converge: the environment as it now stands.
  void Refresh(model::Environment& env);

  bool ExecutesLocally(const model::EnvironmentSpec& spec) const;

  // Runs the stored desired state of app/env against the backends and
  // records the outcome as the environment's status (never its version).
  Status Converge(const std::string& app, const std::string& name, bool force,
                  model::Environment* out);

  Status Audit(StoreTx& tx, const std::string& actor, const std::string& action,
               const std::string& target, const nlohmann::json& details);

  StatusOr<int> AllocatePort(StoreTx& tx, WriteCtx& ctx, int first_port);

  // Seals a password given in `spec` (clearing it) or keeps the stored one.
  void SealPassword(model::EnvironmentSpec& spec,
                    const std::string& stored_sealed,
                    const std::string& stored_fingerprint, std::string* sealed);

  StatusOr<model::AppModel> ModelOf(const model::App& app);

  // The planner's view of one environment.
  struct EnvPlan {
    std::vector<model::InfraItem> desired;
    std::vector<model::Operation> ops;
  };
  StatusOr<EnvPlan> Plan(const model::AppModel& m,
                         const model::EnvironmentSpec& spec,
                         const std::vector<model::InfraOverride>& overrides,
                         const std::vector<model::InfraItem>& current);

  StatusOr<std::optional<StoredChangeSet>> PendingFor(StoreTx& tx,
                                                      const std::string& app,
                                                      const std::string& env);

  StatusOr<model::ChangeSet> LatestApplied(StoreTx& tx,
                                           const model::Environment& env);

  // A change to apply or to hold for approval.
  struct Submission {
    service_internal::Payload payload;
    std::optional<StoredEnvironment> current;  // none for a create
    std::vector<model::Operation> ops;
    std::string summary;
    bool manual = false;
    std::string audit_action;
    nlohmann::json audit_details;
  };

  // Result of applying a payload.
  struct Applied {
    model::Environment env;
    std::optional<model::InfraOverride> override_record;
  };

  // Applies `p` (compare-and-set against its base version).
  StatusOr<Applied> ApplyPayload(StoreTx& tx, WriteCtx& ctx,
                                 const service_internal::Payload& p);

  // Marks `old` superseded by `by`, clearing the environment's pointer.
  Status Supersede(StoreTx& tx, const model::Actor& who,
                   const StoredChangeSet& old, const std::string& by);

  struct SubmitResult {
    model::EnvironmentChange change;
    std::optional<model::InfraOverride> override_record;
  };

  StatusOr<SubmitResult> Submit(StoreTx& tx, WriteCtx& ctx,
                                const model::Actor& who, Submission sub);

  // Environment-level production check for an environment name of an app.
  StatusOr<bool> IsProductionEnv(StoreTx& tx, const std::string& app,
                                 const std::string& env);

  // Re-plans one environment after an override or model change.
  StatusOr<SubmitResult> Replan(
      StoreTx& tx, WriteCtx& ctx, const model::Actor& who,
      const model::App& app, const model::AppModel& m,
      const StoredEnvironment& cur,
      const std::vector<model::InfraOverride>& overrides,
      service_internal::Payload payload, const std::string& summary,
      const std::string& audit_action, nlohmann::json audit_details);
};

}  // namespace encore::agent

#endif  // ENCORE_AGENT_SERVICE_SERVICE_INTERNAL_H_
