#include "provider/framework/plan.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace encore::framework {
namespace {

// Attribute `name` of `object`: its value when `object` is a known object,
// unknown when `object` is unknown, null otherwise.
Value Get(const Value& object, const std::string& name, const Type& type) {
  if (object.IsUnknown()) return Value::Unknown(type);
  if (!object.IsKnown()) return Value::Null(type);
  auto it = object.Entries().find(name);
  if (it == object.Entries().end()) return Value::Null(type);
  return it->second;
}

// Element `i` of a known list; null otherwise.
Value At(const Value& list, size_t i, const Type& element) {
  if (list.IsUnknown()) return Value::Unknown(element);
  if (!list.IsKnown() || i >= list.Elements().size()) {
    return Value::Null(element);
  }
  return list.Elements()[i];
}

// Entry `key` of a known map; null otherwise.
Value AtKey(const Value& map, const std::string& key, const Type& element) {
  if (map.IsUnknown()) return Value::Unknown(element);
  if (!map.IsKnown()) return Value::Null(element);
  auto it = map.Entries().find(key);
  if (it == map.Entries().end()) return Value::Null(element);
  return it->second;
}

bool HasDefault(const Attribute& a) {
  return a.presence == Presence::kOptionalComputed && a.default_value;
}

// Applies `f(block, prior_elem, planned_elem, config_elem, path_elem)` to
// each object of a nested block value (single/group: the object; list: by
// index; map: by key) and rebuilds the collection. Set blocks are returned
// unchanged (their elements have no identity to match prior ones by).
template <typename F>
Value EachNested(const NestedBlock& nb, const Value& prior,
                 const Value& planned, const Value& config,
                 const AttributePath& path, F&& f) {
  if (!planned.IsKnown()) return planned;
  const Type element = nb.block.ImpliedType();
  switch (nb.nesting) {
    case Nesting::kSingle:
    case Nesting::kGroup:
      return f(nb.block, prior, planned, config, path);
    case Nesting::kList: {
      std::vector<Value> out;
      const auto& elems = planned.Elements();
      out.reserve(elems.size());
      for (size_t i = 0; i < elems.size(); ++i) {
        out.push_back(f(nb.block, At(prior, i, element), elems[i],
                        At(config, i, element),
                        path.Index(static_cast<int64_t>(i))));
      }
      return Value::List(element, std::move(out));
    }
    case Nesting::kMap: {
      std::map<std::string, Value> out;
      for (const auto& [key, e] : planned.Entries()) {
        out.emplace(key, f(nb.block, AtKey(prior, key, element), e,
                           AtKey(config, key, element), path.Key(key)));
      }
      return Value::Map(element, std::move(out));
    }
    case Nesting::kSet:
      return planned;
  }
  return planned;
}

// Pass 1: from the proposed object, write-only attributes become null,
// config values equal in meaning to the prior ones keep the prior form,
// optional+computed attributes left null get their default.
Value Normalize(const Block& block, const Value& prior, const Value& proposed,
                const Value& config, const AttributePath& path) {
  if (!proposed.IsKnown()) return proposed;
  std::map<std::string, Value> attrs = proposed.Entries();
  for (const Attribute& attr : block.attributes) {
    Value cur = Get(proposed, attr.name, attr.type);
    if (attr.write_only) {
      cur = Value::Null(attr.type);
    } else {
      const Value cfg = Get(config, attr.name, attr.type);
      const Value pr = Get(prior, attr.name, attr.type);
      if (attr.semantically_equal && cfg.IsKnown() && pr.IsKnown() &&
          attr.semantically_equal(cfg, pr)) {
        cur = pr;
      }
      if (HasDefault(attr) && cfg.IsNull()) cur = *attr.default_value;
    }
    attrs.insert_or_assign(attr.name, std::move(cur));
  }
  for (const NestedBlock& nb : block.blocks) {
    const Type t = nb.ImpliedType();
    attrs.insert_or_assign(
        nb.type_name,
        EachNested(nb, Get(prior, nb.type_name, t),
                   Get(proposed, nb.type_name, t), Get(config, nb.type_name, t),
                   path.Attr(nb.type_name), Normalize));
  }
  return Value::ObjectOf(block.ImpliedType(), std::move(attrs));
}

// Pass 2 (something changed): computed attributes the config leaves null
// (and without a default) become unknown, or keep the prior value when
// marked UseStateForUnknown.
Value MarkUnknown(const Block& block, const Value& prior, const Value& planned,
                  const Value& config, const AttributePath& path) {
  if (!planned.IsKnown()) return planned;
  std::map<std::string, Value> attrs = planned.Entries();
  for (const Attribute& attr : block.attributes) {
    if (!attr.is_computed() || attr.write_only || HasDefault(attr)) continue;
    if (!Get(config, attr.name, attr.type).IsNull()) continue;
    const Value pr = Get(prior, attr.name, attr.type);
    Value cur = Value::Unknown(attr.type);
    if (prior.IsKnown() && attr.use_state_for_unknown && !pr.IsNull()) {
      cur = pr;
    }
    attrs.insert_or_assign(attr.name, std::move(cur));
  }
  for (const NestedBlock& nb : block.blocks) {
    const Type t = nb.ImpliedType();
    attrs.insert_or_assign(
        nb.type_name,
        EachNested(nb, Get(prior, nb.type_name, t),
                   Get(planned, nb.type_name, t), Get(config, nb.type_name, t),
                   path.Attr(nb.type_name), MarkUnknown));
  }
  return Value::ObjectOf(block.ImpliedType(), std::move(attrs));
}

// Pass 3 (update): paths of RequiresReplace attributes and blocks whose
// value changes. `planned` is the final plan; an unknown planned attribute
// counts as a change only when its config value is unknown (a computed
// value the provider will decide does not force replacement).
void CollectReplace(const Block& block, const Value& prior,
                    const Value& normalized, const Value& planned,
                    const Value& config, const AttributePath& path,
                    std::vector<AttributePath>& out) {
  if (!planned.IsKnown()) return;
  for (const Attribute& attr : block.attributes) {
    if (!attr.requires_replace) continue;
    const Value p = Get(planned, attr.name, attr.type);
    const Value q = Get(prior, attr.name, attr.type);
    if (p == q) continue;
    if (p.IsUnknown() && !Get(config, attr.name, attr.type).IsUnknown()) {
      continue;
    }
    out.push_back(path.Attr(attr.name));
  }
  for (const NestedBlock& nb : block.blocks) {
    const Type t = nb.ImpliedType();
    const Value pr = Get(prior, nb.type_name, t);
    const Value no = Get(normalized, nb.type_name, t);
    const Value pl = Get(planned, nb.type_name, t);
    const Value cf = Get(config, nb.type_name, t);
    const AttributePath at = path.Attr(nb.type_name);
    // The block as a whole: compared before computed values were marked
    // unknown, so only what the user changed counts.
    if (nb.requires_replace && no != pr) {
      out.push_back(at);
      continue;
    }
    if (!pl.IsKnown()) continue;
    const Type element = nb.block.ImpliedType();
    switch (nb.nesting) {
      case Nesting::kSingle:
      case Nesting::kGroup:
        CollectReplace(nb.block, pr, no, pl, cf, at, out);
        break;
      case Nesting::kList:
        for (size_t i = 0; i < pl.Elements().size(); ++i) {
          CollectReplace(nb.block, At(pr, i, element), At(no, i, element),
                         pl.Elements()[i], At(cf, i, element),
                         at.Index(static_cast<int64_t>(i)), out);
        }
        break;
      case Nesting::kMap:
        for (const auto& [key, e] : pl.Entries()) {
          CollectReplace(nb.block, AtKey(pr, key, element),
                         AtKey(no, key, element), e, AtKey(cf, key, element),
                         at.Key(key), out);
        }
        break;
      case Nesting::kSet:
        break;  // only the set as a whole (above)
    }
  }
}

}  // namespace

GenericPlan PlanBlock(const Block& block, const Value& prior,
                      const Value& proposed, const Value& config) {
  GenericPlan plan;
  if (proposed.IsNull()) {
    plan.planned_state = Value::Null(block.ImpliedType());
    return plan;
  }
  const AttributePath root;
  Value normalized = Normalize(block, prior, proposed, config, root);
  if (!prior.IsNull() && normalized == prior) {
    plan.planned_state = prior;
    return plan;
  }
  plan.planned_state = MarkUnknown(block, prior, normalized, config, root);
  if (!prior.IsNull()) {
    CollectReplace(block, prior, normalized, plan.planned_state, config, root,
                   plan.requires_replace);
  }
  return plan;
}

}  // namespace encore::framework
