// Type: a cty type as Terraform's plugin protocol describes values.
//
// Primitive (string, number, bool), the `dynamic` pseudo-type (any type),
// collections (list, set, map of one element type), structural types
// (object with named attributes, tuple with positional elements).
// Types are immutable values, cheap to copy (shared representation).
// JSON form (PROTOCOL.md §3.4): "string", ["list","string"],
// ["object",{"a":"number"}], ["tuple",["bool"]], "dynamic".
#ifndef ENCORE_PROVIDER_VALUES_TYPE_H_
#define ENCORE_PROVIDER_VALUES_TYPE_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "provider/core/status.h"

namespace encore::values {

enum class TypeKind {
  kString,
  kNumber,
  kBool,
  kDynamic,
  kList,
  kSet,
  kMap,
  kObject,
  kTuple,
};

class Type {
 public:
  Type();  // dynamic
  static Type String();
  static Type Number();
  static Type Bool();
  static Type Dynamic();
  static Type List(Type element);
  static Type Set(Type element);
  static Type Map(Type element);
  static Type Object(std::map<std::string, Type> attributes);
  static Type Tuple(std::vector<Type> elements);

  TypeKind kind() const;
  bool IsPrimitive() const;   // string, number, bool
  bool IsCollection() const;  // list, set, map
  bool IsDynamic() const { return kind() == TypeKind::kDynamic; }
  // True if this type or any type inside it is dynamic.
  bool HasDynamic() const;

  // Element type of a list, set or map. Must not be called on others.
  const Type& element() const;
  // Attribute types of an object (sorted by name).
  const std::map<std::string, Type>& attributes() const;
  // Element types of a tuple.
  const std::vector<Type>& tuple_elements() const;

  bool operator==(const Type& other) const;
  bool operator!=(const Type& other) const { return !(*this == other); }

  // Compact JSON with sorted object keys, as Terraform writes it.
  std::string ToJson() const;
  static StatusOr<Type> FromJson(std::string_view json);

  // For messages: "string", "list of string", "object", "map of number".
  std::string FriendlyName() const;

 private:
  struct Rep;
  explicit Type(std::shared_ptr<const Rep> rep);
  std::shared_ptr<const Rep> rep_;
};

}  // namespace encore::values

#endif  // ENCORE_PROVIDER_VALUES_TYPE_H_
