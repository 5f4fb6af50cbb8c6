// PubsubSubscriptionDriver (kind "pubsub_subscription"): a subscription is a
// durable pull consumer (ack policy explicit) on its topic's stream, plus a
// dead-letter stream (DESIGN §6, §7). provider_id
// "nats:consumer/<stream>/<consumer>" names both; Resource::backend_name is
// the consumer.
//
// Owned attributes (DESIGN §5), written as the planner writes them:
//   filter_subject  the topic's subject
//   ack_wait        "30s"
//   max_deliver     "101" ("-1": no limit)
//   backoff         "10s..10m" (min..max), see the rule below
//   dead_letter     "<consumer>-dlq": that stream exists (subjects
//                   ["<subscription subject>.dlq"], max_age the topic
//                   stream's, storage file, description our mark)
// The consumer's description carries the ownership mark. Everything else
// (max_ack_pending, deliver_policy, ...) is someone else's: Observe with an
// empty list reports it as "foreign.<field>"; Update carries it back.
//
// Backoff rule. JetStream's backoff list gives, for delivery n, how long the
// server waits for an ack before delivering again, and nats-server sets
// ack_wait to backoff[0]. A Pub/Sub subscriber has `ack_wait` to ack each
// delivery, and a failed message is retried after a backoff that doubles
// from min to max. So the list is
//   [ack_wait, ack_wait + d1, ack_wait + d2, ...]
// with d1 = min, d(k+1) = min(2 * dk, max) (at least 1s more each step),
// ending at the first dk == max; at most max_deliver - 1 entries (JetStream
// needs max_deliver > len(backoff)): when the cap cuts it, the last entry is
// ack_wait + max. Observe reads it back as (b[1]-b[0])..(b[last]-b[0]), so
// an unchanged consumer compares equal. With max_deliver 1 or 2 there is no
// room for two entries: no backoff list is set and Observe reports "".
//
// <subscription subject>: the consumer name with the stream-name prefix
// turned into the subject prefix the topic uses (stream "pr-1_orders" with
// subject "pr-1.orders": consumer "pr-1_email" -> "pr-1.email"); locally
// (stream name == subject) the consumer name itself.
//
// Counting: each JetStream API request is one read or one write.
// Observe: 1 read (+1 for dead_letter, or with an empty list). Create: 1
// read of the consumer; when the dead-letter stream is missing, 1 read of it
// + 1 read of the topic stream + 1 write; when the consumer is missing, 1
// write. Update of consumer attributes: 1 read + 1 write (whole config, under
// a per-consumer lock); of dead_letter: 1 read (+1 read, +1 write to make
// it). Delete: 1 read + 1 write for the consumer, 1 read (+1 write) for its
// dead-letter stream (deleted only when it carries our mark).
//
// Facts: url, stream, consumer, subject, dead_letter_stream.
#ifndef ENCORE_AGENT_DRIVERS_PUBSUB_SUBSCRIPTION_DRIVER_H_
#define ENCORE_AGENT_DRIVERS_PUBSUB_SUBSCRIPTION_DRIVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/drivers/driver.h"
#include "agent/drivers/nats_client.h"
#include "agent/drivers/pubsub_topic_driver.h"

namespace encore::agent::drivers {

// The backend names of a subscription resource.
struct SubscriptionNames {
  std::string stream;               // the topic's stream
  std::string consumer;             // the durable consumer
  std::string dead_letter;          // "<consumer>-dlq" (or dead_letter)
  std::string dead_letter_subject;  // "<subscription subject>.dlq"
};
// From provider_id and the attributes; kInvalidArgument when malformed.
StatusOr<SubscriptionNames> SubscriptionNamesOf(const Resource& r);

class PubsubSubscriptionDriver : public Driver {
 public:
  explicit PubsubSubscriptionDriver(NatsEndpointFn endpoint);

  std::string_view kind() const override { return "pubsub_subscription"; }
  StatusOr<Observed> Observe(
      const Resource& r, const std::vector<std::string>& attributes) override;
  StatusOr<Created> Create(const Resource& r) override;
  StatusOr<Attributes> Update(const Resource& r,
                              const Attributes& patch) override;
  Status Delete(const Resource& r) override;

 private:
  StatusOr<std::shared_ptr<NatsClient>> Client();
  // Makes the dead-letter stream when missing; kAlreadyExists when it
  // exists with another mark (unless adopted). Returns its name.
  StatusOr<std::string> EnsureDeadLetter(NatsClient& c, const Resource& r,
                                         const SubscriptionNames& n);
  NatsEndpointFn endpoint_;
};

// The backoff list (nanoseconds) for `backoff` ("min..max", "" = none).
StatusOr<std::vector<int64_t>> BackoffList(int64_t ack_wait_ns,
                                           const std::string& backoff,
                                           int64_t max_deliver);
// "min..max" from a backoff list ("" for fewer than two entries).
std::string BackoffText(const std::vector<int64_t>& list);

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_PUBSUB_SUBSCRIPTION_DRIVER_H_
