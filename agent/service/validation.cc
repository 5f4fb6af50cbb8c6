#include "agent/service/validation.h"

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "model/text.h"

namespace encore::agent {
namespace {

bool Matches(std::string_view s, const char* pattern) {
  return std::regex_match(std::string(s), std::regex(pattern));
}

bool OneOf(const std::string& v, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

Status Enum(const std::string& field, const std::string& value,
            const std::vector<std::string>& allowed, bool may_be_empty) {
  if (value.empty() && may_be_empty) return Status::Ok();
  if (OneOf(value, allowed)) return Status::Ok();
  return Status::InvalidArgument(field + " = \"" + value + "\" is not one of " +
                                 model::QuotedList(allowed));
}

const std::vector<std::string> kTypes = {"production", "development",
                                         "preview", "local"};

}  // namespace

Status ValidateAppName(std::string_view name) {
  if (Matches(name, "^[a-z][a-z0-9-]{1,62}$")) return Status::Ok();
  return Status::InvalidArgument(
      "app name \"" + std::string(name) +
      "\" is not valid: 2 to 63 characters, lowercase letters, digits and "
      "'-', starting with a letter");
}

Status ValidateEnvironmentName(std::string_view name) {
  if (Matches(name, "^[a-z][a-z0-9-]{0,62}$") ||
      Matches(name, "^pr:[0-9]{1,9}$")) {
    return Status::Ok();
  }
  return Status::InvalidArgument(
      "environment name \"" + std::string(name) +
      "\" is not valid: lowercase letters, digits and '-', starting with a "
      "letter (at most 63), or \"pr:<N>\" for a preview environment");
}

Status ValidateSecretName(std::string_view name) {
  if (Matches(name, "^[A-Za-z][A-Za-z0-9_]{0,127}$")) return Status::Ok();
  return Status::InvalidArgument(
      "secret name \"" + std::string(name) +
      "\" is not valid: letters, digits and '_', starting with a letter");
}

Status ValidateSecretKey(std::string_view key) {
  if (OneOf(std::string(key), kTypes)) return Status::Ok();
  if (key.substr(0, 4) == "env:" &&
      ValidateEnvironmentName(key.substr(4)).ok()) {
    return Status::Ok();
  }
  return Status::InvalidArgument(
      "secret key \"" + std::string(key) +
      "\" is not valid; use an environment type (" +
      model::QuotedList(kTypes) + ") or \"env:NAME\" for one environment");
}

Status ValidateTokenName(std::string_view name) {
  if (Matches(name, "^[a-z][a-z0-9-]{0,62}$")) return Status::Ok();
  return Status::InvalidArgument(
      "token name \"" + std::string(name) +
      "\" is not valid: lowercase letters, digits and '-', starting with a "
      "letter, at most 63 characters");
}

Status ValidateInfraOverrideKey(const model::InfraOverride& o) {
  if (Status s = ValidateAppName(o.app); !s.ok()) return s;
  if (Status s = ValidateEnvironmentName(o.environment); !s.ok()) return s;
  if (Status s = Enum("kind", o.kind,
                      {"sql_database", "cache", "pubsub_topic", "bucket",
                       "service"},
                      false);
      !s.ok()) {
    return s;
  }
  if (o.name.empty()) {
    return Status::InvalidArgument("override name is empty; name the " +
                                   o.kind + " in the app model");
  }
  return Status::Ok();
}

Status ValidateEnvironmentSpec(const model::EnvironmentSpec& s) {
  if (Status st = ValidateAppName(s.app); !st.ok()) return st;
  if (Status st = ValidateEnvironmentName(s.name); !st.ok()) return st;
  if (Status st = Enum("type", s.type, kTypes, false); !st.ok()) return st;
  if (Status st = Enum("cloud", s.cloud, {"local", "encore", "aws", "gcp"},
                       false);
      !st.ok()) {
    return st;
  }
  const bool cloud = s.cloud == "aws" || s.cloud == "gcp";
  if (cloud && s.region.empty()) {
    return Status::InvalidArgument("region is required when cloud = \"" +
                                   s.cloud + "\"");
  }
  if (!cloud && !s.region.empty()) {
    return Status::InvalidArgument("region is only for aws and gcp; remove it "
                                   "when cloud = \"" + s.cloud + "\"");
  }
  if (s.deploy) {
    if (Status st = Enum("deploy.trigger", s.deploy->trigger,
                         {"branch", "manual"}, false);
        !st.ok()) {
      return st;
    }
    if (s.deploy->trigger == "branch" && s.deploy->branch.empty()) {
      return Status::InvalidArgument(
          "deploy.branch is required when deploy.trigger = \"branch\"");
    }
    if (s.deploy->trigger == "manual" && !s.deploy->branch.empty()) {
      return Status::InvalidArgument(
          "deploy.branch must not be set when deploy.trigger = \"manual\"");
    }
  }
  if (Status st = Enum("infra_approval", s.infra_approval,
                       {"automatic", "manual"}, true);
      !st.ok()) {
    return st;
  }
  if (Status st = Enum("process_allocation", s.process_allocation,
                       {"single", "per_service"}, true);
      !st.ok()) {
    return st;
  }
  if (!s.process_groups.empty() && !s.process_allocation.empty()) {
    return Status::InvalidArgument(
        "process_allocation and process_group blocks are exclusive; remove "
        "one of them");
  }
  for (const auto& g : s.process_groups) {
    if (g.name.empty()) {
      return Status::InvalidArgument("process_group.name is empty");
    }
  }
  if (s.compute) {
    const std::string& p = s.compute->platform;
    std::vector<std::string> allowed =
        s.cloud == "aws"   ? std::vector<std::string>{"fargate", "kubernetes"}
        : s.cloud == "gcp" ? std::vector<std::string>{"cloud_run", "kubernetes"}
                           : std::vector<std::string>{"processes"};
    if (!OneOf(p, allowed)) {
      return Status::InvalidArgument("compute.platform = \"" + p +
                                     "\" is not available on cloud \"" +
                                     s.cloud + "\"; use " +
                                     model::QuotedList(allowed));
    }
    if (p == "kubernetes") {
      if (!s.compute->kubernetes) {
        return Status::InvalidArgument(
            "compute.kubernetes is required when compute.platform = "
            "\"kubernetes\"");
      }
      const auto& k = *s.compute->kubernetes;
      const std::string want = s.cloud == "aws" ? "eks" : "gke";
      if (k.provider != want) {
        return Status::InvalidArgument("compute.kubernetes.provider = \"" +
                                       k.provider + "\" is not available on "
                                       "cloud \"" + s.cloud + "\"; use \"" +
                                       want + "\"");
      }
      if (Status st = Enum("compute.kubernetes.cluster", k.cluster,
                           {"new", "existing"}, false);
          !st.ok()) {
        return st;
      }
      if (k.cluster == "existing" && k.cluster_name.empty()) {
        return Status::InvalidArgument(
            "compute.kubernetes.cluster_name is required when cluster = "
            "\"existing\"");
      }
    } else if (s.compute->kubernetes) {
      return Status::InvalidArgument(
          "compute.kubernetes is only for compute.platform = \"kubernetes\"");
    }
  }
  if (s.database) {
    const std::string& p = s.database->provider;
    std::vector<std::string> allowed =
        s.cloud == "aws"   ? std::vector<std::string>{"rds", "neon", "postgres"}
        : s.cloud == "gcp" ? std::vector<std::string>{"cloudsql", "neon",
                                                      "postgres"}
                           : std::vector<std::string>{"postgres"};
    if (!p.empty() && !OneOf(p, allowed)) {
      return Status::InvalidArgument("database.provider = \"" + p +
                                     "\" is not available on cloud \"" +
                                     s.cloud + "\"; use " +
                                     model::QuotedList(allowed));
    }
    if (!s.database->branch_from.empty()) {
      if (Status st = ValidateEnvironmentName(s.database->branch_from);
          !st.ok()) {
        return Status::InvalidArgument("database.branch_from: " + st.message());
      }
      if (s.database->branch_from == s.name) {
        return Status::InvalidArgument(
            "database.branch_from names the environment itself");
      }
    }
    if (s.database->existing_server) {
      const auto& e = *s.database->existing_server;
      if (e.host.empty()) {
        return Status::InvalidArgument(
            "database.existing_server.host is required");
      }
      if (e.port < 1 || e.port > 65535) {
        return Status::InvalidArgument(
            "database.existing_server.port = " + std::to_string(e.port) +
            " is not a port (1 to 65535)");
      }
      if (e.admin_user.empty()) {
        return Status::InvalidArgument(
            "database.existing_server.admin_user is required");
      }
      if (Status st = Enum("database.existing_server.sslmode", e.sslmode,
                           {"disable", "allow", "prefer", "require",
                            "verify-ca", "verify-full"},
                           true);
          !st.ok()) {
        return st;
      }
    }
  }
  for (const auto& a : s.adopt) {
    if (Status st = Enum("adopt.kind", a.kind,
                         {"sql_database", "cache", "pubsub_topic",
                          "pubsub_subscription", "bucket"},
                         false);
        !st.ok()) {
      return st;
    }
    if (a.name.empty()) return Status::InvalidArgument("adopt.name is empty");
    if (Status st = Enum("adopt.policy", a.policy, {"observe", "manage"}, true);
        !st.ok()) {
      return st;
    }
  }
  return Enum("deletion_policy", s.deletion_policy, {"retain", "delete"}, true);
}

}  // namespace encore::agent
