// Rules of the encore_database_credentials ephemeral resource that tests
// (and the docs) need to see. Open issues a login (IssueDatabaseCredentials
// with `ttl`), Renew extends it (RenewDatabaseCredentials), Close drops it
// (RevokeDatabaseCredentials); nothing of it reaches plan or state.
#ifndef ENCORE_PROVIDER_EPHEMERAL_DATABASE_CREDENTIALS_H_
#define ENCORE_PROVIDER_EPHEMERAL_DATABASE_CREDENTIALS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "provider/framework/schema.h"

namespace encore::ephemeral {

inline constexpr int64_t kMinTtlSeconds = 60;            // 1m
inline constexpr int64_t kMaxTtlSeconds = 12 * 60 * 60;  // 12h
inline constexpr char kDefaultTtl[] = "15m";

// `ttl`: a duration between 1m and 12h.
framework::ValueCheck TtlBetweenLimits();

// The `ttl` attribute in seconds (kDefaultTtl when null or unreadable).
int64_t TtlSeconds(const values::Value& ttl);

// When Terraform should renew a login issued or renewed at `now`: after
// two thirds of its lifetime.
std::chrono::system_clock::time_point RenewAt(
    std::chrono::system_clock::time_point now, int64_t ttl_seconds);

// What Renew and Close need, kept in the ephemeral private data as JSON:
// never the password.
struct LoginPrivate {
  std::string app, env, database, login;
  int64_t ttl_seconds = 0;
};
std::string PrivateJson(const LoginPrivate& p);
// Nullopt when absent or not what PrivateJson wrote.
std::optional<LoginPrivate> ParseLoginPrivate(
    const std::optional<std::string>& data);

}  // namespace encore::ephemeral

#endif  // ENCORE_PROVIDER_EPHEMERAL_DATABASE_CREDENTIALS_H_
