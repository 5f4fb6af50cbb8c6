// ProviderService: the tfplugin6.Provider gRPC service. Every rpc decodes
// its request into the project's types (convert.h), calls
// framework::ProviderServer, and encodes the answer.
//
// Contract:
// - Every rpc Terraform 1.11.4 may call is answered by this class; none
//   returns a gRPC error. Problems (unknown type names, undecodable values,
//   flatmap-only state, MoveResourceState, which this provider does not
//   support) are error diagnostics, or a FunctionError for CallFunction.
// - Values are decoded with the schema's implied type (computed once, in
//   the first rpc) and answered as msgpack.
// - server_capabilities: plan_destroy, get_provider_schema_optional and
//   move_resource_state are all false.
// - StopProvider calls ProviderServer::Stop() and returns at once.
// - Each rpc logs one DEBUG line: rpc, type name, duration, diagnostics.
// - With a Capture enabled (capture.h) every received value is recorded.
// Thread-safe: gRPC calls these concurrently.
#ifndef ENCORE_PROVIDER_PROTOCOL_PROVIDER_SERVICE_H_
#define ENCORE_PROVIDER_PROTOCOL_PROVIDER_SERVICE_H_

#include <future>
#include <map>
#include <mutex>
#include <string>

#include "provider/framework/provider_server.h"
#include "provider/protocol/capture.h"
#include "provider/values/type.h"
#include "tfplugin6.grpc.pb.h"

namespace encore::protocol {

class ProviderService final : public tfplugin6::Provider::Service {
 public:
  // `server` must outlive this service. `capture` may be disabled.
  ProviderService(framework::ProviderServer& server, Capture capture);
  // The server is built elsewhere (on another thread, so the handshake
  // need not wait for the provider's construction); every rpc waits for it.
  ProviderService(std::shared_future<framework::ProviderServer*> server,
                  Capture capture);

  grpc::Status GetMetadata(grpc::ServerContext*,
                           const tfplugin6::GetMetadataMsg_Request*,
                           tfplugin6::GetMetadataMsg_Response*) override;
  grpc::Status GetProviderSchema(
      grpc::ServerContext*, const tfplugin6::GetProviderSchema_Request*,
      tfplugin6::GetProviderSchema_Response*) override;
  grpc::Status ValidateProviderConfig(
      grpc::ServerContext*, const tfplugin6::ValidateProviderConfig_Request*,
      tfplugin6::ValidateProviderConfig_Response*) override;
  grpc::Status ValidateResourceConfig(
      grpc::ServerContext*, const tfplugin6::ValidateResourceConfig_Request*,
      tfplugin6::ValidateResourceConfig_Response*) override;
  grpc::Status ValidateDataResourceConfig(
      grpc::ServerContext*,
      const tfplugin6::ValidateDataResourceConfig_Request*,
      tfplugin6::ValidateDataResourceConfig_Response*) override;
  grpc::Status UpgradeResourceState(
      grpc::ServerContext*, const tfplugin6::UpgradeResourceState_Request*,
      tfplugin6::UpgradeResourceState_Response*) override;
  grpc::Status ConfigureProvider(
      grpc::ServerContext*, const tfplugin6::ConfigureProvider_Request*,
      tfplugin6::ConfigureProvider_Response*) override;
  grpc::Status ReadResource(grpc::ServerContext*,
                            const tfplugin6::ReadResource_Request*,
                            tfplugin6::ReadResource_Response*) override;
  grpc::Status PlanResourceChange(
      grpc::ServerContext*, const tfplugin6::PlanResourceChange_Request*,
      tfplugin6::PlanResourceChange_Response*) override;
  grpc::Status ApplyResourceChange(
      grpc::ServerContext*, const tfplugin6::ApplyResourceChange_Request*,
      tfplugin6::ApplyResourceChange_Response*) override;
  grpc::Status ImportResourceState(
      grpc::ServerContext*, const tfplugin6::ImportResourceState_Request*,
      tfplugin6::ImportResourceState_Response*) override;
  grpc::Status MoveResourceState(
      grpc::ServerContext*, const tfplugin6::MoveResourceState_Request*,
      tfplugin6::MoveResourceState_Response*) override;
  grpc::Status ReadDataSource(grpc::ServerContext*,
                              const tfplugin6::ReadDataSource_Request*,
                              tfplugin6::ReadDataSource_Response*) override;
  grpc::Status GetFunctions(grpc::ServerContext*,
                            const tfplugin6::GetFunctions_Request*,
                            tfplugin6::GetFunctions_Response*) override;
  grpc::Status CallFunction(grpc::ServerContext*,
                            const tfplugin6::CallFunction_Request*,
                            tfplugin6::CallFunction_Response*) override;
  grpc::Status ValidateEphemeralResourceConfig(
      grpc::ServerContext*,
      const tfplugin6::ValidateEphemeralResourceConfig_Request*,
      tfplugin6::ValidateEphemeralResourceConfig_Response*) override;
  grpc::Status OpenEphemeralResource(
      grpc::ServerContext*, const tfplugin6::OpenEphemeralResource_Request*,
      tfplugin6::OpenEphemeralResource_Response*) override;
  grpc::Status RenewEphemeralResource(
      grpc::ServerContext*, const tfplugin6::RenewEphemeralResource_Request*,
      tfplugin6::RenewEphemeralResource_Response*) override;
  grpc::Status CloseEphemeralResource(
      grpc::ServerContext*, const tfplugin6::CloseEphemeralResource_Request*,
      tfplugin6::CloseEphemeralResource_Response*) override;
  grpc::Status StopProvider(grpc::ServerContext*,
                            const tfplugin6::StopProvider_Request*,
                            tfplugin6::StopProvider_Response*) override;

 private:
  // Decodes one received value (and records it when capturing).
  std::optional<values::Value> Decode(std::string_view rpc,
                                      const std::string& type_name,
                                      std::string_view field,
                                      const tfplugin6::DynamicValue& dv,
                                      const values::Type& type,
                                      Diagnostics& diags);

  // What every rpc needs, ready once the server is.
  struct Ready {
    framework::ProviderServer* server = nullptr;
    std::string provider_name;  // "encore": the type name in capture files
    values::Type provider_type;
    std::map<std::string, values::Type> resource_types;
    std::map<std::string, values::Type> data_source_types;
    std::map<std::string, values::Type> ephemeral_types;
  };
  // Waits for the server, then computes the implied types (once).
  const Ready& Get();

  std::shared_future<framework::ProviderServer*> server_future_;
  Capture capture_;
  std::once_flag ready_once_;
  Ready ready_;
};

}  // namespace encore::protocol

#endif  // ENCORE_PROVIDER_PROTOCOL_PROVIDER_SERVICE_H_
