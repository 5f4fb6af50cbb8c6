// The runtime config an environment's processes get (DESIGN §6): Encore's
// self-hosting infra.config.json shape (metadata, sql_servers, redis,
// pubsub, object_storage, secrets) with the local variants (NATS for
// Pub/Sub, a directory per bucket) and the cron jobs with their status.
// JSON Schema: schema/runtime_config/v1/runtime_config.schema.json.
//
// Pure: built from the environment, its ledger (connection facts), the app
// model and, with include_secrets, the role passwords and secret values.
// Without include_secrets each password and secret is {"$env": NAME}, the
// variable the process is given it in (what the agent writes to disk).
// A process group limits the document to what its services use, and each
// database's credentials are those of the group's first service using it.
#ifndef ENCORE_AGENT_EXECUTOR_RUNTIME_CONFIG_H_
#define ENCORE_AGENT_EXECUTOR_RUNTIME_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "agent/store/store.h"
#include "model/app_model.h"
#include "model/records.h"

namespace encore::agent {

struct RuntimeConfigInput {
  model::Environment env;
  model::AppModel model;
  std::vector<LedgerEntry> ledger;
  std::string process_group;  // "" = every service
  bool include_secrets = false;
  std::map<std::string, std::string> role_passwords;  // role -> password
  std::map<std::string, std::string> secrets;         // name -> value
};

// kInvalidArgument when process_group names no group of the environment.
StatusOr<std::string> BuildRuntimeConfig(const RuntimeConfigInput& in);

// "ENCORE_DB_ORDERS_PASSWORD", "ENCORE_SECRET_STRIPEKEY".
std::string PasswordVariable(const std::string& database);
std::string SecretVariable(const std::string& secret);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_EXECUTOR_RUNTIME_CONFIG_H_
