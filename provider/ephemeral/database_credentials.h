// Rules of the encore_database_credentials ephemeral resource that tests
// (and the docs) need to see.
#ifndef ENCORE_PROVIDER_EPHEMERAL_DATABASE_CREDENTIALS_H_
#define ENCORE_PROVIDER_EPHEMERAL_DATABASE_CREDENTIALS_H_

#include <cstdint>

#include "provider/framework/schema.h"

namespace encore::ephemeral {

inline constexpr int64_t kMinTtlSeconds = 60;            // 1m
inline constexpr int64_t kMaxTtlSeconds = 12 * 60 * 60;  // 12h
inline constexpr char kDefaultTtl[] = "15m";

// `ttl`: a duration between 1m and 12h.
framework::ValueCheck TtlBetweenLimits();

}  // namespace encore::ephemeral

#endif  // ENCORE_PROVIDER_EPHEMERAL_DATABASE_CREDENTIALS_H_
