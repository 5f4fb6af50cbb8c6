// SecretBox: encryption at rest and fingerprints for the agent's secrets
// (DESIGN §3 encore_secret, §4 credentials). One 32-byte master key in a
// key file (mode 0600) in the data dir, made on first use; from it two
// sub-keys are derived (HKDF-SHA256): one for AES-256-GCM sealing, one for
// HMAC-SHA256 fingerprints. Nothing here logs or returns a clear value in
// an error message.
//
// Sealed form: "v1:" + base64(12-byte random nonce | ciphertext | 16-byte
// tag). `context` (e.g. "secret:app/name:production") is bound as
// additional data, so a sealed value moved to another record fails to open.
// Fingerprint: "hmac-sha256:" + the first 16 bytes of the HMAC, in hex:
// equal values give equal fingerprints under one agent's key; nothing about
// the value can be learnt from it without the key.
#ifndef ENCORE_AGENT_CRYPTO_SECRET_BOX_H_
#define ENCORE_AGENT_CRYPTO_SECRET_BOX_H_

#include <memory>
#include <string>
#include <string_view>

#include "provider/core/status.h"

namespace encore::agent {

class SecretBox {
 public:
  // Loads the key file at `key_path`, creating it (0600, 32 random bytes)
  // if missing. A key file of the wrong size or mode wider than 0600 is an
  // error naming the file and the fix.
  static StatusOr<std::unique_ptr<SecretBox>> OpenOrCreate(
      const std::string& key_path);
  // For tests: a box over a given 32-byte key.
  static std::unique_ptr<SecretBox> FromKey(std::string_view key32);

  std::string Seal(std::string_view plaintext, std::string_view context) const;
  // kInvalidArgument "sealed value does not open (wrong key or context, or
  // corrupted)" on any failure.
  StatusOr<std::string> Open(std::string_view sealed,
                             std::string_view context) const;
  std::string Fingerprint(std::string_view plaintext,
                          std::string_view context) const;

 private:
  explicit SecretBox(std::string_view key32);
  std::string seal_key_;
  std::string mac_key_;
};

// Tokens: "enc_" + 32 random bytes in base64url (no padding).
std::string NewTokenSecret();
// Lowercase hex SHA-256 of a token secret: what the store keeps.
std::string HashTokenSecret(std::string_view secret);

// Random bytes from the OS (OpenSSL RAND_bytes).
std::string RandomBytes(size_t n);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_CRYPTO_SECRET_BOX_H_
