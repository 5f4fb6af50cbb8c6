#include "provider/protocol/convert.h"

#include <string>
#include <type_traits>
#include <variant>

#include "provider/values/json_codec.h"
#include "provider/values/msgpack_codec.h"

namespace encore::protocol {

using framework::Nesting;
using framework::Presence;

void ToProto(const framework::Schema& schema, tfplugin6::Schema* out) {
  out->set_version(schema.version);
  ToProto(schema.block, out->mutable_block());
}

void ToProto(const framework::Block& block, tfplugin6::Schema_Block* out) {
  out->set_version(0);
  for (const framework::Attribute& a : block.attributes) {
    ToProto(a, out->add_attributes());
  }
  for (const framework::NestedBlock& b : block.blocks) {
    ToProto(b, out->add_block_types());
  }
  out->set_description(block.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
  out->set_deprecated(!block.deprecation.empty());
}

void ToProto(const framework::Attribute& attr,
             tfplugin6::Schema_Attribute* out) {
  out->set_name(attr.name);
  out->set_type(attr.type.ToJson());
  out->set_description(attr.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
  switch (attr.presence) {
    case Presence::kRequired:
      out->set_required(true);
      break;
    case Presence::kOptional:
      out->set_optional(true);
      break;
    case Presence::kComputed:
      out->set_computed(true);
      break;
    case Presence::kOptionalComputed:
      out->set_optional(true);
      out->set_computed(true);
      break;
  }
  out->set_sensitive(attr.sensitive);
  out->set_write_only(attr.write_only);
  out->set_deprecated(!attr.deprecation.empty());
}

void ToProto(const framework::NestedBlock& block,
             tfplugin6::Schema_NestedBlock* out) {
  out->set_type_name(block.type_name);
  ToProto(block.block, out->mutable_block());
  int64_t min = 0, max = 0;
  switch (block.nesting) {
    case Nesting::kSingle:
      out->set_nesting(tfplugin6::Schema_NestedBlock::SINGLE);
      // Terraform: min == max ∈ {0, 1}.
      min = max = block.min_items >= 1 ? 1 : 0;
      break;
    case Nesting::kGroup:
      out->set_nesting(tfplugin6::Schema_NestedBlock::GROUP);
      break;
    case Nesting::kMap:
      out->set_nesting(tfplugin6::Schema_NestedBlock::MAP);
      break;
    case Nesting::kList:
      out->set_nesting(tfplugin6::Schema_NestedBlock::LIST);
      min = block.min_items;
      max = block.max_items;
      break;
    case Nesting::kSet:
      out->set_nesting(tfplugin6::Schema_NestedBlock::SET);
      min = block.min_items;
      max = block.max_items;
      break;
  }
  out->set_min_items(min);
  out->set_max_items(max);
}

namespace {

void ParamToProto(const framework::FunctionParameter& p,
                  tfplugin6::Function_Parameter* out) {
  out->set_name(p.name);
  out->set_type(p.type.ToJson());
  out->set_allow_null_value(p.allow_null);
  out->set_allow_unknown_values(p.allow_unknown);
  out->set_description(p.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
}

}  // namespace

void ToProto(const framework::FunctionSignature& sig,
             tfplugin6::Function* out) {
  for (const auto& p : sig.parameters) ParamToProto(p, out->add_parameters());
  if (sig.variadic) {
    ParamToProto(*sig.variadic, out->mutable_variadic_parameter());
  }
  out->mutable_return_()->set_type(sig.return_type.ToJson());
  out->set_summary(sig.summary);
  out->set_description(sig.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
}

void ToProto(const AttributePath& path, tfplugin6::AttributePath* out) {
  for (const PathStep& step : path.steps()) {
    tfplugin6::AttributePath_Step* s = out->add_steps();
    std::visit(
        [s](const auto& st) {
          using T = std::decay_t<decltype(st)>;
          if constexpr (std::is_same_v<T, AttributeStep>) {
            s->set_attribute_name(st.name);
          } else if constexpr (std::is_same_v<T, KeyStep>) {
            s->set_element_key_string(st.key);
          } else {
            s->set_element_key_int(st.index);
          }
        },
        step);
  }
}

AttributePath FromProto(const tfplugin6::AttributePath& path) {
  AttributePath out;
  for (const auto& s : path.steps()) {
    switch (s.selector_case()) {
      case tfplugin6::AttributePath_Step::kAttributeName:
        out = out.Attr(s.attribute_name());
        break;
      case tfplugin6::AttributePath_Step::kElementKeyString:
        out = out.Key(s.element_key_string());
        break;
      case tfplugin6::AttributePath_Step::kElementKeyInt:
        out = out.Index(s.element_key_int());
        break;
      default:
        break;
    }
  }
  return out;
}

void ToProto(const Diagnostic& diag, tfplugin6::Diagnostic* out) {
  out->set_severity(diag.severity == Severity::kError
                        ? tfplugin6::Diagnostic::ERROR
                        : tfplugin6::Diagnostic::WARNING);
  out->set_summary(diag.summary);
  out->set_detail(diag.detail);
  if (diag.path && !diag.path->empty()) {
    ToProto(*diag.path, out->mutable_attribute());
  }
}

void ToProto(const Diagnostics& diags,
             google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out) {
  for (const Diagnostic& d : diags) ToProto(d, out->Add());
}

framework::ClientCapabilities FromProto(
    const tfplugin6::ClientCapabilities& caps) {
  framework::ClientCapabilities out;
  out.deferral_allowed = caps.deferral_allowed();
  out.write_only_attributes_allowed = caps.write_only_attributes_allowed();
  return out;
}

std::optional<values::Value> DecodeDynamicValue(
    const tfplugin6::DynamicValue& dv, const values::Type& type,
    std::string_view field, Diagnostics& diags) {
  if (!dv.msgpack().empty()) {
    StatusOr<values::Value> v = values::DecodeMsgpack(dv.msgpack(), type);
    if (v.ok()) return std::move(v).value();
    diags.AddError("Invalid value for " + std::string(field),
                   "The provider could not decode the msgpack value Terraform "
                   "sent in \"" +
                       std::string(field) + "\": " + v.status().message() +
                       ". This is a bug in the provider or in Terraform; "
                       "please report it.");
    return std::nullopt;
  }
  if (!dv.json().empty()) {
    StatusOr<values::Value> v = values::DecodeJson(dv.json(), type);
    if (v.ok()) return std::move(v).value();
    diags.AddError("Invalid value for " + std::string(field),
                   "The provider could not decode the JSON value Terraform "
                   "sent in \"" +
                       std::string(field) + "\": " + v.status().message() +
                       ". This is a bug in the provider or in Terraform; "
                       "please report it.");
    return std::nullopt;
  }
  return values::Value::Null(type);
}

void EncodeDynamicValue(const values::Value& value, const values::Type& type,
                        tfplugin6::DynamicValue* out) {
  out->set_msgpack(values::EncodeMsgpack(value, type));
}

}  // namespace encore::protocol
