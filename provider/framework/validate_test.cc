#include "provider/framework/validate.h"

#include <gtest/gtest.h>

#include "provider/framework/checks.h"

namespace encore::framework {
namespace {

Block ProcessGroup() {
  Block b;
  b.Add(StringAttr("name").Required());
  b.Add(Attribute("services", Type::List(Type::String()))
            .Required()
            .Check(NonEmptyElements()));
  return b;
}

Block Deploy() {
  Block b;
  b.Add(StringAttr("trigger").Required().Check(OneOf({"branch", "manual"})));
  b.Add(StringAttr("branch").Optional());
  return b;
}

Block Schema() {
  Block b;
  b.Add(StringAttr("id").Computed());
  b.Add(StringAttr("name").Required().Check(
      MatchesPattern("^[a-z]+$", "lowercase letters")));
  b.Add(StringAttr("type").Required().Check(
      OneOf({"production", "development"})));
  b.Add(StringAttr("infra_approval").Default(Value::String("automatic")));
  b.Add(
      Attribute("values_wo", Type::Map(Type::String())).Optional().WriteOnly());
  b.Add(StringAttr("old").Optional().Deprecated("Use name instead."));
  b.Add(NestedBlock("deploy", Nesting::kSingle, Deploy()));
  b.Add(
      NestedBlock("process_group", Nesting::kList, ProcessGroup()).MaxItems(2));
  b.Add(NestedBlock("adopt", Nesting::kSet, ProcessGroup()).MinItems(1));
  b.Add(NestedBlock("by_key", Nesting::kMap, ProcessGroup()));
  return b;
}

Value Group(const std::string& name, std::vector<Value> services) {
  return Value::ObjectOf(
      ProcessGroup().ImpliedType(),
      {{"name", Value::String(name)},
       {"services", Value::List(Type::String(), std::move(services))}});
}

// A valid config; `edit` changes attributes.
Value Config(std::map<std::string, Value> edit = {}) {
  const Type t = Schema().ImpliedType();
  std::map<std::string, Value> attrs = {
      {"name", Value::String("app")},
      {"type", Value::String("production")},
      {"process_group", Value::List(ProcessGroup().ImpliedType(), {})},
      {"adopt", Value::Set(ProcessGroup().ImpliedType(),
                           {Group("g", {Value::String("api")})})},
      {"by_key", Value::Map(ProcessGroup().ImpliedType(), {})},
  };
  for (auto& [k, v] : edit) attrs.insert_or_assign(k, v);
  return Value::ObjectOf(t, attrs);
}

ClientCapabilities Caps(bool write_only) {
  ClientCapabilities c;
  c.write_only_attributes_allowed = write_only;
  return c;
}

Diagnostics Validate(const Value& config, bool write_only = true) {
  Diagnostics d;
  ValidateBlock(Schema(), config, Caps(write_only), d);
  return d;
}

TEST(ValidateTest, ValidConfigHasNoDiagnostics) {
  Diagnostics d = Validate(Config());
  EXPECT_TRUE(d.empty()) << d.ToString();
}

TEST(ValidateTest, RequiredMissing) {
  Diagnostics d = Validate(Config({{"name", Value::Null(Type::String())}}));
  ASSERT_EQ(d.size(), 1u) << d.ToString();
  EXPECT_EQ(d.items()[0].summary, "Missing required argument");
  EXPECT_EQ(*d.items()[0].path, AttributePath::Root("name"));
  EXPECT_NE(d.items()[0].detail.find("Set name"), std::string::npos);
}

TEST(ValidateTest, ReadOnlySet) {
  Diagnostics d = Validate(Config({{"id", Value::String("x")}}));
  ASSERT_EQ(d.size(), 1u) << d.ToString();
  EXPECT_TRUE(d.HasError());
  EXPECT_EQ(*d.items()[0].path, AttributePath::Root("id"));
  EXPECT_NE(d.items()[0].detail.find("read-only"), std::string::npos);
}

TEST(ValidateTest, OptionalComputedMayBeSet) {
  Diagnostics d =
      Validate(Config({{"infra_approval", Value::String("manual")}}));
  EXPECT_TRUE(d.empty()) << d.ToString();
}

TEST(ValidateTest, CheckFailureCarriesPath) {
  Diagnostics d = Validate(Config({{"type", Value::String("prod")}}));
  ASSERT_EQ(d.size(), 1u) << d.ToString();
  EXPECT_EQ(*d.items()[0].path, AttributePath::Root("type"));
  EXPECT_NE(d.items()[0].detail.find("\"prod\""), std::string::npos);
}

TEST(ValidateTest, UnknownValuesAreSkipped) {
  Diagnostics d = Validate(Config({{"type", Value::Unknown(Type::String())},
                                   {"name", Value::Unknown(Type::String())}}));
  EXPECT_TRUE(d.empty()) << d.ToString();
  // A whole unknown list block (dynamic block, unknown for_each).
  d = Validate(Config(
      {{"adopt", Value::Unknown(Type::Set(ProcessGroup().ImpliedType()))}}));
  EXPECT_TRUE(d.empty()) << d.ToString();
}

TEST(ValidateTest, WriteOnlyRefusedWithoutCapability) {
  Value wo = Value::Map(Type::String(), {{"local", Value::String("s3cret")}});
  Diagnostics refused = Validate(Config({{"values_wo", wo}}), false);
  ASSERT_EQ(refused.size(), 1u) << refused.ToString();
  const Diagnostic& diag = refused.items()[0];
  EXPECT_EQ(diag.severity, Severity::kError);
  EXPECT_EQ(diag.summary,
            "Write-only argument not supported by this Terraform");
  EXPECT_EQ(*diag.path, AttributePath::Root("values_wo"));
  EXPECT_NE(diag.detail.find("Terraform 1.11"), std::string::npos);
  EXPECT_EQ(diag.detail.find("s3cret"), std::string::npos);

  // Unknown counts as set.
  Diagnostics unknown = Validate(
      Config({{"values_wo", Value::Unknown(Type::Map(Type::String()))}}),
      false);
  EXPECT_EQ(unknown.size(), 1u) << unknown.ToString();

  EXPECT_TRUE(Validate(Config({{"values_wo", wo}}), true).empty());
  EXPECT_TRUE(Validate(Config(), false).empty());

  Diagnostics only;
  ValidateWriteOnly(Schema(),
                    Config({{"values_wo", wo}, {"type", Value::String("x")}}),
                    Caps(false), only);
  ASSERT_EQ(only.size(), 1u) << only.ToString();
  EXPECT_EQ(*only.items()[0].path, AttributePath::Root("values_wo"));
}

TEST(ValidateTest, DeprecatedWarns) {
  Diagnostics d = Validate(Config({{"old", Value::String("x")}}));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.items()[0].severity, Severity::kWarning);
  EXPECT_FALSE(d.HasError());
  EXPECT_EQ(*d.items()[0].path, AttributePath::Root("old"));
  EXPECT_NE(d.items()[0].detail.find("Use name instead."), std::string::npos);
}

TEST(ValidateTest, NestedListBlockPaths) {
  Value groups =
      Value::List(ProcessGroup().ImpliedType(),
                  {Group("a", {Value::String("api")}),
                   Group("b", {Value::String("web"), Value::String("")})});
  Diagnostics d = Validate(Config({{"process_group", groups}}));
  ASSERT_EQ(d.size(), 1u) << d.ToString();
  EXPECT_EQ(d.items()[0].path->ToString(), "process_group[1].services[1]");

  Value missing = Value::List(
      ProcessGroup().ImpliedType(),
      {Group("a", {}), Value::ObjectOf(ProcessGroup().ImpliedType(),
                                       {{"name", Value::String("b")}})});
  d = Validate(Config({{"process_group", missing}}));
  ASSERT_EQ(d.size(), 1u) << d.ToString();
  EXPECT_EQ(*d.items()[0].path,
            AttributePath::Root("process_group").Index(1).Attr("services"));
  EXPECT_EQ(d.items()[0].summary, "Missing required argument");
}

TEST(ValidateTest, SingleBlockAbsentIsFinePresentIsChecked) {
  EXPECT_TRUE(
      Validate(Config({{"deploy", Value::Null(Deploy().ImpliedType())}}))
          .empty());
  Value deploy = Value::ObjectOf(Deploy().ImpliedType(),
                                 {{"trigger", Value::String("auto")}});
  Diagnostics d = Validate(Config({{"deploy", deploy}}));
  ASSERT_EQ(d.size(), 1u) << d.ToString();
  EXPECT_EQ(d.items()[0].path->ToString(), "deploy.trigger");
}

TEST(ValidateTest, SetElementPathEndsAtSet) {
  Value adopt = Value::Set(ProcessGroup().ImpliedType(),
                           {Group("g", {Value::String("")})});
  Diagnostics d = Validate(Config({{"adopt", adopt}}));
  ASSERT_EQ(d.size(), 1u) << d.ToString();
  // The services list inside the set element: the path ends at the set.
  EXPECT_EQ(*d.items()[0].path,
            AttributePath::Root("adopt").Attr("services").Index(0));
}

TEST(ValidateTest, MapBlockPathsByKey) {
  Value by_key = Value::Map(ProcessGroup().ImpliedType(),
                            {{"k1", Group("a", {Value::String("")})}});
  Diagnostics d = Validate(Config({{"by_key", by_key}}));
  ASSERT_EQ(d.size(), 1u) << d.ToString();
  EXPECT_EQ(d.items()[0].path->ToString(), "by_key[\"k1\"].services[0]");
}

TEST(ValidateTest, MinAndMaxItems) {
  Diagnostics few = Validate(
      Config({{"adopt", Value::Set(ProcessGroup().ImpliedType(), {})}}));
  ASSERT_EQ(few.size(), 1u) << few.ToString();
  EXPECT_EQ(few.items()[0].summary, "Insufficient adopt blocks");
  EXPECT_EQ(*few.items()[0].path, AttributePath::Root("adopt"));
  EXPECT_NE(few.items()[0].detail.find("found 0"), std::string::npos);

  Value three = Value::List(
      ProcessGroup().ImpliedType(),
      {Group("a", {Value::String("x")}), Group("b", {Value::String("y")}),
       Group("c", {Value::String("z")})});
  Diagnostics many = Validate(Config({{"process_group", three}}));
  ASSERT_EQ(many.size(), 1u) << many.ToString();
  EXPECT_EQ(many.items()[0].summary, "Too many process_group blocks");
  EXPECT_NE(many.items()[0].detail.find("No more than 2"), std::string::npos);
  EXPECT_NE(many.items()[0].detail.find("found 3"), std::string::npos);
}

}  // namespace
}  // namespace encore::framework
