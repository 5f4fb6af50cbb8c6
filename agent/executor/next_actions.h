// What to do next for one environment (DESIGN §5, house rule 4): a pure
// function of the desired infrastructure, the ownership ledger, the adopt
// blocks and the deletion policy. Ledger-first: a resource whose desired
// attributes equal the values last written gets kNone and costs no backend
// call at all.
//
//   desired, not in ledger          -> kCreate (kAdoptObserve / kAdoptManage
//                                      when an adopt block names it)
//   in ledger, state creating       -> kResumeCreate (a crash mid-create)
//   in ledger, state updating       -> kResumeUpdate (patch: written values
//                                      whose observed value differs)
//   in ledger, state deleting       -> kDelete (finish it)
//   in ledger ready, same written   -> kNone
//   in ledger ready, changed        -> kUpdate: patch = the changed
//                                      attributes only ("" = reset);
//                                      expected = their observed values
//   in ledger, no longer desired    -> kDelete; kRetain for stateful kinds
//                                      (sql_database, bucket) under policy
//                                      "retain"; kForget for adopted ones
//                                      (never dropped)
//   adopted with policy observe     -> never written: a changed desired
//                                      attribute is kNone (observe only)
// Kinds without a driver (cron_job, process, gateway) and cloud items
// (status "plan_only") are left out: nothing to execute.
// Order: creates and updates in desired order (topics before their
// subscriptions), then removals, subscriptions first.
#ifndef ENCORE_AGENT_EXECUTOR_NEXT_ACTIONS_H_
#define ENCORE_AGENT_EXECUTOR_NEXT_ACTIONS_H_

#include <map>
#include <string>
#include <vector>

#include "agent/store/store.h"
#include "model/records.h"

namespace encore::agent {

enum class ActionKind {
  kNone,
  kCreate,
  kAdoptObserve,
  kAdoptManage,
  kResumeCreate,
  kResumeUpdate,
  kUpdate,
  kDelete,
  kRetain,
  kForget,
};
const char* ActionName(ActionKind k);

struct ResourceAction {
  ActionKind kind = ActionKind::kNone;
  model::InfraItem item;  // desired; for removals the ledger's view
  std::map<std::string, std::string> patch;     // kUpdate / kResumeUpdate
  std::map<std::string, std::string> expected;  // kUpdate: observed values
  const LedgerEntry* entry = nullptr;           // when in the ledger
  bool operator==(const ResourceAction& o) const {
    return kind == o.kind && item.kind == o.item.kind &&
           item.name == o.item.name && patch == o.patch &&
           expected == o.expected;
  }
};

// True for kinds a local driver executes, for items the agent runs.
bool Executable(const model::InfraItem& item);

std::vector<ResourceAction> NextActions(const std::vector<model::InfraItem>& desired,
                                const std::vector<LedgerEntry>& ledger,
                                const std::vector<model::AdoptSpec>& adopt,
                                const std::string& deletion_policy);

// Only the actions that do something (not kNone).
std::vector<ResourceAction> WorkToDo(const std::vector<ResourceAction>& actions);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_EXECUTOR_NEXT_ACTIONS_H_
