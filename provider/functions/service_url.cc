// Function service_url(environment, service): the base URL of one of an
// environment's services, from an encore_environment resource or data
// source object.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "provider/catalog.h"

namespace encore::catalog {
namespace {

using framework::FunctionResult;
using values::Type;
using values::TypeKind;
using values::Value;

const Value* Find(const Value& object, const std::string& name) {
  const std::map<std::string, Value>& attrs = object.Entries();
  auto it = attrs.find(name);
  return it == attrs.end() ? nullptr : &it->second;
}

std::string KnownString(const Value* v) {
  if (v == nullptr || !v->IsKnown() || v->type().kind() != TypeKind::kString) {
    return "";
  }
  return v->AsString();
}

// The names of the entries of kind "service" in a known infrastructure
// list (empty when there is none, or it is not a list of objects).
std::set<std::string> ServicesOf(const Value* infrastructure) {
  std::set<std::string> services;
  if (infrastructure == nullptr || !infrastructure->IsKnown()) {
    return services;
  }
  TypeKind kind = infrastructure->type().kind();
  if (kind != TypeKind::kList && kind != TypeKind::kSet &&
      kind != TypeKind::kTuple) {
    return services;
  }
  for (const Value& entry : infrastructure->Elements()) {
    if (!entry.IsKnown()) continue;
    TypeKind ek = entry.type().kind();
    if (ek != TypeKind::kObject && ek != TypeKind::kMap) continue;
    if (KnownString(Find(entry, "kind")) != "service") continue;
    std::string name = KnownString(Find(entry, "name"));
    if (!name.empty()) services.insert(name);
  }
  return services;
}

class ServiceUrlFunction final : public Function {
 public:
  ServiceUrlFunction() {
    signature_.parameters.push_back(framework::FunctionParameter{
        "environment", Type::Dynamic(),
        "An `encore_environment` resource or data source."});
    signature_.parameters.push_back(framework::FunctionParameter{
        "service", Type::String(),
        "The service's name, as the app's model declares it."});
    signature_.return_type = Type::String();
    signature_.summary = "The base URL of a service in an environment";
    signature_.description =
        "Returns the URL a service's endpoints are served under: the "
        "environment's gateway `url`, without a trailing slash (Encore "
        "routes every service through the gateway). When the environment's "
        "`infrastructure` lists services, `service` must be one of them. The "
        "environment must have a URL: during the first plan of a new "
        "environment the result is unknown, and an environment without a "
        "URL is an error (apply it first).";
  }

  std::string name() const override { return "service_url"; }
  const framework::FunctionSignature& signature() const override {
    return signature_;
  }

  FunctionResult Call(const framework::CallContext& ctx,
                      const std::vector<Value>& args) const override {
    const Value& env = args.at(0);
    const Value& service = args.at(1);
    if (env.IsUnknown() || service.IsUnknown()) {
      return FunctionResult::Ok(Value::Unknown(Type::String()));
    }
    TypeKind kind = env.IsNull() ? TypeKind::kDynamic : env.type().kind();
    if (kind != TypeKind::kObject && kind != TypeKind::kMap) {
      return FunctionResult::Fail(
          0,
          "environment must be an encore_environment resource or "
          "data source (an object with a url attribute); got " +
              (env.IsNull() ? std::string("null") : env.type().FriendlyName()));
    }
    const Value* url = Find(env, "url");
    if (url == nullptr) {
      return FunctionResult::Fail(
          0,
          "environment must be an encore_environment resource or "
          "data source: the object has no url attribute");
    }
    std::string env_name = KnownString(Find(env, "id"));
    if (env_name.empty()) env_name = KnownString(Find(env, "name"));
    std::string which = env_name.empty() ? "the environment"
                                         : "environment \"" + env_name + "\"";
    if (url->IsNull() || url->IsUnknown() ||
        (url->type().kind() == TypeKind::kString && url->AsString().empty())) {
      return FunctionResult::Fail(
          0, which +
                 " has no URL yet: apply it first (its url is "
                 "set once the agent has reserved its gateway "
                 "address)");
    }
    if (url->type().kind() != TypeKind::kString) {
      return FunctionResult::Fail(0, "environment.url must be a string; got " +
                                         url->type().FriendlyName());
    }
    if (service.IsNull() || service.AsString().empty()) {
      return FunctionResult::Fail(
          1, "service must be the name of one of the app's services");
    }
    const std::string& name = service.AsString();

    std::set<std::string> services = ServicesOf(Find(env, "infrastructure"));
    if (!services.empty() && services.count(name) == 0) {
      std::string known;
      for (const std::string& s : services) {
        known += (known.empty() ? "" : ", ") + s;
      }
      return FunctionResult::Fail(1, which + " has no service \"" + name +
                                         "\"; its services are: " + known);
    }

    std::string base = url->AsString();
    while (!base.empty() && base.back() == '/') base.pop_back();
    return FunctionResult::Ok(Value::String(std::move(base)));
  }

 private:
  framework::FunctionSignature signature_;
};

}  // namespace

std::unique_ptr<Function> NewServiceUrlFunction() {
  return std::make_unique<ServiceUrlFunction>();
}

}  // namespace encore::catalog
