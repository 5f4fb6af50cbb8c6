#include "agent/planner/planner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace encore::agent {
namespace {

using model::EnvironmentSpec;
using model::InfraItem;
using model::InfraOverride;
using model::Operation;

constexpr char kModel[] = R"json({
  "services": [
    {"name": "orders", "databases": ["orders"], "publishes": ["order-created"],
     "caches": ["sessions"], "buckets": ["receipts"], "secrets": ["StripeKey"]},
    {"name": "email"}
  ],
  "databases": [{"name": "orders"}],
  "topics": [{"name": "order-created", "delivery": "at-least-once"}],
  "subscriptions": [{"name": "send-email", "topic": "order-created", "service": "email",
     "ack_deadline": "30s", "retention": "7d", "max_retries": 5,
     "min_backoff": "10s", "max_backoff": "10m"}],
  "caches": [{"name": "sessions", "eviction_policy": "allkeys-lru"}],
  "cron_jobs": [{"name": "cleanup", "schedule": "0 4 * * *", "endpoint": "orders.Cleanup"}],
  "buckets": [{"name": "receipts", "public": false, "versioned": true}],
  "secrets": ["StripeKey"]
})json";

model::AppModel Model(const char* json = kModel) {
  auto m = model::ParseAppModel(json);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return *m;
}

EnvironmentSpec Spec(const std::string& cloud,
                     const std::string& name = "dev") {
  EnvironmentSpec s;
  s.app = "shop";
  s.name = name;
  s.type = "development";
  s.cloud = cloud;
  if (cloud == "aws") s.region = "eu-west-1";
  if (cloud == "gcp") s.region = "europe-west1";
  return s;
}

const InfraItem* Find(const std::vector<InfraItem>& items,
                      const std::string& kind, const std::string& name) {
  for (const auto& i : items) {
    if (i.kind == kind && i.name == name) return &i;
  }
  return nullptr;
}

const Operation* FindOp(const std::vector<Operation>& ops,
                        const std::string& kind, const std::string& name) {
  for (const auto& o : ops) {
    if (o.kind == kind && o.name == name) return &o;
  }
  return nullptr;
}

std::vector<InfraItem> Plan(const EnvironmentSpec& spec,
                            const std::vector<InfraOverride>& ov = {}) {
  auto items = DesiredInfrastructure(Model(), spec, ov);
  EXPECT_TRUE(items.ok()) << items.status().message();
  return items.ok() ? *items : std::vector<InfraItem>{};
}

TEST(PlannerTest, LocalEnvironmentItemsInKindThenNameOrder) {
  auto items = Plan(Spec("local"));
  std::vector<std::string> got;
  for (const auto& i : items) got.push_back(i.kind + "/" + i.name);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "bucket/receipts", "cache/sessions", "cron_job/cleanup",
                     "gateway/api-gateway", "process/main",
                     "pubsub_subscription/send-email",
                     "pubsub_topic/order-created", "sql_database/orders"}));
  for (const auto& i : items) {
    EXPECT_EQ(i.owner, "encore-agent") << i.kind;
    EXPECT_EQ(i.status, "planned") << i.kind;
    EXPECT_FALSE(i.planned_calls.empty()) << i.kind;
  }
}

TEST(PlannerTest, LocalDatabaseCallsAndOwnership) {
  auto items = Plan(Spec("local"));
  const InfraItem* db = Find(items, "sql_database", "orders");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->provider_id, "postgres:local/orders");
  EXPECT_EQ(db->planned_calls,
            (std::vector<std::string>{
                "CREATE ROLE \"orders_svc\" LOGIN PASSWORD '<generated>'; "
                "COMMENT ON ROLE \"orders_svc\" IS 'managed-by=encore-agent "
                "env=shop/dev'",
                "CREATE DATABASE \"orders\" OWNER \"orders_svc\"",
                "COMMENT ON DATABASE \"orders\" IS 'managed-by=encore-agent "
                "env=shop/dev'"}));
  EXPECT_EQ(db->attributes.at("owner"), "orders_svc");
  EXPECT_EQ(db->attributes.count("connection_limit"), 0u);
}

TEST(PlannerTest, EncorePrefixesNamesPerEnvironment) {
  auto items = Plan(Spec("encore", "pr:12"));
  EXPECT_EQ(Find(items, "sql_database", "orders")->provider_id,
            "postgres:encore/pr-12_orders");
  EXPECT_EQ(Find(items, "pubsub_topic", "order-created")->provider_id,
            "nats:stream/pr-12_order-created");
  EXPECT_EQ(
      Find(items, "pubsub_topic", "order-created")->attributes.at("subjects"),
      "pr-12.order-created");
  EXPECT_EQ(Find(items, "bucket", "receipts")->provider_id,
            "disk:buckets/pr-12/receipts");
  EXPECT_EQ(Find(items, "cache", "sessions")->provider_id,
            "redis:encore/pr-12_sessions");
}

TEST(PlannerTest, OwnedAttributesPerKind) {
  auto items = Plan(Spec("local"));
  const InfraItem* topic = Find(items, "pubsub_topic", "order-created");
  EXPECT_EQ(topic->provider_id, "nats:stream/order-created");
  EXPECT_EQ(topic->attributes.at("max_age"), "7d");
  EXPECT_EQ(topic->attributes.at("subjects"), "order-created");
  EXPECT_EQ(topic->attributes.count("max_bytes"), 0u);
  const InfraItem* sub = Find(items, "pubsub_subscription", "send-email");
  EXPECT_EQ(sub->attributes.at("ack_wait"), "30s");
  EXPECT_EQ(sub->attributes.at("max_deliver"), "6");
  EXPECT_EQ(sub->attributes.at("backoff"), "10s..10m");
  EXPECT_EQ(sub->attributes.at("dead_letter"), "send-email-dlq");
  ASSERT_EQ(sub->planned_calls.size(), 2u);
  EXPECT_EQ(
      sub->planned_calls[0].rfind("JetStream STREAM.CREATE send-email-dlq", 0),
      0u);
  const InfraItem* cache = Find(items, "cache", "sessions");
  EXPECT_EQ(cache->provider_id, "redis:local/sessions");
  EXPECT_EQ(cache->attributes, (std::map<std::string, std::string>{
                                   {"maxmemory-policy", "allkeys-lru"}}));
  EXPECT_EQ(cache->planned_calls,
            std::vector<std::string>{
                "redis-server --port <port> --maxmemory-policy allkeys-lru"});
  const InfraItem* bucket = Find(items, "bucket", "receipts");
  EXPECT_EQ(bucket->provider_id, "disk:buckets/receipts");
  EXPECT_EQ(bucket->attributes.at("public"), "false");
  EXPECT_EQ(bucket->attributes.at("versioned"), "true");
}

TEST(PlannerTest, OverridesBecomeOwnedAttributes) {
  std::vector<InfraOverride> ov = {
      {"shop", "dev", "cache", "sessions", {{"max_memory", "256mb"}}, 1},
      {"shop", "dev", "sql_database", "orders", {{"max_connections", "20"}}, 1},
      {"shop",
       "dev",
       "pubsub_topic",
       "order-created",
       {{"max_bytes", "1000"}},
       1}};
  auto items = Plan(Spec("local"), ov);
  EXPECT_EQ(Find(items, "cache", "sessions")->attributes.at("maxmemory"),
            "256mb");
  const InfraItem* db = Find(items, "sql_database", "orders");
  EXPECT_EQ(db->attributes.at("connection_limit"), "20");
  EXPECT_EQ(db->planned_calls.back(),
            "ALTER DATABASE \"orders\" CONNECTION LIMIT 20");
  EXPECT_EQ(
      Find(items, "pubsub_topic", "order-created")->attributes.at("max_bytes"),
      "1000");
}

struct BadOverrideCase {
  const char* label;
  InfraOverride o;
  const char* message_part;
};

TEST(PlannerTest, BadOverridesAreErrors) {
  std::vector<BadOverrideCase> cases = {
      {"unknown key",
       {"shop", "dev", "cache", "sessions", {{"size", "1"}}, 1},
       "unknown key \"size\"; allowed: \"node_type\" or \"max_memory\""},
      {"missing resource",
       {"shop", "dev", "cache", "nope", {{"max_memory", "1mb"}}, 1},
       "cache \"nope\" names something the app model does not have"},
      {"unknown kind",
       {"shop", "dev", "queue", "x", {}, 1},
       "override kind \"queue\""},
      {"bucket has no keys",
       {"shop", "dev", "bucket", "receipts", {{"public", "true"}}, 1},
       "bucket overrides have no settings"},
      {"not a number",
       {"shop",
        "dev",
        "sql_database",
        "orders",
        {{"max_connections", "ten"}},
        1},
       "is not a whole number"},
      {"not a memory size",
       {"shop", "dev", "cache", "sessions", {{"max_memory", "lots"}}, 1},
       "is not a memory size"},
  };
  for (const auto& c : cases) {
    auto r = DesiredInfrastructure(Model(), Spec("local"), {c.o});
    ASSERT_FALSE(r.ok()) << c.label;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.label;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos)
        << c.label << ": " << r.status().message();
  }
}

TEST(PlannerTest, ProcessAllocation) {
  auto spec = Spec("local");
  EXPECT_EQ(Find(Plan(spec), "process", "main")->attributes.at("services"),
            "orders,email");
  spec.process_allocation = "per_service";
  auto items = Plan(spec);
  EXPECT_NE(Find(items, "process", "orders"), nullptr);
  EXPECT_NE(Find(items, "process", "email"), nullptr);
  EXPECT_EQ(Find(items, "process", "main"), nullptr);
  spec.process_allocation = "";
  spec.process_groups = {{"api", {"orders"}}, {"workers", {"email"}}};
  items = Plan(spec);
  EXPECT_EQ(Find(items, "process", "workers")->attributes.at("services"),
            "email");
}

TEST(PlannerTest, ProcessGroupErrorsNameTheService) {
  struct Case {
    std::vector<model::ProcessGroup> groups;
    const char* message_part;
  };
  std::vector<Case> cases = {
      {{{"api", {"orders"}}}, "service \"email\" is in no process_group"},
      {{{"api", {"orders", "email"}}, {"w", {"email"}}},
       "service \"email\" is in two process groups (\"api\" and \"w\")"},
      {{{"api", {"orders", "email", "billing"}}},
       "names service \"billing\", which the app model does not have"},
  };
  for (const auto& c : cases) {
    auto spec = Spec("local");
    spec.process_groups = c.groups;
    auto r = DesiredInfrastructure(Model(), spec, {});
    ASSERT_FALSE(r.ok()) << c.message_part;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos)
        << r.status().message();
  }
}

TEST(PlannerTest, AwsIsPlanOnlyWithCloudCalls) {
  auto items = Plan(Spec("aws", "prod"));
  for (const auto& i : items) EXPECT_EQ(i.status, "plan_only") << i.kind;
  const InfraItem* db = Find(items, "sql_database", "orders");
  EXPECT_EQ(db->provider_id, "rds:eu-west-1/shop-prod-orders");
  EXPECT_EQ(db->planned_calls[0].rfind("rds:CreateDBInstance", 0), 0u);
  EXPECT_EQ(db->planned_calls[0].find("MasterUserPassword: <generated>") !=
                std::string::npos,
            true);
  EXPECT_EQ(Find(items, "pubsub_topic", "order-created")->provider_id,
            "sns:eu-west-1/shop-prod-order-created");
  EXPECT_EQ(Find(items, "process", "main")->provider_id,
            "ecs:eu-west-1/shop-prod-main");
  auto ops = DiffInfrastructure({}, items, "retain");
  for (const auto& op : ops) {
    EXPECT_EQ(op.action, "create");
    EXPECT_EQ(op.note,
              "aws driver is plan-only: it lists the API calls it would make "
              "and never executes them");
  }
}

TEST(PlannerTest, GcpIsPlanOnly) {
  auto items = Plan(Spec("gcp", "prod"));
  EXPECT_EQ(Find(items, "sql_database", "orders")->provider_id,
            "cloudsql:europe-west1/shop-prod-orders");
  EXPECT_EQ(Find(items, "process", "main")->provider_id,
            "cloudrun:europe-west1/shop-prod-main");
  auto ops = DiffInfrastructure({}, items, "retain");
  EXPECT_EQ(ops[0].note.rfind("gcp driver is plan-only", 0), 0u);
}

TEST(PlannerTest, NoPlannedCallCarriesASecret) {
  model::EnvironmentSpec spec = Spec("local");
  spec.database = model::DatabaseSpec{
      "postgres", "",
      model::ExistingServer{"db.example", 5432, "admin", "hunter2-secret",
                            std::nullopt, "require", ""}};
  for (const auto& cloud : {"local", "aws"}) {
    spec.cloud = cloud;
    spec.region = std::string(cloud) == "aws" ? "eu-west-1" : "";
    for (const auto& i : Plan(spec)) {
      for (const auto& c : i.planned_calls) {
        EXPECT_EQ(c.find("hunter2"), std::string::npos) << c;
      }
    }
  }
  spec.cloud = "local";
  spec.region = "";
  EXPECT_EQ(Find(Plan(spec), "sql_database", "orders")->provider_id,
            "postgres:db.example:5432/orders");
}

TEST(PlannerTest, AdoptBlocks) {
  auto spec = Spec("local");
  spec.adopt = {{"cache", "sessions", "observe"},
                {"sql_database", "orders", "manage"}};
  auto items = Plan(spec);
  const InfraItem* cache = Find(items, "cache", "sessions");
  EXPECT_EQ(cache->owner, "adopted:observe");
  EXPECT_EQ(cache->planned_calls.size(), 1u);
  EXPECT_EQ(cache->planned_calls[0].rfind("read redis:local/sessions", 0), 0u);
  EXPECT_EQ(Find(items, "sql_database", "orders")->owner, "adopted:manage");
  auto ops = DiffInfrastructure({}, items, "delete");
  EXPECT_EQ(FindOp(ops, "cache", "sessions")->action, "adopt");
  EXPECT_EQ(FindOp(ops, "sql_database", "orders")->action, "adopt");
  EXPECT_EQ(FindOp(ops, "bucket", "receipts")->action, "create");

  spec.adopt = {{"cache", "nope", "observe"}};
  auto r = DesiredInfrastructure(Model(), spec, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("adopt cache \"nope\""),
            std::string::npos);
  spec.adopt = {{"cache", "sessions", "steal"}};
  EXPECT_FALSE(DesiredInfrastructure(Model(), spec, {}).ok());
  // An adopted resource is never deleted.
  auto teardown = TeardownOperations(items, "delete");
  EXPECT_EQ(FindOp(teardown, "cache", "sessions")->action, "retain");
  EXPECT_TRUE(FindOp(teardown, "cache", "sessions")->calls.empty());
}

TEST(PlannerTest, DiffEqualIsAllNoOps) {
  auto items = Plan(Spec("local"));
  auto ops = DiffInfrastructure(items, items, "delete");
  ASSERT_EQ(ops.size(), items.size());
  for (const auto& op : ops) {
    EXPECT_EQ(op.action, "no-op");
    EXPECT_TRUE(op.calls.empty());
  }
  EXPECT_FALSE(ChangesInfrastructure(ops));
  EXPECT_TRUE(ChangesInfrastructure(DiffInfrastructure({}, items, "delete")));
}

struct UpdateCase {
  const char* label;
  InfraOverride before_override;  // kind empty: none
  InfraOverride after_override;
  const char* kind;
  const char* name;
  std::vector<std::string> calls;
};

TEST(PlannerTest, UpdateCallsOnlyForChangedAttributes) {
  std::vector<UpdateCase> cases = {
      {"cache maxmemory set",
       {},
       {"shop", "dev", "cache", "sessions", {{"max_memory", "256mb"}}, 1},
       "cache",
       "sessions",
       {"CONFIG SET maxmemory 256mb"}},
      {"cache maxmemory removed",
       {"shop", "dev", "cache", "sessions", {{"max_memory", "256mb"}}, 1},
       {},
       "cache",
       "sessions",
       {"CONFIG SET maxmemory 0"}},
      {"connection limit",
       {"shop",
        "dev",
        "sql_database",
        "orders",
        {{"max_connections", "10"}},
        1},
       {"shop",
        "dev",
        "sql_database",
        "orders",
        {{"max_connections", "50"}},
        1},
       "sql_database",
       "orders",
       {"ALTER DATABASE \"orders\" CONNECTION LIMIT 50"}},
      {"stream max_bytes",
       {},
       {"shop",
        "dev",
        "pubsub_topic",
        "order-created",
        {{"max_bytes", "4096"}},
        1},
       "pubsub_topic",
       "order-created",
       {"JetStream STREAM.UPDATE order-created {max_bytes: 4096}"}},
  };
  for (const auto& c : cases) {
    std::vector<InfraOverride> before, after;
    if (!c.before_override.kind.empty()) before.push_back(c.before_override);
    if (!c.after_override.kind.empty()) after.push_back(c.after_override);
    auto ops = DiffInfrastructure(Plan(Spec("local"), before),
                                  Plan(Spec("local"), after), "delete");
    int updates = 0;
    for (const auto& op : ops) {
      if (op.action != "no-op") ++updates;
    }
    EXPECT_EQ(updates, 1) << c.label;
    const Operation* op = FindOp(ops, c.kind, c.name);
    ASSERT_NE(op, nullptr) << c.label;
    EXPECT_EQ(op->action, "update") << c.label;
    EXPECT_EQ(op->calls, c.calls) << c.label;
  }
}

TEST(PlannerTest, ModelChangeUpdatesConsumerAndStreamAge) {
  auto before = Plan(Spec("local"));
  std::string changed = kModel;
  changed.replace(changed.find("\"ack_deadline\": \"30s\""),
                  std::string("\"ack_deadline\": \"30s\"").size(),
                  "\"ack_deadline\": \"1m\"");
  changed.replace(changed.find("\"retention\": \"7d\""),
                  std::string("\"retention\": \"7d\"").size(),
                  "\"retention\": \"14d\"");
  auto after = DesiredInfrastructure(Model(changed.c_str()), Spec("local"), {});
  ASSERT_TRUE(after.ok());
  auto ops = DiffInfrastructure(before, *after, "delete");
  EXPECT_EQ(FindOp(ops, "pubsub_subscription", "send-email")->calls,
            std::vector<std::string>{
                "JetStream CONSUMER.UPDATE order-created send-email "
                "{ack_wait: 1m}"});
  EXPECT_EQ(FindOp(ops, "pubsub_topic", "order-created")->calls,
            std::vector<std::string>{
                "JetStream STREAM.UPDATE order-created {max_age: 14d}"});
}

TEST(PlannerTest, DeletesAndRetention) {
  auto items = Plan(Spec("local"));
  auto fewer = DesiredInfrastructure(Model(R"({"services":[{"name":"orders"},
      {"name":"email"}]})"),
                                     Spec("local"), {});
  ASSERT_TRUE(fewer.ok());
  auto ops = DiffInfrastructure(items, *fewer, "retain");
  EXPECT_EQ(FindOp(ops, "sql_database", "orders")->action, "retain");
  EXPECT_TRUE(FindOp(ops, "sql_database", "orders")->calls.empty());
  EXPECT_EQ(FindOp(ops, "bucket", "receipts")->action, "retain");
  EXPECT_EQ(FindOp(ops, "cache", "sessions")->action, "delete");
  EXPECT_EQ(
      FindOp(ops, "cache", "sessions")->calls,
      std::vector<std::string>{"SHUTDOWN NOSAVE (redis-server sessions)"});
  // Deletes come after creates and updates.
  EXPECT_EQ(ops.front().action, "no-op");
  EXPECT_EQ(ops.back().action == "delete" || ops.back().action == "retain",
            true);
  ops = DiffInfrastructure(items, *fewer, "delete");
  EXPECT_EQ(FindOp(ops, "sql_database", "orders")->calls,
            (std::vector<std::string>{"DROP DATABASE \"orders\"",
                                      "DROP ROLE \"orders_svc\""}));
  auto teardown = TeardownOperations(items, "retain");
  EXPECT_EQ(teardown.size(), items.size());
  EXPECT_EQ(FindOp(teardown, "bucket", "receipts")->action, "retain");
  EXPECT_EQ(FindOp(teardown, "process", "main")->action, "delete");
}

TEST(PlannerTest, EffectiveDeletionPolicyByType) {
  auto spec = Spec("local");
  EXPECT_EQ(EffectiveDeletionPolicy(spec), "delete");
  spec.type = "production";
  EXPECT_EQ(EffectiveDeletionPolicy(spec), "retain");
  spec.deletion_policy = "delete";
  EXPECT_EQ(EffectiveDeletionPolicy(spec), "delete");
}

}  // namespace
}  // namespace encore::agent
