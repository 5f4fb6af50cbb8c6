#include "provider/values/type.h"

#include <cassert>
#include <utility>

#include "nlohmann/json.hpp"
#include "provider/values/json_text.h"

namespace encore::values {

struct Type::Rep {
  TypeKind kind = TypeKind::kDynamic;
  std::vector<Type> elements;  // one for list/set/map; N for tuple
  std::map<std::string, Type> attributes;
  bool has_dynamic = false;
};

namespace {

constexpr int kMaxTypeDepth = 64;

}  // namespace

Type::Type(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

Type::Type() : Type(Dynamic()) {}

#define ENCORE_PRIMITIVE_TYPE(Name, Kind)            \
  Type Type::Name() {                                \
    static const Type* t = [] {                      \
      auto rep = std::make_shared<Rep>();            \
      rep->kind = Kind;                              \
      rep->has_dynamic = Kind == TypeKind::kDynamic; \
      return new Type(std::move(rep));               \
    }();                                             \
    return *t;                                       \
  }
ENCORE_PRIMITIVE_TYPE(String, TypeKind::kString)
ENCORE_PRIMITIVE_TYPE(Number, TypeKind::kNumber)
ENCORE_PRIMITIVE_TYPE(Bool, TypeKind::kBool)
ENCORE_PRIMITIVE_TYPE(Dynamic, TypeKind::kDynamic)
#undef ENCORE_PRIMITIVE_TYPE

Type Type::List(Type element) {
  auto rep = std::make_shared<Rep>();
  rep->kind = TypeKind::kList;
  rep->has_dynamic = element.HasDynamic();
  rep->elements.push_back(std::move(element));
  return Type(std::move(rep));
}

Type Type::Set(Type element) {
  auto rep = std::make_shared<Rep>();
  rep->kind = TypeKind::kSet;
  rep->has_dynamic = element.HasDynamic();
  rep->elements.push_back(std::move(element));
  return Type(std::move(rep));
}

Type Type::Map(Type element) {
  auto rep = std::make_shared<Rep>();
  rep->kind = TypeKind::kMap;
  rep->has_dynamic = element.HasDynamic();
  rep->elements.push_back(std::move(element));
  return Type(std::move(rep));
}

Type Type::Object(std::map<std::string, Type> attributes) {
  auto rep = std::make_shared<Rep>();
  rep->kind = TypeKind::kObject;
  for (const auto& [name, t] : attributes) {
    rep->has_dynamic = rep->has_dynamic || t.HasDynamic();
  }
  rep->attributes = std::move(attributes);
  return Type(std::move(rep));
}

Type Type::Tuple(std::vector<Type> elements) {
  auto rep = std::make_shared<Rep>();
  rep->kind = TypeKind::kTuple;
  for (const Type& t : elements) {
    rep->has_dynamic = rep->has_dynamic || t.HasDynamic();
  }
  rep->elements = std::move(elements);
  return Type(std::move(rep));
}

TypeKind Type::kind() const { return rep_->kind; }

bool Type::IsPrimitive() const {
  TypeKind k = kind();
  return k == TypeKind::kString || k == TypeKind::kNumber ||
         k == TypeKind::kBool;
}

bool Type::IsCollection() const {
  TypeKind k = kind();
  return k == TypeKind::kList || k == TypeKind::kSet || k == TypeKind::kMap;
}

bool Type::HasDynamic() const { return rep_->has_dynamic; }

const Type& Type::element() const {
  if (!IsCollection()) {
    assert(false && "Type::element() on a non-collection type");
    static const Type* dynamic = new Type(Dynamic());
    return *dynamic;
  }
  return rep_->elements[0];
}

const std::map<std::string, Type>& Type::attributes() const {
  assert(kind() == TypeKind::kObject);
  return rep_->attributes;  // empty for non-objects
}

const std::vector<Type>& Type::tuple_elements() const {
  if (kind() != TypeKind::kTuple) {
    assert(false && "Type::tuple_elements() on a non-tuple type");
    static const std::vector<Type>* empty = new std::vector<Type>();
    return *empty;
  }
  return rep_->elements;
}

bool Type::operator==(const Type& other) const {
  if (rep_ == other.rep_) return true;
  if (rep_->kind != other.rep_->kind) return false;
  return rep_->elements == other.rep_->elements &&
         rep_->attributes == other.rep_->attributes;
}

namespace {

void AppendTypeJson(const Type& t, std::string* out) {
  switch (t.kind()) {
    case TypeKind::kString:
      *out += "\"string\"";
      return;
    case TypeKind::kNumber:
      *out += "\"number\"";
      return;
    case TypeKind::kBool:
      *out += "\"bool\"";
      return;
    case TypeKind::kDynamic:
      *out += "\"dynamic\"";
      return;
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap:
      *out += t.kind() == TypeKind::kList  ? "[\"list\","
              : t.kind() == TypeKind::kSet ? "[\"set\","
                                           : "[\"map\",";
      AppendTypeJson(t.element(), out);
      *out += ']';
      return;
    case TypeKind::kObject: {
      *out += "[\"object\",{";
      bool first = true;
      for (const auto& [name, at] : t.attributes()) {
        if (!first) *out += ',';
        first = false;
        internal::AppendJsonString(name, out);
        *out += ':';
        AppendTypeJson(at, out);
      }
      *out += "}]";
      return;
    }
    case TypeKind::kTuple: {
      *out += "[\"tuple\",[";
      bool first = true;
      for (const Type& et : t.tuple_elements()) {
        if (!first) *out += ',';
        first = false;
        AppendTypeJson(et, out);
      }
      *out += "]]";
      return;
    }
  }
}

Status TypeError(const std::string& what) {
  return Status::InvalidArgument("invalid type JSON: " + what);
}

StatusOr<Type> TypeFromNode(const nlohmann::json& j, int depth) {
  if (depth > kMaxTypeDepth) return TypeError("type is nested too deeply");
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "string") return Type::String();
    if (s == "number") return Type::Number();
    if (s == "bool") return Type::Bool();
    if (s == "dynamic") return Type::Dynamic();
    return TypeError("unsupported type name \"" + s + "\"");
  }
  if (!j.is_array() || j.empty() || !j[0].is_string()) {
    return TypeError("a type is a name or an array [kind, ...]");
  }
  const std::string& kind = j[0].get_ref<const std::string&>();
  if (kind == "list" || kind == "set" || kind == "map") {
    if (j.size() != 2) {
      return TypeError("\"" + kind + "\" needs exactly one element type");
    }
    StatusOr<Type> element = TypeFromNode(j[1], depth + 1);
    if (!element.ok()) return element.status();
    if (kind == "list") return Type::List(std::move(element).value());
    if (kind == "set") return Type::Set(std::move(element).value());
    return Type::Map(std::move(element).value());
  }
  if (kind == "object") {
    // The optional third element lists optional attributes; ignored here.
    if ((j.size() != 2 && j.size() != 3) || !j[1].is_object()) {
      return TypeError("\"object\" needs an object of attribute types");
    }
    if (j.size() == 3 && !j[2].is_array()) {
      return TypeError("the optional attributes of an object must be a list");
    }
    std::map<std::string, Type> attributes;
    for (const auto& [name, at] : j[1].items()) {
      StatusOr<Type> t = TypeFromNode(at, depth + 1);
      if (!t.ok()) return t.status();
      attributes.emplace(name, std::move(t).value());
    }
    return Type::Object(std::move(attributes));
  }
  if (kind == "tuple") {
    if (j.size() != 2 || !j[1].is_array()) {
      return TypeError("\"tuple\" needs an array of element types");
    }
    std::vector<Type> elements;
    for (const auto& et : j[1]) {
      StatusOr<Type> t = TypeFromNode(et, depth + 1);
      if (!t.ok()) return t.status();
      elements.push_back(std::move(t).value());
    }
    return Type::Tuple(std::move(elements));
  }
  return TypeError("unsupported type kind \"" + kind + "\"");
}

}  // namespace

std::string Type::ToJson() const {
  std::string out;
  AppendTypeJson(*this, &out);
  return out;
}

StatusOr<Type> Type::FromJson(std::string_view json) {
  try {
    nlohmann::json j = nlohmann::json::parse(json, /*cb=*/nullptr,
                                             /*allow_exceptions=*/false);
    if (j.is_discarded()) return TypeError("not valid JSON");
    return TypeFromNode(j, 0);
  } catch (const std::exception& e) {
    return TypeError(e.what());
  }
}

std::string Type::FriendlyName() const {
  switch (kind()) {
    case TypeKind::kString:
      return "string";
    case TypeKind::kNumber:
      return "number";
    case TypeKind::kBool:
      return "bool";
    case TypeKind::kDynamic:
      return "dynamic";
    case TypeKind::kList:
      return "list of " + element().FriendlyName();
    case TypeKind::kSet:
      return "set of " + element().FriendlyName();
    case TypeKind::kMap:
      return "map of " + element().FriendlyName();
    case TypeKind::kObject:
      return "object";
    case TypeKind::kTuple:
      return "tuple";
  }
  return "dynamic";
}

}  // namespace encore::values
