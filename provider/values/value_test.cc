#include "provider/values/value.h"

#include "gtest/gtest.h"

namespace encore::values {
namespace {

TEST(ValueTest, DefaultIsNullDynamic) {
  Value v;
  EXPECT_TRUE(v.IsNull());
  EXPECT_FALSE(v.IsUnknown());
  EXPECT_TRUE(v.type().IsDynamic());
}

TEST(ValueTest, TriStateNeverOverlaps) {
  Value u = Value::Unknown(Type::String());
  EXPECT_TRUE(u.IsUnknown());
  EXPECT_FALSE(u.IsNull());
  EXPECT_FALSE(u.IsKnown());
  Value n = Value::Null(Type::String());
  EXPECT_TRUE(n.IsNull());
  EXPECT_FALSE(n.IsUnknown());
  EXPECT_FALSE(n.IsKnown());
  EXPECT_NE(u, n);
  Value k = Value::String("x");
  EXPECT_TRUE(k.IsKnown());
  EXPECT_EQ(k.state(), ValueState::kKnown);
}

TEST(ValueTest, Primitives) {
  EXPECT_EQ(Value::String("hi").AsString(), "hi");
  EXPECT_EQ(Value::String("hi").type(), Type::String());
  EXPECT_EQ(Value::Int(3).AsNumber().AsInt64(), 3);
  EXPECT_EQ(Value::Int(3).type(), Type::Number());
  EXPECT_TRUE(Value::Bool(true).AsBool());
  EXPECT_EQ(Value::Bool(false).type(), Type::Bool());
}

TEST(ValueTest, SetDeduplicatesKnownElements) {
  Value s = Value::Set(Type::String(), {Value::String("a"), Value::String("b"),
                                        Value::String("a")});
  EXPECT_EQ(s.Length(), 2u);
  EXPECT_EQ(s.Elements()[0].AsString(), "a");
  EXPECT_EQ(s.Elements()[1].AsString(), "b");
  // Unknowns may turn out different: they are all kept.
  Value u = Value::Set(Type::String(), {Value::Unknown(Type::String()),
                                        Value::Unknown(Type::String())});
  EXPECT_EQ(u.Length(), 2u);
}

TEST(ValueTest, SetEqualityIgnoresOrder) {
  Value a = Value::Set(Type::Number(), {Value::Int(1), Value::Int(2)});
  Value b = Value::Set(Type::Number(), {Value::Int(2), Value::Int(1)});
  Value c = Value::Set(Type::Number(), {Value::Int(2), Value::Int(3)});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  Value la = Value::List(Type::Number(), {Value::Int(1), Value::Int(2)});
  Value lb = Value::List(Type::Number(), {Value::Int(2), Value::Int(1)});
  EXPECT_NE(la, lb);
}

TEST(ValueTest, UnknownsOfSameTypeAreEqual) {
  EXPECT_EQ(Value::Unknown(Type::String()),
            Value::Unknown(Type::String(),
                           Refinements{.not_null = true, .string_prefix = {}}));
  EXPECT_NE(Value::Unknown(Type::String()), Value::Unknown(Type::Number()));
}

TEST(ValueTest, NumbersCompareByValue) {
  EXPECT_EQ(Value::Number(Number::FromDouble(0.1)),
            Value::Number(*Number::FromString("0.1")));
}

TEST(ValueTest, ObjectAndObjectOf) {
  Type t = Type::Object({{"id", Type::String()},
                         {"size", Type::Number()},
                         {"tags", Type::List(Type::String())}});
  Value v = Value::ObjectOf(
      t, {{"id", Value::String("x")}, {"extra", Value::Bool(true)}});
  EXPECT_EQ(v.type(), t);
  EXPECT_EQ(v.Length(), 3u);
  EXPECT_EQ(v.GetAttr("id").AsString(), "x");
  EXPECT_TRUE(v.GetAttr("size").IsNull());
  EXPECT_EQ(v.GetAttr("size").type(), Type::Number());
  EXPECT_EQ(v.GetAttr("tags").type(), Type::List(Type::String()));
  EXPECT_TRUE(v.GetAttr("extra").IsNull());
  EXPECT_TRUE(v.GetAttr("absent").IsNull());
  EXPECT_TRUE(v.GetAttr("absent").type().IsDynamic());

  Value o = Value::Object({{"a", Value::Int(1)}, {"b", Value::String("s")}});
  EXPECT_EQ(o.type(),
            Type::Object({{"a", Type::Number()}, {"b", Type::String()}}));
}

TEST(ValueTest, GetAttrOnNullObjectIsNull) {
  Value v = Value::Null(Type::Object({{"a", Type::String()}}));
  EXPECT_TRUE(v.GetAttr("a").IsNull());
}

TEST(ValueTest, TupleAndMap) {
  Value t = Value::Tuple({Value::String("a"), Value::Int(1)});
  EXPECT_EQ(t.type(), Type::Tuple({Type::String(), Type::Number()}));
  EXPECT_EQ(t.Length(), 2u);
  Value m = Value::Map(Type::Number(), {{"x", Value::Int(1)}});
  EXPECT_EQ(m.type(), Type::Map(Type::Number()));
  EXPECT_EQ(m.Entries().at("x"), Value::Int(1));
}

TEST(ValueTest, IsWhollyKnown) {
  Value v = Value::Object(
      {{"a", Value::List(Type::String(), {Value::String("x"),
                                          Value::Unknown(Type::String())})}});
  EXPECT_TRUE(v.IsKnown());
  EXPECT_FALSE(v.IsWhollyKnown());
  EXPECT_TRUE(Value::Null(Type::String()).IsWhollyKnown());
  EXPECT_TRUE(
      Value::Object({{"a", Value::Null(Type::String())}}).IsWhollyKnown());
}

TEST(ValueTest, Refinements) {
  Refinements r;
  r.not_null = true;
  r.string_prefix = "pre-";
  Value u = Value::Unknown(Type::String(), r);
  EXPECT_EQ(u.refinements(), r);
  EXPECT_EQ(Value::String("x").refinements(), Refinements{});
}

TEST(ValueTest, DebugString) {
  Value v = Value::Object(
      {{"name", Value::String("x")},
       {"tags", Value::List(Type::String(), {Value::String("a"),
                                             Value::Unknown(Type::String())})},
       {"n", Value::Null(Type::Number())},
       {"m", Value::Map(Type::Bool(), {{"k", Value::Bool(true)}})},
       {"f", Value::Number(Number::FromDouble(0.5))}});
  EXPECT_EQ(v.DebugString(),
            R"({f = 0.5, m = {"k" = true}, n = null, name = "x", )"
            R"(tags = ["a", (unknown)]})");
}

TEST(ValueTest, Conforms) {
  Type t =
      Type::Object({{"a", Type::String()}, {"b", Type::List(Type::Number())}});
  EXPECT_TRUE(Conforms(Value::ObjectOf(t, {}), t));
  EXPECT_TRUE(Conforms(Value::Null(t), t));
  EXPECT_TRUE(Conforms(Value::Unknown(t), t));
  EXPECT_TRUE(Conforms(Value(), t));  // null of undecided type
  EXPECT_TRUE(Conforms(Value::Unknown(Type::Dynamic()), Type::String()));
  EXPECT_TRUE(Conforms(Value::String("x"), Type::Dynamic()));
  EXPECT_FALSE(Conforms(Value::String("x"), Type::Number()));
  EXPECT_FALSE(Conforms(Value::Null(Type::String()), Type::Number()));
  EXPECT_TRUE(Conforms(
      Value::Object({{"a", Value::String("x")},
                     {"b", Value::List(Type::Number(), {Value::Int(1)})}}),
      t));
  // An attribute of undecided type still fits.
  EXPECT_TRUE(Conforms(Value::Object({{"a", Value()}, {"b", Value()}}), t));
  EXPECT_FALSE(Conforms(Value::Object({{"a", Value::String("x")}}), t));
  EXPECT_FALSE(Conforms(Value::List(Type::String(), {Value::String("x")}),
                        Type::List(Type::Number())));
  EXPECT_TRUE(Conforms(Value::List(Type::Dynamic(), {Value::String("x")}),
                       Type::List(Type::Dynamic())));
  EXPECT_TRUE(
      Conforms(Value::Tuple({Value::Int(1)}), Type::Tuple({Type::Number()})));
  EXPECT_FALSE(Conforms(Value::Tuple({Value::Int(1)}), Type::Tuple({})));
  EXPECT_TRUE(Conforms(Value::Map(Type::String(), {{"k", Value::String("v")}}),
                       Type::Map(Type::String())));
}

#ifdef NDEBUG
TEST(ValueTest, WrongKindAccessorsAreSafeInRelease) {
  Value s = Value::String("x");
  EXPECT_TRUE(s.Elements().empty());
  EXPECT_TRUE(s.Entries().empty());
  EXPECT_EQ(s.AsNumber().ToString(), "0");
  EXPECT_FALSE(s.AsBool());
  EXPECT_EQ(Value::Int(1).AsString(), "");
  EXPECT_EQ(s.Length(), 0u);
  EXPECT_TRUE(s.GetAttr("a").IsNull());
}
#endif

}  // namespace
}  // namespace encore::values
