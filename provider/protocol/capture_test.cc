#include "provider/protocol/capture.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace encore::protocol {
namespace {

std::set<std::string> List(const std::string& dir) {
  std::set<std::string> out;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.insert(n);
  }
  closedir(d);
  return out;
}

std::string Read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(CaptureTest, DisabledWithoutDir) {
  EXPECT_FALSE(Capture(nullptr).enabled());
  EXPECT_FALSE(Capture("").enabled());
}

TEST(CaptureTest, WritesValueAndType) {
  char tmpl[] = "/tmp/encore-capture-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  Capture c(dir.c_str());
  ASSERT_TRUE(c.enabled());
  c.Record("PlanResourceChange", "encore_app", "config",
           std::string("\x81\xa1x\xc0", 4), "[\"object\",{\"x\":\"string\"}]");
  c.Record("ReadResource", "a/b", "current_state", "", "\"string\"");
  std::string pid = std::to_string(getpid());
  std::string base = "PlanResourceChange-encore_app-config-" + pid + ".0001";
  EXPECT_EQ(List(dir),
            (std::set<std::string>{base + ".msgpack", base + ".type"}));
  EXPECT_EQ(Read(dir + "/" + base + ".msgpack"),
            std::string("\x81\xa1x\xc0", 4));
  EXPECT_EQ(Read(dir + "/" + base + ".type"),
            "[\"object\",{\"x\":\"string\"}]");
  c.Record("UpgradeResourceState", "a/b", "raw_state", "{}", "\"x\"", true);
  EXPECT_TRUE(List(dir).count("UpgradeResourceState-a_b-raw_state-" + pid +
                              ".0002.json"));
  for (const auto& f : List(dir)) unlink((dir + "/" + f).c_str());
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace encore::protocol
