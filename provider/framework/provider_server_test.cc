#include "provider/framework/provider_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace encore::framework {
namespace {

struct Configured : ConfiguredProvider {
  std::string agent;
};

// What the fake resources saw, shared with the test.
struct Log {
  std::mutex mu;
  std::vector<std::string> calls;
  std::string seen_agent;
  std::string seen_version;
  bool return_unknown = false;
  std::promise<void> slow_started;
  std::atomic<bool> slow_cancelled{false};

  void Add(std::string s) {
    std::lock_guard<std::mutex> l(mu);
    calls.push_back(std::move(s));
  }
};

Schema ThingSchema() {
  Schema s;
  s.block.Add(StringAttr("id").Computed().UseStateForUnknown());
  s.block.Add(StringAttr("name").Required().RequiresReplace());
  s.block.Add(NumberAttr("size").Optional());
  s.block.Add(StringAttr("secret_wo").Optional().WriteOnly());
  return s;
}

class Thing : public Resource {
 public:
  explicit Thing(std::shared_ptr<Log> log) : log_(std::move(log)) {}
  std::string type_name() const override { return "fake_thing"; }
  const Schema& schema() const override { return schema_; }
  std::string import_id_format() const override { return "NAME"; }

  void ValidateConfig(const CallContext& ctx, const Value& config,
                      Diagnostics& diags) const override {
    const Value& size = config.GetAttr("size");
    if (size.IsKnown() && size.AsNumber().AsInt64() == 13) {
      diags.AddAttributeError(AttributePath::Root("size"), "Unlucky size",
                              "13 is not allowed");
    }
  }
  void ModifyPlan(const PlanRequest& req, PlanResponse& resp) const override {
    log_->Add("modify_plan:" + req.prior_private);
  }
  void Create(const ApplyRequest& req, ApplyResponse& resp) const override {
    log_->Add("create");
    resp.new_state = WithId(req.planned_state);
  }
  void Update(const ApplyRequest& req, ApplyResponse& resp) const override {
    log_->Add("update");
    resp.new_state = WithId(req.planned_state);
  }
  void Delete(const ApplyRequest& req, ApplyResponse& resp) const override {
    log_->Add("delete");
    resp.new_state = req.prior_state;  // the framework must null it
  }
  void Read(const ReadRequest& req, ReadResponse& resp) const override {
    auto* c = dynamic_cast<const Configured*>(req.ctx.provider.get());
    std::lock_guard<std::mutex> l(log_->mu);
    log_->seen_agent = c ? c->agent : "(unconfigured)";
    log_->seen_version = req.ctx.terraform_version;
    resp.new_state = req.current_state;
    resp.private_data = req.private_data;
  }

 private:
  Value WithId(const Value& planned) const {
    std::map<std::string, Value> attrs = planned.Entries();
    attrs.insert_or_assign(
        "id", log_->return_unknown
                  ? Value::Unknown(Type::String())
                  : Value::String("id-" + planned.GetAttr("name").AsString()));
    return Value::ObjectOf(schema_.block.ImpliedType(), attrs);
  }
  std::shared_ptr<Log> log_;
  Schema schema_ = ThingSchema();
};

// Create waits up to 10 s for StopProvider.
class Slow : public Resource {
 public:
  explicit Slow(std::shared_ptr<Log> log) : log_(std::move(log)) {}
  std::string type_name() const override { return "fake_slow"; }
  const Schema& schema() const override { return schema_; }
  std::string import_id_format() const override { return "ID"; }
  void Create(const ApplyRequest& req, ApplyResponse& resp) const override {
    log_->slow_started.set_value();
    if (req.ctx.cancel->WaitFor(std::chrono::seconds(10))) {
      log_->slow_cancelled = true;
      resp.diags.AddError("Cancelled", "StopProvider was called.");
      return;
    }
    resp.new_state = req.planned_state;
  }

 private:
  std::shared_ptr<Log> log_;
  Schema schema_ = ThingSchema();
};

class Upper : public Function {
 public:
  std::string name() const override { return "upper"; }
  const FunctionSignature& signature() const override { return sig_; }
  FunctionResult Call(const CallContext& ctx,
                      const std::vector<Value>& args) const override {
    std::string s = args[0].AsString();
    for (char& c : s) c = static_cast<char>(std::toupper(c));
    return FunctionResult{Value::String(s), std::nullopt};
  }

 private:
  FunctionSignature sig_{{{"text", Type::String(), "", false, false}},
                         std::nullopt,
                         Type::String(),
                         "Upper-cases.",
                         ""};
};

class Reader : public DataSource {
 public:
  std::string type_name() const override { return "fake_reader"; }
  const Schema& schema() const override { return schema_; }

 private:
  Schema schema_ = ThingSchema();
};

class Opener : public EphemeralResource {
 public:
  std::string type_name() const override { return "fake_opener"; }
  const Schema& schema() const override { return schema_; }

 private:
  Schema schema_ = ThingSchema();
};

class FakeProvider : public Provider {
 public:
  explicit FakeProvider(std::shared_ptr<Log> log) : log_(std::move(log)) {
    schema_.block.Add(StringAttr("agent").Required());
  }
  std::string type_name() const override { return "fake"; }
  const Schema& schema() const override { return schema_; }
  std::shared_ptr<const ConfiguredProvider> Configure(
      const ConfigureRequest& req, Diagnostics& diags) const override {
    auto c = std::make_shared<Configured>();
    c->agent = req.config.GetAttr("agent").AsString();
    return c;
  }
  std::vector<std::unique_ptr<Resource>> Resources() const override {
    std::vector<std::unique_ptr<Resource>> out;
    out.push_back(std::make_unique<Thing>(log_));
    out.push_back(std::make_unique<Slow>(log_));
    return out;
  }
  std::vector<std::unique_ptr<DataSource>> DataSources() const override {
    std::vector<std::unique_ptr<DataSource>> out;
    out.push_back(std::make_unique<Reader>());
    return out;
  }
  std::vector<std::unique_ptr<EphemeralResource>> EphemeralResources()
      const override {
    std::vector<std::unique_ptr<EphemeralResource>> out;
    out.push_back(std::make_unique<Opener>());
    return out;
  }
  std::vector<std::unique_ptr<Function>> Functions() const override {
    std::vector<std::unique_ptr<Function>> out;
    out.push_back(std::make_unique<Upper>());
    return out;
  }

 private:
  std::shared_ptr<Log> log_;
  Schema schema_;
};

class ProviderServerTest : public ::testing::Test {
 protected:
  ProviderServerTest()
      : log_(std::make_shared<Log>()),
        server_(std::make_unique<FakeProvider>(log_)) {}

  const Type type_ = ThingSchema().block.ImpliedType();
  Value Thing(std::map<std::string, Value> attrs) const {
    return Value::ObjectOf(type_, std::move(attrs));
  }
  ClientCapabilities Caps() const {
    ClientCapabilities c;
    c.write_only_attributes_allowed = true;
    return c;
  }
  std::vector<std::string> Calls() {
    std::lock_guard<std::mutex> l(log_->mu);
    return log_->calls;
  }

  std::shared_ptr<Log> log_;
  ProviderServer server_;
};

TEST_F(ProviderServerTest, MapsKeyedByName) {
  EXPECT_EQ(server_.resources().size(), 2u);
  EXPECT_EQ(server_.resources().count("fake_thing"), 1u);
  EXPECT_EQ(server_.data_sources().count("fake_reader"), 1u);
  EXPECT_EQ(server_.ephemeral_resources().count("fake_opener"), 1u);
  EXPECT_NE(server_.FindFunction("upper"), nullptr);
  EXPECT_EQ(server_.FindFunction("lower"), nullptr);
}

TEST_F(ProviderServerTest, UnknownTypeErrorsListWhatExists) {
  ApplyResponse r = server_.ApplyResourceChange("fake_nope", Value::Null(type_),
                                                Thing({}), Thing({}), "");
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.items()[0].summary, "Unknown resource type");
  EXPECT_NE(r.diags.items()[0].detail.find("\"fake_nope\""), std::string::npos);
  EXPECT_NE(r.diags.items()[0].detail.find("fake_slow, fake_thing"),
            std::string::npos)
      << r.diags.items()[0].detail;
  Diagnostics d;
  EXPECT_EQ(server_.FindDataSource("fake_thing", d), nullptr);
  ASSERT_TRUE(d.HasError());
  EXPECT_NE(d.items()[0].detail.find("fake_reader"), std::string::npos);
  EXPECT_TRUE(Calls().empty());
}

TEST_F(ProviderServerTest, ApplyDispatchesCreateUpdateDelete) {
  const Value planned = Thing(
      {{"name", Value::String("a")}, {"id", Value::Unknown(Type::String())}});
  ApplyResponse created = server_.ApplyResourceChange(
      "fake_thing", Value::Null(type_), planned, planned, "");
  EXPECT_FALSE(created.diags.HasError()) << created.diags.ToString();
  EXPECT_EQ(created.new_state.GetAttr("id"), Value::String("id-a"));

  const Value prior = created.new_state;
  const Value planned2 = Thing({{"name", Value::String("a")},
                                {"id", Value::String("id-a")},
                                {"size", Value::Int(2)}});
  ApplyResponse updated =
      server_.ApplyResourceChange("fake_thing", prior, planned2, planned2, "");
  EXPECT_FALSE(updated.diags.HasError()) << updated.diags.ToString();
  EXPECT_EQ(updated.new_state.GetAttr("size"), Value::Int(2));

  ApplyResponse deleted =
      server_.ApplyResourceChange("fake_thing", updated.new_state,
                                  Value::Null(type_), Value::Null(type_), "");
  EXPECT_FALSE(deleted.diags.HasError());
  EXPECT_TRUE(deleted.new_state.IsNull());
  EXPECT_EQ(Calls(), (std::vector<std::string>{"create", "update", "delete"}));
}

TEST_F(ProviderServerTest, UnknownsAfterApplyAreAnErrorAndNotSent) {
  log_->return_unknown = true;
  const Value planned = Thing(
      {{"name", Value::String("a")}, {"id", Value::Unknown(Type::String())}});
  ApplyResponse r = server_.ApplyResourceChange(
      "fake_thing", Value::Null(type_), planned, planned, "");
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(r.diags.items()[0].summary,
            "provider bug: returned unknown values after apply");
  EXPECT_TRUE(r.new_state.IsNull() || r.new_state.IsWhollyKnown())
      << r.new_state.DebugString();
}

TEST_F(ProviderServerTest, DefaultCreateIsAnHonestError) {
  // fake_slow's Create is overridden; check a default through Import.
  ImportResponse r = server_.ImportResourceState("fake_thing", "x", Caps());
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.items()[0].summary,
            "fake_thing: import is not available yet");
  EXPECT_NE(r.diags.items()[0].detail.find("NAME"), std::string::npos);
}

TEST_F(ProviderServerTest, PlanCreateUpdateAndDestroy) {
  const Value config = Thing({{"name", Value::String("a")}});
  PlanResponse create = server_.PlanResourceChange(
      "fake_thing", Value::Null(type_), config, config, "", Caps());
  EXPECT_FALSE(create.diags.HasError()) << create.diags.ToString();
  EXPECT_TRUE(create.planned_state.GetAttr("id").IsUnknown());

  const Value prior =
      Thing({{"name", Value::String("a")}, {"id", Value::String("id-a")}});
  const Value proposed = prior;
  PlanResponse same = server_.PlanResourceChange("fake_thing", prior, proposed,
                                                 config, "p1", Caps());
  EXPECT_EQ(same.planned_state, prior);
  EXPECT_EQ(same.planned_private, "p1");

  const Value renamed_config = Thing({{"name", Value::String("b")}});
  const Value renamed_proposed =
      Thing({{"name", Value::String("b")}, {"id", Value::String("id-a")}});
  PlanResponse renamed = server_.PlanResourceChange(
      "fake_thing", prior, renamed_proposed, renamed_config, "", Caps());
  ASSERT_EQ(renamed.requires_replace.size(), 1u);
  EXPECT_EQ(renamed.requires_replace[0], AttributePath::Root("name"));

  PlanResponse destroy = server_.PlanResourceChange(
      "fake_thing", prior, Value::Null(type_), Value::Null(type_), "p", Caps());
  EXPECT_TRUE(destroy.planned_state.IsNull());
  EXPECT_TRUE(destroy.requires_replace.empty());
  // ModifyPlan ran for the three non-destroy plans only.
  EXPECT_EQ(Calls(), (std::vector<std::string>{"modify_plan:", "modify_plan:p1",
                                               "modify_plan:"}));
}

TEST_F(ProviderServerTest, PlanRefusesWriteOnlyWithoutCapability) {
  const Value config =
      Thing({{"name", Value::String("a")}, {"secret_wo", Value::String("x")}});
  PlanResponse refused =
      server_.PlanResourceChange("fake_thing", Value::Null(type_), config,
                                 config, "", ClientCapabilities{});
  ASSERT_TRUE(refused.diags.HasError());
  EXPECT_EQ(refused.diags.items()[0].summary,
            "Write-only argument not supported by this Terraform");
  PlanResponse ok = server_.PlanResourceChange("fake_thing", Value::Null(type_),
                                               config, config, "", Caps());
  EXPECT_FALSE(ok.diags.HasError());
  EXPECT_TRUE(ok.planned_state.GetAttr("secret_wo").IsNull());
}

TEST_F(ProviderServerTest, ValidateRunsSchemaAndResourceChecks) {
  Diagnostics d = server_.ValidateResourceConfig(
      "fake_thing", Thing({{"size", Value::Int(13)}}), Caps());
  ASSERT_EQ(d.size(), 2u) << d.ToString();
  EXPECT_EQ(d.items()[0].summary, "Missing required argument");
  EXPECT_EQ(d.items()[1].summary, "Unlucky size");

  Diagnostics wo = server_.ValidateResourceConfig(
      "fake_thing",
      Thing({{"name", Value::String("a")}, {"secret_wo", Value::String("x")}}),
      ClientCapabilities{});
  ASSERT_EQ(wo.size(), 1u) << wo.ToString();
  EXPECT_EQ(*wo.items()[0].path, AttributePath::Root("secret_wo"));

  Diagnostics p = server_.ValidateProviderConfig(
      Value::ObjectOf(server_.provider().schema().block.ImpliedType(), {}));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(*p.items()[0].path, AttributePath::Root("agent"));
}

TEST_F(ProviderServerTest, ConfigureReachesResources) {
  const Value current =
      Thing({{"name", Value::String("a")}, {"id", Value::String("id-a")}});
  ReadResponse before = server_.ReadResource("fake_thing", current, "", Caps());
  EXPECT_EQ(log_->seen_agent, "(unconfigured)");

  Diagnostics d = server_.ConfigureProvider(
      Value::Object({{"agent", Value::String("unix:///x.sock")}}), "1.11.4",
      Caps());
  EXPECT_TRUE(d.empty()) << d.ToString();
  ReadResponse after =
      server_.ReadResource("fake_thing", current, "pd", Caps());
  EXPECT_EQ(log_->seen_agent, "unix:///x.sock");
  EXPECT_EQ(log_->seen_version, "1.11.4");
  EXPECT_EQ(after.new_state, current);
  EXPECT_EQ(after.private_data, "pd");
}

TEST_F(ProviderServerTest, StopCancelsInFlightCall) {
  const Value planned = Thing({{"name", Value::String("a")}});
  std::future<void> started = log_->slow_started.get_future();
  const auto t0 = std::chrono::steady_clock::now();
  std::future<ApplyResponse> result = std::async(std::launch::async, [&] {
    return server_.ApplyResourceChange("fake_slow", Value::Null(type_), planned,
                                       planned, "");
  });
  ASSERT_EQ(started.wait_for(std::chrono::seconds(5)),
            std::future_status::ready);
  EXPECT_FALSE(server_.stopped());
  server_.Stop();
  EXPECT_TRUE(server_.stopped());
  ASSERT_EQ(result.wait_for(std::chrono::seconds(5)),
            std::future_status::ready);
  ApplyResponse r = result.get();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_TRUE(log_->slow_cancelled);
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(r.diags.items()[0].summary, "Cancelled");
}

// A -debug provider serves several Terraform commands: a Ctrl-C (Stop) in
// one must not cancel the work of the next, which starts with Configure.
TEST_F(ProviderServerTest, ConfigureAfterStopStartsAfresh) {
  server_.Stop();
  ASSERT_TRUE(server_.stopped());
  Diagnostics d = server_.ConfigureProvider(
      Value::ObjectOf(server_.provider().schema().block.ImpliedType(), {}),
      "1.11.4", ClientCapabilities{});
  EXPECT_FALSE(d.HasError()) << d.ToString();
  EXPECT_FALSE(server_.stopped());
  const Value planned = Thing({{"name", Value::String("a")}});
  std::future<void> started = log_->slow_started.get_future();
  std::future<ApplyResponse> result = std::async(std::launch::async, [&] {
    return server_.ApplyResourceChange("fake_slow", Value::Null(type_), planned,
                                       planned, "");
  });
  ASSERT_EQ(started.wait_for(std::chrono::seconds(5)),
            std::future_status::ready);
  server_.Stop();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(5)),
            std::future_status::ready);
  EXPECT_TRUE(log_->slow_cancelled);
}

TEST_F(ProviderServerTest, CallFunction) {
  FunctionResult ok = server_.CallFunction("upper", {Value::String("abc")});
  EXPECT_FALSE(ok.error.has_value());
  EXPECT_EQ(ok.value, Value::String("ABC"));

  FunctionResult unknown = server_.CallFunction("lower", {});
  ASSERT_TRUE(unknown.error.has_value());
  EXPECT_EQ(unknown.error->text,
            "unknown function lower; this provider has: upper");

  FunctionResult count =
      server_.CallFunction("upper", {Value::String("a"), Value::String("b")});
  ASSERT_TRUE(count.error.has_value());
  EXPECT_NE(count.error->text.find("takes 1 argument (text)"),
            std::string::npos)
      << count.error->text;
  EXPECT_NE(count.error->text.find("2 were given"), std::string::npos);

  FunctionResult null_arg =
      server_.CallFunction("upper", {Value::Null(Type::String())});
  ASSERT_TRUE(null_arg.error.has_value());
  EXPECT_EQ(null_arg.error->argument, 0);
  EXPECT_NE(null_arg.error->text.find("(text)"), std::string::npos);

  FunctionResult unknown_arg =
      server_.CallFunction("upper", {Value::Unknown(Type::String())});
  EXPECT_FALSE(unknown_arg.error.has_value());
  EXPECT_TRUE(unknown_arg.value.IsUnknown());
}

TEST_F(ProviderServerTest, DataSourceAndEphemeralDefaultsAreErrors) {
  const Value config = Thing({{"name", Value::String("a")}});
  DataReadResponse d = server_.ReadDataSource("fake_reader", config, Caps());
  ASSERT_EQ(d.diags.size(), 1u);
  EXPECT_EQ(d.diags.items()[0].summary,
            "fake_reader: reading is not available yet");
  EXPECT_NE(d.diags.items()[0].detail.find("encore-agent"), std::string::npos);

  OpenResponse o = server_.OpenEphemeralResource("fake_opener", config, Caps());
  ASSERT_EQ(o.diags.size(), 1u);
  EXPECT_EQ(o.diags.items()[0].summary,
            "fake_opener: open is not available yet");
  EXPECT_FALSE(o.renew_at.has_value());

  Diagnostics v = server_.ValidateDataSourceConfig("fake_reader", config);
  EXPECT_TRUE(v.empty()) << v.ToString();
  Diagnostics e =
      server_.ValidateEphemeralResourceConfig("fake_opener", Thing({}));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e.items()[0].summary, "Missing required argument");
}

}  // namespace
}  // namespace encore::framework
