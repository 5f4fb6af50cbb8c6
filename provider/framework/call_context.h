// CallContext: what every resource, data source, ephemeral resource and
// function call gets besides its own request: the configured provider (null
// before ConfigureProvider), Terraform's client capabilities, and the
// cancellation token StopProvider fires.
#ifndef ENCORE_PROVIDER_FRAMEWORK_CALL_CONTEXT_H_
#define ENCORE_PROVIDER_FRAMEWORK_CALL_CONTEXT_H_

#include <memory>
#include <string>

#include "provider/core/cancellation.h"

namespace encore::framework {

// What ConfigureProvider produced (the agent client and settings, in the
// Encore provider). Resources downcast to the concrete type they expect.
class ConfiguredProvider {
 public:
  virtual ~ConfiguredProvider() = default;
};

struct ClientCapabilities {
  bool deferral_allowed = false;
  bool write_only_attributes_allowed = false;
};

struct CallContext {
  std::shared_ptr<const ConfiguredProvider> provider;  // null if unconfigured
  ClientCapabilities capabilities;
  // Fired by StopProvider for the calls in flight then; never null inside
  // the server. Shared, so a call keeps its token after the server moves on.
  std::shared_ptr<CancellationToken> cancel;
  std::string terraform_version;  // "1.11.4"; empty if unknown
};

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_CALL_CONTEXT_H_
