#include "agent/crypto/secret_box.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace encore::agent {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/secret_box_test_XXXXXX";
  char* dir = ::mkdtemp(tmpl);
  EXPECT_NE(dir, nullptr);
  return dir ? dir : "";
}

std::unique_ptr<SecretBox> TestBox(char fill = 'k') {
  return SecretBox::FromKey(std::string(32, fill));
}

TEST(SecretBoxTest, SealOpenRoundTrip) {
  auto box = TestBox();
  for (std::string value : {std::string(), std::string("hunter2"),
                            std::string(1000, 'x'), std::string("a\0b", 3)}) {
    std::string sealed = box->Seal(value, "secret:app/db:production");
    ASSERT_EQ(sealed.rfind("v1:", 0), 0u) << sealed;
    auto opened = box->Open(sealed, "secret:app/db:production");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    EXPECT_EQ(*opened, value);
  }
}

TEST(SecretBoxTest, SealIsRandomised) {
  auto box = TestBox();
  EXPECT_NE(box->Seal("same", "ctx"), box->Seal("same", "ctx"));
}

TEST(SecretBoxTest, WrongContextFails) {
  auto box = TestBox();
  std::string sealed = box->Seal("hunter2", "secret:app/db:production");
  auto opened = box->Open(sealed, "secret:app/db:development");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(opened.status().message(),
            "sealed value does not open (wrong key or context, or corrupted)");
  EXPECT_EQ(opened.status().message().find("hunter2"), std::string::npos);
}

TEST(SecretBoxTest, WrongKeyFails) {
  std::string sealed = TestBox('a')->Seal("hunter2", "ctx");
  EXPECT_FALSE(TestBox('b')->Open(sealed, "ctx").ok());
}

TEST(SecretBoxTest, TamperedCiphertextFails) {
  auto box = TestBox();
  std::string sealed = box->Seal("hunter2 is my password", "ctx");
  // Flip one base64 character in the nonce, the ciphertext and the tag.
  for (size_t pos : {size_t(4), sealed.size() / 2, sealed.size() - 3}) {
    std::string bad = sealed;
    bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(box->Open(bad, "ctx").ok()) << "position " << pos;
  }
  EXPECT_FALSE(box->Open(sealed.substr(0, sealed.size() - 4), "ctx").ok());
  EXPECT_FALSE(box->Open("v1:", "ctx").ok());
  EXPECT_FALSE(box->Open("v1:!!!!", "ctx").ok());
  EXPECT_FALSE(box->Open("v2:" + sealed.substr(3), "ctx").ok());
  EXPECT_FALSE(box->Open("hunter2", "ctx").ok());
}

TEST(SecretBoxTest, SealedTextDoesNotContainPlaintext) {
  auto box = TestBox();
  std::string value = "correct-horse-battery-staple";
  std::string sealed = box->Seal(value, "ctx");
  EXPECT_EQ(sealed.find(value), std::string::npos);
  EXPECT_EQ(sealed.find("correct"), std::string::npos);
}

TEST(SecretBoxTest, Fingerprints) {
  auto box = TestBox();
  std::string fp = box->Fingerprint("hunter2", "secret:app/db:production");
  ASSERT_EQ(fp.rfind("hmac-sha256:", 0), 0u);
  EXPECT_EQ(fp.size(), std::string("hmac-sha256:").size() + 32);
  EXPECT_EQ(fp.find_first_not_of("0123456789abcdef", 12), std::string::npos);
  EXPECT_EQ(fp, box->Fingerprint("hunter2", "secret:app/db:production"));
  EXPECT_NE(fp, box->Fingerprint("hunter3", "secret:app/db:production"));
  EXPECT_NE(fp, box->Fingerprint("hunter2", "secret:app/db:development"));
  EXPECT_NE(fp, TestBox('z')->Fingerprint("hunter2",
                                          "secret:app/db:production"));
  // The length prefixes keep (context, value) pairs apart.
  EXPECT_NE(box->Fingerprint("bc", "a"), box->Fingerprint("c", "ab"));
}

TEST(SecretBoxTest, KeyFileCreatedWithMode0600AndReused) {
  std::string dir = TempDir();
  std::string path = dir + "/secret.key";
  auto first = SecretBox::OpenOrCreate(path);
  ASSERT_TRUE(first.ok()) << first.status().message();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, 32);

  auto second = SecretBox::OpenOrCreate(path);
  ASSERT_TRUE(second.ok()) << second.status().message();
  std::string sealed = (*first)->Seal("hunter2", "ctx");
  auto opened = (*second)->Open(sealed, "ctx");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "hunter2");
  EXPECT_EQ((*first)->Fingerprint("v", "c"), (*second)->Fingerprint("v", "c"));

  // Another key file gives another key.
  auto other = SecretBox::OpenOrCreate(dir + "/other.key");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE((*other)->Open(sealed, "ctx").ok());
}

TEST(SecretBoxTest, KeyFileWithOpenModeRefused) {
  std::string dir = TempDir();
  std::string path = dir + "/secret.key";
  ASSERT_TRUE(SecretBox::OpenOrCreate(path).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto box = SecretBox::OpenOrCreate(path);
  ASSERT_FALSE(box.ok());
  EXPECT_NE(box.status().message().find(path), std::string::npos);
  EXPECT_NE(box.status().message().find("chmod 600 " + path),
            std::string::npos)
      << box.status().message();
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(SecretBox::OpenOrCreate(path).ok());
}

TEST(SecretBoxTest, KeyFileWithWrongSizeRefused) {
  std::string dir = TempDir();
  std::string path = dir + "/secret.key";
  {
    std::ofstream out(path);
    out << "too short";
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto box = SecretBox::OpenOrCreate(path);
  ASSERT_FALSE(box.ok());
  EXPECT_NE(box.status().message().find(path), std::string::npos);
  EXPECT_NE(box.status().message().find("not 32"), std::string::npos)
      << box.status().message();
  // The bad file is left alone, never replaced by a fresh key.
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 9);
}

TEST(TokenTest, NewTokenSecretShape) {
  std::string a = NewTokenSecret();
  std::string b = NewTokenSecret();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.rfind("enc_", 0), 0u);
  EXPECT_EQ(a.size(), 4u + 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                "qrstuvwxyz0123456789-_",
                                4),
            std::string::npos);
}

TEST(TokenTest, HashTokenSecretIsHexSha256) {
  EXPECT_EQ(HashTokenSecret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashTokenSecret(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RandomBytesTest, Sizes) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(17).size(), 17u);
  EXPECT_NE(RandomBytes(16), RandomBytes(16));
}

}  // namespace
}  // namespace encore::agent
