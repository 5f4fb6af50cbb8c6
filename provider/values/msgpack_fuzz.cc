// libFuzzer target: DecodeMsgpack must never crash on any bytes, and what
// it decodes must survive encode + decode unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "provider/values/msgpack_codec.h"

namespace {

using encore::StatusOr;
using encore::values::DecodeMsgpack;
using encore::values::EncodeMsgpack;
using encore::values::Type;
using encore::values::Value;

const std::vector<Type>& FuzzTypes() {
  static const std::vector<Type>* types = [] {
    Type nested = Type::Object({{"k", Type::String()},
                                {"v", Type::Number()},
                                {"any", Type::Dynamic()}});
    Type object = Type::Object({
        {"s", Type::String()},
        {"n", Type::Number()},
        {"b", Type::Bool()},
        {"l", Type::List(Type::String())},
        {"set", Type::Set(nested)},
        {"m", Type::Map(Type::Number())},
        {"o", nested},
        {"t", Type::Tuple({Type::Bool(), Type::List(Type::Dynamic())})},
        {"d", Type::Dynamic()},
    });
    return new std::vector<Type>{object, Type::Dynamic(), Type::String(),
                                 Type::List(nested)};
  }();
  return *types;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const Type& type : FuzzTypes()) {
    StatusOr<Value> first = DecodeMsgpack(bytes, type);
    if (!first.ok()) continue;
    std::string encoded = EncodeMsgpack(*first, type);
    StatusOr<Value> second = DecodeMsgpack(encoded, type);
    if (!second.ok()) {
      std::fprintf(stderr, "re-decode failed: %s\nvalue: %s\n",
                   second.status().message().c_str(),
                   first->DebugString().c_str());
      std::abort();
    }
    if (!(*second == *first)) {
      std::fprintf(stderr, "round trip changed the value:\n%s\n%s\n",
                   first->DebugString().c_str(), second->DebugString().c_str());
      std::abort();
    }
    if (EncodeMsgpack(*second, type) != encoded) {
      std::fprintf(stderr, "encoding is not stable: %s\n",
                   first->DebugString().c_str());
      std::abort();
    }
  }
  return 0;
}
