// The application model (DESIGN §6): what an app's code declares, as the
// JSON document `encore_app.model` holds. ParseAppModel is pure: it parses,
// checks every field and every reference, and fills Encore's defaults.
#ifndef ENCORE_MODEL_APP_MODEL_H_
#define ENCORE_MODEL_APP_MODEL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "provider/core/status.h"

namespace encore::model {

struct AppService {
  std::string name;
  std::vector<std::string> databases;
  std::vector<std::string> publishes;  // topic names
  std::vector<std::string> caches;
  std::vector<std::string> buckets;
  std::vector<std::string> secrets;
};

struct AppDatabase {
  std::string name;
};

struct AppTopic {
  std::string name;
  std::string delivery = "at-least-once";  // or "exactly-once"
  std::string ordering_key;                // empty: unordered
};

// Durations in seconds; defaults are Encore's.
struct AppSubscription {
  std::string name;
  std::string topic;
  std::string service;
  int64_t ack_deadline_seconds = 30;
  int64_t retention_seconds = 7 * 24 * 3600;
  int64_t max_retries = 100;
  int64_t min_backoff_seconds = 10;
  int64_t max_backoff_seconds = 600;
};

struct AppCache {
  std::string name;
  std::string eviction_policy = "allkeys-lru";
};

struct AppCronJob {
  std::string name;
  std::string schedule;       // cron expression, or empty
  int64_t every_seconds = 0;  // or a period; exactly one of the two
  std::string endpoint;       // "service.Endpoint"
};

struct AppBucket {
  std::string name;
  bool is_public = false;
  bool versioned = false;
};

struct AppModel {
  std::vector<AppService> services;
  std::vector<AppDatabase> databases;
  std::vector<AppTopic> topics;
  std::vector<AppSubscription> subscriptions;
  std::vector<AppCache> caches;
  std::vector<AppCronJob> cron_jobs;
  std::vector<AppBucket> buckets;
  std::vector<std::string> secrets;
  // The document as compact JSON with sorted keys: the same for any two
  // texts that differ only in whitespace or key order.
  std::string canonical_json;
};

// Parses and validates `json`. On error the status (InvalidArgument) lists
// every problem found, one per line, each naming where it is and how to fix
// it (a dangling reference names both ends).
StatusOr<AppModel> ParseAppModel(std::string_view json);

// Lowercase hex SHA-256 of model.canonical_json.
std::string AppModelHash(const AppModel& model);

}  // namespace encore::model

#endif  // ENCORE_MODEL_APP_MODEL_H_
