// Golden-byte round trip of values captured from real terraform runs.
//
// provider/values/testdata/captures/ holds pairs NAME.msgpack + NAME.type
// (and NAME.json + NAME.type for JSON values): exactly what Terraform sent
// in a DynamicValue, and the JSON type the provider decoded it with. They
// were recorded with ENCORE_PROVIDER_CAPTURE_DIR during a plan of
// acceptance/plan_all (.goreleaser-free-scripts/update-captures.sh).
//
// Each capture must decode with its type and encode back to the same bytes,
// and decoding the re-encoded bytes gives an equal value.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "provider/values/json_codec.h"
#include "provider/values/msgpack_codec.h"
#include "provider/values/type.h"
#include "provider/values/value.h"

namespace {

namespace fs = std::filesystem;
using encore::values::DecodeJson;
using encore::values::DecodeMsgpack;
using encore::values::EncodeJson;
using encore::values::EncodeMsgpack;
using encore::values::Type;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Hex(const std::string& bytes, size_t around = std::string::npos) {
  static const char* kDigits = "0123456789abcdef";
  size_t from = 0, to = bytes.size();
  if (around != std::string::npos) {
    from = around > 16 ? around - 16 : 0;
    to = std::min(bytes.size(), around + 16);
  }
  std::string out;
  for (size_t i = from; i < to; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
    out += ' ';
  }
  return out;
}

size_t FirstDifference(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return i;
  }
  return n;
}

struct Capture {
  std::string name;
  fs::path value_file;
  fs::path type_file;
  bool json;
};

// Test names and failure messages show the capture's name, not its bytes.
void PrintTo(const Capture& c, std::ostream* os) { *os << c.name; }

std::vector<Capture> FindCaptures() {
  std::vector<Capture> out;
  fs::path dir(ENCORE_CAPTURES_DIR);
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    fs::path p = e.path();
    std::string ext = p.extension().string();
    if (ext != ".msgpack" && ext != ".json") continue;
    fs::path type = p;
    type.replace_extension(".type");
    out.push_back({p.stem().string(), p, type, ext == ".json"});
  }
  std::sort(out.begin(), out.end(),
            [](const Capture& a, const Capture& b) { return a.name < b.name; });
  return out;
}

class CaptureRoundTrip : public ::testing::TestWithParam<Capture> {};

TEST_P(CaptureRoundTrip, DecodesAndEncodesToTheSameBytes) {
  const Capture& c = GetParam();
  ASSERT_TRUE(fs::exists(c.type_file)) << c.type_file << " is missing";
  std::string type_json = ReadFile(c.type_file);
  auto type = Type::FromJson(type_json);
  ASSERT_TRUE(type.ok()) << c.name << ": type " << type_json << ": "
                         << type.status().message();
  std::string bytes = ReadFile(c.value_file);
  ASSERT_FALSE(bytes.empty()) << c.name;

  if (c.json) {
    auto v = DecodeJson(bytes, *type);
    ASSERT_TRUE(v.ok()) << c.name << ": " << v.status().message();
    auto again = EncodeJson(*v, *type);
    ASSERT_TRUE(again.ok()) << c.name << ": " << again.status().message();
    auto v2 = DecodeJson(*again, *type);
    ASSERT_TRUE(v2.ok()) << c.name << ": " << v2.status().message();
    EXPECT_TRUE(*v == *v2) << c.name << ": JSON re-encoding changed the value";
    return;
  }

  auto v = DecodeMsgpack(bytes, *type);
  ASSERT_TRUE(v.ok()) << c.name << ": " << v.status().message();
  std::string again = EncodeMsgpack(*v, *type);
  if (again != bytes) {
    size_t at = FirstDifference(bytes, again);
    ADD_FAILURE() << c.name << ": re-encoded bytes differ at offset " << at
                  << " (captured " << bytes.size() << " bytes, re-encoded "
                  << again.size() << ")\n  captured:   " << Hex(bytes, at)
                  << "\n  re-encoded: " << Hex(again, at);
  }
  auto v2 = DecodeMsgpack(again, *type);
  ASSERT_TRUE(v2.ok()) << c.name << ": " << v2.status().message();
  EXPECT_TRUE(*v == *v2) << c.name << ": re-decoding gave another value";
}

TEST(Captures, ThereAreSome) {
  auto all = FindCaptures();
  EXPECT_GE(all.size(), 4u) << "no golden captures in " << ENCORE_CAPTURES_DIR
                            << " (.goreleaser-free-scripts/update-captures.sh)";
  bool unknown_seen = false;
  for (const auto& c : all) {
    if (c.json) continue;
    auto type = Type::FromJson(ReadFile(c.type_file));
    if (!type.ok()) continue;
    auto v = DecodeMsgpack(ReadFile(c.value_file), *type);
    if (v.ok() && !v->IsWhollyKnown()) unknown_seen = true;
  }
  EXPECT_TRUE(unknown_seen)
      << "no capture holds an unknown value (the plan_all captures should)";
}

INSTANTIATE_TEST_SUITE_P(
    Golden, CaptureRoundTrip, ::testing::ValuesIn(FindCaptures()),
    [](const ::testing::TestParamInfo<Capture>& info) {
      std::string n;
      for (char ch : info.param.name) {
        n += (std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
      }
      return n;
    });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CaptureRoundTrip);

}  // namespace
