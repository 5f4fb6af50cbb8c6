// Internal to provider/values: JSON string escaping as Go's encoding/json
// writes it (HTML-safe: <, >, & and U+2028/9 escaped; invalid UTF-8
// replaced by U+FFFD), so type JSON and state JSON match Terraform's bytes.
#ifndef ENCORE_PROVIDER_VALUES_JSON_TEXT_H_
#define ENCORE_PROVIDER_VALUES_JSON_TEXT_H_

#include <string>
#include <string_view>

namespace encore::values::internal {

// Appends `s` to `out` as a quoted JSON string.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace encore::values::internal

#endif  // ENCORE_PROVIDER_VALUES_JSON_TEXT_H_
