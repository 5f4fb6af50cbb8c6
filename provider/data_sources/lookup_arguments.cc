#include "provider/data_sources/lookup_arguments.h"

#include <utility>

#include "provider/framework/checks.h"

namespace encore::data_sources {

using framework::Attribute;
using framework::Block;
using framework::MatchesPattern;
using values::Type;

Attribute AppArgument() {
  return framework::StringAttr("app")
      .OptionalComputed()
      .Check(MatchesPattern(resources::kAppNamePattern,
                            resources::kAppNameMeaning))
      .Doc("The app's name. Defaults to the provider's `app` setting.");
}

Attribute EnvArgument() {
  return framework::StringAttr("env")
      .OptionalComputed()
      .Check(MatchesPattern(resources::kEnvNamePattern,
                            resources::kEnvNameMeaning))
      .Doc(
          "The environment's name, e.g. `production` or `pr:42`. Defaults to "
          "the provider's `env` setting, then to the app's primary "
          "environment.");
}

Attribute NameArgument(const std::string& what) {
  return framework::StringAttr("name")
      .Required()
      .Check(MatchesPattern(kObjectNamePattern, kObjectNameMeaning))
      .Doc("The " + what + "'s name, as the app's model declares it.");
}

Attribute LookupId() {
  return ComputedString("id",
                        "`APP/ENV/KIND/NAME`: the app, environment, kind and "
                        "name that were looked up.");
}

Attribute ComputedString(std::string name, std::string doc) {
  return framework::StringAttr(std::move(name)).Computed().Doc(std::move(doc));
}

Attribute ComputedNumber(std::string name, std::string doc) {
  return framework::NumberAttr(std::move(name)).Computed().Doc(std::move(doc));
}

Attribute ComputedBool(std::string name, std::string doc) {
  return framework::BoolAttr(std::move(name)).Computed().Doc(std::move(doc));
}

Attribute ComputedStringList(std::string name, std::string doc) {
  return Attribute(std::move(name), Type::List(Type::String()))
      .Computed()
      .Doc(std::move(doc));
}

Block LookupBlock(const std::string& description, const std::string& what,
                  std::vector<Attribute> facts) {
  Block block;
  block.Doc(description);
  block.Add(LookupId());
  block.Add(AppArgument());
  block.Add(EnvArgument());
  block.Add(NameArgument(what));
  for (Attribute& fact : facts) block.Add(std::move(fact));
  block.Add(ComputedString(
      "status",
      "The item's status as the agent reports it: `ready` (provisioned), "
      "`observed` (adopted read-only), `creating` / `updating` / `deleting` "
      "(in progress or interrupted), `not_triggered` (a cron job of a local "
      "environment), `reserved` (processes and gateways, which the agent "
      "does not run yet), `plan_only` (aws and gcp, which the agent plans "
      "but does not execute), `planned` (not applied yet)."));
  block.Add(ComputedStringList(
      "planned_calls",
      "The exact backend calls the agent will make (or made) for the item, "
      "such as `CREATE DATABASE ...` or `rds:CreateDBInstance`; generated "
      "passwords appear as `<generated>`."));
  return block;
}

}  // namespace encore::data_sources
