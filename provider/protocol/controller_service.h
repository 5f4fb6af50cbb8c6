// ControllerService: go-plugin's plugin.GRPCController. Terraform calls
// Shutdown at the end of every walk and then waits up to 2 s for the
// process to exit (PROTOCOL.md §1.6/§1.7). Shutdown replies at once and
// calls `on_shutdown`, which must only signal another thread (the plugin
// server then stops gRPC with a short deadline, so main returns and the
// process exits 0).
#ifndef ENCORE_PROVIDER_PROTOCOL_CONTROLLER_SERVICE_H_
#define ENCORE_PROVIDER_PROTOCOL_CONTROLLER_SERVICE_H_

#include <functional>

#include "goplugin/grpc_controller.grpc.pb.h"

namespace encore::protocol {

class ControllerService final : public plugin::GRPCController::Service {
 public:
  explicit ControllerService(std::function<void()> on_shutdown)
      : on_shutdown_(std::move(on_shutdown)) {}

  grpc::Status Shutdown(grpc::ServerContext* context,
                        const plugin::Empty* request,
                        plugin::Empty* response) override;

 private:
  std::function<void()> on_shutdown_;
};

}  // namespace encore::protocol

#endif  // ENCORE_PROVIDER_PROTOCOL_CONTROLLER_SERVICE_H_
