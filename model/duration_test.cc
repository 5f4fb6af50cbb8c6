#include "model/duration.h"

#include <gtest/gtest.h>

#include <string>

namespace encore::model {
namespace {

TEST(DurationTest, Parse) {
  struct Case {
    std::string in;
    std::optional<int64_t> want;
  };
  const Case cases[] = {
      {"30s", 30},
      {"10m", 600},
      {"2h", 7200},
      {"7d", 604800},
      {"1h30m", 5400},
      {"1d2h3m4s", 93784},
      {"0s", 0},
      {"", std::nullopt},
      {"10", std::nullopt},
      {"h", std::nullopt},
      {"1.5h", std::nullopt},
      {"-1s", std::nullopt},
      {"10x", std::nullopt},
      {"1h 30m", std::nullopt},
      {"99999999999999999999s", std::nullopt},
  };
  for (const Case& tc : cases) {
    EXPECT_EQ(ParseDurationSeconds(tc.in), tc.want) << tc.in;
  }
}

}  // namespace
}  // namespace encore::model
