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

Type InfraType() {
  return Type::Object({{"kind", Type::String()},
                       {"name", Type::String()},
                       {"provider_id", Type::String()},
                       {"owner", Type::String()},
                       {"status", Type::String()},
                       {"planned_calls", Type::List(Type::String())}});
}

Value Infra(const std::string& kind, const std::string& name) {
  return Value::ObjectOf(InfraType(), {{"kind", S(kind)}, {"name", S(name)}});
}

Value Env(Value url, std::vector<Value> infra = {}) {
  return Value::Object(
      {{"id", S("shop/production")},
       {"name", S("production")},
       {"url", std::move(url)},
       {"infrastructure", Value::List(InfraType(), std::move(infra))}});
}

framework::FunctionResult Call(const Value& env, const Value& service) {
  std::unique_ptr<Function> f = NewServiceUrlFunction();
  framework::CallContext ctx;
  return f->Call(ctx, {env, service});
}

TEST(ServiceUrlTest, Signature) {
  std::unique_ptr<Function> f = NewServiceUrlFunction();
  EXPECT_EQ(f->name(), "service_url");
  ASSERT_EQ(f->signature().parameters.size(), 2u);
  EXPECT_EQ(f->signature().parameters[0].name, "environment");
  EXPECT_TRUE(f->signature().parameters[0].type.IsDynamic());
  EXPECT_EQ(f->signature().parameters[1].type, Type::String());
}

TEST(ServiceUrlTest, Results) {
  struct Case {
    std::string name;
    Value env;
    std::string service;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"no infrastructure yet", Env(S("http://127.0.0.1:4000")), "orders",
       "http://127.0.0.1:4000"},
      {"trailing slashes dropped", Env(S("https://api.example.com//")),
       "orders", "https://api.example.com"},
      {"listed service",
       Env(S("http://127.0.0.1:4001/"),
           {Infra("sql_database", "orders"), Infra("service", "orders"),
            Infra("service", "email")}),
       "email", "http://127.0.0.1:4001"},
      {"infrastructure without services does not restrict",
       Env(S("http://127.0.0.1:4000"), {Infra("sql_database", "orders")}),
       "billing", "http://127.0.0.1:4000"},
      {"no infrastructure attribute",
       Value::Object({{"url", S("http://127.0.0.1:4000")}}), "orders",
       "http://127.0.0.1:4000"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    framework::FunctionResult r = Call(c.env, S(c.service));
    ASSERT_FALSE(r.error.has_value()) << r.error->text;
    EXPECT_EQ(r.value, S(c.want));
  }
}

TEST(ServiceUrlTest, Errors) {
  struct Case {
    std::string name;
    Value env;
    Value service;
    int64_t argument;
    std::string want_substring;
  };
  const std::vector<Case> cases = {
      {"unknown service",
       Env(S("http://127.0.0.1:4000"),
           {Infra("service", "orders"), Infra("service", "email")}),
       S("billing"), 1,
       "environment \"shop/production\" has no service \"billing\"; its "
       "services are: email, orders"},
      {"null url", Env(Value::Null(Type::String())), S("orders"), 0,
       "environment \"shop/production\" has no URL yet: apply it first"},
      {"unknown url", Env(Value::Unknown(Type::String())), S("orders"), 0,
       "has no URL yet: apply it first"},
      {"empty url", Env(S("")), S("orders"), 0, "has no URL yet"},
      {"not an object", S("production"), S("orders"), 0,
       "environment must be an encore_environment resource or data source "
       "(an object with a url attribute); got string"},
      {"object without url", Value::Object({{"name", S("production")}}),
       S("orders"), 0, "the object has no url attribute"},
      {"url not a string", Value::Object({{"url", Value::Int(4000)}}),
       S("orders"), 0, "environment.url must be a string; got number"},
      {"empty service", Env(S("http://127.0.0.1:4000")), S(""), 1,
       "service must be the name of one of the app's services"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    framework::FunctionResult r = Call(c.env, c.service);
    ASSERT_TRUE(r.error.has_value());
    EXPECT_NE(r.error->text.find(c.want_substring), std::string::npos)
        << r.error->text;
    EXPECT_EQ(r.error->argument, std::optional<int64_t>(c.argument));
  }
}

TEST(ServiceUrlTest, UnknownArgumentsGiveUnknown) {
  EXPECT_TRUE(
      Call(Value::Unknown(Type::Dynamic()), S("orders")).value.IsUnknown());
  EXPECT_TRUE(Call(Env(S("http://x")), Value::Unknown(Type::String()))
                  .value.IsUnknown());
}

}  // namespace
}  // namespace encore::catalog
