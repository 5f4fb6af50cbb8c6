#include "provider/values/msgpack_codec.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace encore::values {
namespace {

// Bytes from hex pairs and "quoted text": H(R"(a2 "id" c0)"); \" and
// \\ escape inside the quotes.
std::string H(std::string_view spec) {
  std::string out;
  size_t i = 0;
  while (i < spec.size()) {
    char c = spec[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '"') {
      for (++i; i < spec.size() && spec[i] != '"'; ++i) {
        if (spec[i] == '\\') ++i;  // \" is a quote inside the text
        out.push_back(spec[i]);
      }
      ++i;
    } else {
      out.push_back(static_cast<char>(
          std::stoi(std::string(spec.substr(i, 2)), nullptr, 16)));
      i += 2;
    }
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kHex[(static_cast<unsigned char>(c) >> 4)];
    out += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

Value MustDecode(std::string_view bytes, const Type& type) {
  StatusOr<Value> v = DecodeMsgpack(bytes, type);
  EXPECT_TRUE(v.ok()) << Hex(bytes) << ": " << v.status().message();
  return v.ok() ? *v : Value();
}

std::string DecodeError(std::string_view bytes, const Type& type) {
  StatusOr<Value> v = DecodeMsgpack(bytes, type);
  EXPECT_FALSE(v.ok()) << Hex(bytes) << " decoded as " << v->DebugString();
  return v.ok() ? "" : v.status().message();
}

const Type& ResourceType() {
  static const Type* t = new Type(Type::Object({{"id", Type::String()},
                                                {"name", Type::String()},
                                                {"size", Type::Number()}}));
  return *t;
}

// --- Golden bytes captured from Terraform 1.11.4 (PROTOCOL.md §3.2) -------

TEST(MsgpackGoldenTest, ConfigObject) {
  std::string bytes = H(R"(83 a2 "id" c0 a4 "name" a5 "hello" a4 "size" c0)");
  Value v = MustDecode(bytes, ResourceType());
  EXPECT_TRUE(v.GetAttr("id").IsNull());
  EXPECT_EQ(v.GetAttr("name").AsString(), "hello");
  EXPECT_TRUE(v.GetAttr("size").IsNull());
  EXPECT_EQ(EncodeMsgpack(v, ResourceType()), bytes);
  // Built by hand, attributes out of order and missing: same bytes.
  Value built =
      Value::ObjectOf(ResourceType(), {{"name", Value::String("hello")}});
  EXPECT_EQ(EncodeMsgpack(built, ResourceType()), bytes);
}

struct NumberCase {
  const char* text;
  std::string bytes;
};

TEST(MsgpackGoldenTest, Numbers) {
  for (const NumberCase& c : std::initializer_list<NumberCase>{
           {"0.5", H("cb 3fe0000000000000")},
           {"0.1", H(R"(a3 "0.1")")},
           {"-7", H("f9")},
           {"300", H("cd 012c")},
           {"4294967296", H("cf 0000000100000000")},
           {"1e30", H(R"(bf "1000000000000000000000000000000")")},
       }) {
    Value v = MustDecode(c.bytes, Type::Number());
    EXPECT_EQ(v.AsNumber(), *Number::FromString(c.text)) << c.text;
    EXPECT_EQ(Hex(EncodeMsgpack(v, Type::Number())), Hex(c.bytes)) << c.text;
  }
  // The same numbers built from their usual C++ forms.
  EXPECT_EQ(
      EncodeMsgpack(Value::Number(Number::FromDouble(0.5)), Type::Number()),
      H("cb 3fe0000000000000"));
  EXPECT_EQ(
      EncodeMsgpack(Value::Number(*Number::FromString("0.1")), Type::Number()),
      H(R"(a3 "0.1")"));
  EXPECT_EQ(EncodeMsgpack(Value::Int(-7), Type::Number()), H("f9"));
  EXPECT_EQ(
      EncodeMsgpack(Value::Number(Number::FromDouble(300.0)), Type::Number()),
      H("cd 012c"));
  EXPECT_EQ(EncodeMsgpack(Value::Int(4294967296), Type::Number()),
            H("cf 0000000100000000"));
  EXPECT_EQ(
      EncodeMsgpack(Value::Number(*Number::FromString("1e30")), Type::Number()),
      H(R"(bf "1000000000000000000000000000000")"));
}

TEST(MsgpackGoldenTest, RefinedUnknownRoundTrips) {
  std::string bytes = H(R"(c7 09 0c 82 01 c2 02 a4 "pre-")");
  Value v = MustDecode(bytes, Type::String());
  ASSERT_TRUE(v.IsUnknown());
  EXPECT_EQ(v.type(), Type::String());
  EXPECT_TRUE(v.refinements().not_null);
  EXPECT_EQ(v.refinements().string_prefix, "pre-");
  EXPECT_EQ(Hex(EncodeMsgpack(v, Type::String())), Hex(bytes));
}

TEST(MsgpackGoldenTest, PlainUnknown) {
  Value v = MustDecode(H("d4 00 00"), Type::String());
  EXPECT_TRUE(v.IsUnknown());
  EXPECT_EQ(v.refinements(), Refinements{});
  EXPECT_EQ(EncodeMsgpack(Value::Unknown(Type::String()), Type::String()),
            H("d4 00 00"));
  // The Rust tf-provider's form, and other short extensions.
  EXPECT_TRUE(MustDecode(H("c7 00 00"), Type::String()).IsUnknown());
  EXPECT_TRUE(MustDecode(H("d4 0c 00"), Type::Number()).IsUnknown());
  EXPECT_TRUE(MustDecode(H("c7 00 0c"), Type::Bool()).IsUnknown());
  // Lenient: a long extension of another type is a plain unknown too.
  EXPECT_TRUE(MustDecode(H("d6 05 01 02 03 04"), Type::String()).IsUnknown());
  EXPECT_TRUE(MustDecode(H("c8 0000 07"), Type::String()).IsUnknown());
}

TEST(MsgpackGoldenTest, DynamicString) {
  std::string bytes = H(R"(92 c4 08 "\"string\"" a5 "hello")");
  Value v = MustDecode(bytes, Type::Dynamic());
  EXPECT_EQ(v, Value::String("hello"));
  EXPECT_EQ(Hex(EncodeMsgpack(v, Type::Dynamic())), Hex(bytes));
  // The type may come as str too.
  EXPECT_EQ(MustDecode(H(R"(92 a8 "\"string\"" a5 "hello")"), Type::Dynamic()),
            v);
}

// --- Unknown refinements --------------------------------------------------

TEST(MsgpackUnknownTest, NotNullOnlyUsesExt8) {
  Refinements r;
  r.not_null = true;
  Value v = Value::Unknown(Type::Number(), r);
  std::string bytes = EncodeMsgpack(v, Type::Number());
  EXPECT_EQ(Hex(bytes), Hex(H("c7 03 0c 81 01 c2")));
  Value back = MustDecode(bytes, Type::Number());
  EXPECT_TRUE(back.refinements().not_null);
}

TEST(MsgpackUnknownTest, FixextForPowerOfTwoPayloads) {
  Refinements r;
  r.string_prefix = "x";  // payload 81 02 a1 78: 4 bytes
  std::string bytes =
      EncodeMsgpack(Value::Unknown(Type::String(), r), Type::String());
  EXPECT_EQ(Hex(bytes), Hex(H(R"(d6 0c 81 02 a1 "x")")));
  EXPECT_EQ(MustDecode(bytes, Type::String()).refinements().string_prefix, "x");
}

TEST(MsgpackUnknownTest, NeverEmptyRefinementMap) {
  Refinements r;
  r.string_prefix = "abc";  // meaningless on a number: dropped
  EXPECT_EQ(EncodeMsgpack(Value::Unknown(Type::Number(), r), Type::Number()),
            H("d4 00 00"));
  r.not_null = true;  // a dynamic unknown is never refined
  EXPECT_EQ(EncodeMsgpack(Value::Unknown(Type::Dynamic(), r), Type::Dynamic()),
            H("d4 00 00"));
}

TEST(MsgpackUnknownTest, LongPrefixTruncatedAtUtf8Boundary) {
  Refinements r;
  r.not_null = true;
  std::string prefix(255, 'a');
  prefix += "\xc3\xa9";  // é straddles byte 256
  r.string_prefix = prefix;
  Value back = MustDecode(
      EncodeMsgpack(Value::Unknown(Type::String(), r), Type::String()),
      Type::String());
  EXPECT_EQ(back.refinements().string_prefix, std::string(255, 'a'));
}

TEST(MsgpackUnknownTest, BoundsAndLengthsAreParsedAndSkipped) {
  // number: {1: false, 3: [0, true], 4: [10.5, false]}
  Value n = MustDecode(
      H("c7 13 0c 83 01 c2 03 92 00 c3 04 92 cb 4025000000000000 c2"),
      Type::Number());
  EXPECT_TRUE(n.IsUnknown());
  EXPECT_TRUE(n.refinements().not_null);
  // list: {5: 1, 6: 300}
  Value l =
      MustDecode(H("c7 07 0c 82 05 01 06 cd 012c"), Type::List(Type::String()));
  EXPECT_TRUE(l.IsUnknown());
  EXPECT_EQ(l.type(), Type::List(Type::String()));
  // unknown keys of any shape are skipped: {9: [1, {2: "x"}], 1: false}
  Value s = MustDecode(H(R"(c7 0a 0c 82 09 92 01 81 02 a1 "x" 01 c2)"),
                       Type::String());
  EXPECT_TRUE(s.refinements().not_null);
}

TEST(MsgpackUnknownTest, MalformedRefinementsAreErrors) {
  // payload not a map
  DecodeError(H("d5 0c 01 02"), Type::String());
  // map claims two entries but has one
  DecodeError(H("c7 03 0c 82 01 c2"), Type::String());
  // nullness not a bool
  DecodeError(H("c7 03 0c 81 01 01"), Type::String());
  // prefix on a number
  DecodeError(H(R"(c7 04 0c 81 02 a1 "x")"), Type::Number());
  // prefix not a string
  DecodeError(H("c7 03 0c 81 02 01"), Type::String());
  // number bound on a string
  DecodeError(H("c7 05 0c 81 03 92 00 c3"), Type::String());
  // number bound of the wrong shape
  DecodeError(H("c7 04 0c 81 03 91 00"), Type::Number());
  DecodeError(H("c7 05 0c 81 03 92 c3 c3"), Type::Number());
  // length bound on a string, and not an int
  DecodeError(H("c7 03 0c 81 05 01"), Type::String());
  DecodeError(H("c7 03 0c 81 05 c2"), Type::Set(Type::Bool()));
  // non-integer key
  DecodeError(H(R"(c7 04 0c 81 a1 "k" c2)"), Type::String());
  // trailing bytes inside the payload
  DecodeError(H("c7 04 0c 81 01 c2 c0"), Type::String());
}

// --- Numbers --------------------------------------------------------------

TEST(MsgpackNumberTest, AllIntegerFamiliesDecode) {
  struct Case {
    std::string bytes;
    int64_t value;
  };
  for (const Case& c : std::initializer_list<Case>{
           {H("00"), 0},
           {H("7f"), 127},
           {H("cc ff"), 255},
           {H("cd ffff"), 65535},
           {H("ce ffffffff"), 4294967295},
           {H("cf 7fffffffffffffff"), INT64_MAX},
           {H("e0"), -32},
           {H("ff"), -1},
           {H("d0 80"), -128},
           {H("d1 8000"), -32768},
           {H("d2 80000000"), INT32_MIN},
           {H("d3 8000000000000000"), INT64_MIN},
           {H("d0 05"), 5},
           {H("ca 40400000"), 3},  // float32 3.0
           {H(R"(a2 "42")"), 42},
           {H(R"(c4 02 "42")"), 42},
       }) {
    Value v = MustDecode(c.bytes, Type::Number());
    EXPECT_EQ(v.AsNumber().AsInt64(), c.value) << Hex(c.bytes);
  }
}

TEST(MsgpackNumberTest, IntsUseTheSmallestForm) {
  struct Case {
    int64_t value;
    std::string bytes;
  };
  for (const Case& c : std::initializer_list<Case>{
           {0, H("00")},
           {127, H("7f")},
           {128, H("cc 80")},
           {255, H("cc ff")},
           {256, H("cd 0100")},
           {65536, H("ce 00010000")},
           {-1, H("ff")},
           {-32, H("e0")},
           {-33, H("d0 df")},
           {-128, H("d0 80")},
           {-129, H("d1 ff7f")},
           {-32769, H("d2 ffff7fff")},
           {-2147483649, H("d3 ffffffff7fffffff")},
           {INT64_MAX, H("cf 7fffffffffffffff")},
       }) {
    EXPECT_EQ(Hex(EncodeMsgpack(Value::Int(c.value), Type::Number())),
              Hex(c.bytes))
        << c.value;
    EXPECT_EQ(MustDecode(c.bytes, Type::Number()), Value::Int(c.value));
  }
}

TEST(MsgpackNumberTest, BigUnsignedAndFloats) {
  Value big = MustDecode(H("cf ffffffffffffffff"), Type::Number());
  EXPECT_EQ(big.AsNumber().ToString(), "18446744073709551615");
  EXPECT_EQ(EncodeMsgpack(big, Type::Number()),
            H(R"(b4 "18446744073709551615")"));
  // float64 with an integral value comes back as an int
  EXPECT_EQ(EncodeMsgpack(MustDecode(H("cb 4059000000000000"), Type::Number()),
                          Type::Number()),
            H("64"));
  // float32 0.5
  EXPECT_EQ(MustDecode(H("ca 3f000000"), Type::Number()),
            Value::Number(Number::FromDouble(0.5)));
  // +Inf stays float64
  std::string inf = H("cb 7ff0000000000000");
  EXPECT_EQ(EncodeMsgpack(MustDecode(inf, Type::Number()), Type::Number()),
            inf);
  DecodeError(H(R"(a3 "abc")"), Type::Number());
}

// --- Structure ------------------------------------------------------------

TEST(MsgpackStructureTest, EmptyInputIsNull) {
  Value v = MustDecode("", ResourceType());
  EXPECT_TRUE(v.IsNull());
  EXPECT_EQ(v.type(), ResourceType());
  EXPECT_TRUE(MustDecode(H("c0"), ResourceType()).IsNull());
  EXPECT_EQ(EncodeMsgpack(Value::Null(ResourceType()), ResourceType()),
            H("c0"));
}

TEST(MsgpackStructureTest, StrAndBinInterchangeable) {
  EXPECT_EQ(MustDecode(H(R"(c4 02 "hi")"), Type::String()),
            Value::String("hi"));
  EXPECT_EQ(MustDecode(H(R"(d9 02 "hi")"), Type::String()),
            Value::String("hi"));
  EXPECT_EQ(MustDecode(H(R"(da 0002 "hi")"), Type::String()),
            Value::String("hi"));
  EXPECT_EQ(MustDecode(H(R"(db 00000002 "hi")"), Type::String()),
            Value::String("hi"));
  EXPECT_EQ(MustDecode(H(R"(81 c4 01 "k" a1 "v")"), Type::Map(Type::String())),
            Value::Map(Type::String(), {{"k", Value::String("v")}}));
}

TEST(MsgpackStructureTest, StringLengthForms) {
  EXPECT_EQ(EncodeMsgpack(Value::String(std::string(31, 'x')), Type::String())
                .substr(0, 1),
            H("bf"));
  EXPECT_EQ(EncodeMsgpack(Value::String(std::string(32, 'x')), Type::String())
                .substr(0, 2),
            H("d9 20"));
  EXPECT_EQ(EncodeMsgpack(Value::String(std::string(256, 'x')), Type::String())
                .substr(0, 3),
            H("da 0100"));
  std::string big(70000, 'y');
  std::string enc = EncodeMsgpack(Value::String(big), Type::String());
  EXPECT_EQ(enc.substr(0, 5), H("db 00011170"));
  EXPECT_EQ(MustDecode(enc, Type::String()).AsString(), big);
}

TEST(MsgpackStructureTest, NestedCollectionsRoundTrip) {
  Type inner = Type::Object({{"k", Type::String()},
                             {"n", Type::Number()},
                             {"flags", Type::Set(Type::Bool())}});
  Type t = Type::Object({
      {"list", Type::List(inner)},
      {"map", Type::Map(Type::List(Type::Number()))},
      {"tuple", Type::Tuple({Type::String(), Type::Dynamic()})},
      {"any", Type::Dynamic()},
      {"big", Type::List(Type::Number())},
  });
  std::vector<Value> many;
  for (int i = 0; i < 40; ++i) many.push_back(Value::Int(i * 1000));
  Value v = Value::ObjectOf(
      t,
      {{"list",
        Value::List(
            inner,
            {Value::ObjectOf(
                 inner, {{"k", Value::String("a")},
                         {"n", Value::Number(Number::FromDouble(1.5))},
                         {"flags",
                          Value::Set(Type::Bool(), {Value::Bool(true),
                                                    Value::Bool(false)})}}),
             Value::ObjectOf(inner, {{"k", Value::Unknown(Type::String())}}),
             Value::Null(inner)})},
       {"map", Value::Map(Type::List(Type::Number()),
                          {{"x", Value::List(Type::Number(), {Value::Int(1)})},
                           {"y", Value::Unknown(Type::List(Type::Number()))}})},
       {"tuple",
        Value::Tuple({Value::String("t"),
                      Value::List(Type::Bool(), {Value::Bool(true)})})},
       {"any", Value::Object({{"deep", Value::Map(Type::Dynamic(),
                                                  {{"q", Value::Int(3)}})}})},
       {"big", Value::List(Type::Number(), many)}});
  std::string bytes = EncodeMsgpack(v, t);
  Value back = MustDecode(bytes, t);
  EXPECT_EQ(back, v) << back.DebugString() << "\nvs\n" << v.DebugString();
  EXPECT_EQ(EncodeMsgpack(back, t), bytes);
}

TEST(MsgpackStructureTest, DynamicSlots) {
  // bare nil / bare ext
  Value n = MustDecode(H("c0"), Type::Dynamic());
  EXPECT_TRUE(n.IsNull());
  EXPECT_TRUE(n.type().IsDynamic());
  Value u = MustDecode(H("d4 00 00"), Type::Dynamic());
  EXPECT_TRUE(u.IsUnknown());
  EXPECT_TRUE(u.type().IsDynamic());
  EXPECT_EQ(EncodeMsgpack(Value(), Type::Dynamic()), H("c0"));
  EXPECT_EQ(EncodeMsgpack(u, Type::Dynamic()), H("d4 00 00"));
  // typed null and typed unknown
  std::string null_string = H(R"(92 c4 08 "\"string\"" c0)");
  Value ns = MustDecode(null_string, Type::Dynamic());
  EXPECT_TRUE(ns.IsNull());
  EXPECT_EQ(ns.type(), Type::String());
  EXPECT_EQ(EncodeMsgpack(ns, Type::Dynamic()), null_string);
  std::string unknown_number = H(R"(92 c4 08 "\"number\"" d4 00 00)");
  Value un = MustDecode(unknown_number, Type::Dynamic());
  EXPECT_TRUE(un.IsUnknown());
  EXPECT_EQ(un.type(), Type::Number());
  EXPECT_EQ(EncodeMsgpack(un, Type::Dynamic()), unknown_number);
  // wrong shapes
  DecodeError(H(R"(a5 "hello")"), Type::Dynamic());
  DecodeError(H(R"(91 a8 "\"string\"")"), Type::Dynamic());
  DecodeError(H(R"(92 01 a5 "hello")"), Type::Dynamic());
  DecodeError(H(R"(92 a6 "\"nope\"" a5 "hello")"), Type::Dynamic());
  DecodeError(H(R"(92 a8 "\"number\"" a5 "hello")"), Type::Dynamic());
}

TEST(MsgpackStructureTest, ObjectAttributeChecks) {
  std::string msg =
      DecodeError(H(R"(82 a2 "id" c0 a4 "name" c0)"), ResourceType());
  EXPECT_NE(msg.find("an object with 3 attributes is required (2 given)"),
            std::string::npos)
      << msg;
  msg = DecodeError(H(R"(83 a2 "id" c0 a4 "nope" c0 a4 "size" c0)"),
                    ResourceType());
  EXPECT_NE(msg.find("unsupported attribute \"nope\""), std::string::npos)
      << msg;
  msg = DecodeError(H(R"(83 a2 "id" c0 a2 "id" c0 a4 "size" c0)"),
                    ResourceType());
  EXPECT_NE(msg.find("duplicate attribute"), std::string::npos) << msg;
  // Errors name the byte offset and the path.
  Type t = Type::Object(
      {{"deploy", Type::List(Type::Object({{"branch", Type::String()}}))}});
  msg = DecodeError(H(R"(81 a6 "deploy" 91 81 a6 "branch" 01)"), t);
  EXPECT_NE(msg.find("at byte 17"), std::string::npos) << msg;
  EXPECT_NE(msg.find("deploy[0].branch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected string, got integer"), std::string::npos) << msg;
  // An empty object type takes an empty map.
  EXPECT_TRUE(MustDecode(H("80"), Type::Object({})).IsKnown());
}

TEST(MsgpackStructureTest, TupleLength) {
  Type t = Type::Tuple({Type::String(), Type::Number()});
  EXPECT_EQ(MustDecode(H(R"(92 a1 "a" 01)"), t),
            Value::Tuple({Value::String("a"), Value::Int(1)}));
  DecodeError(H(R"(91 a1 "a")"), t);
  DecodeError(H(R"(93 a1 "a" 01 01)"), t);
}

TEST(MsgpackStructureTest, SetsDeduplicate) {
  Value v = MustDecode(H("93 01 02 01"), Type::Set(Type::Number()));
  EXPECT_EQ(v.Length(), 2u);
}

TEST(MsgpackStructureTest, MapsAndArraysLongForms) {
  EXPECT_EQ(MustDecode(H("dc 0001 01"), Type::List(Type::Number())).Length(),
            1u);
  EXPECT_EQ(
      MustDecode(H("dd 00000001 01"), Type::List(Type::Number())).Length(), 1u);
  EXPECT_EQ(
      MustDecode(H(R"(de 0001 a1 "k" 01)"), Type::Map(Type::Number())).Length(),
      1u);
  EXPECT_EQ(MustDecode(H(R"(df 00000001 a1 "k" 01)"), Type::Map(Type::Number()))
                .Length(),
            1u);
  std::vector<Value> many(20, Value::Int(1));
  std::string enc = EncodeMsgpack(Value::List(Type::Number(), many),
                                  Type::List(Type::Number()));
  EXPECT_EQ(enc.substr(0, 3), H("dc 0014"));
}

// --- Malformed input ------------------------------------------------------

TEST(MsgpackMalformedTest, Truncated) {
  std::string full = H(R"(83 a2 "id" c0 a4 "name" a5 "hello" a4 "size" c0)");
  for (size_t n = 1; n < full.size(); ++n) {
    DecodeError(full.substr(0, n), ResourceType());
  }
  for (const char* spec : {"cd 01", "cf 00", "cb 3fe0", "ca 00", "d9", "d9 05",
                           "da 00", "c4 03 00", "c7 05 00", "c7", "d4 00",
                           "d8 00 00", "dc 00", "de 00 01"}) {
    DecodeError(H(spec), Type::Number());
  }
}

TEST(MsgpackMalformedTest, TrailingBytes) {
  std::string msg = DecodeError(H("01 02"), Type::Number());
  EXPECT_NE(msg.find("at byte 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("trailing"), std::string::npos) << msg;
}

TEST(MsgpackMalformedTest, TypeMismatches) {
  DecodeError(H("01"), Type::String());
  DecodeError(H("c3"), Type::Number());
  DecodeError(H(R"(a1 "x")"), Type::Bool());
  DecodeError(H("80"), Type::List(Type::String()));
  DecodeError(H("90"), Type::Map(Type::String()));
  DecodeError(H("90"), ResourceType());
  DecodeError(H("81 01 01"), Type::Map(Type::Number()));  // int key
  DecodeError(H("c1"), Type::Dynamic());
}

TEST(MsgpackMalformedTest, LyingLengthsDoNotAllocate) {
  // Claims 4 billion elements, has none: must fail fast, not reserve.
  DecodeError(H("dd ffffffff"), Type::List(Type::Number()));
  DecodeError(H("df ffffffff"), Type::Map(Type::Number()));
  DecodeError(H("db ffffffff 00"), Type::String());
  DecodeError(H("c6 ffffffff 00"), Type::String());
  DecodeError(H("c9 ffffffff 00 00"), Type::String());
  DecodeError(H("dd 00000003 01 01"), Type::List(Type::Number()));
}

TEST(MsgpackMalformedTest, DepthLimit) {
  Type t = Type::Dynamic();
  Type list = Type::List(Type::Dynamic());
  // [["list","dynamic"], [ [type, [ ... ]] ]] nested 100 deep
  std::string type_json = list.ToJson();
  std::string bytes;
  for (int i = 0; i < 100; ++i) {
    bytes += H("92");
    bytes += H("c4");
    bytes.push_back(static_cast<char>(type_json.size()));
    bytes += type_json;
    bytes += H("91");
  }
  bytes += H("c0");
  std::string msg = DecodeError(bytes, t);
  EXPECT_NE(msg.find("nested too deeply"), std::string::npos) << msg;

  // Plain nested lists: 100 levels fail, 20 levels are fine.
  Type deep = Type::String();
  for (int i = 0; i < 100; ++i) deep = Type::List(deep);
  DecodeError(std::string(100, '\x91') + H("c0"), deep);
  Type shallow = Type::String();
  for (int i = 0; i < 20; ++i) shallow = Type::List(shallow);
  EXPECT_TRUE(MustDecode(std::string(20, '\x91') + H("c0"), shallow).IsKnown());
}

// The fuzz seed with every kind of attribute decodes as the fuzz target's
// object type (keeps the seed corpus meaningful).
TEST(MsgpackSeedTest, FuzzSeedDecodes) {
  std::ifstream in(
      std::string(ENCORE_VALUES_TESTDATA) + "/fuzz_corpus/object_all",
      std::ios::binary);
  ASSERT_TRUE(in.good());
  std::stringstream buf;
  buf << in.rdbuf();
  Type nested = Type::Object(
      {{"k", Type::String()}, {"v", Type::Number()}, {"any", Type::Dynamic()}});
  Type t = Type::Object({
      {"s", Type::String()},
      {"n", Type::Number()},
      {"b", Type::Bool()},
      {"l", Type::List(Type::String())},
      {"set", Type::Set(nested)},
      {"m", Type::Map(Type::Number())},
      {"o", nested},
      {"t", Type::Tuple({Type::Bool(), Type::List(Type::Dynamic())})},
      {"d", Type::Dynamic()},
  });
  Value v = MustDecode(buf.str(), t);
  EXPECT_EQ(v.GetAttr("d"), Value::Int(5));
  EXPECT_TRUE(v.GetAttr("l").Elements()[1].IsUnknown());
  EXPECT_EQ(v.GetAttr("set").Elements()[0].GetAttr("any"),
            Value::List(Type::Bool(), {Value::Bool(true)}));
  EXPECT_EQ(Hex(EncodeMsgpack(v, t)), Hex(buf.str()));
}

}  // namespace
}  // namespace encore::values
