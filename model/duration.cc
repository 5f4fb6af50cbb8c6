#include "model/duration.h"

#include <limits>

namespace encore::model {

std::optional<int64_t> ParseDurationSeconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      int digit = text[i] - '0';
      if (n > (kMax - digit) / 10) return std::nullopt;
      n = n * 10 + digit;
      ++i;
    }
    if (i == text.size()) return std::nullopt;  // number without a unit
    int64_t unit = 0;
    switch (text[i]) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        return std::nullopt;
    }
    ++i;
    if (n > kMax / unit) return std::nullopt;
    n *= unit;
    if (total > kMax - n) return std::nullopt;
    total += n;
  }
  return total;
}

}  // namespace encore::model
