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
using testing::Validate;
using values::Type;
using values::Value;

class PrimaryEnvironmentTest : public ::testing::Test {
 protected:
  std::unique_ptr<framework::Resource> r_ =
      catalog::NewPrimaryEnvironmentResource();
  const framework::Block& block() { return r_->schema().block; }
};

TEST_F(PrimaryEnvironmentTest, Schema) {
  EXPECT_EQ(r_->type_name(), "encore_primary_environment");
  EXPECT_EQ(r_->import_id_format(), "APP");
  EXPECT_TRUE(block().FindAttribute("app")->requires_replace);
  EXPECT_FALSE(block().FindAttribute("environment")->requires_replace);
}

TEST_F(PrimaryEnvironmentTest, Validation) {
  Diagnostics d = Validate(
      *r_, Obj(block(), {{"app", S("shop")}, {"environment", S("pr:3")}}));
  EXPECT_TRUE(d.empty()) << d.ToString();
  d = Validate(*r_,
               Obj(block(), {{"app", S("shop")}, {"environment", S("Prod")}}));
  EXPECT_NE(ErrorAt(d, AttributePath::Root("environment")), nullptr)
      << d.ToString();
}

TEST_F(PrimaryEnvironmentTest, PlanKnowsId) {
  Value config = Obj(block(), {{"app", S("shop")}, {"environment", S("prod")}});
  auto resp = Plan(*r_, Value::Null(block().ImpliedType()), config);
  EXPECT_EQ(resp.planned_state.GetAttr("id"), S("shop"));
  config = Obj(block(), {{"app", Value::Unknown(Type::String())},
                         {"environment", S("prod")}});
  resp = Plan(*r_, Value::Null(block().ImpliedType()), config);
  EXPECT_TRUE(resp.planned_state.GetAttr("id").IsUnknown());
}

TEST_F(PrimaryEnvironmentTest, ChangingEnvironmentIsAnUpdate) {
  Value prior =
      Obj(block(),
          {{"app", S("shop")}, {"environment", S("prod")}, {"id", S("shop")}});
  Value config = Obj(block(), {{"app", S("shop")}, {"environment", S("main")}});
  Value proposed =
      Obj(block(),
          {{"app", S("shop")}, {"environment", S("main")}, {"id", S("shop")}});
  auto resp = Plan(*r_, prior, config, proposed);
  EXPECT_TRUE(resp.requires_replace.empty());
  EXPECT_EQ(resp.planned_state.GetAttr("id"), S("shop"));
  EXPECT_EQ(resp.planned_state.GetAttr("environment"), S("main"));
}

TEST_F(PrimaryEnvironmentTest, ImportIds) {
  auto resp = Import(*r_, "shop");
  ASSERT_FALSE(resp.diags.HasError()) << resp.diags.ToString();
  EXPECT_EQ(resp.state.GetAttr("app"), S("shop"));
  EXPECT_EQ(resp.state.GetAttr("id"), S("shop"));
  EXPECT_TRUE(resp.state.GetAttr("environment").IsNull());
  for (const char* id : {"", "shop/prod", "S"}) {
    EXPECT_TRUE(Import(*r_, id).diags.HasError()) << id;
  }
}

}  // namespace
}  // namespace encore::resources
