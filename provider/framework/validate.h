// Config validation driven by a Block declaration: presence (required,
// read-only attributes set), nested block counts, each attribute's checks,
// write-only attributes when Terraform cannot handle them. Unknown values
// are skipped (Terraform validates again once they are known). Every
// diagnostic carries the attribute's path and says how to fix it.
#ifndef ENCORE_PROVIDER_FRAMEWORK_VALIDATE_H_
#define ENCORE_PROVIDER_FRAMEWORK_VALIDATE_H_

#include "provider/core/diagnostics.h"
#include "provider/framework/call_context.h"
#include "provider/framework/schema.h"

namespace encore::framework {

void ValidateBlock(const Block& block, const Value& config,
                   const ClientCapabilities& capabilities, Diagnostics& diags);

// Only the write-only part of ValidateBlock: an error at each write-only
// attribute set in `config` (known or unknown) when Terraform did not
// announce write_only_attributes_allowed. For PlanResourceChange, which
// must refuse such configs too without repeating the other checks.
void ValidateWriteOnly(const Block& block, const Value& config,
                       const ClientCapabilities& capabilities,
                       Diagnostics& diags);

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_VALIDATE_H_
