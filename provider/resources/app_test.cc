#include <gtest/gtest.h>

#include "provider/catalog.h"
#include "model/app_model.h"
#include "provider/resources/test_util.h"

namespace encore::resources {
namespace {

using testing::ErrorAt;
using testing::Import;
using testing::Obj;
using testing::Plan;
using testing::S;
using testing::StrList;
using testing::Validate;
using values::Type;
using values::Value;

constexpr char kModel[] =
    R"({"services":[{"name":"orders","databases":["orders"]},{"name":"email"}],)"
    R"("databases":[{"name":"orders"}]})";

class AppTest : public ::testing::Test {
 protected:
  std::unique_ptr<framework::Resource> r_ = catalog::NewAppResource();
  const framework::Block& block() { return r_->schema().block; }
  Value Config(Value name, Value model) {
    return Obj(block(), {{"name", name}, {"model", model}});
  }
};

TEST_F(AppTest, Basics) {
  EXPECT_EQ(r_->type_name(), "encore_app");
  EXPECT_EQ(r_->import_id_format(), "APP");
  for (const auto& a : block().attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST_F(AppTest, ValidConfigHasNoDiagnostics) {
  Diagnostics d = Validate(*r_, Config(S("shop"), S(kModel)));
  EXPECT_TRUE(d.empty()) << d.ToString();
}

TEST_F(AppTest, UnknownValuesAreNotChecked) {
  Diagnostics d = Validate(*r_, Config(Value::Unknown(Type::String()),
                                       Value::Unknown(Type::String())));
  EXPECT_FALSE(d.HasError()) << d.ToString();
}

TEST_F(AppTest, BadNameIsAnErrorAtName) {
  Diagnostics d = Validate(*r_, Config(S("Shop!"), S(kModel)));
  EXPECT_NE(ErrorAt(d, AttributePath::Root("name")), nullptr) << d.ToString();
}

TEST_F(AppTest, DanglingReferenceIsAnErrorAtModel) {
  Diagnostics d = Validate(
      *r_, Config(S("shop"),
                  S(R"({"services":[{"name":"a","databases":["nope"]}]})")));
  const Diagnostic* e = ErrorAt(d, AttributePath::Root("model"));
  ASSERT_NE(e, nullptr) << d.ToString();
  EXPECT_NE(e->detail.find("service \"a\""), std::string::npos);
  EXPECT_NE(e->detail.find("database \"nope\""), std::string::npos);
  EXPECT_NE(e->detail.find("add {\"name\": \"nope\"}"), std::string::npos);
}

TEST_F(AppTest, NonObjectModelIsAnError) {
  Diagnostics d = Validate(*r_, Config(S("shop"), S("[]")));
  EXPECT_NE(ErrorAt(d, AttributePath::Root("model")), nullptr);
}

TEST_F(AppTest, PlanKnowsComputedValuesOnCreate) {
  auto resp = Plan(*r_, Value::Null(block().ImpliedType()),
                   Config(S("shop"), S(kModel)));
  EXPECT_FALSE(resp.diags.HasError());
  const Value& p = resp.planned_state;
  EXPECT_EQ(p.GetAttr("id"), S("shop"));
  auto model = model::ParseAppModel(kModel);
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(p.GetAttr("model_hash"), S(AppModelHash(*model)));
  EXPECT_EQ(p.GetAttr("services"), StrList({"orders", "email"}));
}

TEST_F(AppTest, PlanLeavesComputedUnknownWhenModelUnknown) {
  auto resp = Plan(*r_, Value::Null(block().ImpliedType()),
                   Config(S("shop"), Value::Unknown(Type::String())));
  const Value& p = resp.planned_state;
  EXPECT_EQ(p.GetAttr("id"), S("shop"));
  EXPECT_TRUE(p.GetAttr("model_hash").IsUnknown());
  EXPECT_TRUE(p.GetAttr("services").IsUnknown());
}

TEST_F(AppTest, ReformattedModelPlansNoChange) {
  auto created = Plan(*r_, Value::Null(block().ImpliedType()),
                      Config(S("shop"), S(kModel)));
  const Value prior = created.planned_state;
  ASSERT_TRUE(prior.IsWhollyKnown());
  std::string reformatted =
      "{ \"databases\": [ {\"name\": \"orders\"} ],\n"
      "  \"services\": [ {\"databases\": [\"orders\"], \"name\": \"orders\"},"
      " {\"name\": \"email\"} ] }";
  Value config = Config(S("shop"), S(reformatted));
  Value proposed =
      testing::Obj(block(), {{"name", S("shop")},
                             {"model", S(reformatted)},
                             {"id", prior.GetAttr("id")},
                             {"model_hash", prior.GetAttr("model_hash")},
                             {"services", prior.GetAttr("services")}});
  auto resp = Plan(*r_, prior, config, proposed);
  EXPECT_EQ(resp.planned_state, prior);
  EXPECT_TRUE(resp.requires_replace.empty());
}

TEST_F(AppTest, ChangedModelUpdatesHashAndServicesAtPlan) {
  auto created = Plan(*r_, Value::Null(block().ImpliedType()),
                      Config(S("shop"), S(kModel)));
  const Value prior = created.planned_state;
  std::string changed = R"({"services":[{"name":"api"}]})";
  Value proposed = Obj(block(), {{"name", S("shop")},
                                 {"model", S(changed)},
                                 {"id", prior.GetAttr("id")},
                                 {"model_hash", prior.GetAttr("model_hash")},
                                 {"services", prior.GetAttr("services")}});
  auto resp = Plan(*r_, prior, Config(S("shop"), S(changed)), proposed);
  EXPECT_EQ(resp.planned_state.GetAttr("services"), StrList({"api"}));
  EXPECT_NE(resp.planned_state.GetAttr("model_hash"),
            prior.GetAttr("model_hash"));
  EXPECT_TRUE(resp.planned_state.GetAttr("model_hash").IsKnown());
  EXPECT_TRUE(resp.requires_replace.empty());
}

TEST_F(AppTest, ImportGoodId) {
  auto resp = Import(*r_, "shop");
  ASSERT_FALSE(resp.diags.HasError()) << resp.diags.ToString();
  EXPECT_EQ(resp.state.GetAttr("name"), S("shop"));
  EXPECT_EQ(resp.state.GetAttr("id"), S("shop"));
  EXPECT_TRUE(resp.state.GetAttr("model").IsNull());
}

TEST_F(AppTest, ImportBadIds) {
  for (const char* id : {"", "shop/prod", "Shop", "/shop"}) {
    auto resp = Import(*r_, id);
    EXPECT_TRUE(resp.diags.HasError()) << id;
    ASSERT_FALSE(resp.diags.empty());
    EXPECT_EQ(resp.diags.items()[0].summary, "Invalid import id");
    EXPECT_NE(resp.diags.items()[0].detail.find(std::string("\"") + id),
              std::string::npos)
        << resp.diags.ToString();
  }
}

}  // namespace
}  // namespace encore::resources
