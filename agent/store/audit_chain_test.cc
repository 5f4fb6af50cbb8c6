#include "agent/store/audit_chain.h"

#include <vector>

#include "gtest/gtest.h"

namespace encore::agent {
namespace {

std::vector<model::AuditEntry> Chain(int n) {
  std::vector<model::AuditEntry> out;
  std::string prev(kAuditGenesisHash);
  for (int i = 1; i <= n; ++i) {
    model::AuditEntry e;
    e.seq = i;
    e.time_ms = 1000 + i;
    e.actor = "admin";
    e.action = "environment.update";
    e.target = "shop/env" + std::to_string(i);
    e.details = R"({"fields":["deploy"]})";
    e.prev_hash = prev;
    e.hash = AuditEntryHash(e);
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

model::AuditVerification Verify(const std::vector<model::AuditEntry>& rows) {
  AuditChainVerifier v;
  for (const auto& e : rows) v.Add(e);
  return v.result();
}

TEST(AuditChainTest, HashIsHexSha256AndDeterministic) {
  auto e = Chain(1)[0];
  std::string h = AuditEntryHash(e);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(h, AuditEntryHash(e));
  e.hash = "ignored";
  EXPECT_EQ(h, AuditEntryHash(e));
}

TEST(AuditChainTest, EveryFieldChangesTheHash) {
  const auto base = Chain(1)[0];
  const std::string h = AuditEntryHash(base);
  auto changed = [&](auto mutate) {
    auto e = base;
    mutate(e);
    return AuditEntryHash(e) != h;
  };
  EXPECT_TRUE(changed([](auto& e) { e.seq = 2; }));
  EXPECT_TRUE(changed([](auto& e) { e.time_ms += 1; }));
  EXPECT_TRUE(changed([](auto& e) { e.actor = "ci"; }));
  EXPECT_TRUE(changed([](auto& e) { e.action = "environment.delete"; }));
  EXPECT_TRUE(changed([](auto& e) { e.target += "x"; }));
  EXPECT_TRUE(changed([](auto& e) { e.details = "{}"; }));
  EXPECT_TRUE(changed([](auto& e) { e.prev_hash[0] = '1'; }));
  // Moving bytes between adjacent fields changes it too (length prefixes).
  EXPECT_TRUE(changed([](auto& e) {
    e.actor = "admine";
    e.action = "nvironment.update";
  }));
}

TEST(AuditChainTest, GoodChainVerifies) {
  auto r = Verify(Chain(5));
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 5);
  EXPECT_EQ(r.bad_seq, 0);
  EXPECT_TRUE(Verify({}).ok);
}

TEST(AuditChainTest, AlteredRowNamed) {
  auto rows = Chain(9);
  rows[6].details = R"({"fields":["compute"]})";  // row 7
  auto r = Verify(rows);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 7);
  EXPECT_EQ(r.problem,
            "audit row 7 was altered: its hash does not match its contents");
  EXPECT_EQ(r.entries, 9);
}

TEST(AuditChainTest, RehashedRowBreaksTheLink) {
  auto rows = Chain(9);
  rows[6].details = "{}";
  rows[6].hash = AuditEntryHash(rows[6]);  // the editor recomputed row 7
  auto r = Verify(rows);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 8);
  EXPECT_EQ(r.problem,
            "audit row 8 does not follow row 7: its prev_hash is not row 7's "
            "hash");
}

TEST(AuditChainTest, MissingRowNamed) {
  auto rows = Chain(9);
  rows.erase(rows.begin() + 6);  // row 7
  auto r = Verify(rows);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 7);
  EXPECT_EQ(r.problem, "audit row 7 is missing (rows jump from 6 to 8)");
}

TEST(AuditChainTest, MissingRowsNamed) {
  auto rows = Chain(9);
  rows.erase(rows.begin() + 3, rows.begin() + 6);  // rows 4..6
  auto r = Verify(rows);
  EXPECT_EQ(r.bad_seq, 4);
  EXPECT_EQ(r.problem, "audit rows 4 to 6 are missing (rows jump from 3 to 7)");
}

TEST(AuditChainTest, MissingFirstRows) {
  auto rows = Chain(4);
  rows.erase(rows.begin());
  auto r = Verify(rows);
  EXPECT_EQ(r.bad_seq, 1);
  EXPECT_EQ(r.problem, "audit row 1 is missing (the log starts at row 2)");
}

TEST(AuditChainTest, FirstRowMustStartFromGenesis) {
  auto rows = Chain(2);
  rows[0].prev_hash = std::string(64, 'f');
  rows[0].hash = AuditEntryHash(rows[0]);
  auto r = Verify(rows);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 1);
}

}  // namespace
}  // namespace encore::agent
