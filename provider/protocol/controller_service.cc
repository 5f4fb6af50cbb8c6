#include "provider/protocol/controller_service.h"

#include "provider/core/log.h"

namespace encore::protocol {

grpc::Status ControllerService::Shutdown(grpc::ServerContext*,
                                         const plugin::Empty*, plugin::Empty*) {
  log::Debug("GRPCController.Shutdown: the provider will exit");
  if (on_shutdown_) on_shutdown_();
  return grpc::Status::OK;
}

}  // namespace encore::protocol
