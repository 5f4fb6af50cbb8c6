// Schema: a resource's (or data source's, ephemeral resource's, provider
// configuration's) attributes and nested blocks, declared once.
//
// That one declaration drives the wire schema (GetProviderSchema), config
// validation (validate.h), planning (plan.h), the docs generator and the
// golden schema file (house rule 2). Declare with the fluent setters:
//
//   Attribute("name", Type::String()).Required().RequiresReplace()
//       .Check(MatchesPattern("^[a-z][a-z0-9-]{1,62}$", "..."))
//       .Doc("The app's name.")
#ifndef ENCORE_PROVIDER_FRAMEWORK_SCHEMA_H_
#define ENCORE_PROVIDER_FRAMEWORK_SCHEMA_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "provider/core/attribute_path.h"
#include "provider/core/diagnostics.h"
#include "provider/values/type.h"
#include "provider/values/value.h"

namespace encore::framework {

using values::Type;
using values::Value;

// Who sets an attribute: the user (required/optional), the provider
// (computed), or the user with a provider-chosen fallback (optional+computed).
enum class Presence { kRequired, kOptional, kComputed, kOptionalComputed };

// A rule on one attribute's value. Called only with known, non-null values
// (unknowns are checked again when Terraform knows them). Adds diagnostics
// at `path`; `description` is the rule in words, for the docs.
struct ValueCheck {
  std::string description;
  std::function<void(const Value& value, const AttributePath& path,
                     Diagnostics& diags)>
      check;
};

// Two values that differ only in form (JSON whitespace, key order) are
// equal for planning: the prior value is kept, so no diff shows.
using SemanticEquality = std::function<bool(const Value& a, const Value& b)>;

struct Attribute {
  Attribute(std::string name, Type type)
      : name(std::move(name)), type(std::move(type)) {}

  std::string name;
  Type type;
  Presence presence = Presence::kOptional;
  std::string description;  // Markdown, one or two sentences
  bool sensitive = false;
  bool write_only = false;
  // A change of this attribute replaces the resource.
  bool requires_replace = false;
  // Computed: keep the prior state's value when the resource changes
  // (identifiers, creation facts), instead of planning it unknown.
  bool use_state_for_unknown = false;
  // Optional+computed: the value planned when the config leaves it null.
  std::optional<Value> default_value;
  std::vector<ValueCheck> checks;
  SemanticEquality semantically_equal;  // empty: structural equality
  std::string deprecation;              // non-empty: deprecated, and why

  Attribute& Required() { presence = Presence::kRequired; return *this; }
  Attribute& Optional() { presence = Presence::kOptional; return *this; }
  Attribute& Computed() { presence = Presence::kComputed; return *this; }
  Attribute& OptionalComputed() {
    presence = Presence::kOptionalComputed;
    return *this;
  }
  Attribute& Sensitive() { sensitive = true; return *this; }
  Attribute& WriteOnly() { write_only = true; return *this; }
  Attribute& RequiresReplace() { requires_replace = true; return *this; }
  Attribute& UseStateForUnknown() { use_state_for_unknown = true; return *this; }
  // Sets presence to optional+computed and the default.
  Attribute& Default(Value v) {
    presence = Presence::kOptionalComputed;
    default_value = std::move(v);
    return *this;
  }
  Attribute& Check(ValueCheck c) { checks.push_back(std::move(c)); return *this; }
  Attribute& SemanticallyEqual(SemanticEquality eq) {
    semantically_equal = std::move(eq);
    return *this;
  }
  Attribute& Doc(std::string d) { description = std::move(d); return *this; }
  Attribute& Deprecated(std::string why) {
    deprecation = std::move(why);
    return *this;
  }

  bool is_required() const { return presence == Presence::kRequired; }
  bool is_optional() const {
    return presence == Presence::kOptional ||
           presence == Presence::kOptionalComputed;
  }
  bool is_computed() const {
    return presence == Presence::kComputed ||
           presence == Presence::kOptionalComputed;
  }
};

// How a nested block repeats (Terraform's NestingMode).
enum class Nesting { kSingle, kList, kSet, kMap, kGroup };

struct NestedBlock;

struct Block {
  std::vector<Attribute> attributes;
  std::vector<NestedBlock> blocks;
  std::string description;  // Markdown
  std::string deprecation;

  Block& Add(Attribute a) { attributes.push_back(std::move(a)); return *this; }
  Block& Add(NestedBlock b);
  Block& Doc(std::string d) { description = std::move(d); return *this; }

  const Attribute* FindAttribute(std::string_view name) const;
  const NestedBlock* FindBlock(std::string_view type_name) const;
  // The object type of this block's values (PROTOCOL.md §3.5): all
  // attributes plus one attribute per nested block type.
  Type ImpliedType() const;
};

struct NestedBlock {
  NestedBlock(std::string type_name, Nesting nesting, Block block)
      : type_name(std::move(type_name)),
        nesting(nesting),
        block(std::move(block)) {}

  std::string type_name;
  Nesting nesting;
  Block block;
  int64_t min_items = 0;  // list/set only; single blocks: 0 or 1 (required)
  int64_t max_items = 0;  // 0: no limit
  bool requires_replace = false;

  NestedBlock& MinItems(int64_t n) { min_items = n; return *this; }
  NestedBlock& MaxItems(int64_t n) { max_items = n; return *this; }
  NestedBlock& RequiresReplace() { requires_replace = true; return *this; }

  // The type of this block type's slot in the parent object.
  Type ImpliedType() const;
};

struct Schema {
  int64_t version = 0;
  Block block;
};

// Shorthand constructors for the common attribute types.
inline Attribute StringAttr(std::string name) {
  return Attribute(std::move(name), Type::String());
}
inline Attribute NumberAttr(std::string name) {
  return Attribute(std::move(name), Type::Number());
}
inline Attribute BoolAttr(std::string name) {
  return Attribute(std::move(name), Type::Bool());
}

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_SCHEMA_H_
