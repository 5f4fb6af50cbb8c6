#include <gtest/gtest.h>

#include "provider/catalog.h"
#include "provider/resources/test_util.h"

namespace encore::resources {
namespace {

using testing::ErrorAt;
using testing::Import;
using testing::Obj;
using testing::Plan;
using testing::S;
using testing::StrMap;
using testing::Validate;
using values::Type;
using values::Value;

const AttributePath kRoot;

class InfraOverrideTest : public ::testing::Test {
 protected:
  std::unique_ptr<framework::Resource> r_ = catalog::NewInfraOverrideResource();
  const framework::Block& block() { return r_->schema().block; }
  Value Config(Value kind, Value settings) {
    return Obj(block(), {{"app", S("shop")},
                         {"environment", S("prod")},
                         {"kind", kind},
                         {"name", S("orders")},
                         {"settings", settings}});
  }
};

TEST_F(InfraOverrideTest, Schema) {
  EXPECT_EQ(r_->type_name(), "encore_infra_override");
  EXPECT_EQ(r_->import_id_format(), "APP/ENV/KIND/NAME");
  for (const auto& a : block().attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST_F(InfraOverrideTest, AllowedKeysPerKind) {
  struct Case {
    const char* kind;
    std::map<std::string, std::string> settings;
  };
  for (const Case& c : std::vector<Case>{
           {"sql_database",
            {{"instance_class", "db.t3.micro"},
             {"storage_gb", "20"},
             {"max_connections", "100"},
             {"version", "16"}}},
           {"cache", {{"node_type", "cache.t3.micro"}, {"max_memory", "1gb"}}},
           {"pubsub_topic", {{"max_bytes", "1048576"}}},
           {"service",
            {{"min_instances", "1"},
             {"max_instances", "5"},
             {"cpu", "0.5"},
             {"memory", "512Mi"}}},
           {"bucket", {}}}) {
    Diagnostics d = Validate(*r_, Config(S(c.kind), StrMap(c.settings)));
    EXPECT_TRUE(d.empty()) << c.kind << ": " << d.ToString();
  }
}

TEST_F(InfraOverrideTest, UnknownKeyListsAllowedOnes) {
  Diagnostics d =
      Validate(*r_, Config(S("cache"), StrMap({{"max_memroy", "1gb"}})));
  const Diagnostic* e = ErrorAt(d, kRoot.Attr("settings").Key("max_memroy"));
  ASSERT_NE(e, nullptr) << d.ToString();
  EXPECT_NE(e->detail.find("\"node_type\" or \"max_memory\""),
            std::string::npos)
      << e->detail;
  EXPECT_EQ(d.size(), 1u);
}

TEST_F(InfraOverrideTest, BucketTakesNoSettings) {
  Diagnostics d = Validate(*r_, Config(S("bucket"), StrMap({{"x", "1"}})));
  const Diagnostic* e = ErrorAt(d, kRoot.Attr("settings").Key("x"));
  ASSERT_NE(e, nullptr) << d.ToString();
  EXPECT_NE(e->detail.find("takes no settings"), std::string::npos);
}

TEST_F(InfraOverrideTest, NumericSettingsArePositiveIntegers) {
  for (const char* bad : {"0", "-1", "1.5", "ten", ""}) {
    Diagnostics d =
        Validate(*r_, Config(S("service"), StrMap({{"max_instances", bad}})));
    const Diagnostic* e =
        ErrorAt(d, kRoot.Attr("settings").Key("max_instances"));
    ASSERT_NE(e, nullptr) << bad << ": " << d.ToString();
    EXPECT_NE(e->detail.find("positive whole number"), std::string::npos);
  }
}

TEST_F(InfraOverrideTest, UnknownKindChecksOnlyNumbers) {
  Value u = Value::Unknown(Type::String());
  Diagnostics d = Validate(*r_, Config(u, StrMap({{"anything", "x"}})));
  EXPECT_TRUE(d.empty()) << d.ToString();
  d = Validate(*r_, Config(u, StrMap({{"storage_gb", "x"}})));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("settings").Key("storage_gb")), nullptr);
  d = Validate(*r_,
               Config(S("cache"), Value::Unknown(Type::Map(Type::String()))));
  EXPECT_TRUE(d.empty()) << d.ToString();
}

TEST_F(InfraOverrideTest, BadKindIsAnError) {
  Diagnostics d = Validate(*r_, Config(S("queue"), StrMap({})));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("kind")), nullptr) << d.ToString();
}

TEST_F(InfraOverrideTest, PlanKnowsId) {
  auto resp = Plan(*r_, Value::Null(block().ImpliedType()),
                   Config(S("sql_database"), StrMap({{"storage_gb", "20"}})));
  EXPECT_EQ(resp.planned_state.GetAttr("id"),
            S("shop/prod/sql_database/orders"));
  resp = Plan(*r_, Value::Null(block().ImpliedType()),
              Config(Value::Unknown(Type::String()), StrMap({})));
  EXPECT_TRUE(resp.planned_state.GetAttr("id").IsUnknown());
}

TEST_F(InfraOverrideTest, ImportIds) {
  auto resp = Import(*r_, "shop/pr:4/cache/sessions");
  ASSERT_FALSE(resp.diags.HasError()) << resp.diags.ToString();
  EXPECT_EQ(resp.state.GetAttr("environment"), S("pr:4"));
  EXPECT_EQ(resp.state.GetAttr("kind"), S("cache"));
  EXPECT_EQ(resp.state.GetAttr("name"), S("sessions"));
  EXPECT_EQ(resp.state.GetAttr("id"), S("shop/pr:4/cache/sessions"));
  for (const char* id :
       {"shop/prod/cache", "shop/prod/queue/x", "shop//cache/x",
        "shop/prod/cache/x/y", "S/p/cache/x"}) {
    auto bad = Import(*r_, id);
    ASSERT_TRUE(bad.diags.HasError()) << id;
    EXPECT_NE(bad.diags.items()[0].detail.find("APP/ENV/KIND/NAME"),
              std::string::npos)
        << bad.diags.ToString();
  }
}

}  // namespace
}  // namespace encore::resources
