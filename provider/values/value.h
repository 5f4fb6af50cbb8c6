// Value: a tri-state cty value (known, null or unknown) with its type.
//
// Unknown is never null (house rule 5): IsNull() is false for an unknown
// value and IsUnknown() is false for a null one. A known value of a
// collection or structural type may contain null or unknown elements.
// Values are immutable and cheap to copy (shared representation).
//
// A value of an attribute typed `dynamic` carries its concrete type; only
// null and unknown values may have type dynamic themselves.
#ifndef ENCORE_PROVIDER_VALUES_VALUE_H_
#define ENCORE_PROVIDER_VALUES_VALUE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provider/values/number.h"
#include "provider/values/type.h"

namespace encore::values {

// What a refined unknown (msgpack extension 12) promises about its value.
// Only `not_null` and `string_prefix` are acted on; bounds are kept so a
// value can be written back as it came.
struct Refinements {
  bool not_null = false;
  std::optional<std::string> string_prefix;
  bool operator==(const Refinements&) const = default;
};

enum class ValueState { kKnown, kNull, kUnknown };

class Value {
 public:
  Value();  // null of type dynamic

  static Value Null(Type type);
  static Value Unknown(Type type, Refinements refinements = {});
  static Value String(std::string s);
  static Value Number(values::Number n);
  static Value Int(int64_t n) { return Number(Number::FromInt(n)); }
  static Value Bool(bool b);
  // Elements must all conform to `element`.
  static Value List(Type element, std::vector<Value> elements);
  // Duplicate (equal) elements are removed; order is kept otherwise.
  static Value Set(Type element, std::vector<Value> elements);
  static Value Map(Type element, std::map<std::string, Value> entries);
  // The object's type is made from the attributes' types.
  static Value Object(std::map<std::string, Value> attributes);
  // Object of an explicit type: attributes missing from `attributes` are
  // null of their type. Extra attributes are dropped.
  static Value ObjectOf(const Type& type, std::map<std::string, Value> attrs);
  static Value Tuple(std::vector<Value> elements);

  const Type& type() const;
  ValueState state() const;
  bool IsNull() const { return state() == ValueState::kNull; }
  bool IsUnknown() const { return state() == ValueState::kUnknown; }
  bool IsKnown() const { return state() == ValueState::kKnown; }
  // Known, and so is everything inside it.
  bool IsWhollyKnown() const;
  const Refinements& refinements() const;  // unknown values only

  // Accessors for known values of the matching kind.
  const std::string& AsString() const;
  const values::Number& AsNumber() const;
  bool AsBool() const;
  // Elements of a list, set or tuple.
  const std::vector<Value>& Elements() const;
  // Entries of a map or attributes of an object.
  const std::map<std::string, Value>& Entries() const;
  // Attribute of a known object; null of dynamic type if absent.
  const Value& GetAttr(std::string_view name) const;
  // Length of a known collection or tuple.
  size_t Length() const;

  // Structural equality: same type, same state, equal contents. Two
  // unknowns of the same type are equal (refinements are ignored); sets
  // compare regardless of order.
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // Debug text, e.g. {name = "x", tags = ["a", (unknown)]}; for tests and
  // logs only (sensitive values must be redacted by the caller).
  std::string DebugString() const;

 private:
  struct Rep;
  explicit Value(std::shared_ptr<const Rep> rep);
  std::shared_ptr<const Rep> rep_;
};

// Whether `value` may stand where `type` is wanted (dynamic accepts any).
bool Conforms(const Value& value, const Type& type);

}  // namespace encore::values

#endif  // ENCORE_PROVIDER_VALUES_VALUE_H_
