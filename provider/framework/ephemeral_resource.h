// EphemeralResource: one Terraform ephemeral resource type (Terraform >=
// 1.10). Its result never reaches plan or state. Open returns the result,
// an optional renewal time and private bytes Terraform hands back to Renew
// and Close.
#ifndef ENCORE_PROVIDER_FRAMEWORK_EPHEMERAL_RESOURCE_H_
#define ENCORE_PROVIDER_FRAMEWORK_EPHEMERAL_RESOURCE_H_

#include <chrono>
#include <optional>
#include <string>

#include "provider/core/diagnostics.h"
#include "provider/framework/call_context.h"
#include "provider/framework/schema.h"

namespace encore::framework {

using TimePoint = std::chrono::system_clock::time_point;

struct OpenRequest {
  const CallContext& ctx;
  const Value& config;
};
struct OpenResponse {
  Value result;
  std::optional<TimePoint> renew_at;
  std::optional<std::string> private_data;
  Diagnostics diags;
};
struct RenewRequest {
  const CallContext& ctx;
  const std::optional<std::string>& private_data;
};
struct RenewResponse {
  std::optional<TimePoint> renew_at;
  std::optional<std::string> private_data;
  Diagnostics diags;
};
struct CloseRequest {
  const CallContext& ctx;
  const std::optional<std::string>& private_data;
};
struct CloseResponse {
  Diagnostics diags;
};

class EphemeralResource {
 public:
  virtual ~EphemeralResource() = default;
  virtual std::string type_name() const = 0;
  virtual const Schema& schema() const = 0;
  virtual void ValidateConfig(const CallContext& ctx, const Value& config,
                              Diagnostics& diags) const {}
  // Defaults answer with an error saying the feature is not available yet.
  virtual void Open(const OpenRequest& req, OpenResponse& resp) const;
  virtual void Renew(const RenewRequest& req, RenewResponse& resp) const;
  virtual void Close(const CloseRequest& req, CloseResponse& resp) const;
};

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_EPHEMERAL_RESOURCE_H_
