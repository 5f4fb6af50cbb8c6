// The Encore provider: its configuration (agent address, token, CA, default
// app and env, force_conflicts; each also from ENCORE_* environment
// variables) and the explicit list of its resources, data sources,
// ephemeral resources and functions (catalog.h).
#ifndef ENCORE_PROVIDER_ENCORE_PROVIDER_H_
#define ENCORE_PROVIDER_ENCORE_PROVIDER_H_

#include <memory>

#include "provider/framework/provider.h"

namespace encore {

// Source address registry.terraform.io/encoredev/encore.
inline constexpr char kProviderSourceAddress[] =
    "registry.terraform.io/encoredev/encore";

std::unique_ptr<framework::Provider> NewEncoreProvider();

}  // namespace encore

#endif  // ENCORE_PROVIDER_ENCORE_PROVIDER_H_
