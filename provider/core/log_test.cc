#include "provider/core/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace encore::log {
namespace {

TEST(LogTest, ParseLevel) {
  EXPECT_EQ(ParseLevel("", Level::kInfo), Level::kInfo);
  EXPECT_EQ(ParseLevel("TRACE", Level::kInfo), Level::kTrace);
  EXPECT_EQ(ParseLevel("debug", Level::kInfo), Level::kDebug);
  EXPECT_EQ(ParseLevel("Warn", Level::kInfo), Level::kWarn);
  EXPECT_EQ(ParseLevel("error", Level::kInfo), Level::kError);
  EXPECT_EQ(ParseLevel("off", Level::kInfo), Level::kOff);
  EXPECT_EQ(ParseLevel("json", Level::kInfo), Level::kTrace);
  EXPECT_EQ(ParseLevel("nonsense", Level::kInfo), Level::kTrace);
}

TEST(LogTest, FormatLineIsHclogJson) {
  std::string line =
      FormatLine(Level::kWarn, "say \"hi\"\n", {{"rpc", "Plan"}, {"n", "3"}},
                 std::chrono::system_clock::time_point{});
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per entry";
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["@level"], "warn");
  EXPECT_EQ(j["@message"], "say \"hi\"\n");
  EXPECT_EQ(j["@timestamp"], "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(j["rpc"], "Plan");
  EXPECT_EQ(j["n"], "3");
}

TEST(LogTest, LevelFiltersAndSinkReceives) {
  std::vector<std::string> lines;
  SetSinkForTesting([&](std::string_view l) { lines.emplace_back(l); });
  SetLevel(Level::kInfo);
  Debug("hidden");
  Info("shown", {{"k", "v"}});
  Error("also shown");
  SetLevel(Level::kOff);
  Error("never");
  SetSinkForTesting(nullptr);
  SetLevel(Level::kInfo);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"@message\":\"shown\""), std::string::npos);
  EXPECT_NE(lines[1].find("\"@level\":\"error\""), std::string::npos);
}

}  // namespace
}  // namespace encore::log
