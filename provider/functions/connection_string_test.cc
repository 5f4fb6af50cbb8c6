#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "provider/catalog.h"

namespace encore::catalog {
namespace {

using values::Type;
using values::Value;

Value S(const std::string& s) { return Value::String(s); }

std::map<std::string, Value> Db() {
  return {{"host", S("127.0.0.1")},  {"port", Value::Int(5432)},
          {"database", S("orders")}, {"user", S("shop")},
          {"password", S("secret")}, {"sslmode", S("disable")}};
}

framework::FunctionResult Call(const Value& db) {
  std::unique_ptr<Function> f = NewConnectionStringFunction();
  framework::CallContext ctx;
  return f->Call(ctx, {db});
}

TEST(ConnectionStringTest, Signature) {
  std::unique_ptr<Function> f = NewConnectionStringFunction();
  EXPECT_EQ(f->name(), "connection_string");
  ASSERT_EQ(f->signature().parameters.size(), 1u);
  EXPECT_EQ(f->signature().parameters[0].name, "db");
  EXPECT_TRUE(f->signature().parameters[0].type.IsDynamic());
  EXPECT_EQ(f->signature().return_type, Type::String());
  EXPECT_FALSE(f->signature().summary.empty());
}

TEST(ConnectionStringTest, Builds) {
  struct Case {
    std::string name;
    std::map<std::string, Value> changes;  // over Db()
    std::vector<std::string> remove;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"plain",
       {},
       {},
       "postgresql://shop:secret@127.0.0.1:5432/orders?sslmode=disable"},
      {"sslmode null omitted",
       {{"sslmode", Value::Null(Type::String())}},
       {},
       "postgresql://shop:secret@127.0.0.1:5432/orders"},
      {"sslmode absent omitted",
       {},
       {"sslmode"},
       "postgresql://shop:secret@127.0.0.1:5432/orders"},
      {"percent-encoding",
       {{"user", S("app@shop")},
        {"password", S("p@ss:w/rd?#[]% é~-._")},
        {"database", S("my db/1")}},
       {},
       "postgresql://app%40shop:p%40ss%3Aw%2Frd%3F%23%5B%5D%25%20%C3%A9~-._"
       "@127.0.0.1:5432/my%20db%2F1?sslmode=disable"},
      {"ipv6 host bracketed",
       {{"host", S("::1")}},
       {},
       "postgresql://shop:secret@[::1]:5432/orders?sslmode=disable"},
      {"ipv6 already bracketed",
       {{"host", S("[fd00::5]")}},
       {},
       "postgresql://shop:secret@[fd00::5]:5432/orders?sslmode=disable"},
      {"ipv6 zone encoded",
       {{"host", S("fe80::1%eth0")}},
       {},
       "postgresql://shop:secret@[fe80::1%25eth0]:5432/orders?sslmode=disable"},
      {"port as string",
       {{"port", S("6543")}},
       {},
       "postgresql://shop:secret@127.0.0.1:6543/orders?sslmode=disable"},
      {"empty password has no colon",
       {{"password", S("")}},
       {},
       "postgresql://shop@127.0.0.1:5432/orders?sslmode=disable"},
      {"server_database wins",
       {{"database", S("orders")}, {"server_database", S("shop_pr_1_orders")}},
       {},
       "postgresql://shop:secret@127.0.0.1:5432/"
       "shop_pr_1_orders?sslmode=disable"},
      {"extra attributes ignored",
       {{"name", S("orders")}, {"env", S("pr:1")}, {"expires_at", S("x")}},
       {},
       "postgresql://shop:secret@127.0.0.1:5432/orders?sslmode=disable"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::map<std::string, Value> attrs = Db();
    for (const auto& [k, v] : c.changes) attrs[k] = v;
    for (const std::string& k : c.remove) attrs.erase(k);
    framework::FunctionResult r = Call(Value::Object(attrs));
    ASSERT_FALSE(r.error.has_value()) << r.error->text;
    EXPECT_EQ(r.value, S(c.want));
  }
}

TEST(ConnectionStringTest, AcceptsAMapOfStrings) {
  std::map<std::string, Value> m = {{"host", S("db.internal")},
                                    {"port", S("5432")},
                                    {"database", S("d")},
                                    {"user", S("u")},
                                    {"password", S("p")}};
  framework::FunctionResult r = Call(Value::Map(Type::String(), m));
  ASSERT_FALSE(r.error.has_value()) << r.error->text;
  EXPECT_EQ(r.value, S("postgresql://u:p@db.internal:5432/d"));
}

TEST(ConnectionStringTest, Errors) {
  struct Case {
    std::string name;
    Value db;
    std::string want;  // the whole error text
  };
  auto with = [](std::map<std::string, Value> changes,
                 std::vector<std::string> remove = {}) {
    std::map<std::string, Value> attrs = Db();
    for (auto& [k, v] : changes) attrs[k] = v;
    for (const std::string& k : remove) attrs.erase(k);
    return Value::Object(attrs);
  };
  const std::string shape =
      "db must be an object with host, port, database, user and password";
  const std::vector<Case> cases = {
      {"missing user", with({}, {"user"}), shape + "; missing: user"},
      {"null password and host",
       with({{"password", Value::Null(Type::String())}}, {"host"}),
       shape + "; missing: host, password"},
      {"a string", S("postgresql://x"), shape + "; got string"},
      {"a list", Value::List(Type::String(), {S("a")}),
       shape + "; got list of string"},
      {"port out of range", with({{"port", Value::Int(70000)}}),
       "db.port must be a whole number from 1 to 65535; got 70000"},
      {"port not digits", with({{"port", S("54x")}}),
       "db.port must be a whole number from 1 to 65535; got \"54x\""},
      {"port bool", with({{"port", Value::Bool(true)}}),
       "db.port must be a whole number from 1 to 65535; got bool"},
      {"user a number", with({{"user", Value::Int(7)}}),
       "db.user must be a string; got number"},
      {"empty host", with({{"host", S("")}}), "db.host must not be empty"},
      {"sslmode a bool", with({{"sslmode", Value::Bool(false)}}),
       "db.sslmode must be a string or null; got bool"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    framework::FunctionResult r = Call(c.db);
    ASSERT_TRUE(r.error.has_value());
    EXPECT_EQ(r.error->text, c.want);
    EXPECT_EQ(r.error->argument, std::optional<int64_t>(0));
  }
}

TEST(ConnectionStringTest, UnknownGivesUnknown) {
  EXPECT_TRUE(Call(Value::Unknown(Type::Dynamic())).value.IsUnknown());
  std::map<std::string, Value> attrs = Db();
  attrs["password"] = Value::Unknown(Type::String());
  framework::FunctionResult r = Call(Value::Object(attrs));
  EXPECT_FALSE(r.error.has_value());
  EXPECT_TRUE(r.value.IsUnknown());
}

}  // namespace
}  // namespace encore::catalog
