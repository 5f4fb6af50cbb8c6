#include "provider/values/json_codec.h"

#include <cmath>
#include <utility>
#include <variant>

#include "nlohmann/json.hpp"
#include "provider/core/attribute_path.h"
#include "provider/values/json_text.h"

namespace encore::values {
namespace {

constexpr size_t kMaxJsonDepth = 256;  // JSON nesting accepted at all
constexpr int kMaxDepth = 64;          // value nesting decoded

// A parsed JSON document that keeps every number's text, so no precision
// is lost (nlohmann's DOM would turn 0.1 or 1e400 into a double).
struct JNode {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  bool b = false;
  std::string text;               // string contents or number text
  std::vector<std::string> keys;  // object member names
  std::vector<JNode> items;       // array elements / object member values
};

const char* JKindName(JNode::Kind k) {
  switch (k) {
    case JNode::kNull:
      return "null";
    case JNode::kBool:
      return "bool";
    case JNode::kNumber:
      return "number";
    case JNode::kString:
      return "string";
    case JNode::kArray:
      return "array";
    case JNode::kObject:
      return "object";
  }
  return "?";
}

class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  JNode root;
  std::string error;

  bool null() override { return Add(JNode{}); }
  bool boolean(bool v) override {
    JNode n;
    n.kind = JNode::kBool;
    n.b = v;
    return Add(std::move(n));
  }
  bool number_integer(number_integer_t v) override {
    return AddNumber(std::to_string(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return AddNumber(std::to_string(v));
  }
  bool number_float(number_float_t, const string_t& s) override {
    return AddNumber(s);
  }
  bool string(string_t& v) override {
    JNode n;
    n.kind = JNode::kString;
    n.text = std::move(v);
    return Add(std::move(n));
  }
  bool binary(binary_t&) override {
    error = "binary values are not JSON";
    return false;
  }
  bool start_object(std::size_t) override { return Open(JNode::kObject); }
  bool key(string_t& k) override {
    stack_.back()->keys.push_back(std::move(k));
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return Open(JNode::kArray); }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error = ex.what();
    return false;
  }

 private:
  // Adds a node where the parser is; returns where it now lives.
  JNode* Place(JNode n) {
    if (stack_.empty()) {
      root = std::move(n);
      return &root;
    }
    stack_.back()->items.push_back(std::move(n));
    return &stack_.back()->items.back();
  }
  bool Add(JNode n) {
    Place(std::move(n));
    return true;
  }
  bool AddNumber(std::string text) {
    JNode n;
    n.kind = JNode::kNumber;
    n.text = std::move(text);
    return Add(std::move(n));
  }
  bool Open(JNode::Kind kind) {
    if (stack_.size() >= kMaxJsonDepth) {
      error = "JSON is nested too deeply";
      return false;
    }
    JNode n;
    n.kind = kind;
    // The parent's vectors do not grow while this node is open, so the
    // pointer stays valid until the matching end.
    stack_.push_back(Place(std::move(n)));
    return true;
  }
  std::vector<JNode*> stack_;
};

void WriteNode(const JNode& n, std::string* out) {
  switch (n.kind) {
    case JNode::kNull:
      *out += "null";
      return;
    case JNode::kBool:
      *out += n.b ? "true" : "false";
      return;
    case JNode::kNumber:
      *out += n.text;
      return;
    case JNode::kString:
      internal::AppendJsonString(n.text, out);
      return;
    case JNode::kArray:
      *out += '[';
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) *out += ',';
        WriteNode(n.items[i], out);
      }
      *out += ']';
      return;
    case JNode::kObject:
      *out += '{';
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) *out += ',';
        internal::AppendJsonString(n.keys[i], out);
        *out += ':';
        WriteNode(n.items[i], out);
      }
      *out += '}';
      return;
  }
}

std::string PathText(const std::vector<PathStep>& steps) {
  AttributePath p;
  for (const PathStep& s : steps) {
    if (const auto* a = std::get_if<AttributeStep>(&s)) {
      p = p.Attr(a->name);
    } else if (const auto* k = std::get_if<KeyStep>(&s)) {
      p = p.Key(k->key);
    } else {
      p = p.Index(std::get<IndexStep>(s).index);
    }
  }
  return p.ToString();
}

class JsonDecoder {
 public:
  explicit JsonDecoder(bool ignore_extra) : ignore_extra_(ignore_extra) {}

  StatusOr<Value> Decode(const JNode& n, const Type& type, int depth) {
    if (depth > kMaxDepth) return Error("value is nested too deeply");
    if (n.kind == JNode::kNull) return Value::Null(type);
    switch (type.kind()) {
      case TypeKind::kDynamic:
        return DecodeDynamic(n, depth);
      case TypeKind::kString:
        if (n.kind == JNode::kString || n.kind == JNode::kNumber) {
          return Value::String(n.text);
        }
        if (n.kind == JNode::kBool)
          return Value::String(n.b ? "true" : "false");
        return Mismatch(n, type);
      case TypeKind::kNumber: {
        if (n.kind != JNode::kNumber && n.kind != JNode::kString) {
          return Mismatch(n, type);
        }
        std::optional<Number> num = Number::FromString(n.text);
        if (!num) return Error("\"" + n.text + "\" is not a number");
        return Value::Number(std::move(*num));
      }
      case TypeKind::kBool:
        if (n.kind == JNode::kBool) return Value::Bool(n.b);
        if (n.kind == JNode::kString &&
            (n.text == "true" || n.text == "false")) {
          return Value::Bool(n.text == "true");
        }
        return Mismatch(n, type);
      case TypeKind::kList:
      case TypeKind::kSet: {
        if (n.kind != JNode::kArray) return Mismatch(n, type);
        bool is_list = type.kind() == TypeKind::kList;
        std::vector<Value> elements;
        elements.reserve(n.items.size());
        for (size_t i = 0; i < n.items.size(); ++i) {
          if (is_list) path_.push_back(IndexStep{static_cast<int64_t>(i)});
          StatusOr<Value> e = Decode(n.items[i], type.element(), depth + 1);
          if (!e.ok()) return e;
          if (is_list) path_.pop_back();
          elements.push_back(std::move(e).value());
        }
        if (is_list) return Value::List(type.element(), std::move(elements));
        return Value::Set(type.element(), std::move(elements));
      }
      case TypeKind::kMap: {
        if (n.kind != JNode::kObject) return Mismatch(n, type);
        std::map<std::string, Value> entries;
        for (size_t i = 0; i < n.items.size(); ++i) {
          path_.push_back(KeyStep{n.keys[i]});
          StatusOr<Value> e = Decode(n.items[i], type.element(), depth + 1);
          if (!e.ok()) return e;
          path_.pop_back();
          entries.insert_or_assign(n.keys[i], std::move(e).value());
        }
        return Value::Map(type.element(), std::move(entries));
      }
      case TypeKind::kObject: {
        if (n.kind != JNode::kObject) return Mismatch(n, type);
        const auto& attributes = type.attributes();
        std::map<std::string, Value> values;
        for (size_t i = 0; i < n.items.size(); ++i) {
          auto at = attributes.find(n.keys[i]);
          if (at == attributes.end()) {
            if (ignore_extra_) continue;
            return Error("unsupported attribute \"" + n.keys[i] + "\"");
          }
          path_.push_back(AttributeStep{n.keys[i]});
          StatusOr<Value> e = Decode(n.items[i], at->second, depth + 1);
          if (!e.ok()) return e;
          path_.pop_back();
          values.insert_or_assign(n.keys[i], std::move(e).value());
        }
        return Value::ObjectOf(type, std::move(values));
      }
      case TypeKind::kTuple: {
        if (n.kind != JNode::kArray) return Mismatch(n, type);
        const auto& types = type.tuple_elements();
        if (n.items.size() != types.size()) {
          return Error("a tuple of " + std::to_string(types.size()) +
                       " elements is required (" +
                       std::to_string(n.items.size()) + " given)");
        }
        std::vector<Value> elements;
        for (size_t i = 0; i < types.size(); ++i) {
          path_.push_back(IndexStep{static_cast<int64_t>(i)});
          StatusOr<Value> e = Decode(n.items[i], types[i], depth + 1);
          if (!e.ok()) return e;
          path_.pop_back();
          elements.push_back(std::move(e).value());
        }
        return Value::Tuple(std::move(elements));
      }
    }
    return Error("unsupported type");
  }

 private:
  StatusOr<Value> DecodeDynamic(const JNode& n, int depth) {
    if (n.kind != JNode::kObject) {
      return Error("a dynamic value must be {\"value\": ..., \"type\": ...}");
    }
    const JNode* value = nullptr;
    const JNode* type = nullptr;
    for (size_t i = 0; i < n.items.size(); ++i) {
      if (n.keys[i] == "value") {
        value = &n.items[i];
      } else if (n.keys[i] == "type") {
        type = &n.items[i];
      } else {
        return Error("invalid key \"" + n.keys[i] + "\" in a dynamic value");
      }
    }
    if (!type) return Error("dynamic value is missing \"type\"");
    if (!value) return Error("dynamic value is missing \"value\"");
    std::string type_json;
    WriteNode(*type, &type_json);
    StatusOr<Type> t = Type::FromJson(type_json);
    if (!t.ok()) return Error(t.status().message());
    return Decode(*value, *t, depth + 1);
  }

  Status Error(const std::string& what) const {
    std::string m = "json";
    if (!path_.empty()) m += " (" + PathText(path_) + ")";
    return Status::InvalidArgument(m + ": " + what);
  }
  Status Mismatch(const JNode& n, const Type& type) const {
    return Error("expected " + type.FriendlyName() + ", got " +
                 JKindName(n.kind));
  }

  bool ignore_extra_;
  std::vector<PathStep> path_;
};

class JsonEncoder {
 public:
  Status Encode(const Value& value, const Type& type, std::string* out) {
    if (value.IsUnknown()) {
      return Error("value is unknown; JSON cannot carry unknown values");
    }
    if (type.IsDynamic() && !value.type().IsDynamic()) {
      *out += "{\"value\":";
      if (Status s = Encode(value, value.type(), out); !s.ok()) return s;
      *out += ",\"type\":";
      *out += value.type().ToJson();
      *out += '}';
      return Status::Ok();
    }
    if (value.IsNull() || value.type().IsDynamic()) {
      *out += "null";
      return Status::Ok();
    }
    if (value.type().kind() != type.kind()) {
      return Encode(value, value.type(), out);  // write it as what it is
    }
    switch (type.kind()) {
      case TypeKind::kString:
        internal::AppendJsonString(value.AsString(), out);
        return Status::Ok();
      case TypeKind::kNumber: {
        const Number& n = value.AsNumber();
        if (const double* d = n.double_value(); d && !std::isfinite(*d)) {
          return Error("cannot write " + n.ToString() + " as JSON");
        }
        *out += n.ToString();
        return Status::Ok();
      }
      case TypeKind::kBool:
        *out += value.AsBool() ? "true" : "false";
        return Status::Ok();
      case TypeKind::kList:
      case TypeKind::kSet:
      case TypeKind::kTuple: {
        const auto& elements = value.Elements();
        bool is_tuple = type.kind() == TypeKind::kTuple;
        const std::vector<Type>* types = nullptr;
        if (is_tuple) {
          types = type.tuple_elements().size() == elements.size()
                      ? &type.tuple_elements()
                      : &value.type().tuple_elements();
        }
        *out += '[';
        for (size_t i = 0; i < elements.size(); ++i) {
          if (i) *out += ',';
          if (type.kind() != TypeKind::kSet) {
            path_.push_back(IndexStep{static_cast<int64_t>(i)});
          }
          Status s =
              Encode(elements[i], is_tuple ? (*types)[i] : type.element(), out);
          if (!s.ok()) return s;
          if (type.kind() != TypeKind::kSet) path_.pop_back();
        }
        *out += ']';
        return Status::Ok();
      }
      case TypeKind::kMap: {
        *out += '{';
        bool first = true;
        for (const auto& [k, e] : value.Entries()) {
          if (!first) *out += ',';
          first = false;
          internal::AppendJsonString(k, out);
          *out += ':';
          path_.push_back(KeyStep{k});
          if (Status s = Encode(e, type.element(), out); !s.ok()) return s;
          path_.pop_back();
        }
        *out += '}';
        return Status::Ok();
      }
      case TypeKind::kObject: {
        const auto& entries = value.Entries();
        *out += '{';
        bool first = true;
        for (const auto& [name, at] : type.attributes()) {
          if (!first) *out += ',';
          first = false;
          internal::AppendJsonString(name, out);
          *out += ':';
          auto it = entries.find(name);
          if (it == entries.end()) {
            *out += "null";
            continue;
          }
          path_.push_back(AttributeStep{name});
          if (Status s = Encode(it->second, at, out); !s.ok()) return s;
          path_.pop_back();
        }
        *out += '}';
        return Status::Ok();
      }
      case TypeKind::kDynamic:
        break;  // handled above
    }
    return Status::Ok();
  }

 private:
  Status Error(const std::string& what) const {
    std::string m = "json";
    if (!path_.empty()) m += " (" + PathText(path_) + ")";
    return Status::InvalidArgument(m + ": " + what);
  }
  std::vector<PathStep> path_;
};

}  // namespace

StatusOr<Value> DecodeJson(std::string_view json, const Type& type,
                           bool ignore_extra_attributes) {
  TreeBuilder builder;
  try {
    bool ok = nlohmann::json::sax_parse(json.begin(), json.end(), &builder);
    if (!ok) {
      return Status::InvalidArgument(
          "json: " + (builder.error.empty() ? std::string("invalid JSON")
                                            : builder.error));
    }
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("json: ") + e.what());
  }
  JsonDecoder decoder(ignore_extra_attributes);
  return decoder.Decode(builder.root, type, 0);
}

StatusOr<std::string> EncodeJson(const Value& value, const Type& type) {
  std::string out;
  JsonEncoder encoder;
  if (Status s = encoder.Encode(value, type, &out); !s.ok()) return s;
  return out;
}

}  // namespace encore::values
