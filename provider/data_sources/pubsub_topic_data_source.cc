// Data source encore_pubsub_topic: where one of an environment's Pub/Sub topics
// lives.
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

using data_sources::ComputedString;
using data_sources::ComputedStringList;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block = data_sources::LookupBlock(
      "Looks up one of the app's Pub/Sub topics in an environment: where its "
      "messages go. Locally and on the hosted cloud a topic is a NATS "
      "JetStream stream; on AWS an SNS topic, on GCP a Pub/Sub topic.",
      "Pub/Sub topic",
      {
          ComputedString(
              "stream",
              "The JetStream stream that holds the topic's messages "
              "(local and encore clouds; null elsewhere)." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedStringList(
              "subjects",
              "The subjects messages are published on (prefixed "
              "per environment on the hosted cloud)." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString("delivery",
                         "The delivery guarantee the model declares: "
                         "`at-least-once` or `exactly-once`."),
          ComputedString("ordering_key",
                         "The message attribute messages are ordered by; null "
                         "when the topic is unordered."),
          ComputedString(
              "server_url",
              "The address of the NATS server to publish to (local "
              "and encore clouds; null elsewhere), e.g. "
              "`nats://127.0.0.1:4222`." +
                  std::string(data_sources::kNullWhenNotProvisioned)),
          ComputedString(
              "provider_id",
              "The backend's own identifier for the topic: the stream name, an "
              "SNS topic ARN or a Pub/Sub topic path."),
      });
  return schema;
}

class PubsubTopicDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_pubsub_topic"; }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto l = data_sources::StartLookup(req, "pubsub_topic", resp.diags);
    if (!l) return;
    auto model = data_sources::AppModelOf(req.ctx, *l->client, l->env.spec.app,
                                          resp.diags);
    if (!model) return;
    auto f = data_sources::FetchResourceFacts(req.ctx, *l, "pubsub_topic",
                                              /*include_credentials=*/false,
                                              resp.diags);
    if (resp.diags.HasError()) return;
    const model::ResourceFacts* rf = f ? &*f : nullptr;
    std::map<std::string, Value> facts;
    facts["stream"] = data_sources::FactString(rf, "stream");
    facts["subjects"] = data_sources::FactList(rf, "subjects");
    if (facts["subjects"].IsNull() && rf) {
      facts["subjects"] = data_sources::FactList(rf, "subject");
    }
    facts["server_url"] = data_sources::FactString(rf, "url");
    if (rf && !rf->provider_id.empty()) {
      facts["provider_id"] = Value::String(rf->provider_id);
    }
    for (const auto& t : model->topics) {
      if (t.name == l->name) {
        facts["delivery"] = Value::String(t.delivery);
        facts["ordering_key"] = t.ordering_key.empty()
                                    ? Value::Null(Type::String())
                                    : Value::String(t.ordering_key);
      }
    }
    resp.state =
        data_sources::LookupState(schema_.block, l->env, "pubsub_topic",
                                  l->name, l->item, std::move(facts));
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewPubsubTopicDataSource() {
  return std::make_unique<PubsubTopicDataSource>();
}

}  // namespace encore::catalog
