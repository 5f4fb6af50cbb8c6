#include "provider/ephemeral/database_credentials.h"

#include <map>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "provider/catalog.h"
#include "provider/framework/validate.h"

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

TEST(DatabaseCredentialsTest, OpenSaysNotAvailableYet) {
  std::unique_ptr<EphemeralResource> e =
      catalog::NewDatabaseCredentialsEphemeral();
  framework::CallContext ctx;
  Value config = Config(*e, {{"database", Value::String("orders")}});
  framework::OpenResponse resp;
  e->Open(framework::OpenRequest{ctx, config}, resp);
  EXPECT_TRUE(resp.diags.HasError());
}

}  // namespace
}  // namespace encore::ephemeral
