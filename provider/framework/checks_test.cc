#include "provider/framework/checks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace encore::framework {
namespace {

using values::Number;

Diagnostics RunCheck(const ValueCheck& c, const Value& v,
                     const AttributePath& path = AttributePath::Root("type")) {
  Diagnostics d;
  c.check(v, path, d);
  return d;
}

TEST(OneOfTest, AcceptsAllowedRejectsOthersWithList) {
  ValueCheck c = OneOf({"production", "development", "preview", "local"});
  EXPECT_TRUE(RunCheck(c, Value::String("preview")).empty());
  Diagnostics d = RunCheck(c, Value::String("prod"));
  ASSERT_EQ(d.size(), 1u);
  const Diagnostic& diag = d.items()[0];
  EXPECT_EQ(diag.severity, Severity::kError);
  EXPECT_EQ(diag.summary, "Invalid value for type");
  EXPECT_NE(diag.detail.find(
                "\"prod\" is not one of the allowed values: \"production\", "
                "\"development\", \"preview\", \"local\"."),
            std::string::npos)
      << diag.detail;
  ASSERT_TRUE(diag.path.has_value());
  EXPECT_EQ(*diag.path, AttributePath::Root("type"));
  EXPECT_NE(c.description.find("\"local\""), std::string::npos);
}

TEST(OneOfTest, CaseSensitive) {
  EXPECT_EQ(RunCheck(OneOf({"local"}), Value::String("Local")).size(), 1u);
}

TEST(MatchesPatternTest, AcceptAndReject) {
  ValueCheck c = MatchesPattern("^[a-z][a-z0-9-]{1,62}$",
                                "lowercase letters, digits and dashes, "
                                "starting with a letter, 2 to 63 characters");
  const AttributePath p = AttributePath::Root("name");
  struct Case {
    std::string in;
    bool ok;
  };
  const Case cases[] = {{"my-app", true},
                        {"a1", true},
                        {"a", false},
                        {"My-app", false},
                        {"1app", false},
                        {"app_x", false},
                        {std::string(64, 'a'), false}};
  for (const Case& tc : cases) {
    Diagnostics d = RunCheck(c, Value::String(tc.in), p);
    EXPECT_EQ(d.empty(), tc.ok) << tc.in << ": " << d.ToString();
  }
  Diagnostics d = RunCheck(c, Value::String("My-app"), p);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.items()[0].summary, "Invalid name");
  EXPECT_NE(d.items()[0].detail.find("\"My-app\""), std::string::npos);
  EXPECT_NE(d.items()[0].detail.find("starting with a letter"),
            std::string::npos);
}

TEST(MatchesPatternTest, BadPatternIsReportedNotThrown) {
  ValueCheck c = MatchesPattern("([a-z", "anything");
  Diagnostics d = RunCheck(c, Value::String("x"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d.items()[0].detail.find("bug in the provider"), std::string::npos);
}

TEST(IntBetweenTest, AcceptAndReject) {
  ValueCheck c = IntBetween(1, 100);
  const AttributePath p = AttributePath::Root("storage_gb");
  EXPECT_TRUE(RunCheck(c, Value::Int(1), p).empty());
  EXPECT_TRUE(RunCheck(c, Value::Int(100), p).empty());
  Diagnostics hi = RunCheck(c, Value::Int(101), p);
  ASSERT_EQ(hi.size(), 1u);
  EXPECT_NE(hi.items()[0].detail.find("101"), std::string::npos);
  EXPECT_NE(hi.items()[0].detail.find("between 1 and 100"), std::string::npos);
  EXPECT_EQ(RunCheck(c, Value::Int(0), p).size(), 1u);
  Diagnostics frac = RunCheck(c, Value::Number(Number::FromDouble(2.5)), p);
  ASSERT_EQ(frac.size(), 1u);
  EXPECT_NE(frac.items()[0].detail.find("not a whole number"),
            std::string::npos);
}

TEST(JsonObjectTest, AcceptAndReject) {
  ValueCheck c = JsonObject();
  const AttributePath p = AttributePath::Root("model");
  EXPECT_TRUE(RunCheck(c, Value::String(R"({"a": [1, 2]})"), p).empty());
  EXPECT_TRUE(RunCheck(c, Value::String("{}"), p).empty());
  Diagnostics bad = RunCheck(c, Value::String("{\"a\": "), p);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad.items()[0].summary, "Invalid JSON in model");
  EXPECT_NE(bad.items()[0].detail.find("not valid JSON"), std::string::npos);
  Diagnostics arr = RunCheck(c, Value::String("[1]"), p);
  ASSERT_EQ(arr.size(), 1u);
  EXPECT_NE(arr.items()[0].detail.find("an array, not an object"),
            std::string::npos)
      << arr.items()[0].detail;
}

TEST(DurationTest, CheckMessage) {
  ValueCheck c = Duration();
  const AttributePath p = AttributePath::Root("timeouts").Attr("create");
  EXPECT_TRUE(RunCheck(c, Value::String("1h30m"), p).empty());
  Diagnostics d = RunCheck(c, Value::String("90x"), p);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.items()[0].summary, "Invalid duration for create");
  EXPECT_NE(d.items()[0].detail.find("\"90x\""), std::string::npos);
  EXPECT_NE(d.items()[0].detail.find("\"1h30m\""), std::string::npos);
  EXPECT_EQ(*d.items()[0].path, p);
}

TEST(NonEmptyElementsTest, ListMapAndSet) {
  ValueCheck c = NonEmptyElements();
  const AttributePath p = AttributePath::Root("services");
  EXPECT_TRUE(
      RunCheck(c,
               Value::List(Type::String(), {Value::String("a"),
                                            Value::Unknown(Type::String())}),
               p)
          .empty());
  Diagnostics d = RunCheck(
      c, Value::List(Type::String(), {Value::String("a"), Value::String("")}),
      p);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(*d.items()[0].path, p.Index(1));
  EXPECT_NE(d.items()[0].detail.find("index 1"), std::string::npos);

  Diagnostics m = RunCheck(
      c,
      Value::Map(Type::String(),
                 {{"x", Value::String("")}, {"y", Value::String("v")}}),
      p);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(*m.items()[0].path, p.Key("x"));

  Diagnostics s =
      RunCheck(c, Value::Set(Type::String(), {Value::String("")}), p);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(*s.items()[0].path, p);  // a set element has no key
}

TEST(UniqueElementsTest, ReportsSecondOccurrence) {
  ValueCheck c = UniqueElements();
  const AttributePath p =
      AttributePath::Root("process_group").Index(0).Attr("services");
  EXPECT_TRUE(RunCheck(c,
                       Value::List(Type::String(), {Value::String("api"),
                                                    Value::String("web")}),
                       p)
                  .empty());
  Diagnostics d = RunCheck(
      c,
      Value::List(Type::String(), {Value::String("api"), Value::String("web"),
                                   Value::String("api")}),
      p);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(*d.items()[0].path, p.Index(2));
  EXPECT_NE(d.items()[0].detail.find("\"api\" appears more than once"),
            std::string::npos)
      << d.items()[0].detail;
  // Unknown elements are not duplicates of each other.
  EXPECT_TRUE(
      RunCheck(c,
               Value::List(Type::String(), {Value::Unknown(Type::String()),
                                            Value::Unknown(Type::String())}),
               p)
          .empty());
}

TEST(MapKeysTest, ChecksEachKeyAtItsPath) {
  ValueCheck c = MapKeys(OneOf({"instance_class", "storage_gb"}));
  const AttributePath p = AttributePath::Root("settings");
  EXPECT_TRUE(
      RunCheck(
          c, Value::Map(Type::String(), {{"storage_gb", Value::String("10")}}),
          p)
          .empty());
  Diagnostics d =
      RunCheck(c,
               Value::Map(Type::String(), {{"storage_gb", Value::String("10")},
                                           {"colour", Value::String("red")}}),
               p);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(*d.items()[0].path, p.Key("colour"));
  EXPECT_EQ(d.items()[0].summary, "Invalid key in settings");
  EXPECT_NE(d.items()[0].detail.find("\"colour\" is not one of the allowed "
                                     "values: \"instance_class\", "
                                     "\"storage_gb\""),
            std::string::npos)
      << d.items()[0].detail;
}

TEST(JsonSemanticallyEqualTest, Cases) {
  struct Case {
    std::string a, b;
    bool eq;
  };
  const Case cases[] = {
      {R"({"a":1,"b":[1,2]})", R"({ "b": [1, 2],
            "a": 1 })",
       true},
      {R"({"a":1})", R"({"a":2})", false},
      {R"({"b":[1,2]})", R"({"b":[2,1]})", false},
      {"{", "{", true},  // identical text, even if invalid
      {"{", "{ ", false},
  };
  for (const Case& tc : cases) {
    EXPECT_EQ(JsonSemanticallyEqual(Value::String(tc.a), Value::String(tc.b)),
              tc.eq)
        << tc.a << " vs " << tc.b;
  }
  EXPECT_FALSE(
      JsonSemanticallyEqual(Value::Null(Type::String()), Value::String("{}")));
  EXPECT_FALSE(JsonSemanticallyEqual(Value::Unknown(Type::String()),
                                     Value::String("{}")));
}

}  // namespace
}  // namespace encore::framework
