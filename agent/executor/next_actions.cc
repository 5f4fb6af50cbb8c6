#include "agent/executor/next_actions.h"

#include <algorithm>
#include <set>

namespace encore::agent {
namespace {

using Key = std::pair<std::string, std::string>;  // kind, name

bool Stateful(const std::string& kind) {
  return kind == "sql_database" || kind == "bucket";
}

const model::AdoptSpec* AdoptFor(const std::vector<model::AdoptSpec>& adopt,
                                 const model::InfraItem& item) {
  for (const auto& a : adopt) {
    if (a.kind == item.kind && a.name == item.name) return &a;
  }
  return nullptr;
}

model::InfraItem ItemOfEntry(const LedgerEntry& e) {
  model::InfraItem item;
  item.kind = e.kind;
  item.name = e.name;
  item.provider_id = e.provider_id;
  item.owner = e.owner;
  for (const auto& [k, a] : e.attributes) item.attributes[k] = a.written;
  return item;
}

}  // namespace

const char* ActionName(ActionKind k) {
  switch (k) {
    case ActionKind::kNone: return "none";
    case ActionKind::kCreate: return "create";
    case ActionKind::kAdoptObserve: return "adopt (observe)";
    case ActionKind::kAdoptManage: return "adopt (manage)";
    case ActionKind::kResumeCreate: return "resume create";
    case ActionKind::kResumeUpdate: return "resume update";
    case ActionKind::kUpdate: return "update";
    case ActionKind::kDelete: return "delete";
    case ActionKind::kRetain: return "retain";
    case ActionKind::kForget: return "forget";
  }
  return "?";
}

bool Executable(const model::InfraItem& item) {
  static const std::set<std::string> kKinds = {
      "sql_database", "cache", "pubsub_topic", "pubsub_subscription", "bucket"};
  if (!kKinds.count(item.kind)) return false;
  const std::string scheme = item.provider_id.substr(0, item.provider_id.find(':'));
  return scheme == "postgres" || scheme == "redis" || scheme == "nats" ||
         scheme == "disk";
}

std::vector<ResourceAction> NextActions(const std::vector<model::InfraItem>& desired,
                                const std::vector<LedgerEntry>& ledger,
                                const std::vector<model::AdoptSpec>& adopt,
                                const std::string& deletion_policy) {
  std::map<Key, const LedgerEntry*> by_key;
  for (const auto& e : ledger) by_key[{e.kind, e.name}] = &e;
  std::vector<ResourceAction> out;
  std::set<Key> wanted;
  for (const auto& item : desired) {
    if (!Executable(item)) continue;
    Key key{item.kind, item.name};
    wanted.insert(key);
    ResourceAction a;
    a.item = item;
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      const model::AdoptSpec* ad = AdoptFor(adopt, item);
      a.kind = ad == nullptr              ? ActionKind::kCreate
               : ad->policy == "manage"   ? ActionKind::kAdoptManage
                                          : ActionKind::kAdoptObserve;
      out.push_back(std::move(a));
      continue;
    }
    const LedgerEntry& e = *it->second;
    a.entry = &e;
    if (e.state == "creating") {
      a.kind = ActionKind::kResumeCreate;
    } else if (e.state == "deleting") {
      a.kind = ActionKind::kDelete;
    } else if (e.state == "updating") {
      a.kind = ActionKind::kResumeUpdate;
      for (const auto& [k, v] : item.attributes) {
        auto at = e.attributes.find(k);
        if (at == e.attributes.end() || at->second.written != v ||
            at->second.observed.empty()) {
          a.patch[k] = v;
        }
      }
    } else if (e.owner == "adopted:observe") {
      a.kind = ActionKind::kNone;
    } else {
      for (const auto& [k, v] : item.attributes) {
        auto at = e.attributes.find(k);
        if (at == e.attributes.end() || at->second.written != v) {
          a.patch[k] = v;
          // A precondition only for what we wrote and read back before: an
          // attribute newly set (e.g. an override added) has no last write.
          if (at != e.attributes.end() && !at->second.observed.empty()) {
            a.expected[k] = at->second.observed;
          }
        }
      }
      for (const auto& [k, at] : e.attributes) {
        if (!item.attributes.count(k) && !at.written.empty()) {
          a.patch[k] = "";  // an override removed: back to the default
          a.expected[k] = at.observed;
        }
      }
      a.kind = a.patch.empty() ? ActionKind::kNone : ActionKind::kUpdate;
    }
    out.push_back(std::move(a));
  }
  // Topics before the subscriptions that read from them.
  std::stable_sort(out.begin(), out.end(),
                   [](const ResourceAction& x, const ResourceAction& y) {
                     return (x.item.kind == "pubsub_subscription") <
                            (y.item.kind == "pubsub_subscription");
                   });
  // Removals: subscriptions before the topics they read from.
  std::vector<const LedgerEntry*> removals;
  for (const auto& e : ledger) removals.push_back(&e);
  std::stable_sort(removals.begin(), removals.end(),
                   [](const LedgerEntry* x, const LedgerEntry* y) {
                     return (x->kind == "pubsub_subscription") >
                            (y->kind == "pubsub_subscription");
                   });
  for (const LedgerEntry* ep : removals) {
    const LedgerEntry& e = *ep;
    if (wanted.count({e.kind, e.name})) continue;
    ResourceAction a;
    a.item = ItemOfEntry(e);
    a.entry = &e;
    if (e.owner.rfind("adopted:", 0) == 0) {
      a.kind = ActionKind::kForget;
    } else if (Stateful(e.kind) && deletion_policy != "delete" &&
               e.state != "deleting") {
      a.kind = ActionKind::kRetain;
    } else {
      a.kind = ActionKind::kDelete;
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<ResourceAction> WorkToDo(const std::vector<ResourceAction>& actions) {
  std::vector<ResourceAction> out;
  for (const auto& a : actions) {
    if (a.kind != ActionKind::kNone) out.push_back(a);
  }
  return out;
}

}  // namespace encore::agent
