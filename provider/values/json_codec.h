// JSON codec for cty values (PROTOCOL.md §3.6): the form of
// RawState.json (stored state) and DynamicValue.json. JSON has no unknown.
// A `dynamic` slot is {"value": V, "type": T}. Numbers keep arbitrary
// precision (parsed from their text).
#ifndef ENCORE_PROVIDER_VALUES_JSON_CODEC_H_
#define ENCORE_PROVIDER_VALUES_JSON_CODEC_H_

#include <string>
#include <string_view>

#include "provider/core/status.h"
#include "provider/values/type.h"
#include "provider/values/value.h"

namespace encore::values {

// Decodes JSON text as `type`. For objects, attributes absent from the JSON
// decode as null (older state); attributes the type does not have are
// dropped when `ignore_extra_attributes`, else an error naming them.
StatusOr<Value> DecodeJson(std::string_view json, const Type& type,
                           bool ignore_extra_attributes = false);

// Encodes a wholly known (or null-containing) value as compact JSON.
// Unknown values are an error: JSON cannot carry them.
StatusOr<std::string> EncodeJson(const Value& value, const Type& type);

}  // namespace encore::values

#endif  // ENCORE_PROVIDER_VALUES_JSON_CODEC_H_
