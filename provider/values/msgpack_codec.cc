#include "provider/values/msgpack_codec.h"

#include <cstdint>
#include <cstring>
#include <utility>
#include <variant>

#include "provider/core/attribute_path.h"

namespace encore::values {
namespace {

// Containers (and dynamic wrappers) nested deeper than this are rejected,
// so hostile input cannot exhaust the stack.
constexpr int kMaxDepth = 64;
constexpr int8_t kRefinementsExt = 12;
constexpr size_t kMaxPrefixBytes = 256;

// ---------------------------------------------------------------- decoding

enum class ItemKind {
  kNil,
  kBool,
  kUint,
  kInt,
  kFloat,
  kStr,
  kBin,
  kArray,
  kMap,
  kExt
};

const char* ItemKindName(ItemKind k) {
  switch (k) {
    case ItemKind::kNil:
      return "nil";
    case ItemKind::kBool:
      return "bool";
    case ItemKind::kUint:
    case ItemKind::kInt:
      return "integer";
    case ItemKind::kFloat:
      return "float";
    case ItemKind::kStr:
      return "string";
    case ItemKind::kBin:
      return "binary";
    case ItemKind::kArray:
      return "array";
    case ItemKind::kMap:
      return "map";
    case ItemKind::kExt:
      return "extension";
  }
  return "?";
}

// One msgpack header, with the payload of str, bin and ext.
struct Item {
  ItemKind kind = ItemKind::kNil;
  size_t offset = 0;
  bool b = false;
  uint64_t u = 0;          // kUint; also the count of kArray / kMap
  int64_t i = 0;           // kInt
  double f = 0;            // kFloat
  std::string_view bytes;  // kStr, kBin, kExt payload
  int8_t ext_type = 0;
  bool IsText() const {
    return kind == ItemKind::kStr || kind == ItemKind::kBin;
  }
};

class Decoder {
 public:
  Decoder(std::string_view data, size_t base_offset)
      : data_(data), base_(base_offset) {}

  size_t pos() const { return pos_; }
  bool AtEnd() const { return pos_ == data_.size(); }
  size_t Remaining() const { return data_.size() - pos_; }

  Status Error(size_t offset, const std::string& what) const {
    std::string m = "msgpack: at byte " + std::to_string(base_ + offset);
    if (!path_.empty()) {
      AttributePath p;
      for (const PathStep& s : path_) {
        if (const auto* a = std::get_if<AttributeStep>(&s)) {
          p = p.Attr(a->name);
        } else if (const auto* k = std::get_if<KeyStep>(&s)) {
          p = p.Key(k->key);
        } else {
          p = p.Index(std::get<IndexStep>(s).index);
        }
      }
      m += " (" + p.ToString() + ")";
    }
    return Status::InvalidArgument(m + ": " + what);
  }

  Status ReadItem(Item* it) {
    it->offset = pos_;
    if (AtEnd()) return Error(pos_, "unexpected end of data");
    auto b = static_cast<uint8_t>(data_[pos_++]);
    if (b <= 0x7f) return Uint(it, b);
    if (b <= 0x8f) return Count(it, ItemKind::kMap, b & 0x0f);
    if (b <= 0x9f) return Count(it, ItemKind::kArray, b & 0x0f);
    if (b <= 0xbf) return Bytes(it, ItemKind::kStr, b & 0x1f);
    if (b >= 0xe0) {
      it->kind = ItemKind::kInt;
      it->i = static_cast<int8_t>(b);
      return Status::Ok();
    }
    uint64_t n = 0;
    switch (b) {
      case 0xc0:
        it->kind = ItemKind::kNil;
        return Status::Ok();
      case 0xc2:
      case 0xc3:
        it->kind = ItemKind::kBool;
        it->b = b == 0xc3;
        return Status::Ok();
      case 0xc4:
      case 0xc5:
      case 0xc6:
        if (!ReadBE(size_t{1} << (b - 0xc4), &n)) return Truncated(it);
        return Bytes(it, ItemKind::kBin, n);
      case 0xc7:
      case 0xc8:
      case 0xc9:
        if (!ReadBE(size_t{1} << (b - 0xc7), &n)) return Truncated(it);
        return Ext(it, n);
      case 0xca: {
        if (!ReadBE(4, &n)) return Truncated(it);
        auto bits = static_cast<uint32_t>(n);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        it->kind = ItemKind::kFloat;
        it->f = f;
        return Status::Ok();
      }
      case 0xcb: {
        if (!ReadBE(8, &n)) return Truncated(it);
        double d;
        std::memcpy(&d, &n, sizeof d);
        it->kind = ItemKind::kFloat;
        it->f = d;
        return Status::Ok();
      }
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf:
        if (!ReadBE(size_t{1} << (b - 0xcc), &n)) return Truncated(it);
        return Uint(it, n);
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3: {
        size_t width = size_t{1} << (b - 0xd0);
        if (!ReadBE(width, &n)) return Truncated(it);
        it->kind = ItemKind::kInt;
        if (width == 1) it->i = static_cast<int8_t>(n);
        if (width == 2) it->i = static_cast<int16_t>(n);
        if (width == 4) it->i = static_cast<int32_t>(n);
        if (width == 8) it->i = static_cast<int64_t>(n);
        return Status::Ok();
      }
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return Ext(it, uint64_t{1} << (b - 0xd4));
      case 0xd9:
      case 0xda:
      case 0xdb:
        if (!ReadBE(size_t{1} << (b - 0xd9), &n)) return Truncated(it);
        return Bytes(it, ItemKind::kStr, n);
      case 0xdc:
      case 0xdd:
        if (!ReadBE(b == 0xdc ? 2 : 4, &n)) return Truncated(it);
        return Count(it, ItemKind::kArray, n);
      case 0xde:
      case 0xdf:
        if (!ReadBE(b == 0xde ? 2 : 4, &n)) return Truncated(it);
        return Count(it, ItemKind::kMap, n);
      default:  // 0xc1 is never used
        return Error(it->offset, "invalid msgpack byte 0xc1");
    }
  }

  // Skips one complete value of any kind, without recursion.
  Status Skip() {
    uint64_t pending = 1;
    while (pending > 0) {
      Item it;
      if (Status s = ReadItem(&it); !s.ok()) return s;
      --pending;
      if (it.kind == ItemKind::kArray) pending += it.u;
      if (it.kind == ItemKind::kMap) pending += 2 * it.u;
    }
    return Status::Ok();
  }

  StatusOr<Value> Decode(const Type& type, int depth);

 private:
  bool ReadBE(size_t width, uint64_t* out) {
    if (Remaining() < width) return false;
    uint64_t v = 0;
    for (size_t k = 0; k < width; ++k) {
      v = (v << 8) | static_cast<uint8_t>(data_[pos_ + k]);
    }
    pos_ += width;
    *out = v;
    return true;
  }
  Status Truncated(const Item* it) {
    return Error(it->offset, "truncated data");
  }
  static Status Uint(Item* it, uint64_t v) {
    it->kind = ItemKind::kUint;
    it->u = v;
    return Status::Ok();
  }
  Status Count(Item* it, ItemKind kind, uint64_t n) {
    // Every element takes at least one byte: a count larger than what is
    // left is a lie, caught before anyone reserves memory for it.
    uint64_t need = kind == ItemKind::kMap ? 2 * n : n;
    if (need > Remaining()) {
      return Error(it->offset, std::string(ItemKindName(kind)) + " of " +
                                   std::to_string(n) +
                                   " elements is longer than the data");
    }
    it->kind = kind;
    it->u = n;
    return Status::Ok();
  }
  Status Bytes(Item* it, ItemKind kind, uint64_t n) {
    if (n > Remaining()) return Truncated(it);
    it->kind = kind;
    it->bytes = data_.substr(pos_, n);
    pos_ += n;
    return Status::Ok();
  }
  Status Ext(Item* it, uint64_t n) {
    if (Remaining() < 1 || n > Remaining() - 1) return Truncated(it);
    it->kind = ItemKind::kExt;
    it->ext_type = static_cast<int8_t>(data_[pos_++]);
    it->bytes = data_.substr(pos_, n);
    pos_ += n;
    return Status::Ok();
  }

  Status Mismatch(const Item& it, const Type& type) const {
    return Error(it.offset, "expected " + type.FriendlyName() + ", got " +
                                ItemKindName(it.kind));
  }
  StatusOr<Value> DecodeUnknown(const Item& it, const Type& type);

  std::string_view data_;
  size_t base_;
  size_t pos_ = 0;
  std::vector<PathStep> path_;
};

StatusOr<Value> Decoder::DecodeUnknown(const Item& it, const Type& type) {
  // Terraform: an extension of length 0 or 1 is a plain unknown whatever
  // its type code. We also take longer extensions of other types as plain
  // unknowns (lenient); only type 12 carries refinements.
  if (it.ext_type != kRefinementsExt || it.bytes.size() <= 1) {
    return Value::Unknown(type);
  }
  auto payload_offset = static_cast<size_t>(it.bytes.data() - data_.data());
  Decoder d(it.bytes, base_ + payload_offset);
  d.path_ = path_;
  Refinements refinements;
  Item map;
  if (Status s = d.ReadItem(&map); !s.ok()) return s;
  if (map.kind != ItemKind::kMap) {
    return d.Error(map.offset, "refinements must be a map, got " +
                                   std::string(ItemKindName(map.kind)));
  }
  TypeKind k = type.kind();
  for (uint64_t n = 0; n < map.u; ++n) {
    Item key;
    if (Status s = d.ReadItem(&key); !s.ok()) return s;
    int64_t code = 0;
    if (key.kind == ItemKind::kUint && key.u < 100) {
      code = static_cast<int64_t>(key.u);
    } else if (key.kind == ItemKind::kInt) {
      code = key.i;
    } else if (key.kind != ItemKind::kUint) {
      return d.Error(key.offset, "refinement key must be an integer");
    } else {
      code = 100;  // large unknown key
    }
    Item v;
    switch (code) {
      case 1:  // nullness
        if (Status s = d.ReadItem(&v); !s.ok()) return s;
        if (v.kind != ItemKind::kBool) {
          return d.Error(v.offset, "nullness refinement must be a bool");
        }
        refinements.not_null = !v.b;
        break;
      case 2:  // string prefix
        if (Status s = d.ReadItem(&v); !s.ok()) return s;
        if (k != TypeKind::kString) {
          return d.Error(key.offset, "string prefix refinement on a " +
                                         type.FriendlyName() + " value");
        }
        if (!v.IsText()) {
          return d.Error(v.offset, "string prefix refinement must be a string");
        }
        refinements.string_prefix = std::string(v.bytes);
        break;
      case 3:    // number lower bound [number, inclusive]
      case 4: {  // number upper bound
        if (k != TypeKind::kNumber) {
          return d.Error(key.offset, "number bound refinement on a " +
                                         type.FriendlyName() + " value");
        }
        if (Status s = d.ReadItem(&v); !s.ok()) return s;
        if (v.kind != ItemKind::kArray || v.u != 2) {
          return d.Error(v.offset, "number bound must be [number, bool]");
        }
        Item bound, inclusive;
        if (Status s = d.ReadItem(&bound); !s.ok()) return s;
        bool numeric = bound.kind == ItemKind::kUint ||
                       bound.kind == ItemKind::kInt ||
                       bound.kind == ItemKind::kFloat ||
                       (bound.IsText() && Number::FromString(bound.bytes));
        if (!numeric) return d.Error(bound.offset, "number bound not a number");
        if (Status s = d.ReadItem(&inclusive); !s.ok()) return s;
        if (inclusive.kind != ItemKind::kBool) {
          return d.Error(inclusive.offset, "number bound flag must be a bool");
        }
        break;
      }
      case 5:  // collection length lower bound
      case 6:  // upper bound
        if (k != TypeKind::kList && k != TypeKind::kSet &&
            k != TypeKind::kMap) {
          return d.Error(key.offset, "length refinement on a " +
                                         type.FriendlyName() + " value");
        }
        if (Status s = d.ReadItem(&v); !s.ok()) return s;
        if (v.kind != ItemKind::kUint && v.kind != ItemKind::kInt) {
          return d.Error(v.offset, "length bound must be an integer");
        }
        break;
      default:  // keys we do not know are ignored, as Terraform does
        if (Status s = d.Skip(); !s.ok()) return s;
    }
  }
  if (!d.AtEnd()) return d.Error(d.pos(), "trailing bytes in refinements");
  return Value::Unknown(type, std::move(refinements));
}

StatusOr<Value> Decoder::Decode(const Type& type, int depth) {
  if (depth > kMaxDepth) return Error(pos_, "value is nested too deeply");
  Item it;
  if (Status s = ReadItem(&it); !s.ok()) return s;
  if (it.kind == ItemKind::kExt) return DecodeUnknown(it, type);
  if (it.kind == ItemKind::kNil) return Value::Null(type);

  switch (type.kind()) {
    case TypeKind::kDynamic: {
      if (it.kind != ItemKind::kArray || it.u != 2) {
        return Error(it.offset, "a dynamic value must be [type, value], got " +
                                    std::string(ItemKindName(it.kind)));
      }
      Item type_item;
      if (Status s = ReadItem(&type_item); !s.ok()) return s;
      if (!type_item.IsText()) {
        return Error(type_item.offset, "dynamic value type must be a string");
      }
      StatusOr<Type> t = Type::FromJson(type_item.bytes);
      if (!t.ok()) return Error(type_item.offset, t.status().message());
      return Decode(*t, depth + 1);
    }
    case TypeKind::kString:
      if (!it.IsText()) return Mismatch(it, type);
      return Value::String(std::string(it.bytes));
    case TypeKind::kNumber:
      switch (it.kind) {
        case ItemKind::kUint:
          return Value::Number(Number::FromUint(it.u));
        case ItemKind::kInt:
          return Value::Number(Number::FromInt(it.i));
        case ItemKind::kFloat:
          return Value::Number(Number::FromDouble(it.f));
        case ItemKind::kStr:
        case ItemKind::kBin: {
          std::optional<Number> n = Number::FromString(it.bytes);
          if (!n) return Error(it.offset, "string is not a decimal number");
          return Value::Number(std::move(*n));
        }
        default:
          return Mismatch(it, type);
      }
    case TypeKind::kBool:
      if (it.kind != ItemKind::kBool) return Mismatch(it, type);
      return Value::Bool(it.b);
    case TypeKind::kList:
    case TypeKind::kSet: {
      if (it.kind != ItemKind::kArray) return Mismatch(it, type);
      bool is_list = type.kind() == TypeKind::kList;
      std::vector<Value> elements;
      elements.reserve(it.u);  // bounded by the remaining bytes
      for (uint64_t n = 0; n < it.u; ++n) {
        if (is_list)
          path_.emplace_back(std::in_place_type<IndexStep>,
                             IndexStep{static_cast<int64_t>(n)});
        StatusOr<Value> e = Decode(type.element(), depth + 1);
        if (!e.ok()) return e.status();
        if (is_list) path_.pop_back();
        elements.push_back(std::move(e).value());
      }
      if (is_list) return Value::List(type.element(), std::move(elements));
      return Value::Set(type.element(), std::move(elements));
    }
    case TypeKind::kMap: {
      if (it.kind != ItemKind::kMap) return Mismatch(it, type);
      std::map<std::string, Value> entries;
      for (uint64_t n = 0; n < it.u; ++n) {
        Item key;
        if (Status s = ReadItem(&key); !s.ok()) return s;
        if (!key.IsText()) return Error(key.offset, "map key must be a string");
        path_.emplace_back(std::in_place_type<KeyStep>,
                           KeyStep{std::string(key.bytes)});
        StatusOr<Value> e = Decode(type.element(), depth + 1);
        if (!e.ok()) return e.status();
        path_.pop_back();
        entries.insert_or_assign(std::string(key.bytes), std::move(e).value());
      }
      return Value::Map(type.element(), std::move(entries));
    }
    case TypeKind::kObject: {
      if (it.kind != ItemKind::kMap) return Mismatch(it, type);
      const auto& attributes = type.attributes();
      if (it.u != attributes.size()) {
        return Error(it.offset, "an object with " +
                                    std::to_string(attributes.size()) +
                                    " attributes is required (" +
                                    std::to_string(it.u) + " given)");
      }
      std::map<std::string, Value> values;
      for (uint64_t n = 0; n < it.u; ++n) {
        Item key;
        if (Status s = ReadItem(&key); !s.ok()) return s;
        if (!key.IsText()) {
          return Error(key.offset, "attribute name must be a string");
        }
        std::string name(key.bytes);
        auto at = attributes.find(name);
        if (at == attributes.end()) {
          return Error(key.offset, "unsupported attribute \"" + name + "\"");
        }
        if (values.count(name)) {
          return Error(key.offset, "duplicate attribute \"" + name + "\"");
        }
        path_.emplace_back(std::in_place_type<AttributeStep>,
                           AttributeStep{name});
        StatusOr<Value> e = Decode(at->second, depth + 1);
        if (!e.ok()) return e.status();
        path_.pop_back();
        values.emplace(std::move(name), std::move(e).value());
      }
      return Value::ObjectOf(type, std::move(values));
    }
    case TypeKind::kTuple: {
      if (it.kind != ItemKind::kArray) return Mismatch(it, type);
      const auto& types = type.tuple_elements();
      if (it.u != types.size()) {
        return Error(it.offset, "a tuple of " + std::to_string(types.size()) +
                                    " elements is required (" +
                                    std::to_string(it.u) + " given)");
      }
      std::vector<Value> elements;
      for (size_t n = 0; n < types.size(); ++n) {
        path_.emplace_back(std::in_place_type<IndexStep>,
                           IndexStep{static_cast<int64_t>(n)});
        StatusOr<Value> e = Decode(types[n], depth + 1);
        if (!e.ok()) return e.status();
        path_.pop_back();
        elements.push_back(std::move(e).value());
      }
      return Value::Tuple(std::move(elements));
    }
  }
  return Error(it.offset, "unsupported type");
}

// ---------------------------------------------------------------- encoding

void PutBE(uint64_t v, size_t width, std::string* out) {
  for (size_t k = width; k > 0; --k) {
    out->push_back(static_cast<char>((v >> (8 * (k - 1))) & 0xff));
  }
}

void PutInt(int64_t v, std::string* out) {
  if (v >= 0) {
    auto u = static_cast<uint64_t>(v);
    if (u <= 0x7f) {
      out->push_back(static_cast<char>(u));
    } else if (u <= 0xff) {
      out->push_back('\xcc');
      PutBE(u, 1, out);
    } else if (u <= 0xffff) {
      out->push_back('\xcd');
      PutBE(u, 2, out);
    } else if (u <= 0xffffffff) {
      out->push_back('\xce');
      PutBE(u, 4, out);
    } else {
      out->push_back('\xcf');
      PutBE(u, 8, out);
    }
    return;
  }
  auto u = static_cast<uint64_t>(v);
  if (v >= -32) {
    out->push_back(static_cast<char>(u & 0xff));
  } else if (v >= INT8_MIN) {
    out->push_back('\xd0');
    PutBE(u, 1, out);
  } else if (v >= INT16_MIN) {
    out->push_back('\xd1');
    PutBE(u, 2, out);
  } else if (v >= INT32_MIN) {
    out->push_back('\xd2');
    PutBE(u, 4, out);
  } else {
    out->push_back('\xd3');
    PutBE(u, 8, out);
  }
}

void PutStr(std::string_view s, std::string* out) {
  size_t n = s.size();
  if (n < 32) {
    out->push_back(static_cast<char>(0xa0 | n));
  } else if (n <= 0xff) {
    out->push_back('\xd9');
    PutBE(n, 1, out);
  } else if (n <= 0xffff) {
    out->push_back('\xda');
    PutBE(n, 2, out);
  } else {
    out->push_back('\xdb');
    PutBE(n, 4, out);
  }
  out->append(s);
}

void PutBin(std::string_view s, std::string* out) {
  size_t n = s.size();
  if (n <= 0xff) {
    out->push_back('\xc4');
    PutBE(n, 1, out);
  } else if (n <= 0xffff) {
    out->push_back('\xc5');
    PutBE(n, 2, out);
  } else {
    out->push_back('\xc6');
    PutBE(n, 4, out);
  }
  out->append(s);
}

void PutContainer(size_t n, bool is_map, std::string* out) {
  if (n < 16) {
    out->push_back(static_cast<char>((is_map ? 0x80 : 0x90) | n));
  } else if (n <= 0xffff) {
    out->push_back(is_map ? '\xde' : '\xdc');
    PutBE(n, 2, out);
  } else {
    out->push_back(is_map ? '\xdf' : '\xdd');
    PutBE(n, 4, out);
  }
}

void PutNumber(const Number& n, std::string* out) {
  if (const int64_t* i = n.int_value()) {
    PutInt(*i, out);
  } else if (const double* d = n.double_value()) {
    Number normal = Number::FromDouble(*d);
    if (const int64_t* i = normal.int_value()) {
      PutInt(*i, out);
      return;
    }
    uint64_t bits;
    std::memcpy(&bits, d, sizeof bits);
    out->push_back('\xcb');
    PutBE(bits, 8, out);
  } else {
    PutStr(*n.decimal_value(), out);
  }
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

void PutUnknown(const Value& value, const Type& type, std::string* out) {
  const Refinements& r = value.refinements();
  std::string payload;
  size_t count = 0;
  if (!type.IsDynamic()) {
    if (r.not_null) {
      ++count;
      payload += "\x01\xc2";
    }
    if (r.string_prefix && !r.string_prefix->empty() &&
        type.kind() == TypeKind::kString) {
      ++count;
      payload += '\x02';
      PutStr(TruncateUtf8(*r.string_prefix, kMaxPrefixBytes), &payload);
    }
  }
  if (count == 0) {
    out->append("\xd4\x00\x00", 3);
    return;
  }
  payload.insert(payload.begin(), static_cast<char>(0x80 | count));
  size_t n = payload.size();
  switch (n) {  // same header choice as the Go msgpack encoder
    case 1:
      out->push_back('\xd4');
      break;
    case 2:
      out->push_back('\xd5');
      break;
    case 4:
      out->push_back('\xd6');
      break;
    case 8:
      out->push_back('\xd7');
      break;
    case 16:
      out->push_back('\xd8');
      break;
    default:
      if (n <= 0xff) {
        out->push_back('\xc7');
        PutBE(n, 1, out);
      } else {
        out->push_back('\xc8');
        PutBE(n, 2, out);
      }
  }
  out->push_back(static_cast<char>(kRefinementsExt));
  out->append(payload);
}

void Encode(const Value& value, const Type& type, std::string* out) {
  if (type.IsDynamic()) {
    if (value.type().IsDynamic()) {  // type not decided: bare nil / ext
      if (value.IsUnknown()) {
        out->append("\xd4\x00\x00", 3);
      } else {
        out->push_back('\xc0');
      }
      return;
    }
    out->push_back('\x92');
    PutBin(value.type().ToJson(), out);
    Encode(value, value.type(), out);
    return;
  }
  if (value.IsNull()) {
    out->push_back('\xc0');
    return;
  }
  if (value.IsUnknown()) {
    PutUnknown(value, type, out);
    return;
  }
  if (value.type().kind() != type.kind()) {
    // Does not conform: write it as what it is (the peer will complain).
    if (!value.type().IsDynamic()) Encode(value, value.type(), out);
    return;
  }
  switch (type.kind()) {
    case TypeKind::kString:
      PutStr(value.AsString(), out);
      return;
    case TypeKind::kNumber:
      PutNumber(value.AsNumber(), out);
      return;
    case TypeKind::kBool:
      out->push_back(value.AsBool() ? '\xc3' : '\xc2');
      return;
    case TypeKind::kList:
    case TypeKind::kSet:
      PutContainer(value.Elements().size(), false, out);
      for (const Value& e : value.Elements()) Encode(e, type.element(), out);
      return;
    case TypeKind::kTuple: {
      const auto& elements = value.Elements();
      const auto& types = type.tuple_elements().size() == elements.size()
                              ? type.tuple_elements()
                              : value.type().tuple_elements();
      PutContainer(elements.size(), false, out);
      for (size_t n = 0; n < elements.size(); ++n) {
        Encode(elements[n], types[n], out);
      }
      return;
    }
    case TypeKind::kMap:
      PutContainer(value.Entries().size(), true, out);
      for (const auto& [k, e] : value.Entries()) {
        PutStr(k, out);
        Encode(e, type.element(), out);
      }
      return;
    case TypeKind::kObject: {
      const auto& entries = value.Entries();
      PutContainer(type.attributes().size(), true, out);
      for (const auto& [name, at] : type.attributes()) {
        PutStr(name, out);
        auto it = entries.find(name);
        if (it == entries.end()) {
          out->push_back('\xc0');
        } else {
          Encode(it->second, at, out);
        }
      }
      return;
    }
    case TypeKind::kDynamic:
      return;  // handled above
  }
}

}  // namespace

StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type) {
  if (bytes.empty()) return Value::Null(type);
  Decoder d(bytes, 0);
  StatusOr<Value> v = d.Decode(type, 0);
  if (!v.ok()) return v;
  if (!d.AtEnd()) {
    return d.Error(d.pos(), std::to_string(d.Remaining()) +
                                " trailing bytes after the value");
  }
  return v;
}

std::string EncodeMsgpack(const Value& value, const Type& type) {
  std::string out;
  Encode(value, type, &out);
  return out;
}

}  // namespace encore::values
