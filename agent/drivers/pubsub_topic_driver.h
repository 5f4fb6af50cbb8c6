// PubsubTopicDriver (kind "pubsub_topic"): a topic is a JetStream stream on
// the agent's nats-server (DESIGN §7); Resource::backend_name is the stream
// name.
//
// Owned attributes (DESIGN §5), written as the planner writes them:
//   subjects     "a" or "a,b" (the stream's subjects, comma-separated)
//   max_age      "7d", "36h", "0s" (no limit)
//   storage      "file" | "memory" (JetStream cannot change it later)
//   description  the ownership mark, OwnershipMark(r.env)
//   max_bytes    "1048576" (only when an override sets it; "" = no limit)
// Everything else in the stream's config (duplicate_window, max_msgs,
// num_replicas, ...) is someone else's: Observe with an empty list reports
// it as "foreign.<field>", and Update carries it back exactly as read.
//
// Counting: each JetStream API request is one read (STREAM.INFO) or one
// write (CREATE, UPDATE, DELETE). Observe: 1 read. Create: 1 read, plus 1
// write when the stream is missing. Update: 1 read (the whole config, under
// a per-stream lock), 1 write (the whole config with the patched fields);
// the patched attributes are reported from the update's response.
// Delete: 1 read, plus 1 write when it is ours.
//
// Create on an existing stream: ours, nothing to complete; another
// environment's mark or none: kAlreadyExists naming the stream (and the
// environment); with Resource::adopted the stream is taken as is and its
// description is never written. Update and Delete refuse (kFailedPrecondition)
// a stream without this environment's mark (Update allows an adopted one,
// leaving its description alone); Delete never drops an adopted one.
//
// Facts: url, stream, subjects.
#ifndef ENCORE_AGENT_DRIVERS_PUBSUB_TOPIC_DRIVER_H_
#define ENCORE_AGENT_DRIVERS_PUBSUB_TOPIC_DRIVER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/backends/nats_server.h"
#include "agent/drivers/driver.h"
#include "agent/drivers/nats_client.h"

namespace encore::agent::drivers {

// The agent's NATS endpoint; starts the server on first use.
using NatsEndpointFn = std::function<StatusOr<backends::NatsEndpoint>()>;

class PubsubTopicDriver : public Driver {
 public:
  explicit PubsubTopicDriver(NatsEndpointFn endpoint);

  std::string_view kind() const override { return "pubsub_topic"; }
  StatusOr<Observed> Observe(
      const Resource& r, const std::vector<std::string>& attributes) override;
  StatusOr<Created> Create(const Resource& r) override;
  StatusOr<Attributes> Update(const Resource& r,
                              const Attributes& patch) override;
  Status Delete(const Resource& r) override;

 private:
  StatusOr<std::shared_ptr<NatsClient>> Client();
  NatsEndpointFn endpoint_;
};

// Shared with the subscription driver (its dead-letter stream).
// The owned stream attribute `key` from a stream config ("" when unset).
StatusOr<std::string> StreamAttribute(const Json& config,
                                      const std::string& key);
// Sets owned attribute `key` in a stream config ("" = JetStream's default).
Status SetStreamAttribute(Json& config, const std::string& key,
                          const std::string& value);

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_PUBSUB_TOPIC_DRIVER_H_
