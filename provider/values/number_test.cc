#include "provider/values/number.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace encore::values {
namespace {

TEST(NumberTest, FromDoubleMakesIntegralValuesInts) {
  EXPECT_TRUE(Number::FromDouble(3.0).IsInt());
  EXPECT_EQ(*Number::FromDouble(-7.0).int_value(), -7);
  EXPECT_TRUE(Number::FromDouble(0.5).IsDouble());
  EXPECT_TRUE(Number::FromDouble(-0.0).IsInt());
  EXPECT_TRUE(Number::FromDouble(-9223372036854775808.0).IsInt());
  EXPECT_TRUE(Number::FromDouble(9223372036854775808.0).IsDouble());
  EXPECT_TRUE(Number::FromDouble(1e300).IsDouble());
  EXPECT_TRUE(
      Number::FromDouble(std::numeric_limits<double>::infinity()).IsDouble());
}

TEST(NumberTest, FromUint) {
  EXPECT_EQ(*Number::FromUint(42).int_value(), 42);
  Number big = Number::FromUint(18446744073709551615ull);
  ASSERT_TRUE(big.IsDecimal());
  EXPECT_EQ(big.ToString(), "18446744073709551615");
  EXPECT_FALSE(big.AsInt64().has_value());
}

TEST(NumberTest, FromStringNormalises) {
  struct Case {
    const char* in;
    const char* out;
    bool is_int;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"0", "0", true},
           {"-0", "0", true},
           {"12", "12", true},
           {"-12", "-12", true},
           {"+5", "5", true},
           {"1.0", "1", true},
           {"1.50e1", "15", true},
           {"1e3", "1000", true},
           {"0.10", "0.1", false},
           {"0.1", "0.1", false},
           {".5", "0.5", false},
           {"5.", "5", true},
           {"-0.000123", "-0.000123", false},
           {"1.23E-2", "0.0123", false},
           {"1e30", "1000000000000000000000000000000", false},
           {"12345678901234567890", "12345678901234567890", false},
           {"9223372036854775807", "9223372036854775807", true},
           {"-9223372036854775808", "-9223372036854775808", true},
           {"9223372036854775808", "9223372036854775808", false},
           {"00042.500", "42.5", false},
       }) {
    std::optional<Number> n = Number::FromString(c.in);
    ASSERT_TRUE(n.has_value()) << c.in;
    EXPECT_EQ(n->ToString(), c.out) << c.in;
    EXPECT_EQ(n->IsInt(), c.is_int) << c.in;
    if (!c.is_int) {
      EXPECT_TRUE(n->IsDecimal()) << c.in;
    }
  }
}

TEST(NumberTest, FromStringRejects) {
  for (const char* s : {"", "-", ".", "e5", "1e", "1e+", "1.2.3", "abc", " 1",
                        "1 ", "0x10", "1_000", "--1", "1e99999999999"}) {
    EXPECT_FALSE(Number::FromString(s).has_value()) << s;
  }
}

TEST(NumberTest, FromStringInfinity) {
  std::optional<Number> n = Number::FromString("-Inf");
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(std::isinf(n->AsDouble()));
  EXPECT_EQ(n->ToString(), "-Inf");
}

TEST(NumberTest, HugeExponentStaysCompact) {
  std::optional<Number> n = Number::FromString("1.5e100000");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->ToString(), "15e99999");
  std::optional<Number> again = Number::FromString(n->ToString());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *n);
  EXPECT_TRUE(std::isinf(n->AsDouble()));
  std::optional<Number> tiny = Number::FromString("1e-100000");
  ASSERT_TRUE(tiny.has_value());
  EXPECT_EQ(tiny->AsDouble(), 0.0);
}

TEST(NumberTest, DoubleToStringIsShortestPlainDecimal) {
  EXPECT_EQ(Number::FromDouble(0.5).ToString(), "0.5");
  EXPECT_EQ(Number::FromDouble(0.1).ToString(), "0.1");
  EXPECT_EQ(Number::FromDouble(-2.25).ToString(), "-2.25");
  EXPECT_EQ(Number::FromDouble(1e-7).ToString(), "0.0000001");
  EXPECT_EQ(Number::FromDouble(1e20).ToString(), "100000000000000000000");
  EXPECT_EQ(
      Number::FromDouble(std::numeric_limits<double>::infinity()).ToString(),
      "+Inf");
}

TEST(NumberTest, EqualityByShortestText) {
  EXPECT_EQ(Number::FromDouble(0.1), *Number::FromString("0.1"));
  EXPECT_EQ(Number::FromInt(1), *Number::FromString("1.000"));
  EXPECT_EQ(Number::FromDouble(1e20), *Number::FromString("1e20"));
  EXPECT_FALSE(Number::FromInt(1) == Number::FromInt(2));
  EXPECT_FALSE(Number::FromDouble(0.5) == *Number::FromString("0.50001"));
}

TEST(NumberTest, Conversions) {
  EXPECT_EQ(Number::FromInt(-5).AsInt64(), -5);
  EXPECT_FALSE(Number::FromDouble(0.5).AsInt64().has_value());
  EXPECT_EQ(Number::FromDouble(0.5).AsDouble(), 0.5);
  EXPECT_EQ(Number::FromString("0.1")->AsDouble(), 0.1);
  EXPECT_EQ(Number::FromString("1e30")->AsDouble(), 1e30);
  EXPECT_EQ(Number::FromInt(7).AsDouble(), 7.0);
  EXPECT_EQ(Number().ToString(), "0");
}

}  // namespace
}  // namespace encore::values
