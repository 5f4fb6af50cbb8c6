#include "provider/values/type.h"

#include <string>

#include "gtest/gtest.h"

namespace encore::values {
namespace {

TEST(TypeTest, PrimitiveJson) {
  EXPECT_EQ(Type::String().ToJson(), "\"string\"");
  EXPECT_EQ(Type::Number().ToJson(), "\"number\"");
  EXPECT_EQ(Type::Bool().ToJson(), "\"bool\"");
  EXPECT_EQ(Type::Dynamic().ToJson(), "\"dynamic\"");
  EXPECT_EQ(Type().ToJson(), "\"dynamic\"");
}

TEST(TypeTest, CompositeJsonIsCompactAndSorted) {
  EXPECT_EQ(Type::List(Type::String()).ToJson(), R"(["list","string"])");
  EXPECT_EQ(Type::Map(Type::Set(Type::Number())).ToJson(),
            R"(["map",["set","number"]])");
  Type obj = Type::Object({{"zeta", Type::Bool()},
                           {"a", Type::Number()},
                           {"m", Type::List(Type::Dynamic())}});
  EXPECT_EQ(
      obj.ToJson(),
      R"(["object",{"a":"number","m":["list","dynamic"],"zeta":"bool"}])");
  EXPECT_EQ(Type::Tuple({Type::String(), Type::Bool()}).ToJson(),
            R"(["tuple",["string","bool"]])");
  EXPECT_EQ(Type::Object({}).ToJson(), R"(["object",{}])");
  EXPECT_EQ(Type::Tuple({}).ToJson(), R"(["tuple",[]])");
}

TEST(TypeTest, AttributeNamesEscapedLikeGo) {
  Type obj = Type::Object({{"a\"<b>", Type::String()}});
  EXPECT_EQ(obj.ToJson(), R"(["object",{"a\"\u003cb\u003e":"string"}])");
  StatusOr<Type> back = Type::FromJson(obj.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, obj);
}

TEST(TypeTest, FromJsonRoundTrips) {
  for (const char* json :
       {R"("string")", R"("number")", R"("bool")", R"("dynamic")",
        R"(["list","string"])", R"(["set",["map","bool"]])",
        R"(["object",{"a":"number","b":["tuple",["string","dynamic"]]}])",
        R"(["tuple",[]])"}) {
    StatusOr<Type> t = Type::FromJson(json);
    ASSERT_TRUE(t.ok()) << json << ": " << t.status().message();
    EXPECT_EQ(t->ToJson(), json);
  }
}

TEST(TypeTest, FromJsonAcceptsOptionalAttributes) {
  StatusOr<Type> t =
      Type::FromJson(R"(["object",{"b":"string","a":"number"},["a"]])");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(*t, Type::Object({{"a", Type::Number()}, {"b", Type::String()}}));
}

TEST(TypeTest, FromJsonAcceptsWhitespace) {
  StatusOr<Type> t = Type::FromJson(" [ \"list\" , \"bool\" ] ");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, Type::List(Type::Bool()));
}

TEST(TypeTest, FromJsonErrors) {
  for (const char* json :
       {"", "nope", R"("strin")", R"(["list"])", R"(["list","string","x"])",
        R"(["object",["a"]])", R"(["object",{"a":"number"},"x"])",
        R"(["tuple","string"])", R"(["frob","string"])", "[]", "42",
        R"({"a":"string"})", R"("string" "string")", R"(["list","string")",
        "[\"list\",\"\xff\"]"}) {
    StatusOr<Type> t = Type::FromJson(json);
    EXPECT_FALSE(t.ok()) << json;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(t.status().message().find("invalid type JSON"),
                std::string::npos);
    }
  }
  StatusOr<Type> t = Type::FromJson(R"("strin")");
  EXPECT_NE(t.status().message().find("strin"), std::string::npos);
}

TEST(TypeTest, FromJsonDepthLimit) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "[\"list\",";
  deep += "\"string\"";
  for (int i = 0; i < 200; ++i) deep += "]";
  EXPECT_FALSE(Type::FromJson(deep).ok());
  std::string ok;
  for (int i = 0; i < 10; ++i) ok += "[\"list\",";
  ok += "\"string\"";
  for (int i = 0; i < 10; ++i) ok += "]";
  EXPECT_TRUE(Type::FromJson(ok).ok());
}

TEST(TypeTest, Equality) {
  EXPECT_EQ(Type::List(Type::String()), Type::List(Type::String()));
  EXPECT_NE(Type::List(Type::String()), Type::Set(Type::String()));
  EXPECT_NE(Type::List(Type::String()), Type::List(Type::Number()));
  EXPECT_EQ(Type::Object({{"a", Type::Bool()}}),
            Type::Object({{"a", Type::Bool()}}));
  EXPECT_NE(Type::Object({{"a", Type::Bool()}}),
            Type::Object({{"b", Type::Bool()}}));
  EXPECT_NE(Type::Tuple({Type::Bool()}), Type::Tuple({}));
  EXPECT_NE(Type::String(), Type::Dynamic());
}

TEST(TypeTest, KindsAndPredicates) {
  EXPECT_TRUE(Type::String().IsPrimitive());
  EXPECT_FALSE(Type::Dynamic().IsPrimitive());
  EXPECT_TRUE(Type::Dynamic().IsDynamic());
  EXPECT_TRUE(Type::Map(Type::String()).IsCollection());
  EXPECT_FALSE(Type::Tuple({}).IsCollection());
  EXPECT_FALSE(Type::Object({{"a", Type::String()}}).HasDynamic());
  EXPECT_TRUE(Type::Object({{"a", Type::List(Type::Dynamic())}}).HasDynamic());
  EXPECT_TRUE(Type::Tuple({Type::Bool(), Type::Dynamic()}).HasDynamic());
  EXPECT_EQ(Type::List(Type::Bool()).element(), Type::Bool());
  EXPECT_EQ(Type::Tuple({Type::Bool()}).tuple_elements().size(), 1u);
  EXPECT_EQ(Type::Object({{"x", Type::Bool()}}).attributes().size(), 1u);
}

TEST(TypeTest, FriendlyName) {
  EXPECT_EQ(Type::String().FriendlyName(), "string");
  EXPECT_EQ(Type::List(Type::String()).FriendlyName(), "list of string");
  EXPECT_EQ(Type::Map(Type::Number()).FriendlyName(), "map of number");
  EXPECT_EQ(Type::Set(Type::List(Type::Bool())).FriendlyName(),
            "set of list of bool");
  EXPECT_EQ(Type::Object({}).FriendlyName(), "object");
  EXPECT_EQ(Type::Tuple({}).FriendlyName(), "tuple");
  EXPECT_EQ(Type::Dynamic().FriendlyName(), "dynamic");
}

#ifdef NDEBUG
TEST(TypeTest, WrongKindAccessorsAreSafeInRelease) {
  EXPECT_EQ(Type::String().element(), Type::Dynamic());
  EXPECT_TRUE(Type::String().tuple_elements().empty());
  EXPECT_TRUE(Type::String().attributes().empty());
}
#endif

}  // namespace
}  // namespace encore::values
