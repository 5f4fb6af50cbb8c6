#include "model/app_model.h"

#include <gtest/gtest.h>

#include <string>

namespace encore::model {
namespace {

constexpr char kDesignExample[] = R"json({
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

TEST(AppModelTest, ParsesTheDesignExample) {
  auto m = ParseAppModel(kDesignExample);
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->services.size(), 2u);
  EXPECT_EQ(m->services[0].name, "orders");
  EXPECT_EQ(m->services[0].databases, std::vector<std::string>{"orders"});
  EXPECT_EQ(m->services[1].name, "email");
  ASSERT_EQ(m->subscriptions.size(), 1u);
  const auto& sub = m->subscriptions[0];
  EXPECT_EQ(sub.topic, "order-created");
  EXPECT_EQ(sub.service, "email");
  EXPECT_EQ(sub.ack_deadline_seconds, 30);
  EXPECT_EQ(sub.retention_seconds, 7 * 86400);
  EXPECT_EQ(sub.max_retries, 5);
  EXPECT_EQ(sub.min_backoff_seconds, 10);
  EXPECT_EQ(sub.max_backoff_seconds, 600);
  ASSERT_EQ(m->cron_jobs.size(), 1u);
  EXPECT_EQ(m->cron_jobs[0].schedule, "0 4 * * *");
  ASSERT_EQ(m->buckets.size(), 1u);
  EXPECT_TRUE(m->buckets[0].versioned);
  EXPECT_FALSE(m->buckets[0].is_public);
  EXPECT_EQ(m->secrets, std::vector<std::string>{"StripeKey"});
}

TEST(AppModelTest, EmptyObjectIsValid) {
  auto m = ParseAppModel("{}");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(m->services.empty());
  EXPECT_EQ(m->canonical_json, "{}");
}

TEST(AppModelTest, SubscriptionDefaultsAreEncores) {
  auto m = ParseAppModel(R"({"services":[{"name":"a"}],"topics":[{"name":"t"}],
      "subscriptions":[{"name":"s","topic":"t","service":"a"}]})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  const auto& s = m->subscriptions[0];
  EXPECT_EQ(s.ack_deadline_seconds, 30);
  EXPECT_EQ(s.retention_seconds, 7 * 86400);
  EXPECT_EQ(s.max_retries, 100);
  EXPECT_EQ(s.min_backoff_seconds, 10);
  EXPECT_EQ(s.max_backoff_seconds, 600);
}

TEST(AppModelTest, CanonicalFormIgnoresWhitespaceAndKeyOrder) {
  auto a = ParseAppModel(R"({"services":[{"name":"a"}],"secrets":["K"]})");
  auto b = ParseAppModel(
      "{\n  \"secrets\": [ \"K\" ],\n"
      "  \"services\": [ { \"name\" : \"a\" } ]\n}");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->canonical_json, b->canonical_json);
  EXPECT_EQ(a->canonical_json,
            R"({"secrets":["K"],"services":[{"name":"a"}]})");
  EXPECT_EQ(AppModelHash(*a), AppModelHash(*b));
  EXPECT_EQ(AppModelHash(*a).size(), 64u);
  auto c = ParseAppModel(R"({"services":[{"name":"b"}],"secrets":["K"]})");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(AppModelHash(*a), AppModelHash(*c));
}

struct BadCase {
  const char* name;
  const char* json;
  std::vector<std::string> message_has;  // each must appear
};

class AppModelErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(AppModelErrorTest, ReportsTheProblem) {
  const BadCase& c = GetParam();
  auto m = ParseAppModel(c.json);
  ASSERT_FALSE(m.ok()) << c.name;
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  for (const auto& part : c.message_has) {
    EXPECT_NE(m.status().message().find(part), std::string::npos)
        << c.name << ": message lacks \"" << part << "\":\n"
        << m.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, AppModelErrorTest,
    ::testing::Values(
        BadCase{"bad_json", "{\"services\": [", {"not valid JSON"}},
        BadCase{"not_object", "[1,2]", {"must be a JSON object", "array"}},
        BadCase{"unknown_top_key",
                R"({"servces": []})",
                {"unknown key \"servces\"", "\"services\"", "spelling"}},
        BadCase{"unknown_service_key",
                R"({"services": [{"name": "a", "dbs": []}]})",
                {"services[0] (\"a\")", "unknown key \"dbs\""}},
        BadCase{"service_without_name",
                R"({"services": [{"databases": []}]})",
                {"services[0]", "\"name\" is missing"}},
        BadCase{"duplicate_service",
                R"({"services": [{"name": "a"}, {"name": "a"}]})",
                {"\"a\" is declared more than once"}},
        BadCase{"dangling_database",
                R"({"services": [{"name": "orders", "databases": ["ordrs"]}],
                    "databases": [{"name": "orders"}]})",
                {"service \"orders\"", "database \"ordrs\"",
                 "add {\"name\": \"ordrs\"} to \"databases\""}},
        BadCase{"dangling_topic",
                R"({"services": [{"name": "orders", "publishes": ["t"]}]})",
                {"service \"orders\"", "topic \"t\"", "\"topics\""}},
        BadCase{"dangling_cache",
                R"({"services": [{"name": "a", "caches": ["c"]}]})",
                {"service \"a\"", "cache \"c\"", "\"caches\""}},
        BadCase{"dangling_bucket",
                R"({"services": [{"name": "a", "buckets": ["b"]}]})",
                {"service \"a\"", "bucket \"b\"", "\"buckets\""}},
        BadCase{"dangling_secret",
                R"({"services": [{"name": "a", "secrets": ["Key"]}]})",
                {"service \"a\"", "secret \"Key\"", "\"secrets\""}},
        BadCase{"subscription_unknown_topic",
                R"({"services": [{"name": "email"}],
                    "subscriptions": [{"name": "s", "topic": "nope",
                                       "service": "email"}]})",
                {"subscription \"s\"", "topic \"nope\""}},
        BadCase{"subscription_unknown_service",
                R"({"topics": [{"name": "t"}],
                    "subscriptions": [{"name": "s", "topic": "t",
                                       "service": "mail"}]})",
                {"subscription \"s\"", "service \"mail\""}},
        BadCase{"subscription_without_topic",
                R"({"services": [{"name": "a"}],
                    "subscriptions": [{"name": "s", "service": "a"}]})",
                {"\"topic\" is missing"}},
        BadCase{"cron_unknown_service",
                R"({"cron_jobs": [{"name": "c", "every": "1h",
                                   "endpoint": "orders.Cleanup"}]})",
                {"cron job \"c\"", "service \"orders\""}},
        BadCase{"bad_ack_deadline",
                R"({"services": [{"name": "a"}], "topics": [{"name": "t"}],
                    "subscriptions": [{"name": "s", "topic": "t",
                      "service": "a", "ack_deadline": "30x"}]})",
                {"\"ack_deadline\" is \"30x\"", "\"30s\""}},
        BadCase{"duration_not_string",
                R"({"services": [{"name": "a"}], "topics": [{"name": "t"}],
                    "subscriptions": [{"name": "s", "topic": "t",
                      "service": "a", "retention": 7}]})",
                {"\"retention\" is 7", "duration"}},
        BadCase{"backoff_order",
                R"({"services": [{"name": "a"}], "topics": [{"name": "t"}],
                    "subscriptions": [{"name": "s", "topic": "t",
                      "service": "a", "min_backoff": "1h",
                      "max_backoff": "1m"}]})",
                {"min_backoff", "max_backoff"}},
        BadCase{"bad_every",
                R"({"services": [{"name": "a"}],
                    "cron_jobs": [{"name": "c", "every": "7m",
                                   "endpoint": "a.Run"}]})",
                {"\"every\"", "divide 24h"}},
        BadCase{"schedule_and_every",
                R"({"services": [{"name": "a"}],
                    "cron_jobs": [{"name": "c", "every": "1h",
                      "schedule": "0 4 * * *", "endpoint": "a.Run"}]})",
                {"exactly one of \"schedule\""}},
        BadCase{"bad_schedule",
                R"({"services": [{"name": "a"}],
                    "cron_jobs": [{"name": "c", "schedule": "daily",
                                   "endpoint": "a.Run"}]})",
                {"not a cron expression"}},
        BadCase{"bad_delivery",
                R"({"topics": [{"name": "t", "delivery": "once"}]})",
                {"\"delivery\" is \"once\"", "\"at-least-once\""}},
        BadCase{"bad_eviction",
                R"({"caches": [{"name": "c", "eviction_policy": "lru"}]})",
                {"\"eviction_policy\" is \"lru\"", "\"allkeys-lru\""}},
        BadCase{"bad_secret_name",
                R"({"secrets": ["9key"]})",
                {"\"9key\" is not a valid secret name"}},
        BadCase{"services_not_array",
                R"({"services": {"name": "a"}})",
                {"\"services\" must be a JSON array"}},
        BadCase{"bad_public",
                R"({"buckets": [{"name": "b", "public": "no"}]})",
                {"\"public\" must be true or false"}}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
      return std::string(info.param.name);
    });

TEST(AppModelTest, ReportsEveryProblem) {
  auto m = ParseAppModel(R"({"services": [{"name": "a",
      "databases": ["x"], "caches": ["y"]}]})");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("database \"x\""), std::string::npos);
  EXPECT_NE(m.status().message().find("cache \"y\""), std::string::npos);
}

}  // namespace
}  // namespace encore::model
