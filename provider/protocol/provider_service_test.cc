#include "provider/protocol/provider_service.h"

#include <gtest/gtest.h>

#include "provider/values/msgpack_codec.h"

namespace encore::protocol {
namespace {

using framework::Schema;
using values::Type;
using values::Value;

Schema ThingSchema() {
  Schema s;
  s.block.Add(framework::StringAttr("id").Computed().UseStateForUnknown());
  s.block.Add(framework::StringAttr("name").Required());
  return s;
}

class Thing : public framework::Resource {
 public:
  std::string type_name() const override { return "fake_thing"; }
  const Schema& schema() const override { return schema_; }
  std::string import_id_format() const override { return "NAME"; }
  void Create(const framework::ApplyRequest& req,
              framework::ApplyResponse& resp) const override {
    resp.new_state =
        Value::ObjectOf(schema_.block.ImpliedType(),
                        {{"id", Value::String("id-1")},
                         {"name", req.planned_state.GetAttr("name")}});
  }
  void Read(const framework::ReadRequest& req,
            framework::ReadResponse& resp) const override {
    resp.new_state = req.current_state;
    resp.private_data = req.private_data;
  }
  void Import(const framework::ImportRequest& req,
              framework::ImportResponse& resp) const override {
    resp.state = Value::ObjectOf(schema_.block.ImpliedType(),
                                 {{"name", Value::String(req.id)}});
  }

 private:
  Schema schema_ = ThingSchema();
};

class Eph : public framework::EphemeralResource {
 public:
  std::string type_name() const override { return "fake_eph"; }
  const Schema& schema() const override { return schema_; }
  void Open(const framework::OpenRequest& req,
            framework::OpenResponse& resp) const override {
    resp.result = Value::ObjectOf(
        schema_.block.ImpliedType(),
        {{"id", Value::String("e")}, {"name", req.config.GetAttr("name")}});
    resp.renew_at = framework::TimePoint(std::chrono::milliseconds(1500));
    resp.private_data = "p";
  }

 private:
  Schema schema_ = ThingSchema();
};

class Concat : public framework::Function {
 public:
  Concat() {
    sig_.parameters.push_back({"first", Type::String(), "", false, false});
    sig_.variadic =
        framework::FunctionParameter{"rest", Type::Number(), "", false, false};
    sig_.return_type = Type::String();
  }
  std::string name() const override { return "concat"; }
  const framework::FunctionSignature& signature() const override {
    return sig_;
  }
  framework::FunctionResult Call(
      const framework::CallContext&,
      const std::vector<Value>& args) const override {
    std::string s = args[0].AsString();
    for (size_t i = 1; i < args.size(); ++i) {
      s += "+" + std::to_string(args[i].AsNumber().AsInt64().value_or(0));
    }
    return {Value::String(s), std::nullopt};
  }

 private:
  framework::FunctionSignature sig_;
};

class FakeProvider : public framework::Provider {
 public:
  std::string type_name() const override { return "fake"; }
  const Schema& schema() const override { return schema_; }
  std::shared_ptr<const framework::ConfiguredProvider> Configure(
      const framework::ConfigureRequest&, Diagnostics&) const override {
    return std::make_shared<framework::ConfiguredProvider>();
  }
  std::vector<std::unique_ptr<framework::Resource>> Resources() const override {
    std::vector<std::unique_ptr<framework::Resource>> v;
    v.push_back(std::make_unique<Thing>());
    return v;
  }
  std::vector<std::unique_ptr<framework::DataSource>> DataSources()
      const override {
    return {};
  }
  std::vector<std::unique_ptr<framework::EphemeralResource>>
  EphemeralResources() const override {
    std::vector<std::unique_ptr<framework::EphemeralResource>> v;
    v.push_back(std::make_unique<Eph>());
    return v;
  }
  std::vector<std::unique_ptr<framework::Function>> Functions() const override {
    std::vector<std::unique_ptr<framework::Function>> v;
    v.push_back(std::make_unique<Concat>());
    return v;
  }

 private:
  Schema schema_;
};

class ProviderServiceTest : public ::testing::Test {
 protected:
  ProviderServiceTest()
      : server_(std::make_unique<FakeProvider>()),
        service_(server_, Capture(nullptr)) {}

  std::string Thing(std::optional<std::string> id, std::string name) {
    Type t = ThingSchema().block.ImpliedType();
    return values::EncodeMsgpack(
        Value::ObjectOf(t, {{"id", id ? Value::String(*id)
                                      : Value::Unknown(Type::String())},
                            {"name", Value::String(name)}}),
        t);
  }

  framework::ProviderServer server_;
  ProviderService service_;
  grpc::ServerContext ctx_;
};

TEST_F(ProviderServiceTest, SchemaAndMetadata) {
  tfplugin6::GetProviderSchema_Request req;
  tfplugin6::GetProviderSchema_Response resp;
  ASSERT_TRUE(service_.GetProviderSchema(&ctx_, &req, &resp).ok());
  EXPECT_TRUE(resp.has_provider());
  EXPECT_TRUE(resp.provider().has_block());
  ASSERT_TRUE(resp.resource_schemas().count("fake_thing"));
  EXPECT_EQ(resp.resource_schemas().at("fake_thing").block().attributes_size(),
            2);
  EXPECT_TRUE(resp.ephemeral_resource_schemas().count("fake_eph"));
  ASSERT_TRUE(resp.functions().count("concat"));
  EXPECT_TRUE(resp.functions().at("concat").has_variadic_parameter());
  EXPECT_TRUE(resp.has_server_capabilities());
  EXPECT_FALSE(resp.server_capabilities().plan_destroy());
  EXPECT_FALSE(resp.server_capabilities().get_provider_schema_optional());

  tfplugin6::GetMetadataMsg_Request mreq;
  tfplugin6::GetMetadataMsg_Response mresp;
  ASSERT_TRUE(service_.GetMetadata(&ctx_, &mreq, &mresp).ok());
  ASSERT_EQ(mresp.resources_size(), 1);
  EXPECT_EQ(mresp.resources(0).type_name(), "fake_thing");
  EXPECT_EQ(mresp.functions(0).name(), "concat");
  EXPECT_EQ(mresp.ephemeral_resources(0).type_name(), "fake_eph");
}

TEST_F(ProviderServiceTest, UnknownTypeIsDiagnosticNotGrpcError) {
  tfplugin6::PlanResourceChange_Request req;
  req.set_type_name("fake_nope");
  tfplugin6::PlanResourceChange_Response resp;
  ASSERT_TRUE(service_.PlanResourceChange(&ctx_, &req, &resp).ok());
  ASSERT_GE(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).severity(), tfplugin6::Diagnostic::ERROR);

  tfplugin6::ReadDataSource_Request dreq;
  dreq.set_type_name("fake_nope");
  tfplugin6::ReadDataSource_Response dresp;
  ASSERT_TRUE(service_.ReadDataSource(&ctx_, &dreq, &dresp).ok());
  EXPECT_GE(dresp.diagnostics_size(), 1);

  tfplugin6::RenewEphemeralResource_Request rreq;
  rreq.set_type_name("fake_nope");
  tfplugin6::RenewEphemeralResource_Response rresp;
  ASSERT_TRUE(service_.RenewEphemeralResource(&ctx_, &rreq, &rresp).ok());
  EXPECT_GE(rresp.diagnostics_size(), 1);
}

TEST_F(ProviderServiceTest, BadValueNamesTheField) {
  tfplugin6::PlanResourceChange_Request req;
  req.set_type_name("fake_thing");
  req.mutable_prior_state()->set_msgpack("\xc0");
  req.mutable_proposed_new_state()->set_msgpack("\x93\x01");  // truncated
  req.mutable_config()->set_msgpack(Thing("x", "a"));
  tfplugin6::PlanResourceChange_Response resp;
  ASSERT_TRUE(service_.PlanResourceChange(&ctx_, &req, &resp).ok());
  ASSERT_EQ(resp.diagnostics_size(), 1);
  EXPECT_NE(resp.diagnostics(0).summary().find("proposed_new_state"),
            std::string::npos);
}

TEST_F(ProviderServiceTest, PlanAndApplyCreate) {
  tfplugin6::PlanResourceChange_Request req;
  req.set_type_name("fake_thing");
  req.mutable_prior_state()->set_msgpack("\xc0");
  req.mutable_proposed_new_state()->set_msgpack(Thing(std::nullopt, "a"));
  req.mutable_config()->set_msgpack(
      values::EncodeMsgpack(Value::ObjectOf(ThingSchema().block.ImpliedType(),
                                            {{"name", Value::String("a")}}),
                            ThingSchema().block.ImpliedType()));
  tfplugin6::PlanResourceChange_Response plan;
  ASSERT_TRUE(service_.PlanResourceChange(&ctx_, &req, &plan).ok());
  ASSERT_EQ(plan.diagnostics_size(), 0) << plan.diagnostics(0).detail();
  EXPECT_FALSE(plan.legacy_type_system());
  // id unknown (d4 00 00), name kept.
  EXPECT_EQ(plan.planned_state().msgpack(), Thing(std::nullopt, "a"));

  tfplugin6::ApplyResourceChange_Request areq;
  areq.set_type_name("fake_thing");
  areq.mutable_prior_state()->set_msgpack("\xc0");
  *areq.mutable_planned_state() = plan.planned_state();
  *areq.mutable_config() = req.config();
  tfplugin6::ApplyResourceChange_Response applied;
  ASSERT_TRUE(service_.ApplyResourceChange(&ctx_, &areq, &applied).ok());
  ASSERT_EQ(applied.diagnostics_size(), 0);
  EXPECT_EQ(applied.new_state().msgpack(), Thing("id-1", "a"));
}

TEST_F(ProviderServiceTest, UpgradeReadImport) {
  tfplugin6::UpgradeResourceState_Request req;
  req.set_type_name("fake_thing");
  req.mutable_raw_state()->set_json(
      "{\n  \"id\": \"i\",\n  \"name\": \"n\"\n}");
  tfplugin6::UpgradeResourceState_Response resp;
  ASSERT_TRUE(service_.UpgradeResourceState(&ctx_, &req, &resp).ok());
  ASSERT_EQ(resp.diagnostics_size(), 0) << resp.diagnostics(0).detail();
  EXPECT_EQ(resp.upgraded_state().msgpack(), Thing("i", "n"));

  tfplugin6::UpgradeResourceState_Request flat;
  flat.set_type_name("fake_thing");
  (*flat.mutable_raw_state()->mutable_flatmap())["id"] = "i";
  tfplugin6::UpgradeResourceState_Response flat_resp;
  ASSERT_TRUE(service_.UpgradeResourceState(&ctx_, &flat, &flat_resp).ok());
  ASSERT_EQ(flat_resp.diagnostics_size(), 1);
  EXPECT_NE(flat_resp.diagnostics(0).detail().find("flatmap"),
            std::string::npos);

  tfplugin6::ReadResource_Request rreq;
  rreq.set_type_name("fake_thing");
  rreq.mutable_current_state()->set_msgpack(Thing("i", "n"));
  rreq.set_private_("keep");
  tfplugin6::ReadResource_Response rresp;
  ASSERT_TRUE(service_.ReadResource(&ctx_, &rreq, &rresp).ok());
  EXPECT_EQ(rresp.new_state().msgpack(), Thing("i", "n"));
  EXPECT_EQ(rresp.private_(), "keep");

  tfplugin6::ImportResourceState_Request ireq;
  ireq.set_type_name("fake_thing");
  ireq.set_id("imported");
  tfplugin6::ImportResourceState_Response iresp;
  ASSERT_TRUE(service_.ImportResourceState(&ctx_, &ireq, &iresp).ok());
  ASSERT_EQ(iresp.imported_resources_size(), 1);
  EXPECT_EQ(iresp.imported_resources(0).type_name(), "fake_thing");
  Type t = ThingSchema().block.ImpliedType();
  auto v =
      values::DecodeMsgpack(iresp.imported_resources(0).state().msgpack(), t);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->GetAttr("name").AsString(), "imported");
  EXPECT_TRUE(v->GetAttr("id").IsNull());
}

TEST_F(ProviderServiceTest, MoveResourceStateIsAClearError) {
  tfplugin6::MoveResourceState_Request req;
  req.set_source_type_name("other_thing");
  req.set_source_provider_address("registry.terraform.io/acme/other");
  req.set_target_type_name("fake_thing");
  tfplugin6::MoveResourceState_Response resp;
  ASSERT_TRUE(service_.MoveResourceState(&ctx_, &req, &resp).ok());
  ASSERT_EQ(resp.diagnostics_size(), 1);
  const std::string& d = resp.diagnostics(0).detail();
  EXPECT_NE(d.find("other_thing"), std::string::npos);
  EXPECT_NE(d.find("fake_thing"), std::string::npos);
}

TEST_F(ProviderServiceTest, CallFunction) {
  tfplugin6::CallFunction_Request req;
  req.set_name("concat");
  req.add_arguments()->set_msgpack(
      values::EncodeMsgpack(Value::String("a"), Type::String()));
  req.add_arguments()->set_msgpack(
      values::EncodeMsgpack(Value::Int(1), Type::Number()));
  req.add_arguments()->set_msgpack(
      values::EncodeMsgpack(Value::Int(2), Type::Number()));
  tfplugin6::CallFunction_Response resp;
  ASSERT_TRUE(service_.CallFunction(&ctx_, &req, &resp).ok());
  ASSERT_FALSE(resp.has_error()) << resp.error().text();
  EXPECT_EQ(resp.result().msgpack(),
            values::EncodeMsgpack(Value::String("a+1+2"), Type::String()));

  // A variadic argument that is not a number: error naming argument 2.
  req.mutable_arguments(2)->set_msgpack(
      values::EncodeMsgpack(Value::Bool(true), Type::Bool()));
  tfplugin6::CallFunction_Response bad;
  ASSERT_TRUE(service_.CallFunction(&ctx_, &req, &bad).ok());
  ASSERT_TRUE(bad.has_error());
  ASSERT_TRUE(bad.error().has_function_argument());
  EXPECT_EQ(bad.error().function_argument(), 2);

  tfplugin6::CallFunction_Request unknown;
  unknown.set_name("nope");
  tfplugin6::CallFunction_Response uresp;
  ASSERT_TRUE(service_.CallFunction(&ctx_, &unknown, &uresp).ok());
  EXPECT_TRUE(uresp.has_error());
}

TEST_F(ProviderServiceTest, EphemeralOpenHasRenewAtAndPrivate) {
  tfplugin6::OpenEphemeralResource_Request req;
  req.set_type_name("fake_eph");
  req.mutable_config()->set_msgpack(Thing("x", "db"));
  tfplugin6::OpenEphemeralResource_Response resp;
  ASSERT_TRUE(service_.OpenEphemeralResource(&ctx_, &req, &resp).ok());
  ASSERT_EQ(resp.diagnostics_size(), 0) << resp.diagnostics(0).detail();
  ASSERT_TRUE(resp.has_renew_at());
  EXPECT_EQ(resp.renew_at().seconds(), 1);
  EXPECT_EQ(resp.renew_at().nanos(), 500000000);
  ASSERT_TRUE(resp.has_private_());
  EXPECT_EQ(resp.private_(), "p");
  EXPECT_EQ(resp.result().msgpack(), Thing("e", "db"));
}

TEST_F(ProviderServiceTest, StopProviderReturnsAtOnce) {
  tfplugin6::StopProvider_Request req;
  tfplugin6::StopProvider_Response resp;
  ASSERT_TRUE(service_.StopProvider(&ctx_, &req, &resp).ok());
  EXPECT_EQ(resp.error(), "");
  EXPECT_TRUE(server_.stopped());
}

}  // namespace
}  // namespace encore::protocol
