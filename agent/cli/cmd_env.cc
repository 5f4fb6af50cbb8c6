// env list, env show, env set.
#include <ostream>

#include "agent/cli/commands.h"
#include "agent/cli/env_set.h"
#include "agent/cli/output.h"

namespace encore::agent::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

void PrintEnvironment(std::ostream& out, const model::Environment& e) {
  const auto& sp = e.spec;
  out << "environment:        " << sp.app << "/" << sp.name << "\n"
      << "version:            " << e.version << "\n"
      << "status:             " << OrDash(e.status) << "\n"
      << "url:                " << OrDash(e.url) << "\n"
      << "type:               " << sp.type << "\n"
      << "cloud:              " << sp.cloud
      << (sp.region.empty() ? "" : " (" + sp.region + ")") << "\n"
      << "infra_approval:     " << OrDash(sp.infra_approval) << "\n"
      << "deletion_policy:    " << OrDash(sp.deletion_policy) << "\n"
      << "process_allocation: " << OrDash(sp.process_allocation) << "\n";
  for (const auto& g : sp.process_groups) {
    out << "  process_group " << g.name << ":";
    for (const auto& svc : g.services) out << " " << svc;
    out << "\n";
  }
  if (sp.deploy) {
    out << "deploy:             trigger=" << sp.deploy->trigger;
    if (!sp.deploy->branch.empty()) out << " branch=" << sp.deploy->branch;
    out << "\n";
  }
  if (sp.compute) {
    out << "compute:            " << sp.compute->platform;
    if (sp.compute->kubernetes) {
      out << " (" << sp.compute->kubernetes->provider << ", cluster "
          << sp.compute->kubernetes->cluster;
      if (!sp.compute->kubernetes->cluster_name.empty()) {
        out << " " << sp.compute->kubernetes->cluster_name;
      }
      out << ")";
    }
    out << "\n";
  }
  if (sp.database) {
    out << "database:           " << sp.database->provider;
    if (sp.database->existing_server) {
      out << " on " << sp.database->existing_server->host << ":"
          << sp.database->existing_server->port;
    }
    if (!sp.database->branch_from.empty()) {
      out << " (branched from " << sp.database->branch_from << ")";
    }
    out << "\n";
  }
  for (const auto& a : sp.adopt) {
    out << "adopt:              " << a.kind << " " << a.name << " ("
        << a.policy << ")\n";
  }
  out << "pending change set: " << OrDash(e.pending_change_set) << "\n";
  out << "infrastructure:";
  if (e.infrastructure.empty()) out << " none";
  out << "\n";
  for (const auto& i : e.infrastructure) {
    out << "  " << i.kind << " " << i.name << "  [" << i.status << "]  "
        << OrDash(i.provider_id) << "  owner " << OrDash(i.owner) << "\n";
    for (const auto& call : i.planned_calls) out << "      " << call << "\n";
  }
  for (const auto& d : e.drift) {
    out << "drift: " << d.kind << " " << d.name << " " << d.attribute
        << ": expected " << d.expected << ", actual " << d.actual << " ("
        << d.classification << ")\n";
  }
}

}  // namespace

StatusOr<int> RunEnvList(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto envs = (*c)->ListEnvironments(s.flag("app"), s.flag("type"));
  if (!envs.ok()) return envs.status();
  if (s.json()) {
    Json arr = Json::array();
    for (const auto& e : *envs) arr.push_back(ToJsonValue(e));
    s.out() << arr.dump(2) << "\n";
    return 0;
  }
  if (envs->empty()) {
    s.out() << "no environments\n";
    return 0;
  }
  for (const auto& e : *envs) {
    s.out() << e.spec.app << "/" << e.spec.name << "  " << e.spec.type << "  "
            << e.spec.cloud << "  " << OrDash(e.status) << "  version "
            << e.version;
    if (!e.pending_change_set.empty()) {
      s.out() << "  pending " << e.pending_change_set;
    }
    s.out() << "\n";
  }
  return 0;
}

StatusOr<int> RunEnvShow(Session& s) {
  auto id = SplitPair(s.args().args[0], "APP/ENV");
  if (!id.ok()) return id.status();
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto e = (*c)->GetEnvironment(id->first, id->second);
  if (!e.ok()) return e.status();
  if (s.json()) {
    s.out() << ToJsonValue(*e).dump(2) << "\n";
  } else {
    PrintEnvironment(s.out(), *e);
  }
  return 0;
}

StatusOr<int> RunEnvSet(Session& s) {
  auto id = SplitPair(s.args().args[0], "APP/ENV");
  if (!id.ok()) return id.status();
  std::vector<std::pair<std::string, std::string>> assignments;
  for (size_t i = 1; i < s.args().args.size(); ++i) {
    auto kv = SplitAssignment(s.args().args[i]);
    if (!kv.ok()) return kv.status();
    assignments.push_back(*kv);
  }
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto e = (*c)->GetEnvironment(id->first, id->second);
  if (!e.ok()) return e.status();
  model::EnvironmentSpec spec = e->spec;
  auto mask = ApplyEnvSet(assignments, spec);
  if (!mask.ok()) return mask.status();
  auto change = (*c)->UpdateEnvironment(spec, e->version, *mask);
  if (!change.ok()) return change.status();
  const auto& cs = change->change_set;
  if (s.json()) {
    s.out() << Json{{"environment", ToJsonValue(change->environment)},
                    {"change_set", ToJsonValue(cs)}}
                   .dump(2)
            << "\n";
    return 0;
  }
  if (cs.state == "pending_approval") {
    s.out() << "environment " << id->first << "/" << id->second
            << ": change set " << cs.id
            << " waits for an admin's approval (encore-agent approve " << cs.id
            << ")\n";
  } else {
    s.out() << "environment " << id->first << "/" << id->second
            << " updated (version " << change->environment.version << ")";
    if (!cs.id.empty()) s.out() << "; change set " << cs.id << " " << cs.state;
    s.out() << "\n";
  }
  return 0;
}

}  // namespace encore::agent::cli
