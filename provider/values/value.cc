#include "provider/values/value.h"

#include <cassert>
#include <utility>
#include <variant>

namespace encore::values {

struct Value::Rep {
  Type type;
  ValueState state = ValueState::kNull;
  Refinements refinements;
  std::variant<std::monostate, std::string, values::Number, bool,
               std::vector<Value>, std::map<std::string, Value>>
      data;
};

namespace {

template <typename T>
const T& StaticDefault() {
  static const T* t = new T();
  return *t;
}

}  // namespace

Value::Value(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

Value::Value() {
  static const std::shared_ptr<const Rep>* null_dynamic =
      new std::shared_ptr<const Rep>(std::make_shared<Rep>());
  rep_ = *null_dynamic;
}

Value Value::Null(Type type) {
  auto rep = std::make_shared<Rep>();
  rep->type = std::move(type);
  return Value(std::move(rep));
}

Value Value::Unknown(Type type, Refinements refinements) {
  auto rep = std::make_shared<Rep>();
  rep->type = std::move(type);
  rep->state = ValueState::kUnknown;
  rep->refinements = std::move(refinements);
  return Value(std::move(rep));
}

Value Value::String(std::string s) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::String();
  rep->state = ValueState::kKnown;
  rep->data = std::move(s);
  return Value(std::move(rep));
}

Value Value::Number(values::Number n) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Number();
  rep->state = ValueState::kKnown;
  rep->data = std::move(n);
  return Value(std::move(rep));
}

Value Value::Bool(bool b) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Bool();
  rep->state = ValueState::kKnown;
  rep->data = b;
  return Value(std::move(rep));
}

Value Value::List(Type element, std::vector<Value> elements) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::List(std::move(element));
  rep->state = ValueState::kKnown;
  rep->data = std::move(elements);
  return Value(std::move(rep));
}

Value Value::Set(Type element, std::vector<Value> elements) {
  // Elements that contain unknowns are never merged: two unknowns may turn
  // out different, and Terraform counts set elements.
  std::vector<Value> unique;
  unique.reserve(elements.size());
  for (Value& e : elements) {
    bool duplicate = false;
    if (e.IsWhollyKnown() || e.IsNull()) {
      for (const Value& u : unique) {
        if (u == e) {
          duplicate = true;
          break;
        }
      }
    }
    if (!duplicate) unique.push_back(std::move(e));
  }
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Set(std::move(element));
  rep->state = ValueState::kKnown;
  rep->data = std::move(unique);
  return Value(std::move(rep));
}

Value Value::Map(Type element, std::map<std::string, Value> entries) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Map(std::move(element));
  rep->state = ValueState::kKnown;
  rep->data = std::move(entries);
  return Value(std::move(rep));
}

Value Value::Object(std::map<std::string, Value> attributes) {
  std::map<std::string, Type> types;
  for (const auto& [name, v] : attributes) types.emplace(name, v.type());
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Object(std::move(types));
  rep->state = ValueState::kKnown;
  rep->data = std::move(attributes);
  return Value(std::move(rep));
}

Value Value::ObjectOf(const Type& type, std::map<std::string, Value> attrs) {
  if (type.kind() != TypeKind::kObject) {
    assert(false && "Value::ObjectOf needs an object type");
    return Object(std::move(attrs));
  }
  std::map<std::string, Value> full;
  for (const auto& [name, at] : type.attributes()) {
    auto it = attrs.find(name);
    if (it == attrs.end()) {
      full.emplace(name, Null(at));
    } else {
      full.emplace(name, std::move(it->second));
    }
  }
  auto rep = std::make_shared<Rep>();
  rep->type = type;
  rep->state = ValueState::kKnown;
  rep->data = std::move(full);
  return Value(std::move(rep));
}

Value Value::Tuple(std::vector<Value> elements) {
  std::vector<Type> types;
  types.reserve(elements.size());
  for (const Value& v : elements) types.push_back(v.type());
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Tuple(std::move(types));
  rep->state = ValueState::kKnown;
  rep->data = std::move(elements);
  return Value(std::move(rep));
}

const Type& Value::type() const { return rep_->type; }

ValueState Value::state() const { return rep_->state; }

bool Value::IsWhollyKnown() const {
  if (IsUnknown()) return false;
  if (IsNull()) return true;
  if (const auto* v = std::get_if<std::vector<Value>>(&rep_->data)) {
    for (const Value& e : *v) {
      if (!e.IsWhollyKnown()) return false;
    }
  } else if (const auto* m =
                 std::get_if<std::map<std::string, Value>>(&rep_->data)) {
    for (const auto& [k, e] : *m) {
      if (!e.IsWhollyKnown()) return false;
    }
  }
  return true;
}

const Refinements& Value::refinements() const { return rep_->refinements; }

const std::string& Value::AsString() const {
  const auto* s = std::get_if<std::string>(&rep_->data);
  assert(s && "Value::AsString on a value that is not a known string");
  return s ? *s : StaticDefault<std::string>();
}

const values::Number& Value::AsNumber() const {
  const auto* n = std::get_if<values::Number>(&rep_->data);
  assert(n && "Value::AsNumber on a value that is not a known number");
  return n ? *n : StaticDefault<values::Number>();
}

bool Value::AsBool() const {
  const bool* b = std::get_if<bool>(&rep_->data);
  assert(b && "Value::AsBool on a value that is not a known bool");
  return b ? *b : false;
}

const std::vector<Value>& Value::Elements() const {
  const auto* v = std::get_if<std::vector<Value>>(&rep_->data);
  assert(v && "Value::Elements on a value that is not a known list/set/tuple");
  return v ? *v : StaticDefault<std::vector<Value>>();
}

const std::map<std::string, Value>& Value::Entries() const {
  const auto* m = std::get_if<std::map<std::string, Value>>(&rep_->data);
  assert(m && "Value::Entries on a value that is not a known map/object");
  return m ? *m : StaticDefault<std::map<std::string, Value>>();
}

const Value& Value::GetAttr(std::string_view name) const {
  // Null and unknown objects are tolerated (absent attribute): callers
  // often read optional blocks without checking first.
  const auto* m = std::get_if<std::map<std::string, Value>>(&rep_->data);
  assert((m || !IsKnown()) && "Value::GetAttr on a known non-object");
  if (m) {
    auto it = m->find(std::string(name));
    if (it != m->end()) return it->second;
  }
  return StaticDefault<Value>();
}

size_t Value::Length() const {
  if (const auto* v = std::get_if<std::vector<Value>>(&rep_->data)) {
    return v->size();
  }
  if (const auto* m = std::get_if<std::map<std::string, Value>>(&rep_->data)) {
    return m->size();
  }
  assert(false && "Value::Length on a value that is not a known collection");
  return 0;
}

namespace {

bool SetEqual(const std::vector<Value>& a, const std::vector<Value>& b) {
  if (a.size() != b.size()) return false;
  std::vector<bool> used(b.size(), false);
  for (const Value& x : a) {
    bool found = false;
    for (size_t i = 0; i < b.size(); ++i) {
      if (!used[i] && b[i] == x) {
        used[i] = true;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

bool Value::operator==(const Value& other) const {
  if (rep_ == other.rep_) return true;
  if (state() != other.state() || type() != other.type()) return false;
  if (!IsKnown()) return true;
  if (type().kind() == TypeKind::kSet) {
    return SetEqual(Elements(), other.Elements());
  }
  return rep_->data == other.rep_->data;
}

namespace {

void AppendQuoted(const std::string& s, std::string* out) {
  *out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        *out += c;
    }
  }
  *out += '"';
}

void AppendDebug(const Value& v, std::string* out) {
  if (v.IsNull()) {
    *out += "null";
    return;
  }
  if (v.IsUnknown()) {
    *out += "(unknown)";
    return;
  }
  switch (v.type().kind()) {
    case TypeKind::kString:
      AppendQuoted(v.AsString(), out);
      return;
    case TypeKind::kNumber:
      *out += v.AsNumber().ToString();
      return;
    case TypeKind::kBool:
      *out += v.AsBool() ? "true" : "false";
      return;
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: {
      *out += '[';
      bool first = true;
      for (const Value& e : v.Elements()) {
        if (!first) *out += ", ";
        first = false;
        AppendDebug(e, out);
      }
      *out += ']';
      return;
    }
    case TypeKind::kMap:
    case TypeKind::kObject: {
      bool is_map = v.type().kind() == TypeKind::kMap;
      *out += '{';
      bool first = true;
      for (const auto& [k, e] : v.Entries()) {
        if (!first) *out += ", ";
        first = false;
        if (is_map) {
          AppendQuoted(k, out);
        } else {
          *out += k;
        }
        *out += " = ";
        AppendDebug(e, out);
      }
      *out += '}';
      return;
    }
    case TypeKind::kDynamic:
      *out += "(dynamic)";
      return;
  }
}

}  // namespace

std::string Value::DebugString() const {
  std::string out;
  AppendDebug(*this, &out);
  return out;
}

namespace {

// Whether a null or unknown of type `vt` may stand for type `t`.
bool TypeConforms(const Type& vt, const Type& t) {
  if (t.IsDynamic() || vt.IsDynamic()) return true;
  if (vt.kind() != t.kind()) return false;
  switch (t.kind()) {
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap:
      return TypeConforms(vt.element(), t.element());
    case TypeKind::kObject: {
      if (vt.attributes().size() != t.attributes().size()) return false;
      for (const auto& [name, at] : t.attributes()) {
        auto it = vt.attributes().find(name);
        if (it == vt.attributes().end() || !TypeConforms(it->second, at)) {
          return false;
        }
      }
      return true;
    }
    case TypeKind::kTuple: {
      const auto& ve = vt.tuple_elements();
      const auto& te = t.tuple_elements();
      if (ve.size() != te.size()) return false;
      for (size_t i = 0; i < ve.size(); ++i) {
        if (!TypeConforms(ve[i], te[i])) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

}  // namespace

bool Conforms(const Value& value, const Type& type) {
  if (type.IsDynamic()) return true;
  const Type& vt = value.type();
  if (!value.IsKnown()) return TypeConforms(vt, type);
  if (vt.kind() != type.kind()) return false;
  switch (type.kind()) {
    case TypeKind::kString:
    case TypeKind::kNumber:
    case TypeKind::kBool:
      return true;
    case TypeKind::kList:
    case TypeKind::kSet:
      for (const Value& e : value.Elements()) {
        if (!Conforms(e, type.element())) return false;
      }
      return true;
    case TypeKind::kMap:
      for (const auto& [k, e] : value.Entries()) {
        if (!Conforms(e, type.element())) return false;
      }
      return true;
    case TypeKind::kObject: {
      const auto& entries = value.Entries();
      if (entries.size() != type.attributes().size()) return false;
      for (const auto& [name, at] : type.attributes()) {
        auto it = entries.find(name);
        if (it == entries.end() || !Conforms(it->second, at)) return false;
      }
      return true;
    }
    case TypeKind::kTuple: {
      const auto& elements = value.Elements();
      const auto& types = type.tuple_elements();
      if (elements.size() != types.size()) return false;
      for (size_t i = 0; i < types.size(); ++i) {
        if (!Conforms(elements[i], types[i])) return false;
      }
      return true;
    }
    case TypeKind::kDynamic:
      return true;
  }
  return false;
}

}  // namespace encore::values
