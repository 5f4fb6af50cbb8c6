#include "provider/resources/secret_sync.h"

#include <gtest/gtest.h>

namespace encore::resources {
namespace {

TEST(SecretSyncTest, PrivateRoundTrip) {
  SecretPrivate p{3, {{"production", "fp1"}, {"local", "fp2"}}, true};
  SecretPrivate q = ParseSecretPrivate(SecretPrivateJson(p));
  EXPECT_EQ(q.version, 3);
  EXPECT_TRUE(q.has_fingerprints);
  EXPECT_EQ(q.fingerprints, p.fingerprints);
  EXPECT_FALSE(ParseSecretPrivate("").has_fingerprints);
  EXPECT_FALSE(ParseSecretPrivate(R"({"version":2})").has_fingerprints);
}

TEST(SecretSyncTest, DetectsChangedAddedAndRemovedKeys) {
  SecretPrivate written{1, {{"production", "a"}, {"local", "b"}}, true};
  EXPECT_EQ(ValuesSync(written, {{"production", "a"}, {"local", "b"}}),
            kValuesInSync);
  EXPECT_EQ(ValuesSync(written, {{"production", "X"}, {"local", "b"}}),
            kValuesChanged);
  EXPECT_EQ(ValuesSync(written, {{"production", "a"}}), kValuesChanged);
  EXPECT_EQ(ValuesSync(written, {{"production", "a"},
                                 {"local", "b"},
                                 {"env:dev", "c"}}),
            kValuesChanged);
  EXPECT_EQ(ValuesSync(SecretPrivate{}, {{"production", "a"}}),
            kValuesImported);
}

}  // namespace
}  // namespace encore::resources
