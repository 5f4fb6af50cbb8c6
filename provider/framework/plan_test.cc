#include "provider/framework/plan.h"

#include <gtest/gtest.h>

#include "provider/framework/checks.h"

namespace encore::framework {
namespace {

Block GroupBlock() {
  Block b;
  b.Add(StringAttr("name").Required().RequiresReplace());
  b.Add(StringAttr("status").Computed());
  return b;
}

Block AppBlock() {
  Block b;
  b.Add(StringAttr("id").Computed().UseStateForUnknown());
  b.Add(StringAttr("name").Required().RequiresReplace());
  b.Add(
      StringAttr("model").Required().SemanticallyEqual(JsonSemanticallyEqual));
  b.Add(StringAttr("model_hash").Computed());
  b.Add(StringAttr("approval").Default(Value::String("automatic")));
  b.Add(NumberAttr("size").Optional());
  b.Add(StringAttr("region").Optional().RequiresReplace());
  b.Add(
      Attribute("values_wo", Type::Map(Type::String())).Optional().WriteOnly());
  b.Add(NestedBlock("process_group", Nesting::kList, GroupBlock()));
  return b;
}

const Type& GroupType() {
  static const Type t = GroupBlock().ImpliedType();
  return t;
}
const Type& AppType() {
  static const Type t = AppBlock().ImpliedType();
  return t;
}

Value Group(const std::string& name, Value status) {
  return Value::ObjectOf(GroupType(), {{"name", Value::String(name)},
                                       {"status", std::move(status)}});
}
Value Groups(std::vector<Value> g) {
  return Value::List(GroupType(), std::move(g));
}

// The user's configuration: computed attributes null.
std::map<std::string, Value> ConfigAttrs() {
  return {
      {"name", Value::String("shop")},
      {"model", Value::String(R"({"services":["api"]})")},
      {"process_group", Groups({Group("g1", Value::Null(Type::String()))})},
  };
}

// The state after the last apply of ConfigAttrs().
std::map<std::string, Value> StateAttrs() {
  return {
      {"id", Value::String("shop")},
      {"name", Value::String("shop")},
      {"model", Value::String(R"({"services":["api"]})")},
      {"model_hash", Value::String("h1")},
      {"approval", Value::String("automatic")},
      {"process_group", Groups({Group("g1", Value::String("running"))})},
  };
}

Value Obj(std::map<std::string, Value> attrs,
          const std::map<std::string, Value>& edit = {}) {
  for (const auto& [k, v] : edit) attrs.insert_or_assign(k, v);
  return Value::ObjectOf(AppType(), std::move(attrs));
}

// Terraform's proposed new state: config values where set, prior values for
// computed attributes the config leaves null (top level and in elements
// matched by index).
Value Proposed(const Value& prior, const Value& config) {
  if (prior.IsNull()) return config;
  std::map<std::string, Value> out = config.Entries();
  const Block b = AppBlock();
  for (const Attribute& a : b.attributes) {
    if (a.is_computed() && config.GetAttr(a.name).IsNull()) {
      out.insert_or_assign(a.name, prior.GetAttr(a.name));
    }
  }
  const Value& cg = config.GetAttr("process_group");
  const Value& pg = prior.GetAttr("process_group");
  std::vector<Value> groups;
  for (size_t i = 0; i < cg.Elements().size(); ++i) {
    Value g = cg.Elements()[i];
    if (i < pg.Elements().size() && g.GetAttr("status").IsNull()) {
      g = Group(g.GetAttr("name").AsString(),
                pg.Elements()[i].GetAttr("status"));
    }
    groups.push_back(g);
  }
  out.insert_or_assign("process_group", Groups(groups));
  return Value::ObjectOf(AppType(), out);
}

GenericPlan Plan(const Value& prior, const Value& config) {
  return PlanBlock(AppBlock(), prior, Proposed(prior, config), config);
}

const Value kUnknownString = Value::Unknown(Type::String());

TEST(PlanTest, CreateMarksComputedUnknownAndAppliesDefault) {
  const Value config = Obj(ConfigAttrs());
  GenericPlan p = Plan(Value::Null(AppType()), config);
  const Value& s = p.planned_state;
  ASSERT_TRUE(s.IsKnown()) << s.DebugString();
  EXPECT_TRUE(s.GetAttr("id").IsUnknown());
  EXPECT_TRUE(s.GetAttr("model_hash").IsUnknown());
  EXPECT_EQ(s.GetAttr("approval"), Value::String("automatic"));
  EXPECT_EQ(s.GetAttr("name"), Value::String("shop"));
  EXPECT_TRUE(s.GetAttr("size").IsNull());  // optional, not computed
  EXPECT_TRUE(s.GetAttr("region").IsNull());
  ASSERT_EQ(s.GetAttr("process_group").Length(), 1u);
  EXPECT_TRUE(
      s.GetAttr("process_group").Elements()[0].GetAttr("status").IsUnknown());
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_EQ(s.type(), AppType());
}

TEST(PlanTest, ConfiguredValueBeatsDefault) {
  const Value config =
      Obj(ConfigAttrs(), {{"approval", Value::String("manual")}});
  GenericPlan p = Plan(Value::Null(AppType()), config);
  EXPECT_EQ(p.planned_state.GetAttr("approval"), Value::String("manual"));
}

TEST(PlanTest, UpdateWithoutChangeIsPriorExactly) {
  const Value prior = Obj(StateAttrs());
  GenericPlan p = Plan(prior, Obj(ConfigAttrs()));
  EXPECT_EQ(p.planned_state, prior) << p.planned_state.DebugString();
  EXPECT_TRUE(p.planned_state.IsWhollyKnown());
  EXPECT_TRUE(p.requires_replace.empty());
}

TEST(PlanTest, UpdateWithChangeMarksComputedUnknownExceptStateForUnknown) {
  const Value prior = Obj(StateAttrs());
  const Value config = Obj(ConfigAttrs(), {{"size", Value::Int(3)}});
  GenericPlan p = Plan(prior, config);
  const Value& s = p.planned_state;
  EXPECT_EQ(s.GetAttr("size"), Value::Int(3));
  EXPECT_EQ(s.GetAttr("id"), Value::String("shop"));  // UseStateForUnknown
  EXPECT_TRUE(s.GetAttr("model_hash").IsUnknown());
  EXPECT_EQ(s.GetAttr("approval"), Value::String("automatic"));
  EXPECT_TRUE(
      s.GetAttr("process_group").Elements()[0].GetAttr("status").IsUnknown());
  EXPECT_TRUE(p.requires_replace.empty());
}

TEST(PlanTest, RemovingOptionalComputedValuePlansDefaultAgain) {
  const Value prior =
      Obj(StateAttrs(), {{"approval", Value::String("manual")}});
  GenericPlan p = Plan(prior, Obj(ConfigAttrs()));
  EXPECT_EQ(p.planned_state.GetAttr("approval"), Value::String("automatic"));
  EXPECT_TRUE(p.planned_state.GetAttr("model_hash").IsUnknown());
}

TEST(PlanTest, SemanticallyEqualJsonKeepsPrior) {
  const Value prior = Obj(StateAttrs());
  const Value config =
      Obj(ConfigAttrs(),
          {{"model", Value::String("{\n  \"services\": [ \"api\" ]\n}")}});
  GenericPlan p = Plan(prior, config);
  EXPECT_EQ(p.planned_state, prior) << p.planned_state.DebugString();

  const Value changed =
      Obj(ConfigAttrs(), {{"model", Value::String(R"({"services":["web"]})")}});
  GenericPlan q = Plan(prior, changed);
  EXPECT_EQ(q.planned_state.GetAttr("model"),
            Value::String(R"({"services":["web"]})"));
  EXPECT_TRUE(q.planned_state.GetAttr("model_hash").IsUnknown());
}

TEST(PlanTest, WriteOnlyPlannedNull) {
  const Value wo =
      Value::Map(Type::String(), {{"local", Value::String("s3cret")}});
  GenericPlan create =
      Plan(Value::Null(AppType()), Obj(ConfigAttrs(), {{"values_wo", wo}}));
  EXPECT_TRUE(create.planned_state.GetAttr("values_wo").IsNull());
  EXPECT_TRUE(create.planned_state.GetAttr("id").IsUnknown());

  const Value prior = Obj(StateAttrs());
  GenericPlan update = Plan(prior, Obj(ConfigAttrs(), {{"values_wo", wo}}));
  EXPECT_EQ(update.planned_state, prior);
}

TEST(PlanTest, RequiresReplaceOnlyWhenChanged) {
  const Value prior = Obj(StateAttrs());
  GenericPlan rename =
      Plan(prior, Obj(ConfigAttrs(), {{"name", Value::String("shop2")}}));
  ASSERT_EQ(rename.requires_replace.size(), 1u);
  EXPECT_EQ(rename.requires_replace[0], AttributePath::Root("name"));

  GenericPlan resize =
      Plan(prior, Obj(ConfigAttrs(), {{"size", Value::Int(2)}}));
  EXPECT_TRUE(resize.requires_replace.empty());

  GenericPlan region =
      Plan(prior, Obj(ConfigAttrs(), {{"region", Value::String("eu")}}));
  ASSERT_EQ(region.requires_replace.size(), 1u);
  EXPECT_EQ(region.requires_replace[0], AttributePath::Root("region"));

  // An unknown config value may change: it forces replacement.
  GenericPlan unknown =
      Plan(prior, Obj(ConfigAttrs(), {{"name", kUnknownString}}));
  ASSERT_EQ(unknown.requires_replace.size(), 1u);
  EXPECT_EQ(unknown.requires_replace[0], AttributePath::Root("name"));
  EXPECT_TRUE(unknown.planned_state.GetAttr("name").IsUnknown());
}

TEST(PlanTest, NestedBlockComputedAndReplacePaths) {
  const Value prior = Obj(StateAttrs());
  // A second group added: its status is unknown, the first group's too
  // (something changed), and the new group's name counts as a change.
  const Value config = Obj(
      ConfigAttrs(),
      {{"process_group", Groups({Group("g1", Value::Null(Type::String())),
                                 Group("g2", Value::Null(Type::String()))})}});
  GenericPlan p = Plan(prior, config);
  const Value& groups = p.planned_state.GetAttr("process_group");
  ASSERT_EQ(groups.Length(), 2u);
  EXPECT_EQ(groups.Elements()[1].GetAttr("name"), Value::String("g2"));
  EXPECT_TRUE(groups.Elements()[1].GetAttr("status").IsUnknown());
  EXPECT_TRUE(groups.Elements()[0].GetAttr("status").IsUnknown());
  ASSERT_EQ(p.requires_replace.size(), 1u);
  EXPECT_EQ(p.requires_replace[0].ToString(), "process_group[1].name");

  // Renaming the first group.
  const Value renamed = Obj(
      ConfigAttrs(),
      {{"process_group", Groups({Group("g9", Value::Null(Type::String()))})}});
  GenericPlan r = Plan(prior, renamed);
  ASSERT_EQ(r.requires_replace.size(), 1u);
  EXPECT_EQ(r.requires_replace[0].ToString(), "process_group[0].name");
}

TEST(PlanTest, DestroyPlansNull) {
  GenericPlan p = PlanBlock(AppBlock(), Obj(StateAttrs()),
                            Value::Null(AppType()), Value::Null(AppType()));
  EXPECT_TRUE(p.planned_state.IsNull());
  EXPECT_TRUE(p.requires_replace.empty());
}

TEST(PlanTest, ReplaceableBlockAsAWhole) {
  Block b;
  b.Add(StringAttr("id").Computed());
  Block inner;
  inner.Add(StringAttr("v").Optional());
  inner.Add(StringAttr("c").Computed());
  b.Add(NestedBlock("opts", Nesting::kSet, inner).RequiresReplace());
  const Type it = inner.ImpliedType();
  auto obj = [&](std::string v, Value c) {
    return Value::ObjectOf(it, {{"v", Value::String(v)}, {"c", c}});
  };
  const Type t = b.ImpliedType();
  Value prior = Value::ObjectOf(
      t, {{"id", Value::String("1")},
          {"opts", Value::Set(it, {obj("a", Value::Null(Type::String()))})}});
  Value same = Value::ObjectOf(
      t, {{"opts", Value::Set(it, {obj("a", Value::Null(Type::String()))})}});
  Value proposed_same = Value::ObjectOf(
      t, {{"id", Value::String("1")},
          {"opts", Value::Set(it, {obj("a", Value::Null(Type::String()))})}});
  GenericPlan p = PlanBlock(b, prior, proposed_same, same);
  EXPECT_EQ(p.planned_state, prior);
  EXPECT_TRUE(p.requires_replace.empty());

  Value changed = Value::ObjectOf(
      t, {{"opts", Value::Set(it, {obj("b", Value::Null(Type::String()))})}});
  Value proposed_changed = Value::ObjectOf(
      t, {{"id", Value::String("1")},
          {"opts", Value::Set(it, {obj("b", Value::Null(Type::String()))})}});
  GenericPlan q = PlanBlock(b, prior, proposed_changed, changed);
  ASSERT_EQ(q.requires_replace.size(), 1u);
  EXPECT_EQ(q.requires_replace[0], AttributePath::Root("opts"));
  EXPECT_TRUE(q.planned_state.GetAttr("id").IsUnknown());
}

TEST(PlanTest, MapAndSingleBlocksMatchPriorByKey) {
  Block inner;
  inner.Add(StringAttr("v").Optional());
  inner.Add(StringAttr("c").Computed().UseStateForUnknown());
  Block b;
  b.Add(NumberAttr("n").Optional());
  b.Add(NestedBlock("m", Nesting::kMap, inner));
  b.Add(NestedBlock("one", Nesting::kSingle, inner));
  const Type it = inner.ImpliedType();
  const Type t = b.ImpliedType();
  auto el = [&](const char* v, Value c) {
    return Value::ObjectOf(it, {{"v", Value::String(v)}, {"c", c}});
  };
  const Value null_s = Value::Null(Type::String());
  Value prior = Value::ObjectOf(
      t, {{"n", Value::Int(1)},
          {"m", Value::Map(it, {{"a", el("x", Value::String("ca"))}})},
          {"one", el("y", Value::String("c1"))}});
  Value config = Value::ObjectOf(
      t,
      {{"n", Value::Int(2)},
       {"m", Value::Map(it, {{"a", el("x", null_s)}, {"b", el("z", null_s)}})},
       {"one", el("y", null_s)}});
  Value proposed = Value::ObjectOf(
      t, {{"n", Value::Int(2)},
          {"m", Value::Map(it, {{"a", el("x", Value::String("ca"))},
                                {"b", el("z", null_s)}})},
          {"one", el("y", Value::String("c1"))}});
  GenericPlan p = PlanBlock(b, prior, proposed, config);
  const Value& m = p.planned_state.GetAttr("m");
  EXPECT_EQ(m.Entries().at("a").GetAttr("c"), Value::String("ca"));
  EXPECT_TRUE(m.Entries().at("b").GetAttr("c").IsUnknown());
  EXPECT_EQ(p.planned_state.GetAttr("one").GetAttr("c"), Value::String("c1"));
  EXPECT_EQ(p.planned_state.type(), t);
}

TEST(PlanTest, SecondPlanKeepsEveryValueKnownInTheFirst) {
  // During plan a config value is unknown; at apply it is known. Terraform
  // requires every value known in the first plan to be the same in the
  // second.
  const Value prior = Obj(StateAttrs());
  GenericPlan first = Plan(
      prior, Obj(ConfigAttrs(), {{"size", Value::Unknown(Type::Number())}}));
  GenericPlan second =
      Plan(prior, Obj(ConfigAttrs(), {{"size", Value::Int(4)}}));
  for (const auto& [name, v] : first.planned_state.Entries()) {
    if (v.IsWhollyKnown()) {
      EXPECT_EQ(second.planned_state.GetAttr(name), v) << name;
    }
  }
  EXPECT_TRUE(first.planned_state.GetAttr("size").IsUnknown());
  EXPECT_EQ(first.planned_state.GetAttr("id"), Value::String("shop"));
}

}  // namespace
}  // namespace encore::framework
