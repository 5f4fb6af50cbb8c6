#include "agent/executor/runtime_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace encore::agent {
namespace {

using json = nlohmann::json;

RuntimeConfigInput Input() {
  auto m = model::ParseAppModel(R"({
    "services": [
      {"name": "orders", "databases": ["orders"], "caches": ["sessions"],
       "publishes": ["created"], "secrets": ["Key"]},
      {"name": "email", "databases": ["orders"]}],
    "databases": [{"name": "orders"}],
    "topics": [{"name": "created"}],
    "subscriptions": [{"name": "mail", "topic": "created", "service": "email"}],
    "caches": [{"name": "sessions"}],
    "secrets": ["Key"]})");
  EXPECT_TRUE(m.ok()) << m.status().message();
  RuntimeConfigInput in;
  in.model = *m;
  in.env.spec.app = "shop";
  in.env.spec.name = "local";
  in.env.spec.type = "local";
  in.env.spec.cloud = "local";
  in.env.url = "http://127.0.0.1:4000";
  model::InfraItem email_group;
  email_group.kind = "process";
  email_group.name = "email";
  email_group.attributes["services"] = "email";
  in.env.infrastructure = {email_group};
  LedgerEntry db;
  db.kind = "sql_database";
  db.name = "orders";
  db.backend_name = "orders";
  db.attributes["roles"] = {"orders_svc,email_svc", "orders_svc,email_svc"};
  db.facts = {{"host", "127.0.0.1"}, {"port", "5433"}, {"user", "orders_svc"}};
  LedgerEntry cache;
  cache.kind = "cache";
  cache.name = "sessions";
  cache.facts = {{"host", "127.0.0.1"}, {"port", "6380"}};
  LedgerEntry topic;
  topic.kind = "pubsub_topic";
  topic.name = "created";
  topic.backend_name = "created";
  topic.facts = {{"url", "nats://127.0.0.1:4222"}, {"stream", "created"},
                 {"subjects", "created"}};
  LedgerEntry sub;
  sub.kind = "pubsub_subscription";
  sub.name = "mail";
  sub.facts = {{"consumer", "mail"}, {"stream", "created"},
               {"subject", "created"}, {"dead_letter_stream", "mail-dlq"}};
  in.ledger = {db, cache, topic, sub};
  return in;
}

TEST(RuntimeConfig, WithoutSecretsPasswordsAreVariableReferences) {
  auto doc = BuildRuntimeConfig(Input());
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  json j = json::parse(*doc);
  const json& db = j["sql_servers"][0]["databases"]["orders"];
  EXPECT_EQ(j["sql_servers"][0]["host"], "127.0.0.1:5433");
  EXPECT_EQ(db["username"], "orders_svc");
  EXPECT_EQ(db["password"]["$env"], "ENCORE_DB_ORDERS_PASSWORD");
  EXPECT_EQ(j["secrets"]["Key"]["$env"], "ENCORE_SECRET_KEY");
  EXPECT_EQ(j["redis"]["sessions"]["host"], "127.0.0.1:6380");
  EXPECT_EQ(j["pubsub"][0]["servers"][0], "nats://127.0.0.1:4222");
  EXPECT_EQ(j["pubsub"][0]["topics"]["created"]["subscriptions"]["mail"]["name"],
            "mail");
  EXPECT_EQ(j["metadata"]["base_url"], "http://127.0.0.1:4000");
}

TEST(RuntimeConfig, WithSecretsTheValuesAreIn) {
  RuntimeConfigInput in = Input();
  in.include_secrets = true;
  in.role_passwords = {{"orders_svc", "pw-orders"}, {"email_svc", "pw-email"}};
  in.secrets = {{"Key", "sk_test"}};
  auto doc = BuildRuntimeConfig(in);
  ASSERT_TRUE(doc.ok());
  json j = json::parse(*doc);
  EXPECT_EQ(j["sql_servers"][0]["databases"]["orders"]["password"], "pw-orders");
  EXPECT_EQ(j["secrets"]["Key"], "sk_test");
}

TEST(RuntimeConfig, AProcessGroupGetsOnlyWhatItsServicesUseWithTheirRole) {
  RuntimeConfigInput in = Input();
  in.process_group = "email";
  in.include_secrets = true;
  in.role_passwords = {{"orders_svc", "pw-orders"}, {"email_svc", "pw-email"}};
  auto doc = BuildRuntimeConfig(in);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  json j = json::parse(*doc);
  EXPECT_EQ(j["sql_servers"][0]["databases"]["orders"]["username"], "email_svc");
  EXPECT_EQ(j["sql_servers"][0]["databases"]["orders"]["password"], "pw-email");
  EXPECT_TRUE(j["redis"].empty()) << "email uses no cache";
  EXPECT_TRUE(j["secrets"].empty()) << "email uses no secret";
  EXPECT_EQ(j["pubsub"][0]["topics"]["created"]["subscriptions"].size(), 1u);
}

TEST(RuntimeConfig, AnUnknownProcessGroupNamesTheGroups) {
  RuntimeConfigInput in = Input();
  in.process_group = "nope";
  auto doc = BuildRuntimeConfig(in);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find("(email)"), std::string::npos)
      << doc.status().message();
}

}  // namespace
}  // namespace encore::agent
