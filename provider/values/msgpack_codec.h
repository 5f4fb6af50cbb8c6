// msgpack codec for cty values, as Terraform's DynamicValue.msgpack
// carries them (PROTOCOL.md §3).
//
// Decoding is driven by the expected type. Any msgpack extension decodes as
// an unknown value; an extension of type 12 has its refinements read. A
// `dynamic` slot is a 2-array [JSON type, value]. Strings and bin are
// interchangeable. Encoding writes objects with every attribute, keys
// sorted; unknown as d4 00 00 (or a type-12 extension when the value has
// refinements); numbers as int, float64 or decimal text, as they came.
#ifndef ENCORE_PROVIDER_VALUES_MSGPACK_CODEC_H_
#define ENCORE_PROVIDER_VALUES_MSGPACK_CODEC_H_

#include <string>
#include <string_view>

#include "provider/core/status.h"
#include "provider/values/type.h"
#include "provider/values/value.h"

namespace encore::values {

// Decodes one value of `type` from `bytes`. Trailing bytes are an error.
// An empty input decodes as null (Terraform's rule for an empty field).
// Never crashes on malformed input: returns InvalidArgument naming the
// byte offset and what was expected.
StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type);

// Encodes `value` as `type` (the schema's type; needed for dynamic slots).
std::string EncodeMsgpack(const Value& value, const Type& type);

}  // namespace encore::values

#endif  // ENCORE_PROVIDER_VALUES_MSGPACK_CODEC_H_
