// Input checks the agent makes itself (it has other clients than
// Terraform: the CLI). Pure; each error is kInvalidArgument, one line
// naming the field, the value and the allowed forms.
#ifndef ENCORE_AGENT_SERVICE_VALIDATION_H_
#define ENCORE_AGENT_SERVICE_VALIDATION_H_

#include <string>
#include <string_view>

#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent {

// ^[a-z][a-z0-9-]{1,62}$
Status ValidateAppName(std::string_view name);
// ^[a-z][a-z0-9-]{0,62}$, or a preview name "pr:<N>".
Status ValidateEnvironmentName(std::string_view name);
// ^[A-Za-z][A-Za-z0-9_]{0,127}$ (Encore secret names: "StripeKey").
Status ValidateSecretName(std::string_view name);
// An environment type ("production", ...) or "env:NAME".
Status ValidateSecretKey(std::string_view key);
// ^[a-z][a-z0-9-]{0,62}$
Status ValidateTokenName(std::string_view name);
// sql_database | cache | pubsub_topic | bucket | service, and the name.
Status ValidateInfraOverrideKey(const model::InfraOverride& o);

// Every enum and every cloud-dependent rule of an environment spec (DESIGN
// §3 encore_environment). References to the app model and other
// environments are checked by the service and the planner.
Status ValidateEnvironmentSpec(const model::EnvironmentSpec& spec);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_SERVICE_VALIDATION_H_
