// Test helpers for the resources' unit tests: build full config objects
// from a schema, run validation and planning the way ProviderServer does,
// and find diagnostics by path.
#ifndef ENCORE_PROVIDER_RESOURCES_TEST_UTIL_H_
#define ENCORE_PROVIDER_RESOURCES_TEST_UTIL_H_

#include <map>
#include <string>
#include <vector>

#include "provider/core/diagnostics.h"
#include "provider/framework/plan.h"
#include "provider/framework/resource.h"
#include "provider/framework/validate.h"
#include "provider/values/value.h"

namespace encore::resources::testing {

using values::Type;
using values::Value;

inline Value S(std::string s) { return Value::String(std::move(s)); }
inline Value StrList(std::vector<std::string> items) {
  std::vector<Value> v;
  for (auto& i : items) v.push_back(Value::String(std::move(i)));
  return Value::List(Type::String(), std::move(v));
}
inline Value StrMap(std::map<std::string, std::string> items) {
  std::map<std::string, Value> m;
  for (auto& [k, v] : items) m.emplace(k, Value::String(v));
  return Value::Map(Type::String(), std::move(m));
}

// A full object of `block`'s type: `attrs` set, list and set blocks empty
// unless given, everything else null.
inline Value Obj(const framework::Block& block,
                 std::map<std::string, Value> attrs) {
  for (const auto& nb : block.blocks) {
    if (attrs.count(nb.type_name)) continue;
    Type t = nb.ImpliedType();
    if (nb.nesting == framework::Nesting::kList) {
      attrs[nb.type_name] = Value::List(t.element(), {});
    } else if (nb.nesting == framework::Nesting::kSet) {
      attrs[nb.type_name] = Value::Set(t.element(), {});
    }
  }
  return Value::ObjectOf(block.ImpliedType(), std::move(attrs));
}

// An object of nested block `name` of `block`.
inline Value Nested(const framework::Block& block, const std::string& name,
                    std::map<std::string, Value> attrs) {
  return Obj(block.FindBlock(name)->block, std::move(attrs));
}
// A list block value of `block`'s nested block `name`.
inline Value NestedList(const framework::Block& block, const std::string& name,
                        std::vector<Value> elems) {
  return Value::List(block.FindBlock(name)->block.ImpliedType(),
                     std::move(elems));
}

// Schema checks, then the resource's own, as ProviderServer runs them.
inline Diagnostics Validate(const framework::Resource& r, const Value& config) {
  Diagnostics diags;
  framework::CallContext ctx;
  ctx.capabilities.write_only_attributes_allowed = true;
  framework::ValidateBlock(r.schema().block, config, ctx.capabilities, diags);
  r.ValidateConfig(ctx, config, diags);
  return diags;
}

// The generic plan, then ModifyPlan. `proposed` defaults to `config`
// (right for a create).
inline framework::PlanResponse Plan(const framework::Resource& r,
                                    const Value& prior, const Value& config,
                                    std::optional<Value> proposed = {}) {
  framework::CallContext ctx;
  framework::GenericPlan g = framework::PlanBlock(
      r.schema().block, prior, proposed.value_or(config), config);
  framework::PlanResponse resp;
  resp.planned_state = g.planned_state;
  resp.requires_replace = g.requires_replace;
  std::string priv;
  r.ModifyPlan(framework::PlanRequest{ctx, prior, config, priv}, resp);
  return resp;
}

inline framework::ImportResponse Import(const framework::Resource& r,
                                        const std::string& id) {
  framework::CallContext ctx;
  framework::ImportResponse resp;
  r.Import(framework::ImportRequest{ctx, id}, resp);
  return resp;
}

// The first error at `path`, or null.
inline const Diagnostic* ErrorAt(const Diagnostics& diags,
                                 const AttributePath& path) {
  for (const auto& d : diags) {
    if (d.severity == Severity::kError && d.path == path) return &d;
  }
  return nullptr;
}

}  // namespace encore::resources::testing

#endif  // ENCORE_PROVIDER_RESOURCES_TEST_UTIL_H_
