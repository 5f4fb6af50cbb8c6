#include "agent/crypto/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

namespace encore::agent {
namespace {

constexpr size_t kKeySize = 32;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr std::string_view kSealPrefix = "v1:";
constexpr std::string_view kFingerprintPrefix = "hmac-sha256:";
constexpr std::string_view kSealInfo = "encore-agent seal key v1";
constexpr std::string_view kMacInfo = "encore-agent fingerprint key v1";

constexpr char kB64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) |
                 uint8_t(in[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

// Standard base64 with padding; nullopt on any malformed input.
std::optional<std::string> Unbase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    bool last = i + 4 == in.size();
    int pads = 0;
    if (last && in[i + 3] == '=') pads = (in[i + 2] == '=') ? 2 : 1;
    uint32_t n = 0;
    for (int j = 0; j < 4; ++j) {
      int v = 0;
      if (j >= 4 - pads) {
        v = 0;
      } else {
        v = value(in[i + j]);
        if (v < 0) return std::nullopt;
      }
      n = (n << 6) | uint32_t(v);
    }
    out += char((n >> 16) & 0xff);
    if (pads < 2) out += char((n >> 8) & 0xff);
    if (pads < 1) out += char(n & 0xff);
  }
  return out;
}

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

// HKDF-SHA256 with no salt (RFC 5869: a zero salt) and `info` naming the use.
std::string Hkdf(std::string_view key, std::string_view info) {
  std::string out(kKeySize, '\0');
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  size_t len = out.size();
  bool ok = ctx != nullptr && EVP_PKEY_derive_init(ctx) > 0 &&
            EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) > 0 &&
            EVP_PKEY_CTX_set1_hkdf_key(
                ctx, reinterpret_cast<const unsigned char*>(key.data()),
                int(key.size())) > 0 &&
            EVP_PKEY_CTX_add1_hkdf_info(
                ctx, reinterpret_cast<const unsigned char*>(info.data()),
                int(info.size())) > 0 &&
            EVP_PKEY_derive(ctx, reinterpret_cast<unsigned char*>(out.data()),
                            &len) > 0 &&
            len == kKeySize;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) std::abort();  // OpenSSL without HKDF-SHA256: nothing sane to do.
  return out;
}

// Length-prefixed (8 bytes, big endian) so that (context, value) pairs
// never collide by shifting bytes from one to the other.
void AppendWithLength(std::string& out, std::string_view s) {
  uint64_t n = s.size();
  for (int i = 7; i >= 0; --i) out += char((n >> (8 * i)) & 0xff);
  out.append(s);
}

std::string ErrnoText() { return std::strerror(errno); }

std::string KeyMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", unsigned(mode & 07777));
  return buf;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(size_t(n));
  }
  return true;
}

void SyncDirOf(const std::string& path) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (dir.empty()) dir = "/";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Creates the key file atomically: a temporary file made with O_EXCL and
// mode 0600, written and synced, then hard-linked into place (link fails
// if another process got there first, in which case its key wins).
Status CreateKeyFile(const std::string& path) {
  std::string tmp = path + ".tmp-" + Hex(reinterpret_cast<const unsigned char*>(
                                             RandomBytes(6).data()),
                                         6);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Unavailable("cannot create key file " + path + ": " +
                               ErrnoText());
  }
  std::string key = RandomBytes(kKeySize);
  bool ok = ::fchmod(fd, 0600) == 0 && WriteAll(fd, key) && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    errno = saved;
    return Status::Unavailable("cannot write key file " + path + ": " +
                               ErrnoText());
  }
  if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    return Status::Unavailable("cannot create key file " + path + ": " +
                               ErrnoText());
  }
  ::unlink(tmp.c_str());
  SyncDirOf(path);
  return Status::Ok();
}

StatusOr<std::string> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return Status::Unavailable("cannot open key file " + path + ": " +
                               ErrnoText());
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string why = ErrnoText();
    ::close(fd);
    return Status::Unavailable("cannot read key file " + path + ": " + why);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::FailedPrecondition("key file " + path +
                                      " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Status::FailedPrecondition(
        "key file " + path + " has mode " + KeyMode(st.st_mode) +
        ", readable or writable by others; fix: chmod 600 " + path);
  }
  if (st.st_size != off_t(kKeySize)) {
    ::close(fd);
    return Status::FailedPrecondition(
        "key file " + path + " is " + std::to_string(st.st_size) +
        " bytes, not " + std::to_string(kKeySize) +
        ": it is damaged or not an encore-agent key; restore it from a "
        "backup (a new key cannot open what the old one sealed)");
  }
  std::string key(kKeySize, '\0');
  size_t got = 0;
  while (got < kKeySize) {
    ssize_t n = ::read(fd, key.data() + got, kKeySize - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += size_t(n);
  }
  ::close(fd);
  if (got != kKeySize) {
    return Status::Unavailable("cannot read key file " + path);
  }
  return key;
}

Status OpenFailure() {
  return Status::InvalidArgument(
      "sealed value does not open (wrong key or context, or corrupted)");
}

}  // namespace

SecretBox::SecretBox(std::string_view key32)
    : seal_key_(Hkdf(key32, kSealInfo)), mac_key_(Hkdf(key32, kMacInfo)) {}

StatusOr<std::unique_ptr<SecretBox>> SecretBox::OpenOrCreate(
    const std::string& key_path) {
  struct stat st {};
  if (::lstat(key_path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return Status::Unavailable("cannot stat key file " + key_path + ": " +
                                 ErrnoText());
    }
    Status created = CreateKeyFile(key_path);
    if (!created.ok()) return created;
  }
  StatusOr<std::string> key = ReadKeyFile(key_path);
  if (!key.ok()) return key.status();
  return std::unique_ptr<SecretBox>(new SecretBox(*key));
}

std::unique_ptr<SecretBox> SecretBox::FromKey(std::string_view key32) {
  return std::unique_ptr<SecretBox>(new SecretBox(key32));
}

std::string SecretBox::Seal(std::string_view plaintext,
                            std::string_view context) const {
  std::string nonce = RandomBytes(kNonceSize);
  std::string out = nonce;
  out.resize(kNonceSize + plaintext.size() + kTagSize);
  auto* u8 = reinterpret_cast<unsigned char*>(out.data());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  int total = 0;
  bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, int(kNonceSize),
                          nullptr) &&
      EVP_EncryptInit_ex(
          ctx, nullptr, nullptr,
          reinterpret_cast<const unsigned char*>(seal_key_.data()), u8) &&
      EVP_EncryptUpdate(ctx, nullptr, &len,
                        reinterpret_cast<const unsigned char*>(context.data()),
                        int(context.size())) &&
      EVP_EncryptUpdate(
          ctx, u8 + kNonceSize, &len,
          reinterpret_cast<const unsigned char*>(plaintext.data()),
          int(plaintext.size()));
  total = len;
  ok = ok && EVP_EncryptFinal_ex(ctx, u8 + kNonceSize + total, &len);
  total += len;
  ok = ok && size_t(total) == plaintext.size() &&
       EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, int(kTagSize),
                           u8 + kNonceSize + total);
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) std::abort();  // AES-GCM failing on valid input: broken OpenSSL.
  return std::string(kSealPrefix) + Base64(out, kB64, true);
}

StatusOr<std::string> SecretBox::Open(std::string_view sealed,
                                      std::string_view context) const {
  if (sealed.substr(0, kSealPrefix.size()) != kSealPrefix) return OpenFailure();
  std::optional<std::string> raw = Unbase64(sealed.substr(kSealPrefix.size()));
  if (!raw || raw->size() < kNonceSize + kTagSize) return OpenFailure();
  auto* u8 = reinterpret_cast<unsigned char*>(raw->data());
  size_t text_size = raw->size() - kNonceSize - kTagSize;
  std::string plain(text_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  int total = 0;
  bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, int(kNonceSize),
                          nullptr) &&
      EVP_DecryptInit_ex(
          ctx, nullptr, nullptr,
          reinterpret_cast<const unsigned char*>(seal_key_.data()), u8) &&
      EVP_DecryptUpdate(ctx, nullptr, &len,
                        reinterpret_cast<const unsigned char*>(context.data()),
                        int(context.size())) &&
      EVP_DecryptUpdate(ctx, out, &len, u8 + kNonceSize, int(text_size));
  total = len;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, int(kTagSize),
                                 u8 + kNonceSize + text_size) &&
       EVP_DecryptFinal_ex(ctx, out + total, &len) > 0;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return OpenFailure();
  }
  return plain;
}

std::string SecretBox::Fingerprint(std::string_view plaintext,
                                   std::string_view context) const {
  std::string message;
  AppendWithLength(message, context);
  AppendWithLength(message, plaintext);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), mac_key_.data(), int(mac_key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &mac_len);
  OPENSSL_cleanse(message.data(), message.size());
  return std::string(kFingerprintPrefix) + Hex(mac, 16);
}

std::string NewTokenSecret() {
  return "enc_" + Base64(RandomBytes(32), kB64Url, false);
}

std::string HashTokenSecret(std::string_view secret) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
         digest);
  return Hex(digest, sizeof digest);
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), int(n)) != 1) {
    std::abort();  // No randomness: sealing or tokens would be unsafe.
  }
  return out;
}

}  // namespace encore::agent
