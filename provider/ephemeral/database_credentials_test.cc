#include "provider/ephemeral/database_credentials.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "provider/catalog.h"
#include "provider/framework/validate.h"
#include "provider/resources/fake_agent_client.h"

namespace encore::ephemeral {
namespace {

using framework::EphemeralResource;
using values::Value;

Value Config(const EphemeralResource& e, std::map<std::string, Value> attrs) {
  return Value::ObjectOf(e.schema().block.ImpliedType(), std::move(attrs));
}

Diagnostics Validate(const EphemeralResource& e, const Value& config) {
  Diagnostics diags;
  framework::CallContext ctx;
  framework::ValidateBlock(e.schema().block, config, ctx.capabilities, diags);
  e.ValidateConfig(ctx, config, diags);
  return diags;
}

TEST(DatabaseCredentialsTest, Schema) {
  std::unique_ptr<EphemeralResource> e =
      catalog::NewDatabaseCredentialsEphemeral();
  EXPECT_EQ(e->type_name(), "encore_database_credentials");
  const framework::Block& b = e->schema().block;
  EXPECT_TRUE(b.FindAttribute("database")->is_required());
  EXPECT_EQ(*b.FindAttribute("ttl")->default_value, Value::String("15m"));
  EXPECT_EQ(*b.FindAttribute("role")->default_value,
            Value::String("read_write"));
  for (const char* name :
       {"host", "port", "server_database", "user", "password", "sslmode",
        "expires_at", "connection_string"}) {
    ASSERT_NE(b.FindAttribute(name), nullptr) << name;
    EXPECT_EQ(b.FindAttribute(name)->presence, framework::Presence::kComputed);
  }
  EXPECT_TRUE(b.FindAttribute("password")->sensitive);
  EXPECT_TRUE(b.FindAttribute("connection_string")->sensitive);
  EXPECT_FALSE(b.FindAttribute("user")->sensitive);
}

TEST(DatabaseCredentialsTest, TtlBounds) {
  struct Case {
    std::string ttl;
    bool ok;
  };
  std::unique_ptr<EphemeralResource> e =
      catalog::NewDatabaseCredentialsEphemeral();
  for (const Case& c :
       {Case{"1m", true}, Case{"15m", true}, Case{"1h30m", true},
        Case{"12h", true}, Case{"59s", false}, Case{"12h1s", false},
        Case{"1d", false}, Case{"soon", false}, Case{"", false}}) {
    Diagnostics diags =
        Validate(*e, Config(*e, {{"database", Value::String("orders")},
                                 {"ttl", Value::String(c.ttl)}}));
    EXPECT_EQ(diags.HasError(), !c.ok) << c.ttl << ": " << diags.ToString();
    if (!c.ok && diags.HasError()) {
      EXPECT_EQ(diags.items()[0].path, AttributePath::Root("ttl"));
    }
  }
}

TEST(DatabaseCredentialsTest, RoleAndDefaults) {
  std::unique_ptr<EphemeralResource> e =
      catalog::NewDatabaseCredentialsEphemeral();
  EXPECT_FALSE(Validate(*e, Config(*e, {{"database", Value::String("orders")}}))
                   .HasError());
  EXPECT_FALSE(Validate(*e, Config(*e, {{"database", Value::String("orders")},
                                        {"role", Value::String("read_only")}}))
                   .HasError());
  Diagnostics diags =
      Validate(*e, Config(*e, {{"database", Value::String("orders")},
                               {"role", Value::String("admin")}}));
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(diags.items()[0].path, AttributePath::Root("role"));
  diags = Validate(*e, Config(*e, {}));
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(diags.items()[0].path, AttributePath::Root("database"));
}

class DatabaseCredentialsOpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::Environment env;
    env.spec.app = "shop";
    env.spec.name = "dev";
    env.spec.type = "development";
    env.spec.cloud = "local";
    env.status = "ready";
    fake_->envs["shop/dev"] = env;
  }
  std::unique_ptr<EphemeralResource> e_ =
      catalog::NewDatabaseCredentialsEphemeral();
  std::shared_ptr<resources::testing::FakeAgentClient> fake_ =
      std::make_shared<resources::testing::FakeAgentClient>();
  framework::CallContext ctx_ = resources::testing::ContextWith(fake_);
};

TEST_F(DatabaseCredentialsOpenTest, OpenRenewClose) {
  Value config = Config(*e_, {{"app", Value::String("shop")},
                              {"env", Value::String("dev")},
                              {"database", Value::String("orders")},
                              {"ttl", Value::String("30m")}});
  const auto before = std::chrono::system_clock::now();
  framework::OpenResponse open;
  e_->Open(framework::OpenRequest{ctx_, config}, open);
  ASSERT_FALSE(open.diags.HasError()) << open.diags.ToString();
  EXPECT_EQ(fake_->last_ttl_seconds, 1800);
  EXPECT_EQ(fake_->last_service, "");
  const Value& r = open.result;
  ASSERT_TRUE(r.IsWhollyKnown());
  EXPECT_EQ(r.GetAttr("user"), Value::String("tmp_orders_1"));
  EXPECT_EQ(r.GetAttr("password"), Value::String("pw-tmp_orders_1"));
  EXPECT_EQ(r.GetAttr("host"), Value::String("127.0.0.1"));
  EXPECT_EQ(r.GetAttr("port"), Value::Int(5433));
  EXPECT_EQ(r.GetAttr("server_database"), Value::String("dev_orders"));
  EXPECT_EQ(r.GetAttr("database"), Value::String("orders"));
  EXPECT_EQ(r.GetAttr("sslmode"), Value::String("disable"));
  EXPECT_EQ(r.GetAttr("expires_at"), Value::String("2030-01-01T00:15:00Z"));
  EXPECT_EQ(r.GetAttr("connection_string"),
            Value::String("postgresql://tmp_orders_1:pw-tmp_orders_1@"
                          "127.0.0.1:5433/dev_orders?sslmode=disable"));
  // Renewed after about two thirds of the ttl (20 of 30 minutes).
  ASSERT_TRUE(open.renew_at.has_value());
  EXPECT_GE(*open.renew_at, before + std::chrono::minutes(20));
  EXPECT_LE(*open.renew_at,
            std::chrono::system_clock::now() + std::chrono::minutes(20));
  // The private data names the login, never its password.
  ASSERT_TRUE(open.private_data.has_value());
  EXPECT_EQ(open.private_data->find("pw-"), std::string::npos);
  auto p = ParseLoginPrivate(open.private_data);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->app, "shop");
  EXPECT_EQ(p->env, "dev");
  EXPECT_EQ(p->database, "orders");
  EXPECT_EQ(p->login, "tmp_orders_1");

  fake_->calls.clear();
  framework::RenewResponse renew;
  e_->Renew(framework::RenewRequest{ctx_, open.private_data}, renew);
  ASSERT_FALSE(renew.diags.HasError()) << renew.diags.ToString();
  EXPECT_EQ(fake_->calls, std::vector<std::string>{"RenewDatabaseCredentials"});
  EXPECT_EQ(fake_->last_login, "tmp_orders_1");
  EXPECT_EQ(fake_->last_ttl_seconds, 1800);
  ASSERT_TRUE(renew.renew_at.has_value());
  EXPECT_EQ(renew.private_data, open.private_data);

  framework::CloseResponse close;
  e_->Close(framework::CloseRequest{ctx_, open.private_data}, close);
  ASSERT_FALSE(close.diags.HasError()) << close.diags.ToString();
  EXPECT_TRUE(fake_->logins.empty());
  // Closing twice (the login is gone already) is fine.
  framework::CloseResponse again;
  e_->Close(framework::CloseRequest{ctx_, open.private_data}, again);
  EXPECT_FALSE(again.diags.HasError()) << again.diags.ToString();
  // Renewing a dropped login is an error.
  framework::RenewResponse late;
  e_->Renew(framework::RenewRequest{ctx_, open.private_data}, late);
  EXPECT_TRUE(late.diags.HasError());
}

TEST_F(DatabaseCredentialsOpenTest, DefaultsAndRefusals) {
  config::ProviderSettings s;
  s.app = "shop";
  s.env = "dev";
  framework::CallContext ctx = resources::testing::ContextWith(fake_, s);
  framework::OpenResponse open;
  e_->Open(
      framework::OpenRequest{
          ctx, Config(*e_, {{"database", Value::String("orders")},
                            {"service", Value::String("billing")}})},
      open);
  ASSERT_FALSE(open.diags.HasError()) << open.diags.ToString();
  EXPECT_EQ(fake_->last_ttl_seconds, 15 * 60);
  EXPECT_EQ(fake_->last_service, "billing");
  EXPECT_EQ(open.result.GetAttr("app"), Value::String("shop"));
  EXPECT_EQ(open.result.GetAttr("env"), Value::String("dev"));
  EXPECT_EQ(open.result.GetAttr("ttl"), Value::String("15m"));

  EXPECT_FALSE(fake_->last_read_only) << "read_write by default";
  framework::OpenResponse ro;
  e_->Open(
      framework::OpenRequest{
          ctx, Config(*e_, {{"database", Value::String("orders")},
                            {"role", Value::String("read_only")}})},
      ro);
  ASSERT_FALSE(ro.diags.HasError());
  EXPECT_TRUE(fake_->last_read_only) << "read_only reaches the agent";
  EXPECT_EQ(ro.result.GetAttr("role"), Value::String("read_only"));

  fake_->fail_next["IssueDatabaseCredentials"] =
      Status::PermissionDenied("viewers may not issue logins");
  framework::OpenResponse denied;
  e_->Open(
      framework::OpenRequest{
          ctx, Config(*e_, {{"database", Value::String("orders")}})},
      denied);
  ASSERT_TRUE(denied.diags.HasError());
  EXPECT_EQ(denied.diags.items()[0].summary, "Permission denied");

  framework::RenewResponse bad;
  e_->Renew(framework::RenewRequest{ctx, std::optional<std::string>("{}")},
            bad);
  EXPECT_TRUE(bad.diags.HasError());
}

}  // namespace
}  // namespace encore::ephemeral
