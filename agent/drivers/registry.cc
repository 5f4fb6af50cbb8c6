#include "agent/drivers/registry.h"

#include "agent/drivers/bucket_driver.h"
#include "agent/drivers/cache_driver.h"
#include "agent/drivers/pubsub_subscription_driver.h"
#include "agent/drivers/pubsub_topic_driver.h"
#include "agent/drivers/sql_database_driver.h"

namespace encore::agent::drivers {

DriverSet MakeLocalDrivers(backends::LocalBackends& b) {
  auto nats = [&b]() { return b.Nats(); };
  DriverSet set;
  set.all.push_back(std::make_unique<SqlDatabaseDriver>());
  set.all.push_back(std::make_unique<CacheDriver>(b.caches_root()));
  set.all.push_back(std::make_unique<PubsubTopicDriver>(nats));
  set.all.push_back(std::make_unique<PubsubSubscriptionDriver>(nats));
  set.all.push_back(std::make_unique<BucketDriver>(b.data_dir()));
  return set;
}

}  // namespace encore::agent::drivers
