// The one explicit list of drivers (house rule 2/4): registry.cc.
#ifndef ENCORE_AGENT_DRIVERS_REGISTRY_H_
#define ENCORE_AGENT_DRIVERS_REGISTRY_H_

#include <memory>
#include <string_view>
#include <vector>

#include "agent/backends/local_backends.h"
#include "agent/drivers/driver.h"

namespace encore::agent::drivers {

struct DriverSet {
  std::vector<std::unique_ptr<Driver>> all;
  Driver* Find(std::string_view kind) const {
    for (const auto& d : all) {
      if (d->kind() == kind) return d.get();
    }
    return nullptr;
  }
};

// The local drivers: sql_database (PostgreSQL), cache (redis-server per
// cache), pubsub_topic and pubsub_subscription (NATS JetStream), bucket
// (local disk). `backends` must outlive them.
DriverSet MakeLocalDrivers(backends::LocalBackends& backends);

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_REGISTRY_H_
