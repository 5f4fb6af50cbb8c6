#include "provider/framework/validate.h"

#include <string>

namespace encore::framework {
namespace {

// The attribute `name` of a known object value; null otherwise (unknown if
// `object` is unknown).
Value Get(const Value& object, const std::string& name, const Type& type) {
  if (object.IsUnknown()) return Value::Unknown(type);
  if (!object.IsKnown()) return Value::Null(type);
  auto it = object.Entries().find(name);
  if (it == object.Entries().end()) return Value::Null(type);
  return it->second;
}

std::string Plural(int64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void WriteOnlyError(const AttributePath& path, const std::string& name,
                    Diagnostics& diags) {
  diags.AddAttributeError(
      path, "Write-only argument not supported by this Terraform",
      "\"" + name +
          "\" is a write-only argument, but this version of Terraform "
          "cannot keep write-only values out of the plan and the state, so "
          "the provider refuses to store it there. Upgrade to Terraform 1.11 "
          "or later, or use the non-write-only alternative argument "
          "instead.");
}

struct Validator {
  const ClientCapabilities& caps;
  Diagnostics& diags;
  bool write_only_only;  // ValidateWriteOnly: skip every other check

  void BlockValue(const Block& block, const Value& config,
                  const AttributePath& path) {
    if (!config.IsKnown()) return;  // unknown, or an absent single block
    for (const Attribute& attr : block.attributes) {
      AttributeValue(attr, Get(config, attr.name, attr.type),
                     path.Attr(attr.name));
    }
    for (const NestedBlock& nb : block.blocks) {
      Nested(nb, Get(config, nb.type_name, nb.ImpliedType()),
             path.Attr(nb.type_name));
    }
  }

  void AttributeValue(const Attribute& attr, const Value& v,
                      const AttributePath& path) {
    if (attr.write_only && !v.IsNull() && !caps.write_only_attributes_allowed) {
      WriteOnlyError(path, attr.name, diags);
    }
    if (write_only_only) return;
    if (!attr.deprecation.empty() && !v.IsNull()) {
      diags.AddAttributeWarning(
          path, "Deprecated argument",
          "\"" + attr.name + "\" is deprecated: " + attr.deprecation);
    }
    if (attr.is_required() && v.IsNull()) {
      diags.AddAttributeError(
          path, "Missing required argument",
          "The argument \"" + attr.name +
              "\" is required, but no definition was found. Set " + attr.name +
              " = ... in this block.");
      return;
    }
    if (attr.presence == Presence::kComputed && !v.IsNull()) {
      diags.AddAttributeError(
          path, "Value for unconfigurable attribute",
          "\"" + attr.name +
              "\" is read-only: the provider sets it, so it cannot be set "
              "in the configuration. Remove it from this block (read it as " +
              "an attribute of the resource instead).");
      return;
    }
    if (!v.IsKnown()) return;  // null, or unknown until apply
    for (const ValueCheck& c : attr.checks) {
      if (c.check) c.check(v, path, diags);
    }
  }

  void CountCheck(const NestedBlock& nb, int64_t n, const AttributePath& path) {
    if (nb.min_items > 0 && n < nb.min_items) {
      diags.AddAttributeError(
          path, "Insufficient " + nb.type_name + " blocks",
          "At least " + Plural(nb.min_items, "\"" + nb.type_name + "\" block") +
              " " + (nb.min_items == 1 ? "is" : "are") + " required; found " +
              std::to_string(n) + ". Add the missing block" +
              (nb.min_items - n == 1 ? "" : "s") + ".");
    }
    if (nb.max_items > 0 && n > nb.max_items) {
      diags.AddAttributeError(
          path, "Too many " + nb.type_name + " blocks",
          "No more than " +
              Plural(nb.max_items, "\"" + nb.type_name + "\" block") + " " +
              (nb.max_items == 1 ? "is" : "are") + " allowed; found " +
              std::to_string(n) + ". Remove the extra block" +
              (n - nb.max_items == 1 ? "" : "s") + ".");
    }
  }

  void Nested(const NestedBlock& nb, const Value& v,
              const AttributePath& path) {
    if (!write_only_only && !nb.block.deprecation.empty() && v.IsKnown() &&
        (nb.nesting == Nesting::kSingle || v.Length() > 0)) {
      diags.AddAttributeWarning(
          path, "Deprecated block",
          "The \"" + nb.type_name +
              "\" block is deprecated: " + nb.block.deprecation);
    }
    switch (nb.nesting) {
      case Nesting::kSingle:
        if (v.IsNull() && nb.min_items > 0 && !write_only_only) {
          diags.AddAttributeError(
              path, "Missing required block",
              "A \"" + nb.type_name +
                  "\" block is required here, but none was found. Add a " +
                  nb.type_name + " { ... } block.");
          return;
        }
        BlockValue(nb.block, v, path);
        return;
      case Nesting::kGroup:
        BlockValue(nb.block, v, path);
        return;
      case Nesting::kList:
      case Nesting::kSet: {
        if (v.IsUnknown()) return;  // dynamic block with unknown for_each
        int64_t n = v.IsNull() ? 0 : static_cast<int64_t>(v.Length());
        if (!write_only_only) CountCheck(nb, n, path);
        if (v.IsNull()) return;
        const auto& elems = v.Elements();
        for (size_t i = 0; i < elems.size(); ++i) {
          BlockValue(nb.block, elems[i],
                     nb.nesting == Nesting::kList
                         ? path.Index(static_cast<int64_t>(i))
                         : path);
        }
        return;
      }
      case Nesting::kMap:
        if (!v.IsKnown()) return;
        for (const auto& [key, e] : v.Entries()) {
          BlockValue(nb.block, e, path.Key(key));
        }
        return;
    }
  }
};

}  // namespace

void ValidateBlock(const Block& block, const Value& config,
                   const ClientCapabilities& capabilities, Diagnostics& diags) {
  Validator{capabilities, diags, false}.BlockValue(block, config,
                                                   AttributePath());
}

void ValidateWriteOnly(const Block& block, const Value& config,
                       const ClientCapabilities& capabilities,
                       Diagnostics& diags) {
  if (capabilities.write_only_attributes_allowed) return;
  Validator{capabilities, diags, true}.BlockValue(block, config,
                                                  AttributePath());
}

}  // namespace encore::framework
