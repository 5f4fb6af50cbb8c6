// Conversions between the project's own types (framework schemas, core
// diagnostics and paths, values) and tfplugin6 messages. The only place
// besides provider_service that touches tfplugin6 types.
//
// Schemas (PROTOCOL.md §2.4/2.5): Attribute.type is Type::ToJson() bytes;
// descriptions are Markdown; required/optional/computed follow Presence
// (optional+computed sets both); SINGLE blocks get min = max ∈ {0, 1}, GROUP
// and MAP blocks min = max = 0, LIST/SET blocks their declared limits.
//
// Values (§3): a DynamicValue is decoded from `msgpack` if non-empty, else
// from `json` if non-empty, else it is null. A value that fails to decode
// becomes an error diagnostic naming the field; nothing here crashes or
// throws on bad input. Values are always answered in msgpack.
#ifndef ENCORE_PROVIDER_PROTOCOL_CONVERT_H_
#define ENCORE_PROVIDER_PROTOCOL_CONVERT_H_

#include <google/protobuf/repeated_ptr_field.h>

#include <optional>
#include <string_view>

#include "provider/core/attribute_path.h"
#include "provider/core/diagnostics.h"
#include "provider/framework/call_context.h"
#include "provider/framework/function.h"
#include "provider/framework/schema.h"
#include "provider/values/type.h"
#include "provider/values/value.h"
#include "tfplugin6.pb.h"

namespace encore::protocol {

void ToProto(const framework::Schema& schema, tfplugin6::Schema* out);
void ToProto(const framework::Block& block, tfplugin6::Schema_Block* out);
void ToProto(const framework::Attribute& attr,
             tfplugin6::Schema_Attribute* out);
void ToProto(const framework::NestedBlock& block,
             tfplugin6::Schema_NestedBlock* out);
void ToProto(const framework::FunctionSignature& sig, tfplugin6::Function* out);

void ToProto(const AttributePath& path, tfplugin6::AttributePath* out);
// The inverse; used for tests and symmetry.
AttributePath FromProto(const tfplugin6::AttributePath& path);
void ToProto(const Diagnostic& diag, tfplugin6::Diagnostic* out);
// Appends every diagnostic to `out`.
void ToProto(const Diagnostics& diags,
             google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out);

framework::ClientCapabilities FromProto(
    const tfplugin6::ClientCapabilities& caps);

// Decodes `dv` as `type`. On failure adds an error diagnostic that names
// `field` (e.g. "config", "prior_state") and returns nullopt.
std::optional<values::Value> DecodeDynamicValue(
    const tfplugin6::DynamicValue& dv, const values::Type& type,
    std::string_view field, Diagnostics& diags);

// Encodes `value` as msgpack of `type` into `out` (json left empty).
void EncodeDynamicValue(const values::Value& value, const values::Type& type,
                        tfplugin6::DynamicValue* out);

}  // namespace encore::protocol

#endif  // ENCORE_PROVIDER_PROTOCOL_CONVERT_H_
