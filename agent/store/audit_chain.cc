#include "agent/store/audit_chain.h"

#include <openssl/sha.h>

#include <string>
#include <utility>

namespace encore::agent {
namespace {

void AppendInt(std::string& out, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i) out += static_cast<char>((u >> (8 * i)) & 0xff);
}

void AppendString(std::string& out, std::string_view s) {
  AppendInt(out, static_cast<int64_t>(s.size()));
  out.append(s);
}

}  // namespace

std::string AuditEntryHash(const model::AuditEntry& e) {
  std::string buf;
  AppendString(buf, "encore-audit-v1");
  AppendInt(buf, e.seq);
  AppendInt(buf, e.time_ms);
  AppendString(buf, e.actor);
  AppendString(buf, e.action);
  AppendString(buf, e.target);
  AppendString(buf, e.details);
  AppendString(buf, e.prev_hash);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(buf.data()), buf.size(),
         digest);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * sizeof digest);
  for (unsigned char c : digest) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

void AuditChainVerifier::Fail(int64_t seq, std::string problem) {
  result_.ok = false;
  result_.bad_seq = seq;
  result_.problem = std::move(problem);
}

bool AuditChainVerifier::Add(const model::AuditEntry& e) {
  ++result_.entries;
  if (!result_.ok) return false;
  const std::string row = std::to_string(e.seq);
  if (e.seq != last_seq_ + 1) {
    if (last_seq_ == 0 && e.seq > 1) {
      Fail(1, e.seq == 2 ? "audit row 1 is missing (the log starts at row 2)"
                         : "audit rows 1 to " + std::to_string(e.seq - 1) +
                               " are missing (the log starts at row " + row +
                               ")");
    } else if (e.seq > last_seq_ + 1) {
      std::string from = std::to_string(last_seq_);
      Fail(last_seq_ + 1,
           e.seq == last_seq_ + 2
               ? "audit row " + std::to_string(last_seq_ + 1) +
                     " is missing (rows jump from " + from + " to " + row + ")"
               : "audit rows " + std::to_string(last_seq_ + 1) + " to " +
                     std::to_string(e.seq - 1) + " are missing (rows jump from " +
                     from + " to " + row + ")");
    } else {
      Fail(e.seq, "audit row " + row + " is out of order (after row " +
                      std::to_string(last_seq_) + ")");
    }
    return false;
  }
  if (AuditEntryHash(e) != e.hash) {
    Fail(e.seq, "audit row " + row +
                    " was altered: its hash does not match its contents");
    return false;
  }
  if (e.prev_hash != last_hash_) {
    Fail(e.seq, last_seq_ == 0
                    ? "audit row 1 does not start the chain: its prev_hash is "
                      "not the genesis hash"
                    : "audit row " + row + " does not follow row " +
                          std::to_string(last_seq_) + ": its prev_hash is not row " +
                          std::to_string(last_seq_) + "'s hash");
    return false;
  }
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  return true;
}

}  // namespace encore::agent
