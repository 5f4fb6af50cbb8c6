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

class SecretTest : public ::testing::Test {
 protected:
  std::unique_ptr<framework::Resource> r_ = catalog::NewSecretResource();
  const framework::Block& block() { return r_->schema().block; }
  Value Config(std::map<std::string, Value> extra) {
    std::map<std::string, Value> attrs = {{"app", S("shop")},
                                          {"name", S("StripeKey")}};
    for (auto& [k, v] : extra) attrs[k] = v;
    return Obj(block(), attrs);
  }
  void ExpectOnlyErrorAt(const Value& config, const AttributePath& path,
                         const std::string& fix) {
    Diagnostics d = Validate(*r_, config);
    const Diagnostic* e = ErrorAt(d, path);
    ASSERT_NE(e, nullptr) << "no error at " << path.ToString() << ":\n"
                          << d.ToString();
    EXPECT_EQ(d.size(), 1u) << d.ToString();
    EXPECT_NE(e->detail.find(fix), std::string::npos)
        << "detail lacks \"" << fix << "\": " << e->detail;
  }
};

TEST_F(SecretTest, Schema) {
  EXPECT_EQ(r_->type_name(), "encore_secret");
  EXPECT_EQ(r_->import_id_format(), "APP/NAME");
  EXPECT_TRUE(block().FindAttribute("values")->sensitive);
  EXPECT_TRUE(block().FindAttribute("values_wo")->write_only);
  for (const auto& a : block().attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST_F(SecretTest, ValidConfigs) {
  Diagnostics d = Validate(*r_, Config({{"values", StrMap({{"production", "a"},
                                                           {"env:pr:12", "b"},
                                                           {"env:staging", "c"},
                                                           {"local", "d"}})}}));
  EXPECT_TRUE(d.empty()) << d.ToString();
  d = Validate(*r_, Config({{"values_wo", StrMap({{"development", "a"}})},
                            {"values_wo_version", Value::Int(1)}}));
  EXPECT_TRUE(d.empty()) << d.ToString();
  d = Validate(*r_,
               Config({{"values", Value::Unknown(Type::Map(Type::String()))}}));
  EXPECT_TRUE(d.empty()) << d.ToString();
}

TEST_F(SecretTest, NeedsValuesOrValuesWo) {
  ExpectOnlyErrorAt(Config({}), kRoot.Attr("values"), "Set exactly one of");
}

TEST_F(SecretTest, NotBothValuesAndValuesWo) {
  ExpectOnlyErrorAt(Config({{"values", StrMap({{"local", "a"}})},
                            {"values_wo", StrMap({{"local", "a"}})},
                            {"values_wo_version", Value::Int(1)}}),
                    kRoot.Attr("values_wo"), "remove one");
}

TEST_F(SecretTest, ValuesWoNeedsVersion) {
  ExpectOnlyErrorAt(Config({{"values_wo", StrMap({{"local", "a"}})}}),
                    kRoot.Attr("values_wo_version"), "set values_wo_version");
}

TEST_F(SecretTest, VersionOnlyWithValuesWo) {
  ExpectOnlyErrorAt(Config({{"values", StrMap({{"local", "a"}})},
                            {"values_wo_version", Value::Int(1)}}),
                    kRoot.Attr("values_wo_version"), "remove it");
}

TEST_F(SecretTest, BadKeyIsAnErrorAtTheKey) {
  ExpectOnlyErrorAt(Config({{"values", StrMap({{"prod", "a"}})}}),
                    kRoot.Attr("values").Key("prod"), "\"env:<name>\"");
  ExpectOnlyErrorAt(Config({{"values_wo", StrMap({{"env:Bad", "a"}})},
                            {"values_wo_version", Value::Int(1)}}),
                    kRoot.Attr("values_wo").Key("env:Bad"), "\"production\"");
}

TEST_F(SecretTest, BadNameIsAnError) {
  Diagnostics d = Validate(*r_, Config({{"name", S("stripe-key")},
                                        {"values", StrMap({{"local", "a"}})}}));
  EXPECT_NE(ErrorAt(d, kRoot.Attr("name")), nullptr) << d.ToString();
}

TEST_F(SecretTest, PlanKnowsIdAndWriteOnlyIsNull) {
  Value config = Config({{"values_wo", StrMap({{"local", "a"}})},
                         {"values_wo_version", Value::Int(1)}});
  auto resp = Plan(*r_, Value::Null(block().ImpliedType()), config);
  const Value& p = resp.planned_state;
  EXPECT_EQ(p.GetAttr("id"), S("shop/StripeKey"));
  EXPECT_TRUE(p.GetAttr("values_wo").IsNull());
  // An apply always leaves the agent holding the configured values.
  EXPECT_EQ(p.GetAttr("values_sync"), S("in_sync"));
}

TEST_F(SecretTest, ImportIds) {
  auto resp = Import(*r_, "shop/StripeKey");
  ASSERT_FALSE(resp.diags.HasError()) << resp.diags.ToString();
  EXPECT_EQ(resp.state.GetAttr("app"), S("shop"));
  EXPECT_EQ(resp.state.GetAttr("name"), S("StripeKey"));
  EXPECT_EQ(resp.state.GetAttr("id"), S("shop/StripeKey"));
  EXPECT_TRUE(resp.state.GetAttr("values").IsNull());
  for (const char* id : {"shop", "shop/a/b", "shop/9x", "SHOP/Key", "/Key"}) {
    auto bad = Import(*r_, id);
    ASSERT_TRUE(bad.diags.HasError()) << id;
    EXPECT_NE(bad.diags.items()[0].detail.find("APP/NAME"), std::string::npos)
        << bad.diags.ToString();
  }
}

}  // namespace
}  // namespace encore::resources
