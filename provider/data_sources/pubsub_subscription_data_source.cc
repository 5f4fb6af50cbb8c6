// Data source encore_pubsub_subscription: one of an environment's Pub/Sub
// subscriptions.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/text.h"
#include "provider/catalog.h"
#include "provider/data_sources/agent_lookup.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/resources/agent_calls.h"

namespace encore::catalog {
namespace {

using values::Type;
using values::Value;

using data_sources::ComputedNumber;
using data_sources::ComputedString;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block = data_sources::LookupBlock(
      "Looks up one of the app's Pub/Sub subscriptions in an environment: the "
      "durable consumer that delivers a topic's messages to a service, and its "
      "delivery settings.",
      "Pub/Sub subscription",
      {
          ComputedString("topic",
                         "The name of the topic the subscription reads."),
          ComputedString(
              "stream",
              "The JetStream stream the consumer reads (local and "
              "encore clouds; null elsewhere)." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "subject",
              "The subject the consumer filters on (local and "
              "encore clouds; null elsewhere)." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "server_url",
              "The address of the NATS server the consumer is on "
              "(local and encore clouds; null elsewhere), e.g. "
              "`nats://127.0.0.1:4222`." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "consumer",
              "The durable consumer's name (local and encore "
              "clouds; null elsewhere)." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString("ack_deadline",
                         "How long a delivery may stay unacknowledged before "
                         "it is retried, e.g. `30s`."),
          ComputedNumber("max_retries",
                         "How many times a message is delivered before it goes "
                         "to the dead-letter destination."),
          ComputedString(
              "dead_letter",
              "Where messages whose deliveries ran out go: locally "
              "the stream `<subscription>-dlq`." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "provider_id",
              "The backend's own identifier for the subscription: the "
              "consumer, an SQS queue ARN or a Pub/Sub subscription path."),
      });
  return schema;
}

class PubsubSubscriptionDataSource final : public DataSource {
 public:
  std::string type_name() const override {
    return "encore_pubsub_subscription";
  }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto l = data_sources::StartLookup(req, "pubsub_subscription", resp.diags);
    if (!l) return;
    auto model = data_sources::AppModelOf(req.ctx, *l->client, l->env.spec.app,
                                          resp.diags);
    if (!model) return;
    auto f = data_sources::FetchResourceFacts(
        req.ctx, *l, "pubsub_subscription", /*include_credentials=*/false,
        resp.diags);
    if (resp.diags.HasError()) return;
    const model::ResourceFacts* rf = f ? &*f : nullptr;
    std::map<std::string, Value> facts;
    facts["stream"] = data_sources::FactString(rf, "stream");
    facts["consumer"] = data_sources::FactString(rf, "consumer");
    facts["subject"] = data_sources::FactString(rf, "subject");
    facts["server_url"] = data_sources::FactString(rf, "url");
    facts["dead_letter"] = data_sources::FactString(rf, "dead_letter_stream");
    if (rf && !rf->provider_id.empty()) {
      facts["provider_id"] = Value::String(rf->provider_id);
    }
    for (const auto& s : model->subscriptions) {
      if (s.name == l->name) {
        facts["topic"] = Value::String(s.topic);
        facts["ack_deadline"] =
            Value::String(resources::FormatDuration(s.ack_deadline_seconds));
        facts["max_retries"] = Value::Int(s.max_retries);
      }
    }
    resp.state =
        data_sources::LookupState(schema_.block, l->env, "pubsub_subscription",
                                  l->name, l->item, std::move(facts));
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewPubsubSubscriptionDataSource() {
  return std::make_unique<PubsubSubscriptionDataSource>();
}

}  // namespace encore::catalog
