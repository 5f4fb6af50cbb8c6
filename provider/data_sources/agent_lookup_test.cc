// The data sources' reads through a fake agent: app and environment
// resolution (arguments, provider defaults, primary environment), item
// lookups and their errors.
#include "provider/data_sources/agent_lookup.h"

#include <gtest/gtest.h>

#include "provider/catalog.h"
#include "provider/resources/fake_agent_client.h"

namespace encore::data_sources {
namespace {

using framework::DataSource;
using resources::testing::ContextWith;
using resources::testing::FakeAgentClient;
using values::Type;
using values::Value;

constexpr char kModel[] =
    R"({"services":[{"name":"orders","databases":["orders"],)"
    R"("caches":["sessions"]}],"databases":[{"name":"orders"}],)"
    R"("caches":[{"name":"sessions","eviction_policy":"allkeys-lfu"}]})";

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::App app;
    app.name = "shop";
    app.model_json = kModel;
    ASSERT_TRUE(fake_->CreateApp(app).ok());
    model::Environment env;
    env.spec.app = "shop";
    env.spec.name = "prod";
    env.spec.type = "production";
    env.spec.cloud = "local";
    env.spec.process_allocation = "single";
    env.version = 4;
    env.status = "planned";
    env.url = "http://127.0.0.1:4000";
    env.infrastructure = {
        {"cache",
         "sessions",
         "redis:local/sessions",
         "encore-agent",
         "planned",
         {"redis-server --port <port>"},
         {}},
        {"gateway",
         "api-gateway",
         "port:4000",
         "encore-agent",
         "planned",
         {},
         {}},
        {"process", "main", "process:main", "encore-agent", "planned", {}, {}},
        {"sql_database",
         "orders",
         "postgres:local/orders",
         "encore-agent",
         "planned",
         {"CREATE DATABASE \"orders\""},
         {}}};
    fake_->envs["shop/prod"] = env;
    model::Environment dev = env;
    dev.spec.name = "dev";
    dev.spec.type = "development";
    fake_->envs["shop/dev"] = dev;
  }

  framework::DataReadResponse Read(const DataSource& ds,
                                   std::map<std::string, Value> attrs,
                                   config::ProviderSettings settings = {}) {
    for (const auto& a : ds.schema().block.attributes) {
      if (!attrs.count(a.name)) attrs[a.name] = Value::Null(a.type);
    }
    Value config = Value::ObjectOf(ds.schema().block.ImpliedType(), attrs);
    auto ctx = ContextWith(fake_, settings);
    framework::DataReadResponse resp;
    ds.Read(framework::DataReadRequest{ctx, config}, resp);
    return resp;
  }

  std::shared_ptr<FakeAgentClient> fake_ = std::make_shared<FakeAgentClient>();
};

TEST_F(LookupTest, CacheFromArgumentsAndModel) {
  auto ds = catalog::NewCacheDataSource();
  auto r = Read(*ds, {{"app", Value::String("shop")},
                      {"env", Value::String("prod")},
                      {"name", Value::String("sessions")}});
  ASSERT_FALSE(r.diags.HasError()) << r.diags.ToString();
  ASSERT_TRUE(r.state.IsWhollyKnown());
  EXPECT_EQ(r.state.GetAttr("id"), Value::String("shop/prod/cache/sessions"));
  EXPECT_EQ(r.state.GetAttr("provider_id"),
            Value::String("redis:local/sessions"));
  EXPECT_EQ(r.state.GetAttr("status"), Value::String("planned"));
  EXPECT_EQ(r.state.GetAttr("planned_calls").Length(), 1);
  EXPECT_EQ(r.state.GetAttr("eviction_policy"), Value::String("allkeys-lfu"));
  // Not provisioned (the agent answers NOT_FOUND): the connection facts
  // are null, never invented, and a warning names the environment's status.
  EXPECT_TRUE(r.state.GetAttr("host").IsNull());
  EXPECT_TRUE(r.state.GetAttr("port").IsNull());
  ASSERT_EQ(r.diags.items().size(), 1u);
  EXPECT_EQ(r.diags.items()[0].severity, Severity::kWarning);
  EXPECT_NE(r.diags.items()[0].detail.find("status is \"planned\""),
            std::string::npos)
      << r.diags.items()[0].detail;
  EXPECT_NE(r.diags.items()[0].detail.find("shop/prod"), std::string::npos);
}

TEST_F(LookupTest, ConnectionFactsFromTheAgent) {
  auto& env = fake_->envs["shop/prod"];
  env.status = "ready";
  env.infrastructure.push_back({"pubsub_topic",
                                "events",
                                "nats:stream/events",
                                "encore-agent",
                                "ready",
                                {},
                                {}});
  env.infrastructure.push_back({"pubsub_subscription",
                                "mailer",
                                "nats:consumer/events/mailer",
                                "encore-agent",
                                "ready",
                                {},
                                {}});
  env.infrastructure.push_back(
      {"bucket", "uploads", "dir:uploads", "encore-agent", "ready", {}, {}});
  auto facts = [](std::string kind, std::string name,
                  std::map<std::string, std::string> f,
                  std::map<std::string, std::string> creds = {}) {
    model::ResourceFacts r;
    r.kind = kind;
    r.name = name;
    r.status = "ready";
    r.facts = std::move(f);
    r.credentials = std::move(creds);
    return r;
  };
  fake_->facts["shop/prod/sql_database/orders"] =
      facts("sql_database", "orders",
            {{"host", "127.0.0.1"},
             {"port", "5433"},
             {"database", "prod_orders"},
             {"user", "orders_app"},
             {"sslmode", "disable"}},
            {{"password", "p@ss word"}});
  fake_->facts["shop/prod/cache/sessions"] =
      facts("cache", "sessions",
            {{"host", "127.0.0.1"},
             {"port", "6380"},
             {"url", "redis://127.0.0.1:6380"}});
  fake_->facts["shop/prod/pubsub_topic/events"] =
      facts("pubsub_topic", "events",
            {{"stream", "prod-events"},
             {"subjects", "prod.events,prod.events.>"},
             {"url", "nats://127.0.0.1:4222"}});
  fake_->facts["shop/prod/pubsub_subscription/mailer"] =
      facts("pubsub_subscription", "mailer",
            {{"stream", "prod-events"},
             {"consumer", "mailer"},
             {"subject", "prod.events"},
             {"dead_letter_stream", "prod-mailer-dlq"},
             {"url", "nats://127.0.0.1:4222"}});
  fake_->facts["shop/prod/bucket/uploads"] =
      facts("bucket", "uploads",
            {{"path", "/var/lib/encore-agent/b/uploads"},
             {"url", "file:///var/lib/encore-agent/b/uploads"}});
  fake_->facts["shop/prod/gateway/api-gateway"] =
      facts("gateway", "api-gateway",
            {{"host", "127.0.0.1"},
             {"port", "4000"},
             {"url", "http://127.0.0.1:4000"}});
  auto read = [&](const DataSource& ds, const std::string& name) {
    auto r = Read(ds, {{"app", Value::String("shop")},
                       {"env", Value::String("prod")},
                       {"name", Value::String(name)}});
    EXPECT_FALSE(r.diags.HasError()) << r.diags.ToString();
    EXPECT_TRUE(r.diags.items().empty()) << r.diags.ToString();
    return r.state;
  };

  Value db = read(*catalog::NewSqlDatabaseDataSource(), "orders");
  EXPECT_TRUE(fake_->last_include_credentials);
  EXPECT_EQ(db.GetAttr("host"), Value::String("127.0.0.1"));
  EXPECT_EQ(db.GetAttr("port"), Value::Int(5433));
  EXPECT_EQ(db.GetAttr("database"), Value::String("prod_orders"));
  EXPECT_EQ(db.GetAttr("user"), Value::String("orders_app"));
  EXPECT_EQ(db.GetAttr("password"), Value::String("p@ss word"));
  EXPECT_EQ(db.GetAttr("sslmode"), Value::String("disable"));
  EXPECT_EQ(db.GetAttr("connection_string"),
            Value::String("postgresql://orders_app:p%40ss%20word@127.0.0.1:"
                          "5433/prod_orders?sslmode=disable"));

  Value cache = read(*catalog::NewCacheDataSource(), "sessions");
  EXPECT_FALSE(fake_->last_include_credentials);
  EXPECT_EQ(cache.GetAttr("port"), Value::Int(6380));
  EXPECT_EQ(cache.GetAttr("address"), Value::String("127.0.0.1:6380"));
  EXPECT_EQ(cache.GetAttr("url"), Value::String("redis://127.0.0.1:6380"));
  EXPECT_TRUE(cache.GetAttr("key_prefix").IsNull());

  Value topic = read(*catalog::NewPubsubTopicDataSource(), "events");
  EXPECT_EQ(topic.GetAttr("stream"), Value::String("prod-events"));
  EXPECT_EQ(topic.GetAttr("subjects"),
            Value::List(Type::String(), {Value::String("prod.events"),
                                         Value::String("prod.events.>")}));
  EXPECT_EQ(topic.GetAttr("server_url"),
            Value::String("nats://127.0.0.1:4222"));

  Value sub = read(*catalog::NewPubsubSubscriptionDataSource(), "mailer");
  EXPECT_EQ(sub.GetAttr("stream"), Value::String("prod-events"));
  EXPECT_EQ(sub.GetAttr("consumer"), Value::String("mailer"));
  EXPECT_EQ(sub.GetAttr("subject"), Value::String("prod.events"));
  EXPECT_EQ(sub.GetAttr("dead_letter"), Value::String("prod-mailer-dlq"));
  EXPECT_EQ(sub.GetAttr("server_url"), Value::String("nats://127.0.0.1:4222"));

  Value bucket = read(*catalog::NewBucketDataSource(), "uploads");
  EXPECT_EQ(bucket.GetAttr("path"),
            Value::String("/var/lib/encore-agent/b/uploads"));
  EXPECT_EQ(bucket.GetAttr("base_url"),
            Value::String("file:///var/lib/encore-agent/b/uploads"));

  Value gw = read(*catalog::NewGatewayDataSource(), "api-gateway");
  EXPECT_EQ(gw.GetAttr("address"), Value::String("127.0.0.1:4000"));
  EXPECT_EQ(gw.GetAttr("url"), Value::String("http://127.0.0.1:4000"));

  // A token that may not read credentials still gets the facts.
  fake_->fail_next["GetResourceFacts"] =
      Status::PermissionDenied("member may not read production credentials");
  auto viewer = Read(*catalog::NewSqlDatabaseDataSource(),
                     {{"app", Value::String("shop")},
                      {"env", Value::String("prod")},
                      {"name", Value::String("orders")}});
  ASSERT_FALSE(viewer.diags.HasError()) << viewer.diags.ToString();
  ASSERT_EQ(viewer.diags.items().size(), 1u);
  EXPECT_NE(viewer.diags.items()[0].detail.find("production credentials"),
            std::string::npos);
  EXPECT_EQ(viewer.state.GetAttr("host"), Value::String("127.0.0.1"));
  EXPECT_TRUE(viewer.state.GetAttr("password").IsNull());
  EXPECT_EQ(viewer.state.GetAttr("connection_string"),
            Value::String("postgresql://orders_app@127.0.0.1:5433/"
                          "prod_orders?sslmode=disable"));

  // Other agent errors are errors.
  fake_->fail_next["GetResourceFacts"] = Status::Internal("store broken");
  auto denied = Read(*catalog::NewCacheDataSource(),
                     {{"app", Value::String("shop")},
                      {"env", Value::String("prod")},
                      {"name", Value::String("sessions")}});
  ASSERT_TRUE(denied.diags.HasError());
  EXPECT_EQ(denied.diags.items()[0].summary, "Agent error");
}

TEST_F(LookupTest, CloudEnvironmentWarnsThatDriversOnlyPlan) {
  fake_->envs["shop/prod"].spec.cloud = "aws";
  fake_->envs["shop/prod"].status = "plan_only";
  auto r = Read(*catalog::NewSqlDatabaseDataSource(),
                {{"app", Value::String("shop")},
                 {"env", Value::String("prod")},
                 {"name", Value::String("orders")}});
  ASSERT_FALSE(r.diags.HasError()) << r.diags.ToString();
  ASSERT_EQ(r.diags.items().size(), 1u);
  EXPECT_NE(r.diags.items()[0].detail.find("\"plan_only\""), std::string::npos);
  EXPECT_NE(r.diags.items()[0].detail.find("aws drivers only plan"),
            std::string::npos);
  EXPECT_TRUE(r.state.GetAttr("password").IsNull());
  EXPECT_TRUE(r.state.GetAttr("connection_string").IsNull());
}

TEST_F(LookupTest, ProviderDefaultsThenPrimaryEnvironment) {
  auto ds = catalog::NewSqlDatabaseDataSource();
  config::ProviderSettings s;
  s.app = "shop";
  s.env = "dev";
  auto r = Read(*ds, {{"name", Value::String("orders")}}, s);
  ASSERT_FALSE(r.diags.HasError()) << r.diags.ToString();
  EXPECT_EQ(r.state.GetAttr("env"), Value::String("dev"));

  s.env = "";
  r = Read(*ds, {{"name", Value::String("orders")}}, s);
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(r.diags.items()[0].summary, "No environment");

  fake_->primaries["shop"] = {"shop", "prod", 1};
  r = Read(*ds, {{"name", Value::String("orders")}}, s);
  ASSERT_FALSE(r.diags.HasError()) << r.diags.ToString();
  EXPECT_EQ(r.state.GetAttr("env"), Value::String("prod"));
  EXPECT_EQ(r.state.GetAttr("app"), Value::String("shop"));
}

TEST_F(LookupTest, NoAppIsAnErrorAtApp) {
  auto ds = catalog::NewSqlDatabaseDataSource();
  auto r = Read(*ds, {{"name", Value::String("orders")}});
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(r.diags.items()[0].path, AttributePath::Root("app"));
}

TEST_F(LookupTest, MissingItemNamesEverythingAndListsWhatExists) {
  auto ds = catalog::NewSqlDatabaseDataSource();
  auto r = Read(*ds, {{"app", Value::String("shop")},
                      {"env", Value::String("prod")},
                      {"name", Value::String("billing")}});
  ASSERT_TRUE(r.diags.HasError());
  const std::string& d = r.diags.items()[0].detail;
  EXPECT_NE(d.find("shop/prod"), std::string::npos) << d;
  EXPECT_NE(d.find("sql_database named \"billing\""), std::string::npos) << d;
  EXPECT_NE(d.find("\"orders\""), std::string::npos) << d;
}

TEST_F(LookupTest, MissingEnvironmentListsTheApps) {
  auto ds = catalog::NewGatewayDataSource();
  auto r = Read(*ds, {{"app", Value::String("shop")},
                      {"env", Value::String("qa")},
                      {"name", Value::String("api-gateway")}});
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_NE(r.diags.items()[0].detail.find("\"dev\" and \"prod\""),
            std::string::npos)
      << r.diags.items()[0].detail;
}

TEST_F(LookupTest, GatewayAndServiceUseTheEnvironmentUrl) {
  auto gw = Read(*catalog::NewGatewayDataSource(),
                 {{"app", Value::String("shop")},
                  {"env", Value::String("prod")},
                  {"name", Value::String("api-gateway")}});
  ASSERT_FALSE(gw.diags.HasError()) << gw.diags.ToString();
  EXPECT_EQ(gw.state.GetAttr("url"), Value::String("http://127.0.0.1:4000"));
  EXPECT_EQ(gw.state.GetAttr("address"), Value::String("127.0.0.1:4000"));

  auto svc = Read(*catalog::NewServiceDataSource(),
                  {{"app", Value::String("shop")},
                   {"env", Value::String("prod")},
                   {"name", Value::String("orders")}});
  ASSERT_FALSE(svc.diags.HasError()) << svc.diags.ToString();
  EXPECT_EQ(svc.state.GetAttr("provider_id"), Value::String("process:main"));
  EXPECT_EQ(svc.state.GetAttr("databases").Length(), 1);
  EXPECT_EQ(svc.state.GetAttr("base_url"),
            Value::String("http://127.0.0.1:4000"));

  auto none = Read(*catalog::NewServiceDataSource(),
                   {{"app", Value::String("shop")},
                    {"env", Value::String("prod")},
                    {"name", Value::String("billing")}});
  ASSERT_TRUE(none.diags.HasError());
  EXPECT_NE(none.diags.items()[0].detail.find("\"orders\""), std::string::npos);
}

TEST_F(LookupTest, EnvironmentAndEnvironmentsAndApp) {
  auto env =
      Read(*catalog::NewEnvironmentDataSource(),
           {{"app", Value::String("shop")}, {"name", Value::String("prod")}});
  ASSERT_FALSE(env.diags.HasError()) << env.diags.ToString();
  ASSERT_TRUE(env.state.IsWhollyKnown());
  EXPECT_EQ(env.state.GetAttr("version"), Value::String("4"));
  EXPECT_TRUE(env.state.GetAttr("region").IsNull());
  EXPECT_EQ(env.state.GetAttr("infrastructure").Length(), 4);

  auto list = Read(
      *catalog::NewEnvironmentsDataSource(),
      {{"app", Value::String("shop")}, {"type", Value::String("development")}});
  ASSERT_FALSE(list.diags.HasError()) << list.diags.ToString();
  EXPECT_EQ(list.state.GetAttr("id"), Value::String("shop/development"));
  ASSERT_EQ(list.state.GetAttr("environments").Length(), 1);
  EXPECT_EQ(list.state.GetAttr("environments").Elements()[0].GetAttr("name"),
            Value::String("dev"));

  auto app =
      Read(*catalog::NewAppDataSource(), {{"name", Value::String("shop")}});
  ASSERT_FALSE(app.diags.HasError()) << app.diags.ToString();
  EXPECT_EQ(app.state.GetAttr("services").Length(), 1);
  auto missing =
      Read(*catalog::NewAppDataSource(), {{"name", Value::String("nope")}});
  ASSERT_TRUE(missing.diags.HasError());
  EXPECT_EQ(missing.diags.items()[0].summary, "Not found");
}

}  // namespace
}  // namespace encore::data_sources
