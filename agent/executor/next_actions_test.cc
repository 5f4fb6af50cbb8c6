#include "agent/executor/next_actions.h"

#include <gtest/gtest.h>

namespace encore::agent {
namespace {

model::InfraItem Item(std::string kind, std::string name,
                      std::map<std::string, std::string> attrs = {}) {
  model::InfraItem i;
  i.kind = std::move(kind);
  i.name = std::move(name);
  static const std::map<std::string, std::string> kScheme = {
      {"sql_database", "postgres:local/"}, {"cache", "redis:local/"},
      {"pubsub_topic", "nats:stream/"}, {"pubsub_subscription", "nats:consumer/t/"},
      {"bucket", "disk:buckets/"}, {"cron_job", "cron:local/"}};
  i.provider_id = kScheme.at(i.kind) + i.name;
  i.attributes = std::move(attrs);
  return i;
}

LedgerEntry Entry(const model::InfraItem& i, std::string state = "ready",
                  std::string owner = "encore-agent") {
  LedgerEntry e;
  e.app = "shop";
  e.environment = "local";
  e.kind = i.kind;
  e.name = i.name;
  e.provider_id = i.provider_id;
  e.owner = std::move(owner);
  e.state = std::move(state);
  for (const auto& [k, v] : i.attributes) e.attributes[k] = {v, v};
  return e;
}

struct Case {
  const char* what;
  std::vector<model::InfraItem> desired;
  std::vector<LedgerEntry> ledger;
  std::vector<model::AdoptSpec> adopt;
  std::string policy;
  std::vector<std::pair<ActionKind, std::string>> want;  // kind, item name
};

TEST(NextActions, Table) {
  auto cache = Item("cache", "sessions", {{"maxmemory-policy", "allkeys-lru"}});
  auto cache2 = Item("cache", "sessions", {{"maxmemory-policy", "noeviction"}});
  auto db = Item("sql_database", "orders", {{"owner", "orders_svc"}});
  auto topic = Item("pubsub_topic", "t", {{"max_age", "168h"}});
  auto sub = Item("pubsub_subscription", "s", {{"ack_wait", "30s"}});
  auto cron = Item("cron_job", "cleanup");
  auto bucket = Item("bucket", "receipts", {{"public", "false"}});
  std::vector<Case> cases = {
      {"new resources are created; cron has no driver",
       {cache, cron}, {}, {}, "delete",
       {{ActionKind::kCreate, "sessions"}}},
      {"unchanged is nothing at all", {cache}, {Entry(cache)}, {}, "delete",
       {{ActionKind::kNone, "sessions"}}},
      {"a changed attribute is an update", {cache2}, {Entry(cache)}, {}, "delete",
       {{ActionKind::kUpdate, "sessions"}}},
      {"a crash mid-create resumes", {cache}, {Entry(cache, "creating")}, {},
       "delete", {{ActionKind::kResumeCreate, "sessions"}}},
      {"a crash mid-delete finishes", {cache}, {Entry(cache, "deleting")}, {},
       "delete", {{ActionKind::kDelete, "sessions"}}},
      {"removed stateful resource is retained by policy", {},
       {Entry(db), Entry(cache)}, {}, "retain",
       {{ActionKind::kRetain, "orders"}, {ActionKind::kDelete, "sessions"}}},
      {"removed stateful resource is deleted by policy", {}, {Entry(db)}, {},
       "delete", {{ActionKind::kDelete, "orders"}}},
      {"adopt blocks adopt instead of creating", {db, bucket}, {},
       {{"sql_database", "orders", "observe"}, {"bucket", "receipts", "manage"}},
       "delete",
       {{ActionKind::kAdoptObserve, "orders"}, {ActionKind::kAdoptManage, "receipts"}}},
      {"an adopted resource is forgotten, never dropped", {},
       {Entry(db, "ready", "adopted:manage")}, {}, "delete",
       {{ActionKind::kForget, "orders"}}},
      {"an observed resource is never written",
       {Item("sql_database", "orders", {{"owner", "x"}})},
       {Entry(db, "ready", "adopted:observe")}, {}, "delete",
       {{ActionKind::kNone, "orders"}}},
      {"topics are made before their subscriptions", {sub, topic}, {}, {},
       "delete",
       {{ActionKind::kCreate, "t"}, {ActionKind::kCreate, "s"}}},
      {"subscriptions go before topics on removal", {},
       {Entry(sub), Entry(topic)}, {}, "delete",
       {{ActionKind::kDelete, "s"}, {ActionKind::kDelete, "t"}}},
  };
  for (const auto& c : cases) {
    auto got = NextActions(c.desired, c.ledger, c.adopt, c.policy);
    std::vector<std::pair<ActionKind, std::string>> names;
    for (const auto& a : got) names.emplace_back(a.kind, a.item.name);
    EXPECT_EQ(names, c.want) << c.what;
  }
}

TEST(NextActions, AnUpdatePatchesOnlyWhatChangedAndExpectsTheObservedValue) {
  auto before = Item("cache", "c", {{"maxmemory-policy", "allkeys-lru"},
                                    {"maxmemory", "256mb"}});
  LedgerEntry e = Entry(before);
  e.attributes["maxmemory"].observed = "268435456";
  auto after = Item("cache", "c", {{"maxmemory-policy", "allkeys-lru"},
                                   {"maxmemory", "512mb"}});
  auto got = NextActions({after}, {e}, {}, "delete");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].patch, (std::map<std::string, std::string>{{"maxmemory", "512mb"}}));
  EXPECT_EQ(got[0].expected,
            (std::map<std::string, std::string>{{"maxmemory", "268435456"}}));
}

TEST(NextActions, ANewlySetAttributeHasNoPrecondition) {
  auto before = Item("cache", "c", {{"maxmemory-policy", "allkeys-lru"}});
  auto after = Item("cache", "c", {{"maxmemory-policy", "allkeys-lru"},
                                   {"maxmemory", "64mb"}});
  auto got = NextActions({after}, {Entry(before)}, {}, "delete");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].patch, (std::map<std::string, std::string>{{"maxmemory", "64mb"}}));
  EXPECT_TRUE(got[0].expected.empty());
}

TEST(NextActions, ARemovedOverrideResetsTheAttribute) {
  auto before = Item("cache", "c", {{"maxmemory", "256mb"}});
  auto after = Item("cache", "c", {});
  auto got = NextActions({after}, {Entry(before)}, {}, "delete");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, ActionKind::kUpdate);
  EXPECT_EQ(got[0].patch, (std::map<std::string, std::string>{{"maxmemory", ""}}));
}

TEST(NextActions, ResumingAnUpdateRewritesWhatWasNotConfirmed) {
  auto item = Item("cache", "c", {{"maxmemory-policy", "noeviction"},
                                  {"maxmemory", "1mb"}});
  LedgerEntry e = Entry(item, "updating");
  e.attributes["maxmemory-policy"].observed = "";  // written, never re-read
  auto got = NextActions({item}, {e}, {}, "delete");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, ActionKind::kResumeUpdate);
  EXPECT_EQ(got[0].patch,
            (std::map<std::string, std::string>{{"maxmemory-policy", "noeviction"}}));
}

TEST(NextActions, CloudItemsAreNotExecuted) {
  model::InfraItem rds = Item("sql_database", "orders");
  rds.provider_id = "rds:eu-west-1/orders";
  EXPECT_TRUE(NextActions({rds}, {}, {}, "delete").empty());
}

}  // namespace
}  // namespace encore::agent
