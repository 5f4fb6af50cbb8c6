// encore_environment: one environment of an app and the infrastructure it
// implies (DESIGN §3, §7).
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "provider/catalog.h"
#include "provider/config/provider_settings.h"
#include "provider/core/log.h"
#include "provider/framework/checks.h"
#include "provider/framework/resource.h"
#include "provider/resources/agent_calls.h"
#include "provider/resources/common.h"
#include "provider/resources/environment_record.h"

namespace encore::catalog {
namespace {

using framework::Attribute;
using framework::Block;
using framework::NestedBlock;
using framework::Nesting;
using framework::NumberAttr;
using framework::OneOf;
using framework::Schema;
using framework::StringAttr;
using resources::AttrOr;
using resources::KnownString;
using resources::QuotedList;
using resources::WithAttr;
using values::Type;
using values::Value;

const AttributePath kRoot;

// What each cloud allows (DESIGN §3, §7); the first entry is the default.
std::vector<std::string> PlatformsFor(const std::string& cloud) {
  if (cloud == "aws") return {"fargate", "kubernetes"};
  if (cloud == "gcp") return {"cloud_run", "kubernetes"};
  return {"processes"};
}
std::string KubernetesProviderFor(const std::string& cloud) {
  return cloud == "aws" ? "eks" : cloud == "gcp" ? "gke" : "";
}
std::vector<std::string> DatabaseProvidersFor(const std::string& cloud) {
  if (cloud == "aws") return {"rds", "neon"};
  if (cloud == "gcp") return {"cloudsql", "neon"};
  return {"postgres"};
}
bool In(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v) {
    if (x == s) return true;
  }
  return false;
}

Type InfrastructureType() {
  return Type::Object({{"kind", Type::String()},
                       {"name", Type::String()},
                       {"provider_id", Type::String()},
                       {"owner", Type::String()},
                       {"status", Type::String()},
                       {"planned_calls", Type::List(Type::String())}});
}
Type DriftType() {
  return Type::Object({{"kind", Type::String()},
                       {"name", Type::String()},
                       {"attribute", Type::String()},
                       {"expected", Type::String()},
                       {"actual", Type::String()},
                       {"classification", Type::String()}});
}

NestedBlock DeployBlock() {
  Block b;
  b.Doc("How new versions of the app reach this environment.");
  b.Add(StringAttr("trigger")
            .Required()
            .Check(OneOf({"branch", "manual"}))
            .Doc("`branch`: deploy every push to `branch`; `manual`: deploy "
                 "only when asked."));
  b.Add(StringAttr("branch").Optional().Doc(
      "The Git branch to deploy from. Required when `trigger = "
      "\"branch\"`, not allowed when `trigger = \"manual\"`."));
  return NestedBlock("deploy", Nesting::kSingle, std::move(b));
}

NestedBlock ProcessGroupBlock() {
  Block b;
  b.Doc(
      "Runs the listed services together in one process. Give either "
      "`process_group` blocks or `process_allocation`, not both. Every "
      "service of the app's model must be in exactly one group (checked "
      "against the model when the agent plans).");
  b.Add(StringAttr("name")
            .Required()
            .Check(framework::MatchesPattern(
                "^[a-z][a-z0-9-]{0,62}$",
                "1 to 63 lowercase letters, digits and dashes, starting with "
                "a letter"))
            .Doc("The group's name, unique within the environment."));
  b.Add(Attribute("services", Type::List(Type::String()))
            .Required()
            .Check(framework::NonEmptyElements())
            .Check(framework::UniqueElements())
            .Doc("The services of the model this process runs (at least "
                 "one)."));
  return NestedBlock("process_group", Nesting::kList, std::move(b));
}

NestedBlock ComputeBlock() {
  Block k;
  k.Doc(
      "The Kubernetes cluster to run on (only with `platform = "
      "\"kubernetes\"`).");
  k.Add(StringAttr("provider")
            .Required()
            .Check(OneOf({"eks", "gke"}))
            .Doc("`eks` (cloud `aws`) or `gke` (cloud `gcp`)."));
  k.Add(StringAttr("cluster")
            .Default(Value::String("new"))
            .Check(OneOf({"new", "existing"}))
            .Doc("`new` (default): the agent creates a cluster; `existing`: "
                 "use `cluster_name`."));
  k.Add(StringAttr("cluster_name")
            .Optional()
            .Doc("The cluster's name. Required when `cluster = "
                 "\"existing\"`."));

  Block b;
  b.Doc("Where the app's processes run.");
  b.Add(StringAttr("platform")
            .OptionalComputed()
            .Check(OneOf({"processes", "fargate", "cloud_run", "kubernetes"}))
            .Doc("`processes` (the agent runs the app's processes; clouds "
                 "`local` and `encore`, the default there), `fargate` "
                 "(cloud `aws`, its default), `cloud_run` (cloud `gcp`, its "
                 "default) or `kubernetes` (with a `kubernetes` block; `eks` "
                 "on aws, `gke` on gcp)."));
  b.Add(NestedBlock("kubernetes", Nesting::kSingle, std::move(k)));
  return NestedBlock("compute", Nesting::kSingle, std::move(b));
}

NestedBlock DatabaseBlock() {
  Block s;
  s.Doc(
      "A PostgreSQL server the agent does not own: the environment's "
      "databases and roles are created in it.");
  s.Add(StringAttr("host").Required().Doc("The server's host name or IP."));
  s.Add(NumberAttr("port")
            .Default(Value::Int(5432))
            .Check(framework::IntBetween(1, 65535))
            .Doc("The server's port (default 5432)."));
  s.Add(StringAttr("admin_user")
            .Required()
            .Doc("A role that may create databases and roles."));
  s.Add(StringAttr("admin_password")
            .Optional()
            .Sensitive()
            .Doc("`admin_user`'s password, kept (sensitive) in state. Set "
                 "exactly one of `admin_password` or `admin_password_wo`. "
                 "The agent never returns it: after an import it is null in "
                 "state and the next apply sends it; a password changed "
                 "outside Terraform (its fingerprint changed) shows as a "
                 "diff and the next apply sends the configured one again."));
  s.Add(StringAttr("admin_password_wo")
            .Optional()
            .Sensitive()
            .WriteOnly()
            .Doc("`admin_user`'s password, write-only: never stored in plan "
                 "or state (Terraform 1.11 or later). Requires "
                 "`admin_password_wo_version`; bump that to send a new "
                 "password."));
  s.Add(NumberAttr("admin_password_wo_version")
            .Optional()
            .Doc("A number you change to send `admin_password_wo` again. "
                 "Required with `admin_password_wo`, not allowed without "
                 "it."));
  s.Add(StringAttr("sslmode")
            .Default(Value::String("prefer"))
            .Check(OneOf({"disable", "allow", "prefer", "require", "verify-ca",
                          "verify-full"}))
            .Doc("libpq `sslmode` for connections to the server (default "
                 "`prefer`)."));

  Block b;
  b.Doc("The environment's SQL databases.");
  b.Add(StringAttr("provider")
            .OptionalComputed()
            .Check(OneOf({"postgres", "rds", "cloudsql", "neon"}))
            .Doc("`postgres` (clouds `local` and `encore`: the agent's "
                 "PostgreSQL cluster; the default there), `rds` (aws, its "
                 "default) or `cloudsql` (gcp, its default), or `neon` (aws "
                 "or gcp)."));
  b.Add(StringAttr("branch_from")
            .Optional()
            .Check(framework::MatchesPattern(resources::kEnvNamePattern,
                                             resources::kEnvNameMeaning))
            .Doc("The name of another environment of the same app whose "
                 "databases are copied into this one when it is created "
                 "(`CREATE DATABASE ... TEMPLATE` when nobody is connected to "
                 "the source, otherwise a dump and restore; the source's "
                 "connections are never ended)."));
  b.Add(NestedBlock("existing_server", Nesting::kSingle, std::move(s)));
  return NestedBlock("database", Nesting::kSingle, std::move(b));
}

NestedBlock AdoptBlock() {
  Block b;
  b.Doc(
      "A resource that exists already and that this environment uses "
      "instead of creating it (for example one made by CloudFormation or "
      "by hand).");
  b.Add(StringAttr("kind")
            .Required()
            .Check(OneOf(resources::AdoptKinds()))
            .Doc("`sql_database`, `cache`, `pubsub_topic`, "
                 "`pubsub_subscription` or "
                 "`bucket`."));
  b.Add(StringAttr("name").Required().Doc(
      "The resource's name in the app's model."));
  b.Add(StringAttr("policy")
            .Default(Value::String("observe"))
            .Check(OneOf({"observe", "manage"}))
            .Doc("`observe` (default): read it, never change it; `manage`: "
                 "change the attributes the model sets, with minimal "
                 "patches."));
  return NestedBlock("adopt", Nesting::kList, std::move(b));
}

NestedBlock TimeoutsBlock() {
  Block b;
  b.Doc(
      "How long each operation may take, as durations such as `\"30m\"` "
      "(waits for a manual infrastructure approval count against them).");
  for (const char* op : {"create", "update", "delete"}) {
    b.Add(StringAttr(op)
              .Optional()
              .Check(framework::Duration())
              .Doc(std::string("Time allowed for ") + op +
                   ", such as `\"30m\"`."));
  }
  return NestedBlock("timeouts", Nesting::kSingle, std::move(b));
}

Schema MakeSchema() {
  Schema s;
  Block& b = s.block;
  b.Doc(
      "An environment of an Encore app (`production`, `development`, "
      "`preview` or `local`) and the infrastructure it needs, provisioned "
      "by the agent with minimal changes so it can live beside "
      "infrastructure that Terraform, CloudFormation or people own.");
  b.Add(StringAttr("app")
            .Required()
            .RequiresReplace()
            .Check(framework::MatchesPattern(resources::kAppNamePattern,
                                             resources::kAppNameMeaning))
            .Doc("The app's name (`encore_app.name`)."));
  b.Add(StringAttr("name")
            .Required()
            .RequiresReplace()
            .Check(framework::MatchesPattern(resources::kEnvNamePattern,
                                             resources::kEnvNameMeaning))
            .Doc("The environment's name: lowercase letters, digits and "
                 "dashes, or `pr:<N>` for the preview environment of pull "
                 "request N (only, and always, with `type = \"preview\"`)."));
  b.Add(StringAttr("type")
            .Required()
            .RequiresReplace()
            .Check(OneOf(resources::EnvironmentTypes()))
            .Doc("`production`, `development`, `preview` or `local`."));
  b.Add(StringAttr("cloud")
            .Required()
            .RequiresReplace()
            .Check(OneOf(resources::Clouds()))
            .Doc("Where the infrastructure lives: `local` (this machine), "
                 "`encore` (hosted by the agent, shared between "
                 "environments), `aws` or `gcp`."));
  b.Add(StringAttr("region").Optional().RequiresReplace().Doc(
      "The cloud region, such as `eu-west-1`. Required for `aws` and "
      "`gcp`, not allowed for `local` and `encore`."));
  b.Add(StringAttr("infra_approval")
            .Default(Value::String("automatic"))
            .Check(OneOf({"automatic", "manual"}))
            .Doc("`automatic` (default): infrastructure changes are applied "
                 "at once; `manual`: they wait as `pending_change_set` until "
                 "approved."));
  b.Add(StringAttr("process_allocation")
            .OptionalComputed()
            .Check(OneOf({"single", "per_service"}))
            .Doc("`single` (the default when there are no `process_group` "
                 "blocks): all services in one process; `per_service`: one "
                 "process per service. Not allowed together with "
                 "`process_group` blocks (then it is null)."));
  b.Add(StringAttr("deletion_policy")
            .OptionalComputed()
            .Check(OneOf({"retain", "delete"}))
            .Doc("What happens to stateful resources (databases, buckets) "
                 "when the environment is destroyed: `retain` (the default "
                 "for `production`) or `delete` (the default otherwise)."));
  b.Add(StringAttr("id").Computed().UseStateForUnknown().Doc("`app/name`."));
  b.Add(StringAttr("url").Computed().UseStateForUnknown().Doc(
      "The environment's base URL. For `local` and `encore`: the gateway "
      "address reserved for it, `http://127.0.0.1:PORT`: cloud `local` "
      "environments get the lowest free port from 4000 (the first one gets "
      "4000, as `encore run` uses), cloud `encore` ones from 5000. Null for "
      "`aws` and `gcp` until the app is deployed there."));
  b.Add(StringAttr("status").Computed().Doc(
      "The environment's status as the agent reports it: `ready` (its "
      "infrastructure is provisioned), `provisioning`, `pending_approval`, "
      "`failed: <reason>` (the last apply against the backends failed, e.g. "
      "an ownership conflict; the next apply retries it), `plan_only` (aws "
      "and gcp)."));
  b.Add(StringAttr("version").Computed().Doc(
      "The environment's version (an etag): changes with every change."));
  b.Add(Attribute("infrastructure", Type::List(InfrastructureType()))
            .Computed()
            .Doc("What the environment provisioned or plans to: `kind`, "
                 "`name`, `provider_id` (the backend's id), `owner` (who "
                 "owns it: the agent, or another owner for adopted "
                 "resources), `status` and `planned_calls` (the exact calls "
                 "a pending change would make)."));
  b.Add(StringAttr("pending_change_set")
            .Computed()
            .Doc("With `infra_approval = \"manual\"`: the id of the change "
                 "set waiting for approval; empty when none."));
  b.Add(Attribute("drift", Type::List(DriftType()))
            .Computed()
            .Doc("Differences between the agent's record and the backends "
                 "found by the last drift scan: `kind`, `name`, "
                 "`attribute`, `expected`, `actual` and `classification`."));
  b.Add(DeployBlock());
  b.Add(ProcessGroupBlock());
  b.Add(ComputeBlock());
  b.Add(DatabaseBlock());
  b.Add(AdoptBlock());
  b.Add(TimeoutsBlock());
  return s;
}

void ValidateDeploy(const Value& config, Diagnostics& diags) {
  Value deploy = AttrOr(config, "deploy");
  auto trigger = KnownString(AttrOr(deploy, "trigger"));
  if (!trigger) return;
  Value branch = AttrOr(deploy, "branch");
  AttributePath path = kRoot.Attr("deploy").Attr("branch");
  if (*trigger == "branch" && branch.IsNull()) {
    diags.AddAttributeError(
        path, "Missing branch",
        "deploy.trigger is \"branch\", so deploy.branch must name the Git "
        "branch to deploy from: set branch (for example branch = \"main\"), "
        "or set trigger = \"manual\".");
  } else if (*trigger == "manual" && branch.IsKnown()) {
    diags.AddAttributeError(
        path, "Branch not allowed with a manual trigger",
        "deploy.trigger is \"manual\", so no branch is deployed "
        "automatically: remove deploy.branch, or set trigger = \"branch\".");
  }
}

void ValidateProcessGroups(const Value& config, Diagnostics& diags) {
  Value groups = AttrOr(config, "process_group");
  if (!groups.IsKnown()) return;
  if (groups.Length() > 0 && AttrOr(config, "process_allocation").IsKnown()) {
    diags.AddAttributeError(
        kRoot.Attr("process_allocation"),
        "process_allocation conflicts with process_group",
        "Give either process_allocation or process_group blocks, not both: "
        "the groups already say how services are allocated to processes. "
        "Remove process_allocation, or remove the process_group blocks.");
  }
  std::map<std::string, int64_t> group_of_service;
  std::map<std::string, int64_t> group_of_name;
  const auto& elems = groups.Elements();
  for (int64_t i = 0; i < static_cast<int64_t>(elems.size()); ++i) {
    AttributePath at = kRoot.Attr("process_group").Index(i);
    std::string gname =
        KnownString(AttrOr(elems[i], "name")).value_or("#" + std::to_string(i));
    if (auto n = KnownString(AttrOr(elems[i], "name"))) {
      auto [it, inserted] = group_of_name.emplace(*n, i);
      if (!inserted) {
        diags.AddAttributeError(
            at.Attr("name"), "Duplicate process group name",
            "process_group[" + std::to_string(it->second) + "] is named \"" +
                *n + "\" too; give each process group a unique name.");
      }
    }
    Value services = AttrOr(elems[i], "services");
    if (!services.IsKnown()) continue;
    if (services.Length() == 0) {
      diags.AddAttributeError(
          at.Attr("services"), "A process group with no services",
          "Process group \"" + gname +
              "\" lists no services: add at least one service of the app's "
              "model to services, or remove the group.");
      continue;
    }
    for (const Value& s : services.Elements()) {
      auto svc = KnownString(s);
      if (!svc) continue;
      auto [it, inserted] = group_of_service.emplace(*svc, i);
      if (!inserted && it->second != i) {
        std::string other = KnownString(AttrOr(elems[it->second], "name"))
                                .value_or("#" + std::to_string(it->second));
        diags.AddAttributeError(
            at.Attr("services"), "Service in two process groups",
            "Service \"" + *svc + "\" is in process group \"" + other +
                "\" and in process group \"" + gname +
                "\"; a service runs in exactly one process, so remove it "
                "from one of them.");
      }
    }
  }
}

void ValidateCompute(const Value& config,
                     const std::optional<std::string>& cloud,
                     Diagnostics& diags) {
  Value compute = AttrOr(config, "compute");
  if (!compute.IsKnown()) return;
  AttributePath at = kRoot.Attr("compute");
  Value platform_v = AttrOr(compute, "platform");
  auto platform = KnownString(platform_v);
  Value kube = AttrOr(compute, "kubernetes");
  if (cloud && platform && !In(PlatformsFor(*cloud), *platform)) {
    diags.AddAttributeError(
        at.Attr("platform"), "Platform not available on this cloud",
        "platform \"" + *platform + "\" cannot be used with cloud \"" + *cloud +
            "\"; use " + QuotedList(PlatformsFor(*cloud)) + " (default \"" +
            PlatformsFor(*cloud)[0] + "\").");
  }
  if (kube.IsKnown() && !platform_v.IsUnknown() &&
      platform.value_or("") != "kubernetes") {
    diags.AddAttributeError(
        at.Attr("kubernetes"), "kubernetes block without platform kubernetes",
        "A kubernetes block applies only to platform = \"kubernetes\": set "
        "compute.platform = \"kubernetes\", or remove the kubernetes block.");
  }
  if (platform == "kubernetes" && kube.IsNull()) {
    diags.AddAttributeError(
        at.Attr("kubernetes"), "Missing kubernetes block",
        "platform = \"kubernetes\" needs a kubernetes block saying which "
        "cluster to use, for example kubernetes { provider = \"eks\" }.");
  }
  if (!kube.IsKnown()) return;
  auto provider = KnownString(AttrOr(kube, "provider"));
  if (cloud && provider && In({"aws", "gcp"}, *cloud) &&
      *provider != KubernetesProviderFor(*cloud)) {
    diags.AddAttributeError(at.Attr("kubernetes").Attr("provider"),
                            "Kubernetes provider not available on this cloud",
                            "Cloud \"" + *cloud + "\" runs Kubernetes on \"" +
                                KubernetesProviderFor(*cloud) + "\", not \"" +
                                *provider + "\": set provider = \"" +
                                KubernetesProviderFor(*cloud) + "\".");
  }
  if (KnownString(AttrOr(kube, "cluster")) == "existing" &&
      AttrOr(kube, "cluster_name").IsNull()) {
    diags.AddAttributeError(
        at.Attr("kubernetes").Attr("cluster_name"), "Missing cluster_name",
        "cluster = \"existing\" uses a cluster that exists already: set "
        "cluster_name to its name, or set cluster = \"new\".");
  }
}

void ValidateDatabase(const Value& config,
                      const std::optional<std::string>& cloud,
                      Diagnostics& diags) {
  Value db = AttrOr(config, "database");
  if (!db.IsKnown()) return;
  AttributePath at = kRoot.Attr("database");
  auto provider = KnownString(AttrOr(db, "provider"));
  if (cloud && provider && !In(DatabaseProvidersFor(*cloud), *provider)) {
    diags.AddAttributeError(
        at.Attr("provider"), "Database provider not available on this cloud",
        "provider \"" + *provider + "\" cannot be used with cloud \"" + *cloud +
            "\"; use " + QuotedList(DatabaseProvidersFor(*cloud)) +
            " (default \"" + DatabaseProvidersFor(*cloud)[0] + "\").");
  }
  auto branch_from = KnownString(AttrOr(db, "branch_from"));
  auto name = KnownString(AttrOr(config, "name"));
  if (branch_from && name && *branch_from == *name) {
    diags.AddAttributeError(
        at.Attr("branch_from"), "An environment cannot branch from itself",
        "branch_from names this environment (\"" + *name +
            "\"); set it to another environment of the app whose databases "
            "should be copied, or remove it.");
  }
  Value server = AttrOr(db, "existing_server");
  if (!server.IsKnown()) return;
  AttributePath sat = at.Attr("existing_server");
  Value pw = AttrOr(server, "admin_password");
  Value wo = AttrOr(server, "admin_password_wo");
  Value wo_version = AttrOr(server, "admin_password_wo_version");
  if (pw.IsNull() && wo.IsNull()) {
    diags.AddAttributeError(
        sat, "Missing admin password",
        "Set exactly one of admin_password (kept in state, sensitive) or "
        "admin_password_wo with admin_password_wo_version (write-only, never "
        "stored).");
  } else if (pw.IsKnown() && wo.IsKnown()) {
    diags.AddAttributeError(
        sat.Attr("admin_password_wo"), "Two admin passwords",
        "admin_password and admin_password_wo are both set; keep exactly "
        "one of them.");
  }
  if (wo.IsKnown() && wo_version.IsNull()) {
    diags.AddAttributeError(
        sat.Attr("admin_password_wo_version"),
        "Missing admin_password_wo_version",
        "admin_password_wo is write-only, so Terraform cannot see when it "
        "changes: set admin_password_wo_version (for example 1) and bump it "
        "whenever the password changes.");
  } else if (wo.IsNull() && wo_version.IsKnown()) {
    diags.AddAttributeError(
        sat.Attr("admin_password_wo_version"),
        "admin_password_wo_version without admin_password_wo",
        "admin_password_wo_version only says when admin_password_wo "
        "changed: remove it, or set admin_password_wo.");
  }
}

void ValidateAdopt(const Value& config, Diagnostics& diags) {
  Value adopt = AttrOr(config, "adopt");
  if (!adopt.IsKnown()) return;
  std::map<std::pair<std::string, std::string>, int64_t> seen;
  const auto& elems = adopt.Elements();
  for (int64_t i = 0; i < static_cast<int64_t>(elems.size()); ++i) {
    auto kind = KnownString(AttrOr(elems[i], "kind"));
    auto name = KnownString(AttrOr(elems[i], "name"));
    if (!kind || !name) continue;
    auto [it, inserted] = seen.emplace(std::make_pair(*kind, *name), i);
    if (!inserted) {
      diags.AddAttributeError(
          kRoot.Attr("adopt").Index(i), "Resource adopted twice",
          "adopt[" + std::to_string(it->second) + "] adopts " + *kind + " \"" +
              *name + "\" already; remove one of the two blocks.");
    }
  }
}

class EnvironmentResource : public framework::Resource {
 public:
  std::string type_name() const override { return "encore_environment"; }
  const Schema& schema() const override {
    static const Schema* kSchema = new Schema(MakeSchema());
    return *kSchema;
  }
  std::string import_id_format() const override { return "APP/ENV"; }

  void ValidateConfig(const framework::CallContext& ctx, const Value& config,
                      Diagnostics& diags) const override {
    if (!config.IsKnown()) return;
    auto name = KnownString(AttrOr(config, "name"));
    auto type = KnownString(AttrOr(config, "type"));
    auto cloud = KnownString(AttrOr(config, "cloud"));
    if (name && type) {
      bool preview_name = resources::IsPreviewEnvName(*name);
      if (*type == "preview" && !preview_name) {
        diags.AddAttributeError(
            kRoot.Attr("name"), "Preview environments are named pr:<N>",
            "type is \"preview\", so name must be \"pr:<N>\" with N the pull "
            "request number (for example \"pr:12\"), not \"" +
                *name + "\". Rename it, or choose another type.");
      } else if (*type != "preview" && preview_name) {
        diags.AddAttributeError(
            kRoot.Attr("name"), "pr:<N> names are for preview environments",
            "The name \"" + *name + "\" is a preview name but type is \"" +
                *type +
                "\": set type = \"preview\", or use a name such as "
                "\"staging\".");
      }
    }
    Value region = AttrOr(config, "region");
    if (cloud && (*cloud == "aws" || *cloud == "gcp") && region.IsNull()) {
      diags.AddAttributeError(
          kRoot.Attr("region"), "Missing region",
          "Cloud \"" + *cloud + "\" needs a region: set region (for example " +
              (*cloud == "aws" ? "\"eu-west-1\"" : "\"europe-west1\"") + ").");
    } else if (cloud && (*cloud == "local" || *cloud == "encore") &&
               region.IsKnown()) {
      diags.AddAttributeError(
          kRoot.Attr("region"), "Region not allowed",
          "Cloud \"" + *cloud +
              "\" runs on the agent's own infrastructure and has no "
              "regions: remove region.");
    }
    ValidateDeploy(config, diags);
    ValidateProcessGroups(config, diags);
    ValidateCompute(config, cloud, diags);
    ValidateDatabase(config, cloud, diags);
    ValidateAdopt(config, diags);
  }

  void ModifyPlan(const framework::PlanRequest& req,
                  framework::PlanResponse& resp) const override {
    Value plan = resp.planned_state;
    const Value& config = req.config;
    if (!plan.IsKnown() || !config.IsKnown()) return;
    auto app = KnownString(AttrOr(plan, "app"));
    auto name = KnownString(AttrOr(plan, "name"));
    auto type = KnownString(AttrOr(plan, "type"));
    auto cloud = KnownString(AttrOr(plan, "cloud"));
    if (app && name) {
      plan = WithAttr(plan, "id", Value::String(*app + "/" + *name));
    }

    if (AttrOr(config, "deletion_policy").IsNull()) {
      plan = WithAttr(
          plan, "deletion_policy",
          type ? Value::String(*type == "production" ? "retain" : "delete")
               : Value::Unknown(Type::String()));
    }

    if (AttrOr(config, "process_allocation").IsNull()) {
      Value groups = AttrOr(config, "process_group");
      Value allocation = Value::Unknown(Type::String());
      if (groups.IsKnown()) {
        allocation = groups.Length() == 0 ? Value::String("single")
                                          : Value::Null(Type::String());
      }
      plan = WithAttr(plan, "process_allocation", allocation);
    }

    // Cloud-dependent defaults inside the compute and database blocks.
    auto cloud_default = [&](const std::string& block, const std::string& attr,
                             const std::vector<std::string>& choices) {
      Value planned_block = AttrOr(plan, block);
      Value config_block = AttrOr(config, block);
      if (!planned_block.IsKnown() || !config_block.IsKnown() ||
          !AttrOr(config_block, attr).IsNull()) {
        return;
      }
      Value v =
          cloud ? Value::String(choices[0]) : Value::Unknown(Type::String());
      plan = WithAttr(plan, block, WithAttr(planned_block, attr, v));
    };
    std::string c = cloud.value_or("");
    cloud_default("compute", "platform", PlatformsFor(c));
    cloud_default("database", "provider", DatabaseProvidersFor(c));

    // The generic plan keeps the prior computed values when nothing the
    // configuration sets changed; a default filled in above (say
    // deletion_policy back to its default after an out-of-band change) is
    // a change too: what the agent computes is then known after apply.
    // An environment whose last apply against the backends failed (status
    // "failed...", e.g. a conflict) plans an update even when nothing else
    // changed: the apply reconciles it (ReconcileEnvironment).
    if (req.prior_state.IsKnown() &&
        (ArgumentsDiffer(req.prior_state, plan) ||
         IsFailedStatus(AttrOr(req.prior_state, "status")))) {
      for (const char* attr : {"status", "version", "infrastructure",
                               "pending_change_set", "drift"}) {
        plan =
            WithAttr(plan, attr,
                     Value::Unknown(schema().block.FindAttribute(attr)->type));
      }
    }

    resp.planned_state = plan;
  }

  void Create(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    model::EnvironmentSpec spec = resources::SpecFromValue(req.planned_state);
    SetWriteOnlyPassword(req.config, spec, /*send=*/true);
    auto change = client->CreateEnvironment(spec);
    if (!change.ok()) {
      resources::AddAgentError(req.ctx, change.status(),
                               "creating environment " + Id(spec), resp.diags);
      KeepRecordedState(req, resp, *client, spec, change.status());
      return;
    }
    Finish(req, resp, *client, *change, "create");
  }

  void Read(const framework::ReadRequest& req,
            framework::ReadResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string app = AttrOr(req.current_state, "app").AsString();
    std::string name = AttrOr(req.current_state, "name").AsString();
    auto env = client->GetEnvironment(app, name);
    if (resources::ReadFailed(req.ctx, env.status(),
                              "reading environment " + app + "/" + name,
                              schema().block, resp)) {
      return;
    }
    resources::EnvironmentPrivate written =
        resources::ParseEnvironmentPrivate(req.private_data);
    resp.new_state = resources::EnvironmentState(schema().block, *env,
                                                 req.current_state, written);
    // After an import nothing was written yet: the agent's fingerprint is
    // the baseline later refreshes compare with.
    if (!written.admin_password_fingerprint) {
      written.admin_password_fingerprint = Fingerprint(*env);
    }
    resp.private_data = resources::EnvironmentPrivateJson(written);
  }

  void Update(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    model::EnvironmentSpec before = resources::SpecFromValue(req.prior_state);
    model::EnvironmentSpec spec = resources::SpecFromValue(req.planned_state);
    std::vector<std::string> mask = resources::ChangedFields(before, spec);
    if (mask.empty()) {
      // No argument changed: either the last apply against the backends
      // failed (the plan showed an update of `status`), and the agent runs
      // the desired state again, or only provider-side settings (timeouts)
      // changed and there is nothing to send.
      const bool failed = IsFailedStatus(AttrOr(req.prior_state, "status"));
      if (failed) {
        log::Debug("reconciling environment", {{"environment", Id(spec)}});
      }
      auto env = failed ? client->ReconcileEnvironment(spec.app, spec.name)
                        : client->GetEnvironment(spec.app, spec.name);
      if (!env.ok()) {
        resources::AddAgentError(
            req.ctx, env.status(),
            (failed ? "reconciling environment " : "reading environment ") +
                Id(spec),
            resp.diags);
        if (failed) KeepRecordedState(req, resp, *client, spec, env.status());
        return;
      }
      resp.new_state = resources::EnvironmentState(
          schema().block, *env, req.planned_state,
          resources::ParseEnvironmentPrivate(req.planned_private));
      resp.private_data = req.planned_private;
      return;
    }
    auto version = ParseVersion(AttrOr(req.prior_state, "version"));
    if (!version) {
      resp.diags.AddAttributeError(
          kRoot.Attr("version"), "Unreadable environment version",
          "The state's version is not a number. Run terraform refresh (or "
          "terraform apply -refresh-only) and plan again.");
      return;
    }
    bool wo_changed =
        before.database && before.database->existing_server && spec.database &&
        spec.database->existing_server &&
        before.database->existing_server->admin_password_wo_version !=
            spec.database->existing_server->admin_password_wo_version;
    bool new_server = spec.database && spec.database->existing_server &&
                      !(before.database && before.database->existing_server);
    SetWriteOnlyPassword(req.config, spec, wo_changed || new_server);
    log::Debug("updating environment", {{"environment", Id(spec)},
                                        {"fields", model::QuotedList(mask)}});
    auto change = client->UpdateEnvironment(spec, *version, mask);
    if (!change.ok()) {
      resources::AddAgentError(req.ctx, change.status(),
                               "updating environment " + Id(spec), resp.diags);
      KeepRecordedState(req, resp, *client, spec, change.status());
      return;
    }
    Finish(req, resp, *client, *change, "update");
  }

  void Delete(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    std::string app = AttrOr(req.prior_state, "app").AsString();
    std::string name = AttrOr(req.prior_state, "name").AsString();
    auto version = ParseVersion(AttrOr(req.prior_state, "version"));
    auto change = client->DeleteEnvironment(app, name, version.value_or(0));
    if (!change.ok()) {
      if (change.status().code() == StatusCode::kNotFound) return;
      resources::AddAgentError(req.ctx, change.status(),
                               "deleting environment " + app + "/" + name,
                               resp.diags);
      return;
    }
    resources::WaitOptions wait;
    wait.timeout_seconds = resources::TimeoutSeconds(req.prior_state, "delete");
    resources::WaitForChangeSet(*client, req.ctx, change->change_set, wait,
                                resp.diags);
  }

  void Import(const framework::ImportRequest& req,
              framework::ImportResponse& resp) const override {
    resources::ImportFromId(
        schema().block, req.id,
        {resources::AppNamePart("app"), resources::EnvNamePart("name")},
        import_id_format(), "shop/pr:12", resp);
  }

 private:
  // True when an argument or block (not a computed-only attribute) of
  // `a` and `b` differs.
  bool ArgumentsDiffer(const Value& a, const Value& b) const {
    for (const auto& attr : schema().block.attributes) {
      if (attr.presence == framework::Presence::kComputed) continue;
      if (AttrOr(a, attr.name) != AttrOr(b, attr.name)) return true;
    }
    for (const auto& nb : schema().block.blocks) {
      if (AttrOr(a, nb.type_name) != AttrOr(b, nb.type_name)) return true;
    }
    return false;
  }

  // The agent reports "failed..." when the last apply against the backends
  // failed (for example on a conflict).
  static bool IsFailedStatus(const Value& status) {
    auto text = KnownString(status);
    return text && text->rfind("failed", 0) == 0;
  }

  // After a write that failed once the agent had recorded the new desired
  // state (resources::IsApplyFailure): the environment as the agent has it
  // becomes the new state next to the error, so Terraform keeps the new
  // version and the next apply retries. Other failures leave no new state.
  void KeepRecordedState(const framework::ApplyRequest& req,
                         framework::ApplyResponse& resp,
                         agent::AgentClient& client,
                         const model::EnvironmentSpec& spec,
                         const Status& failure) const {
    if (!resources::IsApplyFailure(failure)) return;
    auto env = client.GetEnvironment(spec.app, spec.name);
    if (!env.ok()) {
      resources::AddAgentError(
          req.ctx, env.status(),
          "reading environment " + Id(spec) + " after the failed apply",
          resp.diags);
      return;
    }
    resources::EnvironmentPrivate written;
    written.admin_password_fingerprint = Fingerprint(*env);
    resp.new_state = resources::EnvironmentState(schema().block, *env,
                                                 req.planned_state, written);
    resp.private_data = resources::EnvironmentPrivateJson(written);
  }

  static std::string Id(const model::EnvironmentSpec& s) {
    return s.app + "/" + s.name;
  }

  static std::optional<int64_t> ParseVersion(const Value& v) {
    auto text = KnownString(v);
    if (!text || text->empty() || text->size() > 18) return std::nullopt;
    for (char c : *text) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    return std::stoll(*text);
  }

  static std::string Fingerprint(const model::Environment& env) {
    if (env.spec.database && env.spec.database->existing_server) {
      return env.spec.database->existing_server->admin_password_fingerprint;
    }
    return "";
  }

  // The write-only password is only in the configuration: sent on create
  // and when admin_password_wo_version changed (or the server is new).
  static void SetWriteOnlyPassword(const Value& config,
                                   model::EnvironmentSpec& spec, bool send) {
    if (!spec.database || !spec.database->existing_server) return;
    auto& server = *spec.database->existing_server;
    if (!server.admin_password.empty()) return;  // admin_password is set
    auto wo = KnownString(
        AttrOr(AttrOr(AttrOr(config, "database"), "existing_server"),
               "admin_password_wo"));
    if (wo && send) server.admin_password = *wo;
  }

  // After a create or update: wait for the change set's approval within
  // the timeouts, then the state from the environment as the agent has it.
  void Finish(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp, agent::AgentClient& client,
              const model::EnvironmentChange& change, const char* op) const {
    model::Environment env = change.environment;
    if (change.change_set.state == "pending_approval") {
      resources::WaitOptions wait;
      wait.timeout_seconds = resources::TimeoutSeconds(req.planned_state, op);
      if (!resources::WaitForChangeSet(client, req.ctx, change.change_set, wait,
                                       resp.diags)) {
        return;  // no new state: Terraform keeps the previous values
      }
      auto fresh = client.GetEnvironment(env.spec.app, env.spec.name);
      if (!fresh.ok()) {
        resources::AddAgentError(
            req.ctx, fresh.status(),
            "reading environment " + Id(env.spec) + " after approval",
            resp.diags);
        return;
      }
      env = std::move(fresh).value();
    }
    resources::EnvironmentPrivate written;
    written.admin_password_fingerprint = Fingerprint(env);
    resp.new_state = resources::EnvironmentState(schema().block, env,
                                                 req.planned_state, written);
    resp.private_data = resources::EnvironmentPrivateJson(written);
  }
};

}  // namespace

std::unique_ptr<Resource> NewEnvironmentResource() {
  return std::make_unique<EnvironmentResource>();
}

}  // namespace encore::catalog
