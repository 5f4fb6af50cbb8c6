#include "provider/resources/agent_calls.h"

#include <gtest/gtest.h>

#include <thread>

#include "provider/resources/fake_agent_client.h"

namespace encore::resources {
namespace {

using testing::ContextWith;
using testing::FakeAgentClient;

const Diagnostic& Only(const Diagnostics& d) {
  EXPECT_EQ(d.size(), 1u) << d.ToString();
  return d.items().at(0);
}

TEST(AgentErrorTest, AbortedSaysPlanAgain) {
  auto ctx = ContextWith(std::make_shared<FakeAgentClient>());
  Diagnostics d;
  AddAgentError(ctx, Status::Aborted("environment shop/prod changed since "
                                     "your plan (version 3, now 4)"),
                "", d);
  EXPECT_EQ(Only(d).summary, "Changed since your plan");
  EXPECT_EQ(Only(d).detail,
            "environment shop/prod changed since your plan (version 3, now "
            "4). Run terraform plan again.");
}

TEST(AgentErrorTest, EachCodeHasItsSummary) {
  auto ctx = ContextWith(std::make_shared<FakeAgentClient>());
  struct Case {
    Status status;
    std::string summary;
    std::string in_detail;
  } cases[] = {
      {Status::PermissionDenied("role viewer may not"), "Permission denied",
       "role viewer may not"},
      {Status::Unauthenticated("unknown token"), "Agent rejected the token",
       "ENCORE_TOKEN"},
      {Status::Unavailable("connection refused"),
       "Cannot reach the encore agent", "unix:///tmp/test/agent.sock"},
      {Status::NotFound("no app shop"), "Not found", "no app shop"},
      {Status::InvalidArgument("bad group"), "Rejected by the agent",
       "bad group"},
      {Status::AlreadyExists("exists"), "Already exists", "exists"},
      {Status::FailedPrecondition("busy"), "Not possible now", "busy"},
      {Status::Internal("boom"), "Agent error", "boom"},
  };
  for (const Case& c : cases) {
    Diagnostics d;
    AddAgentError(ctx, c.status, "creating app shop", d);
    EXPECT_EQ(Only(d).summary, c.summary);
    EXPECT_NE(Only(d).detail.find(c.in_detail), std::string::npos)
        << Only(d).detail;
    EXPECT_EQ(Only(d).detail.rfind("While creating app shop: ", 0), 0u);
  }
  Diagnostics d;
  AddAgentError(ctx, Status::Unavailable("x"), "", d);
  EXPECT_NE(Only(d).detail.find("encore-agent serve"), std::string::npos);
}

TEST(AgentErrorTest, PathIsKept) {
  auto ctx = ContextWith(std::make_shared<FakeAgentClient>());
  Diagnostics d;
  AddAgentError(ctx, Status::InvalidArgument("bad"), "", d,
                AttributePath::Root("model"));
  EXPECT_EQ(Only(d).path, AttributePath::Root("model"));
}

model::ChangeSet Cs(std::string state, std::string by = "",
                    std::string reason = "") {
  model::ChangeSet cs;
  cs.id = "cs-7";
  cs.app = "shop";
  cs.environment = "prod";
  cs.state = std::move(state);
  cs.decided_by = std::move(by);
  cs.reason = std::move(reason);
  return cs;
}

WaitOptions Fast(int64_t timeout_seconds = 5) {
  WaitOptions o;
  o.timeout_seconds = timeout_seconds;
  o.poll_interval = std::chrono::milliseconds(5);
  o.progress_every = std::chrono::milliseconds(50);
  return o;
}

TEST(WaitForChangeSetTest, AppliedAtOnceDoesNotPoll) {
  auto fake = std::make_shared<FakeAgentClient>();
  auto ctx = ContextWith(fake);
  Diagnostics d;
  EXPECT_TRUE(WaitForChangeSet(*fake, ctx, Cs("applied"), Fast(), d));
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(fake->get_change_set_calls, 0);
}

TEST(WaitForChangeSetTest, PollsUntilApproved) {
  auto fake = std::make_shared<FakeAgentClient>();
  fake->scripted_change_sets = {Cs("pending_approval"), Cs("pending_approval"),
                                Cs("applied")};
  auto ctx = ContextWith(fake);
  Diagnostics d;
  EXPECT_TRUE(WaitForChangeSet(*fake, ctx, Cs("pending_approval"), Fast(), d));
  EXPECT_TRUE(d.empty()) << d.ToString();
  EXPECT_EQ(fake->get_change_set_calls, 3);
}

TEST(WaitForChangeSetTest, RejectedNamesWhoAndWhy) {
  auto fake = std::make_shared<FakeAgentClient>();
  fake->scripted_change_sets = {Cs("rejected", "alice", "too big")};
  auto ctx = ContextWith(fake);
  Diagnostics d;
  EXPECT_FALSE(WaitForChangeSet(*fake, ctx, Cs("pending_approval"), Fast(), d));
  EXPECT_EQ(Only(d).summary, "Change set cs-7 was rejected");
  EXPECT_EQ(Only(d).detail.rfind("Change set cs-7 was rejected by alice: too "
                                 "big.",
                                 0),
            0u)
      << Only(d).detail;
}

TEST(WaitForChangeSetTest, ExpiredAndSupersededAreErrors) {
  for (const char* state : {"expired", "superseded"}) {
    auto fake = std::make_shared<FakeAgentClient>();
    fake->scripted_change_sets = {Cs(state)};
    auto ctx = ContextWith(fake);
    Diagnostics d;
    EXPECT_FALSE(
        WaitForChangeSet(*fake, ctx, Cs("pending_approval"), Fast(), d));
    EXPECT_NE(Only(d).summary.find("cs-7"), std::string::npos);
    EXPECT_NE(Only(d).detail.find("plan and apply again"), std::string::npos);
  }
}

TEST(WaitForChangeSetTest, TimeoutNamesTheChangeSet) {
  auto fake = std::make_shared<FakeAgentClient>();  // stays pending
  auto ctx = ContextWith(fake);
  Diagnostics d;
  WaitOptions o = Fast(1);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(WaitForChangeSet(*fake, ctx, Cs("pending_approval"), o, d));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(Only(d).detail.rfind(
                "Timed out after 1s waiting for approval of change set cs-7 "
                "(encore-agent approve cs-7); the change is still pending: "
                "approve it and run terraform apply again",
                0),
            0u)
      << Only(d).detail;
}

TEST(WaitForChangeSetTest, StopProviderCancelsTheWait) {
  auto fake = std::make_shared<FakeAgentClient>();
  auto ctx = ContextWith(fake);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ctx.cancel->Cancel();
  });
  Diagnostics d;
  EXPECT_FALSE(WaitForChangeSet(*fake, ctx, Cs("pending_approval"), Fast(60), d));
  stopper.join();
  EXPECT_NE(Only(d).summary.find("Stopped while waiting"), std::string::npos);
  EXPECT_NE(Only(d).detail.find("encore-agent approve cs-7"),
            std::string::npos);
}

TEST(WaitForChangeSetTest, PollErrorIsReported) {
  auto fake = std::make_shared<FakeAgentClient>();
  fake->fail_next["GetChangeSet"] = Status::PermissionDenied("nope");
  auto ctx = ContextWith(fake);
  Diagnostics d;
  EXPECT_FALSE(WaitForChangeSet(*fake, ctx, Cs("pending_approval"), Fast(), d));
  EXPECT_EQ(Only(d).summary, "Permission denied");
}

TEST(TimeoutsTest, ParsesTheBlockWithDefault) {
  using values::Type;
  using values::Value;
  Type t = Type::Object({{"create", Type::String()},
                         {"update", Type::String()},
                         {"delete", Type::String()}});
  Value timeouts = Value::ObjectOf(t, {{"create", Value::String("1h30m")},
                                       {"update", Value::Null(Type::String())},
                                       {"delete", Value::String("junk")}});
  Value obj = Value::Object({{"timeouts", timeouts}});
  EXPECT_EQ(TimeoutSeconds(obj, "create"), 5400);
  EXPECT_EQ(TimeoutSeconds(obj, "update"), kDefaultTimeoutSeconds);
  EXPECT_EQ(TimeoutSeconds(obj, "delete"), kDefaultTimeoutSeconds);
  EXPECT_EQ(TimeoutSeconds(Value::Object({{"timeouts", Value::Null(t)}}),
                           "create"),
            1200);
  EXPECT_EQ(FormatDuration(30), "30s");
  EXPECT_EQ(FormatDuration(5400), "1h30m");
}

TEST(PrivateStateTest, VersionRoundTripsAndJunkIsZero) {
  EXPECT_EQ(PrivateVersion(VersionPrivate(42)), 42);
  EXPECT_EQ(PrivateVersion(""), 0);
  EXPECT_EQ(PrivateVersion("not json"), 0);
  EXPECT_EQ(PrivateVersion("[1]"), 0);
}

}  // namespace
}  // namespace encore::resources
