#include "provider/protocol/handshake.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace encore::protocol {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t i = s.find(sep, start);
    out.push_back(s.substr(start, i - start));
    if (i == std::string::npos) return out;
    start = i + 1;
  }
}

// Decodes unpadded base64 with OpenSSL (after re-adding padding).
std::string DecodeBase64(std::string s) {
  while (s.size() % 4 != 0) s += '=';
  std::string out(s.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  EXPECT_GE(n, 0);
  size_t pad = 0;
  for (size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

TEST(HandshakeTest, MagicCookie) {
  EXPECT_TRUE(CheckMagicCookie(kMagicCookieValue).ok());
  EXPECT_FALSE(CheckMagicCookie(nullptr).ok());
  EXPECT_FALSE(CheckMagicCookie("").ok());
  EXPECT_FALSE(CheckMagicCookie("d602bf8f").ok());
}

TEST(HandshakeTest, NotAPluginMessageHasGoPluginSentence) {
  std::string m = NotAPluginMessage();
  EXPECT_NE(m.find("This binary is a plugin. These are not meant to be "
                   "executed directly."),
            std::string::npos);
  EXPECT_NE(m.find("dev_overrides"), std::string::npos);
  EXPECT_NE(m.find("-debug"), std::string::npos);
}

TEST(HandshakeTest, ProtocolVersions) {
  EXPECT_TRUE(CheckProtocolVersions("5,6").ok());
  EXPECT_TRUE(CheckProtocolVersions("6,5").ok());
  EXPECT_TRUE(CheckProtocolVersions("6").ok());
  EXPECT_TRUE(CheckProtocolVersions(" 5 , 6 ").ok());
  EXPECT_FALSE(CheckProtocolVersions("5").ok());
  EXPECT_FALSE(CheckProtocolVersions("").ok());
  EXPECT_FALSE(CheckProtocolVersions(nullptr).ok());
  EXPECT_FALSE(CheckProtocolVersions("16,60").ok());
  Status s = CheckProtocolVersions("4,5");
  EXPECT_NE(s.message().find("protocol 6"), std::string::npos);
  EXPECT_NE(s.message().find("4,5"), std::string::npos);
}

TEST(HandshakeTest, Base64NoPadKnownVectors) {
  EXPECT_EQ(Base64NoPad(""), "");
  EXPECT_EQ(Base64NoPad("f"), "Zg");
  EXPECT_EQ(Base64NoPad("fo"), "Zm8");
  EXPECT_EQ(Base64NoPad("foo"), "Zm9v");
  EXPECT_EQ(Base64NoPad("foob"), "Zm9vYg");
  EXPECT_EQ(Base64NoPad("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64NoPad("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64NoPad(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(HandshakeTest, LineFormatForSeveralDerLengths) {
  ListenAddress addr{"unix", "/tmp/plugin123"};
  for (size_t len : {300u, 301u, 302u, 303u, 1071u, 1072u}) {
    std::string der;
    for (size_t i = 0; i < len; ++i) der += static_cast<char>(i * 7 + 3);
    std::string line = HandshakeLine(addr, der);
    ASSERT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1);
    std::vector<std::string> f = Split(line.substr(0, line.size() - 1), '|');
    ASSERT_EQ(f.size(), 6u) << "no 7th field";
    EXPECT_EQ(f[0], "1");
    EXPECT_EQ(f[1], "6");
    EXPECT_EQ(f[2], "unix");
    EXPECT_EQ(f[3], "/tmp/plugin123");
    EXPECT_EQ(f[4], "grpc");
    EXPECT_EQ(f[5].find('='), std::string::npos) << "len " << len;
    EXPECT_EQ(f[5].find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789+/"),
              std::string::npos);
    EXPECT_EQ(DecodeBase64(f[5]), der) << "len " << len;
  }
}

TEST(HandshakeTest, TcpLine) {
  ListenAddress addr{"tcp", "127.0.0.1:12345"};
  EXPECT_EQ(addr.GrpcUri(), "127.0.0.1:12345");
  EXPECT_EQ(HandshakeLine(addr, "foo"), "1|6|tcp|127.0.0.1:12345|grpc|Zm9v\n");
  EXPECT_EQ(ListenAddress({"unix", "/a/b"}).GrpcUri(), "unix:/a/b");
}

TEST(HandshakeTest, Transport) {
  EXPECT_EQ(TransportFromEnv(nullptr), Transport::kUnix);
  EXPECT_EQ(TransportFromEnv("unix"), Transport::kUnix);
  EXPECT_EQ(TransportFromEnv("tcp"), Transport::kTcp);
}

TEST(HandshakeTest, UnixSocketPath) {
  char tmpl[] = "/tmp/encore-hs-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  StatusOr<std::string> p = MakeUnixSocketPath(dir.c_str(), "/nonexistent");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->rfind(dir + "/plugin", 0), 0u) << *p;
  // TMPDIR is used when PLUGIN_UNIX_SOCKET_DIR is empty.
  p = MakeUnixSocketPath("", dir.c_str());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->rfind(dir + "/plugin", 0), 0u);
  // Both empty: /tmp.
  p = MakeUnixSocketPath(nullptr, nullptr);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->rfind("/tmp/plugin", 0), 0u);
  // A missing directory is an error.
  EXPECT_FALSE(MakeUnixSocketPath("/nonexistent/dir", nullptr).ok());
  // Too long for sun_path.
  std::string deep = dir + "/" + std::string(100, 'x');
  ASSERT_EQ(mkdir(deep.c_str(), 0700), 0);
  EXPECT_FALSE(MakeUnixSocketPath(deep.c_str(), nullptr).ok());
  rmdir(deep.c_str());
  rmdir(dir.c_str());
}

TEST(HandshakeTest, PortRange) {
  PortRange r = PortRangeFromEnv("10000", "25000");
  EXPECT_EQ(r.min, 10000);
  EXPECT_EQ(r.max, 25000);
  r = PortRangeFromEnv(nullptr, "25000");
  EXPECT_EQ(r.min, 0);
  r = PortRangeFromEnv("30000", "20000");
  EXPECT_EQ(r.max, 0);
  r = PortRangeFromEnv("abc", "20000");
  EXPECT_EQ(r.min, 0);
  StatusOr<int> any = FindFreeTcpPort({});
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(*any, 0);
  StatusOr<int> p = FindFreeTcpPort({20000, 20100});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_GE(*p, 20000);
  EXPECT_LE(*p, 20100);
}

}  // namespace
}  // namespace encore::protocol
