// Number: a cty number, arbitrary precision, kept in the form it arrived.
//
// Terraform writes a number as an int64 when it fits, else as a float64
// when exactly representable, else as its decimal text (PROTOCOL.md §3.2),
// and compares numbers by their shortest decimal text. Number keeps one of
// those three forms, so what comes in goes back out byte for byte.
#ifndef ENCORE_PROVIDER_VALUES_NUMBER_H_
#define ENCORE_PROVIDER_VALUES_NUMBER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace encore::values {

class Number {
 public:
  Number() : rep_(int64_t{0}) {}
  static Number FromInt(int64_t v) { return Number(v); }
  static Number FromUint(uint64_t v);  // > INT64_MAX kept as decimal text
  static Number FromDouble(double v);  // integral values in range become ints
  // Decimal text such as "0.1", "-12", "1e30". nullopt if not a number.
  static std::optional<Number> FromString(std::string_view text);

  bool IsInt() const { return std::holds_alternative<int64_t>(rep_); }
  bool IsDouble() const { return std::holds_alternative<double>(rep_); }
  bool IsDecimal() const { return std::holds_alternative<std::string>(rep_); }

  // The exact int64 if this number is an integer in int64 range.
  std::optional<int64_t> AsInt64() const;
  // Nearest double (may lose precision for big or long decimals).
  double AsDouble() const;
  // Shortest decimal text ("1", "0.5", "0.1", "1e+30" forms normalised to
  // plain digits where cty does): the basis of equality.
  std::string ToString() const;

  const int64_t* int_value() const { return std::get_if<int64_t>(&rep_); }
  const double* double_value() const { return std::get_if<double>(&rep_); }
  const std::string* decimal_value() const {
    return std::get_if<std::string>(&rep_);
  }

  // Equal when the shortest decimal texts are equal (cty rawNumberEqual).
  bool operator==(const Number& other) const;

 private:
  explicit Number(int64_t v) : rep_(v) {}
  explicit Number(double v) : rep_(v) {}
  explicit Number(std::string v) : rep_(std::move(v)) {}
  std::variant<int64_t, double, std::string> rep_;
};

}  // namespace encore::values

#endif  // ENCORE_PROVIDER_VALUES_NUMBER_H_
