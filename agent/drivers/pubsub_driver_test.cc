// The pubsub drivers against one real nats-server with JetStream, started
// on first use under a mkdtemp dir and stopped when the test binary ends:
// the conformance suite for topics (streams) and subscriptions (durable
// consumers), plus messages, foreign fields and counts.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <mutex>

#include "agent/backends/nats_server.h"
#include "agent/drivers/conformance.h"
#include "agent/drivers/nats_client.h"
#include "agent/drivers/pubsub_subscription_driver.h"
#include "agent/drivers/pubsub_topic_driver.h"

namespace encore::agent::drivers {
namespace {

using backends::NatsEndpoint;
using backends::NatsServerOptions;

// ---- the one server ---------------------------------------------------------

std::mutex g_mu;
std::string g_root;  // mkdtemp dir, made on first use

NatsServerOptions ServerOptions() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_root.empty()) {
    char tmpl[] = "/tmp/pubsub-driver-test-XXXXXX";
    if (mkdtemp(tmpl)) g_root = tmpl;
  }
  return {g_root + "/nats"};
}

StatusOr<NatsEndpoint> Endpoint() {
  return backends::StartNatsServer(ServerOptions());
}

class ServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (g_root.empty()) return;
    EXPECT_TRUE(backends::StopNatsServer({g_root + "/nats"}).ok());
    std::filesystem::remove_all(g_root);
  }
};
const auto* const kEnv =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

std::shared_ptr<NatsClient> Raw() {
  auto ep = Endpoint();
  EXPECT_TRUE(ep.ok()) << ep.status().message();
  if (!ep.ok()) return nullptr;
  auto c = NatsClient::ForUrl(ep->url);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *c : nullptr;
}

std::string Unique(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + std::to_string(getpid()) + "-" + std::to_string(++n);
}

// Out of band: read a stream's config, change it, write it back.
Status EditStream(const std::string& name,
                  const std::function<void(Json&)>& edit) {
  auto c = Raw();
  auto info = c->StreamInfo(name);
  if (!info.ok()) return info.status();
  Json config = (*info)["config"];
  edit(config);
  auto out = c->UpdateStream(config);
  return out.ok() ? Status::Ok() : out.status();
}

Status EditConsumer(const std::string& stream, const std::string& consumer,
                    const std::function<void(Json&)>& edit) {
  auto c = Raw();
  auto info = c->ConsumerInfo(stream, consumer);
  if (!info.ok()) return info.status();
  Json config = (*info)["config"];
  edit(config);
  auto out = c->AddOrUpdateConsumer(stream, config);
  return out.ok() ? Status::Ok() : out.status();
}

Status MakeStream(const std::string& name, const std::string& subject,
                  const std::string& description = "") {
  Json config = {{"name", name}, {"subjects", {subject}}, {"storage", "file"}};
  if (!description.empty()) config["description"] = description;
  auto out = Raw()->AddStream(config);
  return out.ok() ? Status::Ok() : out.status();
}

// ---- topics ----------------------------------------------------------------

Resource TopicResource(const std::string& env, const std::string& name) {
  Resource r;
  r.env = env;
  r.backend_name = name;
  r.item.kind = "pubsub_topic";
  r.item.name = name;
  r.item.provider_id = "nats:stream/" + name;
  r.item.attributes = {{"subjects", name},
                       {"max_age", "7d"},
                       {"storage", "file"},
                       {"description", OwnershipMark(env)}};
  return r;
}

class TopicTarget : public ConformanceTarget {
 public:
  Driver& driver() override { return driver_; }
  Resource NewResource(const std::string& env) override {
    return TopicResource(env, Unique("topic-"));
  }
  std::pair<std::string, std::string> SamplePatch(const Resource&) override {
    return {"max_age", "3d"};
  }
  Status MakeForeign(const Resource& r) override {
    return MakeStream(r.backend_name, r.backend_name);
  }
  Status ChangeOutOfBand(const Resource& r, const std::string& attr,
                         const std::string& value) override {
    return EditStream(r.backend_name, [&](Json& c) {
      (void)SetStreamAttribute(c, attr, value);
    });
  }
  StatusOr<std::pair<std::string, std::string>> ChangeForeignAttribute(
      const Resource& r) override {
    Status s = EditStream(
        r.backend_name, [](Json& c) { c["duplicate_window"] = 90000000000LL; });
    if (!s.ok()) return s;
    return std::make_pair(std::string("foreign.duplicate_window"),
                          std::string("90s"));
  }
  void Cleanup(const Resource& r) override {
    (void)Raw()->DeleteStream(r.backend_name);
  }

 private:
  PubsubTopicDriver driver_{&Endpoint};
};

// ---- subscriptions
// -----------------------------------------------------------

// A subscription on a fresh topic stream (made out of band).
Resource SubscriptionResource(const std::string& env, const std::string& topic,
                              const std::string& sub) {
  Resource r;
  r.env = env;
  r.backend_name = sub;
  r.item.kind = "pubsub_subscription";
  r.item.name = sub;
  r.item.provider_id = "nats:consumer/" + topic + "/" + sub;
  r.item.attributes = {{"filter_subject", topic},
                       {"ack_wait", "30s"},
                       {"max_deliver", "6"},
                       {"backoff", "10s..10m"},
                       {"dead_letter", sub + "-dlq"}};
  return r;
}

std::string TopicOf(const Resource& r) {
  auto n = SubscriptionNamesOf(r);
  return n.ok() ? n->stream : "";
}

class SubscriptionTarget : public ConformanceTarget {
 public:
  Driver& driver() override { return driver_; }
  Resource NewResource(const std::string& env) override {
    std::string topic = Unique("stopic-");
    EXPECT_TRUE(MakeStream(topic, topic, OwnershipMark(env)).ok());
    return SubscriptionResource(env, topic, Unique("sub-"));
  }
  std::pair<std::string, std::string> SamplePatch(const Resource&) override {
    return {"ack_wait", "45s"};
  }
  Status MakeForeign(const Resource& r) override {
    Json config = {{"durable_name", r.backend_name},
                   {"ack_policy", "explicit"},
                   {"filter_subject", TopicOf(r)}};
    auto out = Raw()->AddOrUpdateConsumer(TopicOf(r), config);
    return out.ok() ? Status::Ok() : out.status();
  }
  Status ChangeOutOfBand(const Resource& r, const std::string& attr,
                         const std::string& value) override {
    if (attr != "ack_wait") return Status::Unimplemented(attr);
    auto ns = ParseNanos(value, attr);
    if (!ns.ok()) return ns.status();
    // nats-server takes ack_wait from backoff[0]: a person shifts the list.
    return EditConsumer(TopicOf(r), r.backend_name, [&](Json& c) {
      int64_t delta = *ns - c.value("ack_wait", int64_t{0});
      c["ack_wait"] = *ns;
      if (c.contains("backoff")) {
        for (auto& b : c["backoff"]) b = b.get<int64_t>() + delta;
      }
    });
  }
  StatusOr<std::pair<std::string, std::string>> ChangeForeignAttribute(
      const Resource& r) override {
    Status s = EditConsumer(TopicOf(r), r.backend_name,
                            [](Json& c) { c["max_ack_pending"] = 7; });
    if (!s.ok()) return s;
    return std::make_pair(std::string("foreign.max_ack_pending"),
                          std::string("7"));
  }
  void Cleanup(const Resource& r) override {
    auto c = Raw();
    (void)c->DeleteConsumer(TopicOf(r), r.backend_name);
    (void)c->DeleteStream(r.backend_name + "-dlq");
    (void)c->DeleteStream(TopicOf(r));
  }

 private:
  PubsubSubscriptionDriver driver_{&Endpoint};
};

INSTANTIATE_TEST_SUITE_P(
    Nats, DriverConformance,
    ::testing::Values(
        ConformanceParam{"nats_topic",
                         [] { return std::make_unique<TopicTarget>(); }},
        ConformanceParam{
            "nats_subscription",
            [] { return std::make_unique<SubscriptionTarget>(); }}),
    ConformanceParamName);

// ---- beyond the suite
// ---------------------------------------------------------

class PubsubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_ = TopicResource("shop/local", Unique("orders-"));
    sub_ = SubscriptionResource("shop/local", topic_.backend_name,
                                Unique("email-"));
  }
  void TearDown() override {
    auto c = Raw();
    (void)c->DeleteConsumer(topic_.backend_name, sub_.backend_name);
    (void)c->DeleteStream(sub_.backend_name + "-dlq");
    (void)c->DeleteStream(topic_.backend_name);
  }
  void CreateBoth() {
    auto t = topics_.Create(topic_);
    ASSERT_TRUE(t.ok()) << t.status().message();
    auto s = subs_.Create(sub_);
    ASSERT_TRUE(s.ok()) << s.status().message();
  }

  PubsubTopicDriver topics_{&Endpoint};
  PubsubSubscriptionDriver subs_{&Endpoint};
  Resource topic_, sub_;
};

TEST_F(PubsubTest, APublishedMessageIsStoredAndTheConsumerFetchesIt) {
  CreateBoth();
  auto c = Raw();
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const std::string payload = "order 42";
  natsStatus s =
      js_Publish(&ack, c->js(), topic_.backend_name.c_str(), payload.data(),
                 static_cast<int>(payload.size()), nullptr, &jerr);
  ASSERT_EQ(s, NATS_OK) << NatsError(s);
  EXPECT_EQ(std::string(ack->Stream), topic_.backend_name);
  EXPECT_EQ(ack->Sequence, 1u);
  jsPubAck_Destroy(ack);
  auto info = c->StreamInfo(topic_.backend_name);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)["state"]["messages"], 1);

  const std::string next = "$JS.API.CONSUMER.MSG.NEXT." + topic_.backend_name +
                           "." + sub_.backend_name;
  natsMsg* msg = nullptr;
  s = natsConnection_RequestString(&msg, c->connection(), next.c_str(), "1",
                                   5000);
  ASSERT_EQ(s, NATS_OK) << NatsError(s);
  EXPECT_EQ(std::string(natsMsg_GetData(msg), natsMsg_GetDataLength(msg)),
            payload);
  ASSERT_NE(natsMsg_GetReply(msg), nullptr);
  EXPECT_EQ(natsConnection_PublishString(c->connection(), natsMsg_GetReply(msg),
                                         "+ACK"),
            NATS_OK);
  natsMsg_Destroy(msg);
}

TEST_F(PubsubTest, TheBackoffRuleRoundTripsAndIsWhatTheServerHolds) {
  CreateBoth();
  auto info = Raw()->ConsumerInfo(topic_.backend_name, sub_.backend_name);
  ASSERT_TRUE(info.ok());
  const int64_t s = 1000000000;
  // max_deliver 6: at most 5 entries, the last one at ack_wait + max.
  std::vector<int64_t> want = {30 * s, 40 * s, 50 * s, 70 * s, 630 * s};
  EXPECT_EQ((*info)["config"]["backoff"].get<std::vector<int64_t>>(), want);
  auto seen = subs_.Observe(sub_, {"ack_wait", "backoff", "max_deliver"});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->attributes["ack_wait"], "30s");
  EXPECT_EQ(seen->attributes["backoff"], "10s..10m");
  EXPECT_EQ(seen->attributes["max_deliver"], "6");
  // The model's defaults (max_retries 100): doubling up to the maximum.
  auto full = BackoffList(30 * s, "10s..10m", 101);
  ASSERT_TRUE(full.ok());
  std::vector<int64_t> doubling = {30 * s,  40 * s,  50 * s,  70 * s,
                                   110 * s, 190 * s, 350 * s, 630 * s};
  EXPECT_EQ(*full, doubling);
  EXPECT_EQ(BackoffText(*full), "10s..10m");
  auto none = BackoffList(30 * s, "10s..10m", 2);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "max_deliver 2 leaves no room";
}

TEST_F(PubsubTest, AnAckWaitUpdateKeepsMaxAckPendingSetByHand) {
  CreateBoth();
  ASSERT_TRUE(EditConsumer(topic_.backend_name, sub_.backend_name, [](Json& c) {
                c["max_ack_pending"] = 7;
              }).ok());
  const Counters before = subs_.counters();
  auto out = subs_.Update(sub_, {{"ack_wait", "45s"}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(subs_.counters().writes - before.writes, 1);
  EXPECT_EQ(subs_.counters().reads - before.reads, 1);
  EXPECT_EQ(*out, (Attributes{{"ack_wait", "45s"}}));
  auto info = Raw()->ConsumerInfo(topic_.backend_name, sub_.backend_name);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)["config"]["max_ack_pending"], 7);
  auto seen = subs_.Observe(sub_, {});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->attributes["foreign.max_ack_pending"], "7");
  EXPECT_EQ(seen->attributes["backoff"], "10s..10m") << "the backoff is kept";
  EXPECT_EQ(seen->attributes["max_deliver"], "6");
  EXPECT_EQ(seen->mark, OwnershipMark("shop/local"));
}

TEST_F(PubsubTest, AOneAttributeTopicUpdateIsOneReadAndOneWrite) {
  CreateBoth();
  ASSERT_TRUE(EditStream(topic_.backend_name, [](Json& c) {
                c["duplicate_window"] = 60000000000LL;
              }).ok());
  const Counters before = topics_.counters();
  auto out = topics_.Update(topic_, {{"max_bytes", "1048576"}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(topics_.counters().writes - before.writes, 1);
  EXPECT_EQ(topics_.counters().reads - before.reads, 1);
  EXPECT_EQ(*out, (Attributes{{"max_bytes", "1048576"}}));
  auto seen = topics_.Observe(topic_, {});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->attributes["foreign.duplicate_window"], "1m");
  EXPECT_EQ(seen->attributes["max_bytes"], "1048576");
  EXPECT_EQ(seen->attributes["max_age"], "7d");
  EXPECT_EQ(seen->attributes["foreign.num_replicas"], "1");
  // Removing the override resets it to no limit.
  auto reset = topics_.Update(topic_, {{"max_bytes", ""}});
  ASSERT_TRUE(reset.ok()) << reset.status().message();
  EXPECT_EQ(reset->at("max_bytes"), "");
}

TEST_F(PubsubTest, CreateReportsFactsAndTheDeadLetterStream) {
  auto t = topics_.Create(topic_);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->facts.at("stream"), topic_.backend_name);
  EXPECT_EQ(t->facts.at("subjects"), topic_.backend_name);
  EXPECT_EQ(t->facts.at("url").rfind("nats://127.0.0.1:", 0), 0u);
  EXPECT_EQ(t->observed, topic_.item.attributes);
  auto s = subs_.Create(sub_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->observed, sub_.item.attributes) << "unchanged compares equal";
  EXPECT_EQ(s->facts.at("consumer"), sub_.backend_name);
  EXPECT_EQ(s->facts.at("subject"), topic_.backend_name);
  EXPECT_EQ(s->facts.at("dead_letter_stream"), sub_.backend_name + "-dlq");
  auto dlq = Raw()->StreamInfo(sub_.backend_name + "-dlq");
  ASSERT_TRUE(dlq.ok());
  EXPECT_EQ((*dlq)["config"]["subjects"],
            Json::array({sub_.backend_name + ".dlq"}));
  EXPECT_EQ((*dlq)["config"]["description"], OwnershipMark("shop/local"));
  EXPECT_EQ((*dlq)["config"]["max_age"], 7 * 86400 * 1000000000LL);
}

TEST_F(PubsubTest, TheDeadLetterSubjectFollowsTheEnvironmentPrefix) {
  Resource r = SubscriptionResource("shop/pr:1", "pr-1_orders", "pr-1_email");
  r.item.attributes["filter_subject"] = "pr-1.orders";
  auto n = SubscriptionNamesOf(r);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->dead_letter_subject, "pr-1.email.dlq");
  EXPECT_EQ(n->dead_letter, "pr-1_email-dlq");
}

TEST_F(PubsubTest, DeletingASubscriptionDropsItsDeadLetterStreamOnlyWhenOurs) {
  CreateBoth();
  ASSERT_TRUE(subs_.Delete(sub_).ok());
  EXPECT_EQ(Raw()->StreamInfo(sub_.backend_name + "-dlq").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Raw()
                ->ConsumerInfo(topic_.backend_name, sub_.backend_name)
                .status()
                .code(),
            StatusCode::kNotFound);
  // A hand-made stream under the dead-letter name is left alone.
  ASSERT_TRUE(
      MakeStream(sub_.backend_name + "-dlq", sub_.backend_name + ".x").ok());
  ASSERT_TRUE(subs_.Delete(sub_).ok());
  EXPECT_TRUE(Raw()->StreamInfo(sub_.backend_name + "-dlq").ok());
}

TEST_F(PubsubTest, DeleteRefusesAStreamWithoutOurMarkNamingItAndTheMark) {
  ASSERT_TRUE(
      MakeStream(topic_.backend_name, topic_.backend_name, "made by hand")
          .ok());
  Status s = topics_.Delete(topic_);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(topic_.backend_name), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find(OwnershipMark("shop/local")), std::string::npos)
      << s.message();
  auto created = topics_.Create(topic_);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kAlreadyExists);
  Resource adopted = topic_;
  adopted.adopted = true;
  auto taken = topics_.Create(adopted);
  ASSERT_TRUE(taken.ok()) << taken.status().message();
  EXPECT_EQ(taken->observed.at("description"), "made by hand") << "left alone";
  auto patched =
      topics_.Update(adopted, {{"max_age", "1d"}, {"description", "x"}});
  ASSERT_TRUE(patched.ok()) << patched.status().message();
  EXPECT_EQ(patched->at("description"), "made by hand");
  EXPECT_EQ(patched->at("max_age"), "1d");
}

}  // namespace
}  // namespace encore::agent::drivers
