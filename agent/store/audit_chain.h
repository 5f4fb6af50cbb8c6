// The audit log's hash chain (DESIGN §4, issue 8 item 6): pure functions,
// no I/O, so the store and its tests share one definition.
//
// Each entry's hash is the lowercase hex SHA-256 of a canonical encoding of
// (seq, time_ms, actor, action, target, details, prev_hash): a version tag,
// then each integer as 8 bytes big-endian and each string as its length
// (8 bytes big-endian) followed by its bytes, so no two different entries
// encode alike. The first entry (seq 1) has prev_hash kAuditGenesisHash;
// every later one the hash of the entry before it.
#ifndef ENCORE_AGENT_STORE_AUDIT_CHAIN_H_
#define ENCORE_AGENT_STORE_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "model/records.h"

namespace encore::agent {

// 64 zeros: the prev_hash of the first entry.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The hash `entry` must carry, from its other fields (entry.hash is
// ignored).
std::string AuditEntryHash(const model::AuditEntry& entry);

// Checks a chain fed one row at a time in seq order and keeps the first
// problem found:
//   "audit row 7 was altered: its hash does not match its contents"
//   "audit row 7 does not follow row 6: its prev_hash is not row 6's hash"
//   "audit row 7 is missing (rows jump from 6 to 8)"
//   "audit rows 1 to 2 are missing (the log starts at row 3)"
// For a gap, bad_seq is the first missing row.
class AuditChainVerifier {
 public:
  // Returns false once a problem has been found (later rows are counted
  // but not checked).
  bool Add(const model::AuditEntry& entry);
  const model::AuditVerification& result() const { return result_; }

 private:
  void Fail(int64_t seq, std::string problem);
  model::AuditVerification result_;
  int64_t last_seq_ = 0;
  std::string last_hash_ = std::string(kAuditGenesisHash);
};

}  // namespace encore::agent

#endif  // ENCORE_AGENT_STORE_AUDIT_CHAIN_H_
