#include "provider/values/number.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace encore::values {
namespace {

// Plain-digit text longer than this is written as <digits>e<exp> instead,
// so "1e100000000" cannot make a 100 MB string.
constexpr size_t kMaxPlainLength = 4096;
constexpr int64_t kMaxExponent = 1'000'000'000;

// A decimal number as sign, significant digits (no leading or trailing
// zeros; empty for zero) and a power of ten: value = digits * 10^exp.
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exp = 0;
};

std::optional<Decimal> ParseDecimal(std::string_view s) {
  Decimal d;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    d.negative = s[i] == '-';
    ++i;
  }
  std::string all;  // integer and fraction digits
  int64_t frac_digits = 0;
  bool any_digit = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    all.push_back(s[i++]);
    any_digit = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      all.push_back(s[i++]);
      ++frac_digits;
      any_digit = true;
    }
  }
  if (!any_digit) return std::nullopt;
  int64_t exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    if (i >= s.size()) return std::nullopt;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      exp = exp * 10 + (s[i++] - '0');
      if (exp > kMaxExponent) return std::nullopt;
    }
    if (exp_negative) exp = -exp;
  }
  if (i != s.size()) return std::nullopt;
  size_t first = all.find_first_not_of('0');
  if (first == std::string::npos) {  // zero
    d.negative = false;
    return d;
  }
  size_t last = all.find_last_not_of('0');
  d.digits = all.substr(first, last - first + 1);
  d.exp = exp - frac_digits + static_cast<int64_t>(all.size() - 1 - last);
  return d;
}

std::string RenderDecimal(const Decimal& d) {
  if (d.digits.empty()) return "0";
  std::string out = d.negative ? "-" : "";
  int64_t n = static_cast<int64_t>(d.digits.size());
  int64_t plain_len = d.exp >= 0 ? n + d.exp : std::max(n, -d.exp) + 2;
  if (plain_len > static_cast<int64_t>(kMaxPlainLength)) {
    return out + d.digits + "e" + std::to_string(d.exp);
  }
  if (d.exp >= 0) {
    out += d.digits;
    out.append(static_cast<size_t>(d.exp), '0');
    return out;
  }
  int64_t point = n + d.exp;  // digits before the decimal point
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out += d.digits;
  } else {
    out += d.digits.substr(0, static_cast<size_t>(point));
    out += '.';
    out += d.digits.substr(static_cast<size_t>(point));
  }
  return out;
}

// The int64 value of `d`, if it is an integer in range.
std::optional<int64_t> DecimalToInt64(const Decimal& d) {
  if (d.digits.empty()) return 0;
  if (d.exp < 0) return std::nullopt;
  if (static_cast<int64_t>(d.digits.size()) + d.exp > 19) return std::nullopt;
  unsigned __int128 v = 0;
  for (char c : d.digits) v = v * 10 + static_cast<unsigned>(c - '0');
  for (int64_t k = 0; k < d.exp; ++k) v *= 10;
  constexpr unsigned __int128 kMax = std::numeric_limits<int64_t>::max();
  if (!d.negative) {
    if (v > kMax) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (v > kMax + 1) return std::nullopt;
  if (v == kMax + 1) return std::numeric_limits<int64_t>::min();
  return -static_cast<int64_t>(v);
}

bool IsInfText(std::string_view s, bool* negative) {
  *negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    *negative = s[0] == '-';
    s.remove_prefix(1);
  }
  return s == "Inf" || s == "inf";
}

}  // namespace

Number Number::FromUint(uint64_t v) {
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Number(static_cast<int64_t>(v));
  }
  return Number(std::to_string(v));
}

Number Number::FromDouble(double v) {
  // [-2^63, 2^63) holds exactly the doubles that convert to int64.
  if (std::isfinite(v) && v == std::trunc(v) && v >= -9223372036854775808.0 &&
      v < 9223372036854775808.0) {
    return Number(static_cast<int64_t>(v));
  }
  return Number(v);
}

std::optional<Number> Number::FromString(std::string_view text) {
  bool negative = false;
  if (IsInfText(text, &negative)) {
    return Number(negative ? -std::numeric_limits<double>::infinity()
                           : std::numeric_limits<double>::infinity());
  }
  std::optional<Decimal> d = ParseDecimal(text);
  if (!d) return std::nullopt;
  if (std::optional<int64_t> i = DecimalToInt64(*d)) return Number(*i);
  return Number(RenderDecimal(*d));
}

std::optional<int64_t> Number::AsInt64() const {
  if (const int64_t* i = int_value()) return *i;
  if (const double* d = double_value()) {
    Number n = FromDouble(*d);
    if (n.IsInt()) return *n.int_value();
    return std::nullopt;
  }
  std::optional<Decimal> d = ParseDecimal(*decimal_value());
  if (!d) return std::nullopt;
  return DecimalToInt64(*d);
}

double Number::AsDouble() const {
  if (const int64_t* i = int_value()) return static_cast<double>(*i);
  if (const double* d = double_value()) return *d;
  const std::string& s = *decimal_value();
  double v = 0;
  const char* begin = s.data();
  if (!s.empty() && s[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    // Too large or too small: infinity or zero by the magnitude.
    std::optional<Decimal> d = ParseDecimal(s);
    bool negative = d && d->negative;
    bool tiny = d && static_cast<int64_t>(d->digits.size()) + d->exp < 0;
    if (tiny) return negative ? -0.0 : 0.0;
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  return v;
}

std::string Number::ToString() const {
  if (const int64_t* i = int_value()) return std::to_string(*i);
  if (const double* d = double_value()) {
    if (std::isnan(*d)) return "NaN";
    if (std::isinf(*d)) return *d < 0 ? "-Inf" : "+Inf";
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), *d,
                                   std::chars_format::scientific);
    std::optional<Decimal> dec = ParseDecimal(std::string_view(buf, ptr - buf));
    if (ec != std::errc() || !dec) return "NaN";  // not reached
    return RenderDecimal(*dec);
  }
  return *decimal_value();
}

bool Number::operator==(const Number& other) const {
  if (IsInt() && other.IsInt()) return *int_value() == *other.int_value();
  return ToString() == other.ToString();
}

}  // namespace encore::values
