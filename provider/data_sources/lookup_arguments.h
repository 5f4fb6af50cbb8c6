// The arguments every Encore lookup shares, declared once: `app` and `env`
// (optional; the provider's `app` / `env` settings are the defaults, and
// `env` falls back to the app's primary environment) and the looked-up
// object's `name`. Used by the data sources and by the
// encore_database_credentials ephemeral resource.
#ifndef ENCORE_PROVIDER_DATA_SOURCES_LOOKUP_ARGUMENTS_H_
#define ENCORE_PROVIDER_DATA_SOURCES_LOOKUP_ARGUMENTS_H_

#include <string>
#include <vector>

#include "provider/framework/schema.h"
#include "provider/resources/common.h"

namespace encore::data_sources {

// App and environment names follow the resources' rules
// (resources/common.h: kAppNamePattern, kEnvNamePattern).
// Names the app's model declares (services, databases, topics, ...).
inline constexpr char kObjectNamePattern[] = "^[A-Za-z][A-Za-z0-9_-]{0,62}$";
inline constexpr char kObjectNameMeaning[] =
    "a letter followed by letters, digits, dashes or underscores, at most 63 "
    "characters";

// `app`: optional, filled with the app that was used.
framework::Attribute AppArgument();
// `env`: optional, filled with the environment that was used.
framework::Attribute EnvArgument();
// `name` (required): the name of the `what` in the app's model, e.g.
// "SQL database".
framework::Attribute NameArgument(const std::string& what);
// `id` (computed): `APP/ENV/KIND/NAME`.
framework::Attribute LookupId();

// A computed attribute, documented.
framework::Attribute ComputedString(std::string name, std::string doc);
framework::Attribute ComputedNumber(std::string name, std::string doc);
framework::Attribute ComputedBool(std::string name, std::string doc);
framework::Attribute ComputedStringList(std::string name, std::string doc);

// What the docs of a connection fact (from the agent's GetResourceFacts)
// say about when it is null: never invented, and the read warns.
inline constexpr char kNullWhenNotProvisioned[] =
    " Null while the item is not provisioned: status `planned` (the agent "
    "has not created it yet) or `plan_only` (clouds `aws` and `gcp`, whose "
    "drivers only plan for now); the read then warns with the environment's "
    "status.";

// A typed lookup's block: id, app, env, name, then `facts` (computed),
// then `status` and `planned_calls` (from the agent's infrastructure item).
framework::Block LookupBlock(const std::string& description,
                             const std::string& what,
                             std::vector<framework::Attribute> facts);

}  // namespace encore::data_sources

#endif  // ENCORE_PROVIDER_DATA_SOURCES_LOOKUP_ARGUMENTS_H_
