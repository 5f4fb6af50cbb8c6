// How the data sources find what they describe through the agent:
// the app (the `app` argument, else the provider's `app`), the environment
// (the `env` argument, else the provider's `env`, else the app's primary
// environment) and one item of the environment's infrastructure. Errors
// are diagnostics that name what was looked for and list what exists.
#ifndef ENCORE_PROVIDER_DATA_SOURCES_AGENT_LOOKUP_H_
#define ENCORE_PROVIDER_DATA_SOURCES_AGENT_LOOKUP_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "agent/api/agent_client.h"
#include "model/app_model.h"
#include "model/records.h"
#include "provider/core/diagnostics.h"
#include "provider/framework/call_context.h"
#include "provider/framework/data_source.h"
#include "provider/framework/schema.h"

namespace encore::data_sources {

// The app a lookup means: config.app, else the provider's `app`. Null
// with an error at `app` when neither is set.
std::optional<std::string> ResolveApp(const framework::CallContext& ctx,
                                      const values::Value& config,
                                      Diagnostics& diags);

// The environment config.env (else the provider's `env`, else the app's
// primary environment) of `app`, as the agent has it.
std::optional<model::Environment> ResolveEnvironment(
    const framework::CallContext& ctx, agent::AgentClient& client,
    const std::string& app, const values::Value& config, Diagnostics& diags);

// The app's model as the agent has it (parsed).
std::optional<model::AppModel> AppModelOf(const framework::CallContext& ctx,
                                          agent::AgentClient& client,
                                          const std::string& app,
                                          Diagnostics& diags);

// The item of `kind` named `name` in env.infrastructure; null with an
// error at `name` naming the app, environment, kind and name and listing
// the items of that kind that exist.
const model::InfraItem* FindInfraItem(const model::Environment& env,
                                      const std::string& kind,
                                      const std::string& name,
                                      Diagnostics& diags);

// The process item that runs `service` in `env` (per the spec's process
// allocation); null when there is none.
const model::InfraItem* ProcessOf(const model::Environment& env,
                                  const std::string& service);

// What a typed lookup found: the client, the environment, the looked-up
// name and (when a kind was given) its infrastructure item.
struct TypedLookup {
  std::shared_ptr<agent::AgentClient> client;
  model::Environment env;
  std::string name;
  const model::InfraItem* item = nullptr;  // points into env
};

// The client, app, environment and, when `kind` is not empty, the item of
// that kind named config.name. Null with diagnostics on failure.
std::unique_ptr<TypedLookup> StartLookup(const framework::DataReadRequest& req,
                                         const std::string& kind,
                                         Diagnostics& diags);

// The connection facts of `kind` l.name in l.env (GetResourceFacts; the
// credentials too when `include_credentials`). Nullopt when there are
// none: NOT_FOUND (the item is not provisioned yet, or the environment's
// drivers only plan) and UNIMPLEMENTED (an agent without real
// infrastructure) add a warning naming the environment and its status
// (when `warn`); other failures add an error (check diags.HasError()).
// When the credentials are refused (PERMISSION_DENIED), the facts without
// them, with a warning saying which role may read them.
std::optional<model::ResourceFacts> FetchResourceFacts(
    const framework::CallContext& ctx, const TypedLookup& l,
    const std::string& kind, bool include_credentials, Diagnostics& diags,
    bool warn = true);

// One fact as a value: the string under `key` in f->facts (else in
// f->credentials), null when `f` is null or the fact absent or empty.
values::Value FactString(const model::ResourceFacts* f, const std::string& key);
// The fact as a whole number (a port); null when absent or not a number.
values::Value FactNumber(const model::ResourceFacts* f, const std::string& key);
// The fact as a list of strings: a JSON array of strings, else the
// comma-separated items; null when absent.
values::Value FactList(const model::ResourceFacts* f, const std::string& key);

// A typed lookup's state: id (APP/ENV/KIND/NAME), app, env, name, and
// from `item` provider_id, status and planned_calls; then `facts`; every
// other attribute null.
values::Value LookupState(const framework::Block& block,
                          const model::Environment& env,
                          const std::string& kind, const std::string& name,
                          const model::InfraItem* item,
                          std::map<std::string, values::Value> facts);

}  // namespace encore::data_sources

#endif  // ENCORE_PROVIDER_DATA_SOURCES_AGENT_LOOKUP_H_
