#include "provider/protocol/provider_service.h"

#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <vector>

#include "provider/core/log.h"
#include "provider/protocol/convert.h"

namespace encore::protocol {
namespace {

using values::Type;
using values::Value;

// Logs one DEBUG line when the rpc returns: rpc, type, duration and the
// number of diagnostics. Never logs values (they may be sensitive).
class RpcLog {
 public:
  RpcLog(const char* rpc, std::string type_name)
      : rpc_(rpc),
        type_name_(std::move(type_name)),
        start_(std::chrono::steady_clock::now()) {
    if (log::Enabled(log::Level::kTrace)) {
      log::Trace("rpc start", {{"rpc", rpc_}, {"type_name", type_name_}});
    }
  }
  ~RpcLog() {
    if (!log::Enabled(log::Level::kDebug)) return;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start_)
                  .count();
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", static_cast<double>(us) / 1000.0);
    log::Fields f{
        {"rpc", rpc_}, {"type_name", type_name_}, {"duration_ms", ms}};
    if (diags_ >= 0) {
      f.emplace_back("diagnostics", std::to_string(diags_));
      f.emplace_back("errors", std::to_string(errors_));
    }
    log::Debug("rpc done", f);
  }
  void Diags(
      const google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>& diags) {
    diags_ = diags.size();
    errors_ = 0;
    for (const auto& d : diags) {
      if (d.severity() == tfplugin6::Diagnostic::ERROR) ++errors_;
    }
  }

 private:
  const char* rpc_;
  std::string type_name_;
  std::chrono::steady_clock::time_point start_;
  int diags_ = -1;
  int errors_ = 0;
};

// Looks `type_name` up in `types`; adds nothing (the server's Find* adds
// the diagnostic naming what exists).
const Type* FindType(const std::map<std::string, Type>& types,
                     const std::string& type_name) {
  auto it = types.find(type_name);
  return it == types.end() ? nullptr : &it->second;
}

void SetTimestamp(const framework::TimePoint& t,
                  google::protobuf::Timestamp* out) {
  auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch())
          .count();
  int64_t secs = ns / 1000000000;
  int64_t rem = ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    secs -= 1;
  }
  out->set_seconds(secs);
  out->set_nanos(static_cast<int32_t>(rem));
}

std::optional<std::string> OptionalBytes(bool has, const std::string& bytes) {
  if (!has) return std::nullopt;
  return bytes;
}

}  // namespace

ProviderService::ProviderService(
    std::shared_future<framework::ProviderServer*> server, Capture capture)
    : server_future_(std::move(server)), capture_(std::move(capture)) {}

ProviderService::ProviderService(framework::ProviderServer& server,
                                 Capture capture)
    : capture_(std::move(capture)) {
  std::promise<framework::ProviderServer*> p;
  p.set_value(&server);
  server_future_ = p.get_future().share();
}

const ProviderService::Ready& ProviderService::Get() {
  std::call_once(ready_once_, [this] {
    framework::ProviderServer* server = server_future_.get();
    ready_.server = server;
    ready_.provider_name = server->provider().type_name();
    ready_.provider_type = server->provider().schema().block.ImpliedType();
    for (const auto& [name, r] : server->resources()) {
      ready_.resource_types.emplace(name, r->schema().block.ImpliedType());
    }
    for (const auto& [name, d] : server->data_sources()) {
      ready_.data_source_types.emplace(name, d->schema().block.ImpliedType());
    }
    for (const auto& [name, e] : server->ephemeral_resources()) {
      ready_.ephemeral_types.emplace(name, e->schema().block.ImpliedType());
    }
  });
  return ready_;
}

std::optional<Value> ProviderService::Decode(
    std::string_view rpc, const std::string& type_name, std::string_view field,
    const tfplugin6::DynamicValue& dv, const Type& type, Diagnostics& diags) {
  if (capture_.enabled()) {
    if (!dv.msgpack().empty()) {
      capture_.Record(rpc, type_name, field, dv.msgpack(), type.ToJson());
    } else if (!dv.json().empty()) {
      capture_.Record(rpc, type_name, field, dv.json(), type.ToJson(), true);
    }
  }
  return DecodeDynamicValue(dv, type, field, diags);
}

grpc::Status ProviderService::GetMetadata(
    grpc::ServerContext*, const tfplugin6::GetMetadataMsg_Request*,
    tfplugin6::GetMetadataMsg_Response* resp) {
  const Ready& st = Get();
  RpcLog rpc_log("GetMetadata", "");
  resp->mutable_server_capabilities();
  for (const auto& [name, r] : st.server->resources()) {
    resp->add_resources()->set_type_name(name);
  }
  for (const auto& [name, d] : st.server->data_sources()) {
    resp->add_data_sources()->set_type_name(name);
  }
  for (const auto& [name, e] : st.server->ephemeral_resources()) {
    resp->add_ephemeral_resources()->set_type_name(name);
  }
  for (const auto& [name, f] : st.server->functions()) {
    resp->add_functions()->set_name(name);
  }
  return grpc::Status::OK;
}

grpc::Status ProviderService::GetProviderSchema(
    grpc::ServerContext*, const tfplugin6::GetProviderSchema_Request*,
    tfplugin6::GetProviderSchema_Response* resp) {
  const Ready& st = Get();
  RpcLog rpc_log("GetProviderSchema", "");
  ToProto(st.server->provider().schema(), resp->mutable_provider());
  auto* resources = resp->mutable_resource_schemas();
  for (const auto& [name, r] : st.server->resources()) {
    ToProto(r->schema(), &(*resources)[name]);
  }
  auto* data_sources = resp->mutable_data_source_schemas();
  for (const auto& [name, d] : st.server->data_sources()) {
    ToProto(d->schema(), &(*data_sources)[name]);
  }
  auto* ephemeral = resp->mutable_ephemeral_resource_schemas();
  for (const auto& [name, e] : st.server->ephemeral_resources()) {
    ToProto(e->schema(), &(*ephemeral)[name]);
  }
  auto* functions = resp->mutable_functions();
  for (const auto& [name, f] : st.server->functions()) {
    ToProto(f->signature(), &(*functions)[name]);
  }
  auto* caps = resp->mutable_server_capabilities();
  caps->set_plan_destroy(false);
  caps->set_get_provider_schema_optional(false);
  caps->set_move_resource_state(false);
  return grpc::Status::OK;
}

grpc::Status ProviderService::ValidateProviderConfig(
    grpc::ServerContext*, const tfplugin6::ValidateProviderConfig_Request* req,
    tfplugin6::ValidateProviderConfig_Response* resp) {
  const Ready& st = Get();
  RpcLog rpc_log("ValidateProviderConfig", "");
  Diagnostics diags;
  if (auto config = Decode("ValidateProviderConfig", st.provider_name, "config",
                           req->config(), st.provider_type, diags)) {
    diags.Append(st.server->ValidateProviderConfig(*config));
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::ConfigureProvider(
    grpc::ServerContext*, const tfplugin6::ConfigureProvider_Request* req,
    tfplugin6::ConfigureProvider_Response* resp) {
  const Ready& st = Get();
  RpcLog rpc_log("ConfigureProvider", "");
  Diagnostics diags;
  if (auto config = Decode("ConfigureProvider", st.provider_name, "config",
                           req->config(), st.provider_type, diags)) {
    diags.Append(
        st.server->ConfigureProvider(*config, req->terraform_version(),
                                     FromProto(req->client_capabilities())));
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::ValidateResourceConfig(
    grpc::ServerContext*, const tfplugin6::ValidateResourceConfig_Request* req,
    tfplugin6::ValidateResourceConfig_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("ValidateResourceConfig", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.resource_types, type_name);
  if (type == nullptr) {
    st.server->FindResource(type_name, diags);
  } else if (auto config = Decode("ValidateResourceConfig", type_name, "config",
                                  req->config(), *type, diags)) {
    diags.Append(st.server->ValidateResourceConfig(
        type_name, *config, FromProto(req->client_capabilities())));
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::ValidateDataResourceConfig(
    grpc::ServerContext*,
    const tfplugin6::ValidateDataResourceConfig_Request* req,
    tfplugin6::ValidateDataResourceConfig_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("ValidateDataResourceConfig", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.data_source_types, type_name);
  if (type == nullptr) {
    st.server->FindDataSource(type_name, diags);
  } else if (auto config = Decode("ValidateDataResourceConfig", type_name,
                                  "config", req->config(), *type, diags)) {
    diags.Append(st.server->ValidateDataSourceConfig(type_name, *config));
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::ValidateEphemeralResourceConfig(
    grpc::ServerContext*,
    const tfplugin6::ValidateEphemeralResourceConfig_Request* req,
    tfplugin6::ValidateEphemeralResourceConfig_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("ValidateEphemeralResourceConfig", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.ephemeral_types, type_name);
  if (type == nullptr) {
    st.server->FindEphemeralResource(type_name, diags);
  } else if (auto config = Decode("ValidateEphemeralResourceConfig", type_name,
                                  "config", req->config(), *type, diags)) {
    diags.Append(
        st.server->ValidateEphemeralResourceConfig(type_name, *config));
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::UpgradeResourceState(
    grpc::ServerContext*, const tfplugin6::UpgradeResourceState_Request* req,
    tfplugin6::UpgradeResourceState_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("UpgradeResourceState", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.resource_types, type_name);
  const tfplugin6::RawState& raw = req->raw_state();
  if (type == nullptr) {
    st.server->FindResource(type_name, diags);
  } else if (raw.json().empty()) {
    if (!raw.flatmap().empty()) {
      diags.AddError(
          "Unsupported state format",
          "The state of this " + type_name +
              " resource is in the flatmap format of Terraform 0.11 and "
              "older, which terraform-provider-encore does not read. Remove "
              "the resource from state (terraform state rm) and import it "
              "again.");
    } else {
      diags.AddError("Empty resource state",
                     "Terraform sent no stored state to upgrade for this " +
                         type_name + " resource.");
    }
  } else {
    if (capture_.enabled()) {
      capture_.Record("UpgradeResourceState", type_name, "raw_state",
                      raw.json(), type->ToJson(), /*is_json=*/true);
    }
    framework::UpgradeResponse r =
        st.server->UpgradeResourceState(type_name, req->version(), raw.json());
    diags.Append(r.diags);
    if (!r.diags.HasError()) {
      EncodeDynamicValue(r.upgraded_state, *type,
                         resp->mutable_upgraded_state());
    }
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::ReadResource(
    grpc::ServerContext*, const tfplugin6::ReadResource_Request* req,
    tfplugin6::ReadResource_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("ReadResource", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.resource_types, type_name);
  if (type == nullptr) {
    st.server->FindResource(type_name, diags);
  } else if (auto current = Decode("ReadResource", type_name, "current_state",
                                   req->current_state(), *type, diags)) {
    framework::ReadResponse r =
        st.server->ReadResource(type_name, *current, req->private_(),
                                FromProto(req->client_capabilities()));
    diags.Append(r.diags);
    if (r.diags.HasError()) {
      // Keep what Terraform has: echo the current state back.
      *resp->mutable_new_state() = req->current_state();
      resp->set_private_(req->private_());
    } else {
      EncodeDynamicValue(r.new_state, *type, resp->mutable_new_state());
      resp->set_private_(r.private_data);
    }
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::PlanResourceChange(
    grpc::ServerContext*, const tfplugin6::PlanResourceChange_Request* req,
    tfplugin6::PlanResourceChange_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("PlanResourceChange", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.resource_types, type_name);
  if (type == nullptr) {
    st.server->FindResource(type_name, diags);
  } else {
    constexpr const char* kRpc = "PlanResourceChange";
    auto prior = Decode(kRpc, type_name, "prior_state", req->prior_state(),
                        *type, diags);
    auto proposed = Decode(kRpc, type_name, "proposed_new_state",
                           req->proposed_new_state(), *type, diags);
    auto config =
        Decode(kRpc, type_name, "config", req->config(), *type, diags);
    if (prior && proposed && config) {
      framework::PlanResponse r = st.server->PlanResourceChange(
          type_name, *prior, *proposed, *config, req->prior_private(),
          FromProto(req->client_capabilities()));
      diags.Append(r.diags);
      EncodeDynamicValue(r.planned_state, *type, resp->mutable_planned_state());
      for (const AttributePath& p : r.requires_replace) {
        ToProto(p, resp->add_requires_replace());
      }
      resp->set_planned_private(r.planned_private);
    }
  }
  resp->set_legacy_type_system(false);
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::ApplyResourceChange(
    grpc::ServerContext*, const tfplugin6::ApplyResourceChange_Request* req,
    tfplugin6::ApplyResourceChange_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("ApplyResourceChange", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.resource_types, type_name);
  if (type == nullptr) {
    st.server->FindResource(type_name, diags);
  } else {
    constexpr const char* kRpc = "ApplyResourceChange";
    auto prior = Decode(kRpc, type_name, "prior_state", req->prior_state(),
                        *type, diags);
    auto planned = Decode(kRpc, type_name, "planned_state",
                          req->planned_state(), *type, diags);
    auto config =
        Decode(kRpc, type_name, "config", req->config(), *type, diags);
    if (prior && planned && config) {
      framework::ApplyResponse r = st.server->ApplyResourceChange(
          type_name, *prior, *planned, *config, req->planned_private());
      diags.Append(r.diags);
      if (r.diags.HasError() && r.new_state.IsNull() &&
          r.new_state.type().IsDynamic()) {
        // Failed without saying what exists: the object is as it was.
        *resp->mutable_new_state() = req->prior_state();
        resp->set_private_(req->planned_private());
      } else {
        EncodeDynamicValue(r.new_state, *type, resp->mutable_new_state());
        resp->set_private_(r.private_data);
      }
    } else {
      // Nothing was done: the object is as it was.
      *resp->mutable_new_state() = req->prior_state();
    }
  }
  resp->set_legacy_type_system(false);
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::ImportResourceState(
    grpc::ServerContext*, const tfplugin6::ImportResourceState_Request* req,
    tfplugin6::ImportResourceState_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("ImportResourceState", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.resource_types, type_name);
  if (type == nullptr) {
    st.server->FindResource(type_name, diags);
  } else {
    framework::ImportResponse r = st.server->ImportResourceState(
        type_name, req->id(), FromProto(req->client_capabilities()));
    diags.Append(r.diags);
    if (!r.diags.HasError()) {
      auto* imported = resp->add_imported_resources();
      imported->set_type_name(type_name);
      EncodeDynamicValue(r.state, *type, imported->mutable_state());
      imported->set_private_(r.private_data);
    }
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::MoveResourceState(
    grpc::ServerContext*, const tfplugin6::MoveResourceState_Request* req,
    tfplugin6::MoveResourceState_Response* resp) {
  Get();  // waits for the provider, like every rpc
  RpcLog rpc_log("MoveResourceState", req->target_type_name());
  Diagnostics diags;
  diags.AddError(
      "Moving resource state is not supported",
      "terraform-provider-encore cannot move state from a \"" +
          req->source_type_name() + "\" resource (provider " +
          req->source_provider_address() + ") to \"" + req->target_type_name() +
          "\": moving from another resource type is not supported. Remove "
          "the old resource from state (terraform state rm) and import the "
          "new one instead.");
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::ReadDataSource(
    grpc::ServerContext*, const tfplugin6::ReadDataSource_Request* req,
    tfplugin6::ReadDataSource_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("ReadDataSource", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.data_source_types, type_name);
  if (type == nullptr) {
    st.server->FindDataSource(type_name, diags);
  } else if (auto config = Decode("ReadDataSource", type_name, "config",
                                  req->config(), *type, diags)) {
    framework::DataReadResponse r = st.server->ReadDataSource(
        type_name, *config, FromProto(req->client_capabilities()));
    diags.Append(r.diags);
    if (!r.diags.HasError()) {
      EncodeDynamicValue(r.state, *type, resp->mutable_state());
    }
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::GetFunctions(
    grpc::ServerContext*, const tfplugin6::GetFunctions_Request*,
    tfplugin6::GetFunctions_Response* resp) {
  const Ready& st = Get();
  RpcLog rpc_log("GetFunctions", "");
  auto* functions = resp->mutable_functions();
  for (const auto& [name, f] : st.server->functions()) {
    ToProto(f->signature(), &(*functions)[name]);
  }
  return grpc::Status::OK;
}

grpc::Status ProviderService::CallFunction(
    grpc::ServerContext*, const tfplugin6::CallFunction_Request* req,
    tfplugin6::CallFunction_Response* resp) {
  const Ready& st = Get();
  const std::string& name = req->name();
  RpcLog rpc_log("CallFunction", name);
  const framework::Function* f = st.server->FindFunction(name);
  std::vector<Value> args;
  if (f != nullptr) {
    const framework::FunctionSignature& sig = f->signature();
    const size_t n = sig.parameters.size();
    for (int i = 0; i < req->arguments_size(); ++i) {
      const size_t idx = static_cast<size_t>(i);
      const framework::FunctionParameter* p =
          idx < n ? &sig.parameters[idx]
                  : (sig.variadic ? &*sig.variadic : nullptr);
      if (p == nullptr) {
        // Too many arguments: the server reports the count.
        args.emplace_back();
        continue;
      }
      Diagnostics diags;
      auto v = Decode("CallFunction", name, "argument" + std::to_string(i),
                      req->arguments(i), p->type, diags);
      if (!v) {
        auto* err = resp->mutable_error();
        err->set_text("argument " + std::to_string(i + 1) + " (" + p->name +
                      ") of " + name + " could not be decoded as " +
                      p->type.FriendlyName() + ": " +
                      (diags.empty() ? std::string("invalid value")
                                     : diags.items().front().detail));
        err->set_function_argument(i);
        return grpc::Status::OK;
      }
      args.push_back(std::move(*v));
    }
  }
  framework::FunctionResult r = st.server->CallFunction(name, args);
  if (r.error) {
    auto* err = resp->mutable_error();
    err->set_text(r.error->text);
    if (r.error->argument) err->set_function_argument(*r.error->argument);
  } else if (f != nullptr) {
    EncodeDynamicValue(r.value, f->signature().return_type,
                       resp->mutable_result());
  }
  return grpc::Status::OK;
}

grpc::Status ProviderService::OpenEphemeralResource(
    grpc::ServerContext*, const tfplugin6::OpenEphemeralResource_Request* req,
    tfplugin6::OpenEphemeralResource_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("OpenEphemeralResource", type_name);
  Diagnostics diags;
  const Type* type = FindType(st.ephemeral_types, type_name);
  if (type == nullptr) {
    st.server->FindEphemeralResource(type_name, diags);
  } else if (auto config = Decode("OpenEphemeralResource", type_name, "config",
                                  req->config(), *type, diags)) {
    framework::OpenResponse r = st.server->OpenEphemeralResource(
        type_name, *config, FromProto(req->client_capabilities()));
    diags.Append(r.diags);
    if (!r.diags.HasError()) {
      EncodeDynamicValue(r.result, *type, resp->mutable_result());
      if (r.renew_at) SetTimestamp(*r.renew_at, resp->mutable_renew_at());
      if (r.private_data) resp->set_private_(*r.private_data);
    }
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::RenewEphemeralResource(
    grpc::ServerContext*, const tfplugin6::RenewEphemeralResource_Request* req,
    tfplugin6::RenewEphemeralResource_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("RenewEphemeralResource", type_name);
  Diagnostics diags;
  if (FindType(st.ephemeral_types, type_name) == nullptr) {
    st.server->FindEphemeralResource(type_name, diags);
  } else {
    framework::RenewResponse r = st.server->RenewEphemeralResource(
        type_name, OptionalBytes(req->has_private_(), req->private_()));
    diags.Append(r.diags);
    if (r.renew_at) SetTimestamp(*r.renew_at, resp->mutable_renew_at());
    if (r.private_data) resp->set_private_(*r.private_data);
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::CloseEphemeralResource(
    grpc::ServerContext*, const tfplugin6::CloseEphemeralResource_Request* req,
    tfplugin6::CloseEphemeralResource_Response* resp) {
  const Ready& st = Get();
  const std::string& type_name = req->type_name();
  RpcLog rpc_log("CloseEphemeralResource", type_name);
  Diagnostics diags;
  if (FindType(st.ephemeral_types, type_name) == nullptr) {
    st.server->FindEphemeralResource(type_name, diags);
  } else {
    framework::CloseResponse r = st.server->CloseEphemeralResource(
        type_name, OptionalBytes(req->has_private_(), req->private_()));
    diags.Append(r.diags);
  }
  ToProto(diags, resp->mutable_diagnostics());
  rpc_log.Diags(resp->diagnostics());
  return grpc::Status::OK;
}

grpc::Status ProviderService::StopProvider(
    grpc::ServerContext*, const tfplugin6::StopProvider_Request*,
    tfplugin6::StopProvider_Response* resp) {
  const Ready& st = Get();
  RpcLog rpc_log("StopProvider", "");
  log::Info("StopProvider: cancelling in-flight work");
  st.server->Stop();
  resp->set_error("");
  return grpc::Status::OK;
}

}  // namespace encore::protocol
