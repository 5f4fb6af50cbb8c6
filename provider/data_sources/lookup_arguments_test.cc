#include "provider/data_sources/lookup_arguments.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "provider/catalog.h"
#include "provider/framework/validate.h"

namespace encore::data_sources {
namespace {

using framework::DataSource;
using values::Type;
using values::Value;

struct Case {
  std::function<std::unique_ptr<DataSource>()> factory;
  std::string type_name;
  std::vector<std::string> computed;   // besides id, app, env
  std::vector<std::string> sensitive;  // exactly these
};

std::vector<Case> Lookups() {
  return {
      {catalog::NewSqlDatabaseDataSource,
       "encore_sql_database",
       {"host", "port", "database", "user", "password", "sslmode",
        "connection_string", "provider_id"},
       {"password", "connection_string"}},
      {catalog::NewPubsubTopicDataSource,
       "encore_pubsub_topic",
       {"stream", "subjects", "delivery", "ordering_key", "server_url",
        "provider_id"},
       {}},
      {catalog::NewPubsubSubscriptionDataSource,
       "encore_pubsub_subscription",
       {"topic", "stream", "subject", "server_url", "consumer",
        "ack_deadline", "max_retries", "dead_letter", "provider_id"},
       {}},
      {catalog::NewCacheDataSource,
       "encore_cache",
       {"host", "port", "address", "url", "eviction_policy", "key_prefix",
        "provider_id"},
       {}},
      {catalog::NewBucketDataSource,
       "encore_bucket",
       {"path", "public", "versioned", "base_url", "provider_id"},
       {}},
      {catalog::NewServiceDataSource,
       "encore_service",
       {"base_url", "databases", "topics", "caches", "buckets", "provider_id"},
       {}},
      {catalog::NewGatewayDataSource,
       "encore_gateway",
       {"url", "address", "provider_id"},
       {}},
  };
}

Value Config(const DataSource& ds, std::map<std::string, Value> attrs) {
  return Value::ObjectOf(ds.schema().block.ImpliedType(), std::move(attrs));
}

Diagnostics Validate(const DataSource& ds, const Value& config) {
  Diagnostics diags;
  framework::CallContext ctx;
  framework::ValidateBlock(ds.schema().block, config, ctx.capabilities, diags);
  ds.ValidateConfig(ctx, config, diags);
  return diags;
}

TEST(LookupDataSourcesTest, SchemaHasSharedArgumentsAndFacts) {
  for (const Case& c : Lookups()) {
    SCOPED_TRACE(c.type_name);
    std::unique_ptr<DataSource> ds = c.factory();
    EXPECT_EQ(ds->type_name(), c.type_name);
    const framework::Block& b = ds->schema().block;
    EXPECT_FALSE(b.description.empty());
    ASSERT_NE(b.FindAttribute("name"), nullptr);
    EXPECT_TRUE(b.FindAttribute("name")->is_required());
    for (const char* arg : {"app", "env"}) {
      ASSERT_NE(b.FindAttribute(arg), nullptr) << arg;
      EXPECT_EQ(b.FindAttribute(arg)->presence,
                framework::Presence::kOptionalComputed);
    }
    ASSERT_NE(b.FindAttribute("id"), nullptr);
    // + status and planned_calls, shared by every typed lookup.
    EXPECT_EQ(b.attributes.size(), 6 + c.computed.size());
    for (const char* shared : {"status", "planned_calls"}) {
      ASSERT_NE(b.FindAttribute(shared), nullptr) << shared;
      EXPECT_TRUE(b.FindAttribute(shared)->is_computed()) << shared;
    }
    for (const std::string& name : c.computed) {
      const framework::Attribute* a = b.FindAttribute(name);
      ASSERT_NE(a, nullptr) << name;
      EXPECT_EQ(a->presence, framework::Presence::kComputed) << name;
    }
    for (const framework::Attribute& a : b.attributes) {
      bool want = std::find(c.sensitive.begin(), c.sensitive.end(), a.name) !=
                  c.sensitive.end();
      EXPECT_EQ(a.sensitive, want) << a.name;
      EXPECT_FALSE(a.description.empty()) << a.name;
    }
  }
}

TEST(LookupDataSourcesTest, AcceptsNameAlone) {
  for (const Case& c : Lookups()) {
    SCOPED_TRACE(c.type_name);
    std::unique_ptr<DataSource> ds = c.factory();
    Diagnostics diags =
        Validate(*ds, Config(*ds, {{"name", Value::String("orders")}}));
    EXPECT_FALSE(diags.HasError()) << diags.ToString();
    diags = Validate(*ds, Config(*ds, {{"name", Value::String("orders")},
                                       {"app", Value::String("shop")},
                                       {"env", Value::String("pr:42")}}));
    EXPECT_FALSE(diags.HasError()) << diags.ToString();
  }
}

TEST(LookupDataSourcesTest, RejectsBadNamesWithPaths) {
  struct Bad {
    std::string attr;
    std::string value;
  };
  for (const Bad& bad : std::vector<Bad>{{"env", "Production"},
                                         {"env", "pr:"},
                                         {"env", "pr:x"},
                                         {"app", "Shop"},
                                         {"app", "s"},
                                         {"name", "has space"},
                                         {"name", "9lives"}}) {
    std::unique_ptr<DataSource> ds = catalog::NewSqlDatabaseDataSource();
    std::map<std::string, Value> attrs = {{"name", Value::String("orders")}};
    attrs[bad.attr] = Value::String(bad.value);
    Diagnostics diags = Validate(*ds, Config(*ds, attrs));
    ASSERT_TRUE(diags.HasError()) << bad.attr << "=" << bad.value;
    EXPECT_EQ(diags.items()[0].path, AttributePath::Root(bad.attr));
  }
}

TEST(LookupDataSourcesTest, UnknownArgumentsAreNotErrors) {
  std::unique_ptr<DataSource> ds = catalog::NewCacheDataSource();
  Diagnostics diags =
      Validate(*ds, Config(*ds, {{"name", Value::Unknown(Type::String())},
                                 {"env", Value::Unknown(Type::String())}}));
  EXPECT_FALSE(diags.HasError()) << diags.ToString();
}

TEST(LookupDataSourcesTest, ReadWithoutConfiguredProviderIsAnError) {
  std::unique_ptr<DataSource> ds = catalog::NewGatewayDataSource();
  framework::CallContext ctx;
  Value config = Config(*ds, {{"name", Value::String("api-gateway")}});
  framework::DataReadResponse resp;
  ds->Read(framework::DataReadRequest{ctx, config}, resp);
  ASSERT_TRUE(resp.diags.HasError());
  EXPECT_EQ(resp.diags.items()[0].summary, "Provider not configured");
}

TEST(AppDataSourceTest, SchemaAndNameRule) {
  std::unique_ptr<DataSource> ds = catalog::NewAppDataSource();
  EXPECT_EQ(ds->type_name(), "encore_app");
  const framework::Block& b = ds->schema().block;
  EXPECT_TRUE(b.FindAttribute("name")->is_required());
  for (const char* name : {"id", "model", "model_hash", "services"}) {
    ASSERT_NE(b.FindAttribute(name), nullptr) << name;
    EXPECT_EQ(b.FindAttribute(name)->presence, framework::Presence::kComputed);
  }
  EXPECT_EQ(b.FindAttribute("services")->type, Type::List(Type::String()));
  EXPECT_FALSE(
      Validate(*ds, Config(*ds, {{"name", Value::String("shop")}})).HasError());
  EXPECT_TRUE(Validate(*ds, Config(*ds, {{"name", Value::String("my_shop")}}))
                  .HasError());
}

TEST(EnvironmentDataSourceTest, Schema) {
  std::unique_ptr<DataSource> ds = catalog::NewEnvironmentDataSource();
  EXPECT_EQ(ds->type_name(), "encore_environment");
  const framework::Block& b = ds->schema().block;
  EXPECT_TRUE(b.FindAttribute("name")->is_required());
  EXPECT_TRUE(b.FindAttribute("app")->is_optional());
  for (const char* name : {"id", "type", "cloud", "region", "url", "status",
                           "version", "infrastructure"}) {
    ASSERT_NE(b.FindAttribute(name), nullptr) << name;
    EXPECT_EQ(b.FindAttribute(name)->presence, framework::Presence::kComputed);
  }
  const Type& infra = b.FindAttribute("infrastructure")->type;
  ASSERT_EQ(infra.kind(), values::TypeKind::kList);
  EXPECT_EQ(infra.element().attributes().size(), 6u);
  EXPECT_EQ(infra.element().attributes().at("planned_calls"),
            Type::List(Type::String()));
  EXPECT_FALSE(
      Validate(*ds, Config(*ds, {{"name", Value::String("pr:7")}})).HasError());
  Diagnostics diags =
      Validate(*ds, Config(*ds, {{"name", Value::String("PR-7")}}));
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(diags.items()[0].path, AttributePath::Root("name"));
}

TEST(EnvironmentsDataSourceTest, TypeFilterIsAnEnum) {
  std::unique_ptr<DataSource> ds = catalog::NewEnvironmentsDataSource();
  EXPECT_EQ(ds->type_name(), "encore_environments");
  EXPECT_FALSE(Validate(*ds, Config(*ds, {})).HasError());
  for (const char* t : {"production", "development", "preview", "local"}) {
    EXPECT_FALSE(
        Validate(*ds, Config(*ds, {{"type", Value::String(t)}})).HasError())
        << t;
  }
  Diagnostics diags =
      Validate(*ds, Config(*ds, {{"type", Value::String("staging")}}));
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(diags.items()[0].path, AttributePath::Root("type"));
  EXPECT_NE(diags.items()[0].detail.find("preview"), std::string::npos)
      << diags.ToString();
  const Type& envs = ds->schema().block.FindAttribute("environments")->type;
  ASSERT_EQ(envs.kind(), values::TypeKind::kList);
  EXPECT_EQ(envs.element().attributes().size(), 5u);
}

}  // namespace
}  // namespace encore::data_sources
