// Internal to provider/framework: the wording of the error a default verb
// answers with (a verb a resource does not implement yet).
#ifndef ENCORE_PROVIDER_FRAMEWORK_NOT_AVAILABLE_H_
#define ENCORE_PROVIDER_FRAMEWORK_NOT_AVAILABLE_H_

#include <string>

#include "provider/core/diagnostics.h"

namespace encore::framework::internal {

inline constexpr const char* kNeedsAgentDetail =
    "This build of terraform-provider-encore validates and plans "
    "configurations, but creating, reading and changing real objects needs "
    "encore-agent, which is not part of this build yet. Nothing was changed.";

// Adds "TYPE: VERB is not available yet" with the standard detail.
inline void AddNotAvailable(const std::string& type_name,
                            const std::string& verb, Diagnostics& diags) {
  diags.AddError(type_name + ": " + verb + " is not available yet",
                 kNeedsAgentDetail);
}

}  // namespace encore::framework::internal

#endif  // ENCORE_PROVIDER_FRAMEWORK_NOT_AVAILABLE_H_
