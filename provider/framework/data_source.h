// DataSource: one Terraform data source type. Declares its schema once; the
// framework validates the config from it; Read returns the whole object,
// wholly known.
#ifndef ENCORE_PROVIDER_FRAMEWORK_DATA_SOURCE_H_
#define ENCORE_PROVIDER_FRAMEWORK_DATA_SOURCE_H_

#include <string>

#include "provider/core/diagnostics.h"
#include "provider/framework/call_context.h"
#include "provider/framework/schema.h"

namespace encore::framework {

struct DataReadRequest {
  const CallContext& ctx;
  const Value& config;
};
struct DataReadResponse {
  Value state;
  Diagnostics diags;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual std::string type_name() const = 0;
  virtual const Schema& schema() const = 0;
  virtual void ValidateConfig(const CallContext& ctx, const Value& config,
                              Diagnostics& diags) const {}
  // The default answers with an error saying reads are not available yet.
  virtual void Read(const DataReadRequest& req, DataReadResponse& resp) const;
};

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_DATA_SOURCE_H_
