// The planner (DESIGN §6 x §7): from an app's model, one environment's spec
// and its infrastructure overrides, the infrastructure the environment
// should have; and from what it has now, the operations to get there.
// Pure functions, table-tested (house rule 4: "what to do next" is pure).
//
// Items, one per:
//   sql_database (+ a role per service using it), pubsub_topic,
//   pubsub_subscription (+ its dead-letter stream "<sub>-dlq"), cache,
//   bucket, cron_job, process (one per process group: `single` -> "main",
//   `per_service` -> one per service, or the explicit groups), gateway.
// Names are per environment: local uses the model's names; cloud "encore"
// prefixes them for isolation (database "<env>_<db>", subject prefix
// "<env>.", bucket root "<env>/"), with `pr:N` written "pr-N".
// planned_calls are the exact backend calls a driver will make, e.g.
//   CREATE ROLE "orders_svc" LOGIN PASSWORD '<generated>'
//   CREATE DATABASE "orders" OWNER "orders_svc"
//   COMMENT ON DATABASE "orders" IS 'managed-by=encore-agent env=app/env'
//   redis-server --port <port> --maxmemory-policy allkeys-lru
//   JetStream STREAM.CREATE order-created {subjects:[...], max_age: 7d, ...}
// (never a secret value: generated passwords are written <generated>).
// aws and gcp items get status "plan_only" and calls naming the cloud API
// (rds:CreateDBInstance, sns:CreateTopic, ...); local/encore "planned".
#ifndef ENCORE_AGENT_PLANNER_PLANNER_H_
#define ENCORE_AGENT_PLANNER_PLANNER_H_

#include <string>
#include <vector>

#include "model/app_model.h"
#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent {

// The desired infrastructure, in a stable order (kind, then name).
// Errors (kInvalidArgument, one line each, naming the field and the fix):
//   a process group naming a service the model lacks, a service of the
//   model in no group or in two groups;
//   an override or adopt block naming something the model lacks;
//   an override key the kind does not have.
StatusOr<std::vector<model::InfraItem>> DesiredInfrastructure(
    const model::AppModel& app_model, const model::EnvironmentSpec& spec,
    const std::vector<model::InfraOverride>& overrides);

// The operations from `current` to `desired` (items matched by kind and
// name): create (the item's calls), update (only the changed attributes'
// calls), delete (stateful kinds, sql_database and bucket, get action
// "retain" with a note when deletion_policy is "retain"), adopt (for items
// an adopt block names), no-op when equal. Ordered: creates and updates in
// desired order, then deletes.
std::vector<model::Operation> DiffInfrastructure(
    const std::vector<model::InfraItem>& current,
    const std::vector<model::InfraItem>& desired,
    const std::string& deletion_policy);

// True when any operation is not a no-op.
bool ChangesInfrastructure(const std::vector<model::Operation>& ops);

// The deletion policy in force: the spec's, or by type when unset
// ("retain" for production, "delete" otherwise). DiffInfrastructure and
// TeardownOperations take this value (an empty policy retains).
std::string EffectiveDeletionPolicy(const model::EnvironmentSpec& spec);

// Deleting the whole environment: delete (or retain) every item.
std::vector<model::Operation> TeardownOperations(
    const std::vector<model::InfraItem>& current,
    const std::string& deletion_policy);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_PLANNER_PLANNER_H_
