// Provider: the provider's own configuration schema, how it is configured,
// and the explicit list of everything it offers (house rule 2: registered
// in one list, no global registry).
#ifndef ENCORE_PROVIDER_FRAMEWORK_PROVIDER_H_
#define ENCORE_PROVIDER_FRAMEWORK_PROVIDER_H_

#include <memory>
#include <string>
#include <vector>

#include "provider/core/diagnostics.h"
#include "provider/framework/call_context.h"
#include "provider/framework/data_source.h"
#include "provider/framework/ephemeral_resource.h"
#include "provider/framework/function.h"
#include "provider/framework/resource.h"
#include "provider/framework/schema.h"

namespace encore::framework {

struct ConfigureRequest {
  const Value& config;  // may hold unknowns during plan
  const std::string& terraform_version;
  ClientCapabilities capabilities;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string type_name() const = 0;  // "encore"
  virtual const Schema& schema() const = 0;
  virtual void ValidateConfig(const Value& config, Diagnostics& diags) const {}
  // Returns what resources need (null with an error diagnostic on failure).
  virtual std::shared_ptr<const ConfiguredProvider> Configure(
      const ConfigureRequest& req, Diagnostics& diags) const = 0;

  virtual std::vector<std::unique_ptr<Resource>> Resources() const = 0;
  virtual std::vector<std::unique_ptr<DataSource>> DataSources() const = 0;
  virtual std::vector<std::unique_ptr<EphemeralResource>> EphemeralResources()
      const = 0;
  virtual std::vector<std::unique_ptr<Function>> Functions() const = 0;
};

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_PROVIDER_H_
