// changeset list/show/approve/reject (and the approve/reject aliases).
#include <ostream>

#include "agent/cli/commands.h"
#include "agent/cli/output.h"

namespace encore::agent::cli {
namespace {

using Json = nlohmann::ordered_json;

void PrintChangeSet(std::ostream& out, const model::ChangeSet& cs) {
  out << "change set:  " << cs.id << "\n"
      << "environment: " << cs.app << "/" << cs.environment << "\n"
      << "state:       " << cs.state << "\n"
      << "summary:     " << cs.summary << "\n"
      << "planned on:  version " << cs.base_version << "\n"
      << "created:     " << TimeText(cs.created_at_ms) << " by "
      << cs.created_by << "\n";
  if (!cs.decided_by.empty()) {
    out << "decided:     " << TimeText(cs.decided_at_ms) << " by "
        << cs.decided_by << "\n";
  }
  if (!cs.reason.empty()) out << "reason:      " << cs.reason << "\n";
  out << "changes infrastructure: " << (cs.changes_infrastructure ? "yes" : "no")
      << "\n";
  out << "operations:";
  if (cs.operations.empty()) out << " none";
  out << "\n";
  for (const auto& op : cs.operations) {
    out << "  " << op.action << " " << op.kind << " " << op.name;
    if (!op.note.empty()) out << "  (" << op.note << ")";
    out << "\n";
    for (const auto& call : op.calls) out << "      " << call << "\n";
  }
}

StatusOr<int> Decided(Session& s, const StatusOr<model::ChangeSet>& cs,
                      const char* verb) {
  if (!cs.ok()) return cs.status();
  if (s.json()) {
    s.out() << ToJsonValue(*cs).dump(2) << "\n";
  } else {
    s.out() << "change set " << cs->id << " " << verb << " (" << cs->app
            << "/" << cs->environment << ": " << cs->summary << ")\n";
  }
  return 0;
}

}  // namespace

StatusOr<int> RunChangeSetList(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto list = (*c)->ListChangeSets(s.flag("app"), s.flag("env"),
                                   s.flag("state"));
  if (!list.ok()) return list.status();
  if (s.json()) {
    Json arr = Json::array();
    for (const auto& cs : *list) arr.push_back(ToJsonValue(cs));
    s.out() << arr.dump(2) << "\n";
    return 0;
  }
  if (list->empty()) {
    s.out() << "no change sets\n";
    return 0;
  }
  for (const auto& cs : *list) {
    s.out() << cs.id << "  " << cs.app << "/" << cs.environment << "  "
            << cs.state << "  " << cs.summary << "  (" << cs.operations.size()
            << " operation(s), by " << cs.created_by << ")\n";
  }
  return 0;
}

StatusOr<int> RunChangeSetShow(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto cs = (*c)->GetChangeSet(s.args().args[0]);
  if (!cs.ok()) return cs.status();
  if (s.json()) {
    s.out() << ToJsonValue(*cs).dump(2) << "\n";
  } else {
    PrintChangeSet(s.out(), *cs);
  }
  return 0;
}

StatusOr<int> RunChangeSetApprove(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  return Decided(s, (*c)->ApproveChangeSet(s.args().args[0]), "approved");
}

StatusOr<int> RunChangeSetReject(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  return Decided(s, (*c)->RejectChangeSet(s.args().args[0], s.flag("reason")),
                 "rejected");
}

}  // namespace encore::agent::cli
