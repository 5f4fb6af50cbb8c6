// Durations as the app model and Terraform configs write them: "30s",
// "10m", "1h30m", "7d". Pure.
#ifndef ENCORE_MODEL_DURATION_H_
#define ENCORE_MODEL_DURATION_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace encore::model {

// Parses a duration such as "1h30m" into seconds (units s, m, h, d; each
// part a number and a unit); nullopt if malformed or out of range.
std::optional<int64_t> ParseDurationSeconds(std::string_view text);

}  // namespace encore::model

#endif  // ENCORE_MODEL_DURATION_H_
