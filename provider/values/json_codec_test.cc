#include "provider/values/json_codec.h"

#include <string>

#include "gtest/gtest.h"

namespace encore::values {
namespace {

Value MustDecode(std::string_view json, const Type& type,
                 bool ignore_extra = false) {
  StatusOr<Value> v = DecodeJson(json, type, ignore_extra);
  EXPECT_TRUE(v.ok()) << json << ": " << v.status().message();
  return v.ok() ? *v : Value();
}

std::string MustEncode(const Value& v, const Type& type) {
  StatusOr<std::string> s = EncodeJson(v, type);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : "";
}

std::string DecodeError(std::string_view json, const Type& type) {
  StatusOr<Value> v = DecodeJson(json, type);
  EXPECT_FALSE(v.ok()) << json;
  return v.ok() ? "" : v.status().message();
}

const Type& StateType() {
  static const Type* t = new Type(Type::Object({
      {"id", Type::String()},
      {"size", Type::Number()},
      {"enabled", Type::Bool()},
      {"tags", Type::Map(Type::String())},
      {"ports", Type::List(Type::Number())},
      {"names", Type::Set(Type::String())},
      {"pair", Type::Tuple({Type::String(), Type::Number()})},
      {"extra", Type::Dynamic()},
  }));
  return *t;
}

TEST(JsonCodecTest, RoundTripCompactSorted) {
  std::string json =
      R"({"enabled":true,"extra":{"value":["a",1],"type":["tuple",["string","number"]]},)"
      R"("id":"x-1","names":["a","b"],"pair":["p",2.5],"ports":[80,443],)"
      R"("size":0.1,"tags":{"a":"1","b":"2"}})";
  Value v = MustDecode(json, StateType());
  EXPECT_EQ(v.GetAttr("id").AsString(), "x-1");
  EXPECT_EQ(v.GetAttr("size").AsNumber().ToString(), "0.1");
  EXPECT_EQ(v.GetAttr("extra"),
            Value::Tuple({Value::String("a"), Value::Int(1)}));
  EXPECT_EQ(MustEncode(v, StateType()), json);
}

TEST(JsonCodecTest, NumbersKeepPrecision) {
  EXPECT_EQ(MustDecode("12345678901234567890123", Type::Number())
                .AsNumber()
                .ToString(),
            "12345678901234567890123");
  EXPECT_EQ(MustDecode("0.1000000000000000000001", Type::Number())
                .AsNumber()
                .ToString(),
            "0.1000000000000000000001");
  EXPECT_EQ(MustDecode("1e30", Type::Number()).AsNumber().ToString(),
            "1000000000000000000000000000000");
  EXPECT_EQ(MustDecode("-9223372036854775808", Type::Number()),
            Value::Int(INT64_MIN));
  EXPECT_EQ(MustEncode(MustDecode("1.50", Type::Number()), Type::Number()),
            "1.5");
  EXPECT_EQ(MustEncode(Value::Number(Number::FromDouble(1e21)), Type::Number()),
            "1000000000000000000000");
}

TEST(JsonCodecTest, MissingAttributesAreNull) {
  Value v = MustDecode(R"({"id":"x"})", StateType());
  EXPECT_EQ(v.type(), StateType());
  EXPECT_TRUE(v.GetAttr("size").IsNull());
  EXPECT_TRUE(v.GetAttr("tags").IsNull());
  EXPECT_EQ(MustEncode(v, StateType()),
            R"({"enabled":null,"extra":null,"id":"x","names":null,)"
            R"("pair":null,"ports":null,"size":null,"tags":null})");
}

TEST(JsonCodecTest, ExtraAttributes) {
  std::string msg = DecodeError(R"({"id":"x","old":1})", StateType());
  EXPECT_NE(msg.find("unsupported attribute \"old\""), std::string::npos)
      << msg;
  Value v = MustDecode(R"({"id":"x","old":{"deep":[1]}})", StateType(),
                       /*ignore_extra=*/true);
  EXPECT_EQ(v.GetAttr("id").AsString(), "x");
}

TEST(JsonCodecTest, PrimitiveConversionsLikeCty) {
  EXPECT_EQ(MustDecode("12.50", Type::String()), Value::String("12.50"));
  EXPECT_EQ(MustDecode("true", Type::String()), Value::String("true"));
  EXPECT_EQ(MustDecode(R"("42")", Type::Number()), Value::Int(42));
  EXPECT_EQ(MustDecode(R"("false")", Type::Bool()), Value::Bool(false));
  DecodeError(R"("abc")", Type::Number());
  DecodeError(R"("yes")", Type::Bool());
  DecodeError("[]", Type::String());
}

TEST(JsonCodecTest, Dynamic) {
  EXPECT_EQ(MustDecode(R"({"type":"string","value":"hi"})", Type::Dynamic()),
            Value::String("hi"));
  Value n = MustDecode("null", Type::Dynamic());
  EXPECT_TRUE(n.IsNull());
  EXPECT_TRUE(n.type().IsDynamic());
  EXPECT_EQ(MustEncode(n, Type::Dynamic()), "null");
  Value typed_null =
      MustDecode(R"({"value":null,"type":"number"})", Type::Dynamic());
  EXPECT_TRUE(typed_null.IsNull());
  EXPECT_EQ(typed_null.type(), Type::Number());
  EXPECT_EQ(MustEncode(typed_null, Type::Dynamic()),
            R"({"value":null,"type":"number"})");
  Value obj = MustDecode(
      R"({"value":{"a":[1,2]},"type":["object",{"a":["list","number"]}]})",
      Type::Dynamic());
  EXPECT_EQ(
      MustEncode(obj, Type::Dynamic()),
      R"({"value":{"a":[1,2]},"type":["object",{"a":["list","number"]}]})");
  DecodeError(R"("hi")", Type::Dynamic());
  DecodeError(R"({"value":"hi"})", Type::Dynamic());
  DecodeError(R"({"type":"string"})", Type::Dynamic());
  DecodeError(R"({"type":"string","value":"hi","x":1})", Type::Dynamic());
  DecodeError(R"({"type":"strin","value":"hi"})", Type::Dynamic());
}

TEST(JsonCodecTest, UnknownIsAnError) {
  Value v = Value::ObjectOf(
      StateType(), {{"ports", Value::List(Type::Number(),
                                          {Value::Int(1),
                                           Value::Unknown(Type::Number())})}});
  StatusOr<std::string> s = EncodeJson(v, StateType());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("ports[1]"), std::string::npos)
      << s.status().message();
  EXPECT_FALSE(
      EncodeJson(Value::Unknown(Type::Dynamic()), Type::Dynamic()).ok());
  EXPECT_FALSE(EncodeJson(Value::Number(Number::FromDouble(
                              std::numeric_limits<double>::infinity())),
                          Type::Number())
                   .ok());
}

TEST(JsonCodecTest, StringsEscapedLikeGo) {
  EXPECT_EQ(MustEncode(Value::String("a\"b\\c\n<&>\x01"), Type::String()),
            R"("a\"b\\c\n\u003c\u0026\u003e\u0001")");
  EXPECT_EQ(MustEncode(Value::String("caf\xc3\xa9 \xff"), Type::String()),
            "\"caf\xc3\xa9 \\ufffd\"");
  EXPECT_EQ(MustDecode(R"("\u00e9\n")", Type::String()),
            Value::String("\xc3\xa9\n"));
}

TEST(JsonCodecTest, ErrorsNamePaths) {
  std::string msg = DecodeError(R"({"ports":[1,"x"]})", StateType());
  EXPECT_NE(msg.find("ports[1]"), std::string::npos) << msg;
  msg = DecodeError(R"({"tags":{"k":[]}})", StateType());
  EXPECT_NE(msg.find("tags[\"k\"]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected string, got array"), std::string::npos) << msg;
}

TEST(JsonCodecTest, InvalidJson) {
  for (const char* json :
       {"", "{", R"({"id":})", "[1,]", "{} {}", "nul", "\"\xff\""}) {
    DecodeError(json, StateType());
  }
  DecodeError(R"(["a"])", Type::Tuple({}));
  DecodeError(R"(["a",1])", Type::Tuple({Type::String()}));
}

TEST(JsonCodecTest, DeepNestingIsRejected) {
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  DecodeError(deep, Type::Dynamic());
  Type t = Type::String();
  for (int i = 0; i < 100; ++i) t = Type::List(t);
  std::string hundred = std::string(100, '[') + std::string(100, ']');
  DecodeError(hundred, t);
}

TEST(JsonCodecTest, SetsAndLists) {
  Value v = MustDecode(R"(["a","b","a"])", Type::Set(Type::String()));
  EXPECT_EQ(v.Length(), 2u);
  EXPECT_EQ(
      MustEncode(Value::List(Type::String(), {}), Type::List(Type::String())),
      "[]");
  EXPECT_EQ(
      MustEncode(Value::Map(Type::String(), {}), Type::Map(Type::String())),
      "{}");
}

}  // namespace
}  // namespace encore::values
