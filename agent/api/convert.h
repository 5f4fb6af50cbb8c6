// Conversions between the agent API's protobuf messages
// (schema/agent/v1/agent.proto) and the project's own records
// (model/records.h), both directions, plus Status <-> grpc::Status.
// Only agent/api includes this (house rule 1: protos stay at the border).
//
// Rules:
// - An unset sub-message (deploy, compute, compute.kubernetes, database,
//   database.existing_server) is std::nullopt, and std::nullopt is unset:
//   never an empty block.
// - proto3 `optional` fields (admin_password_wo_version, values_wo_version)
//   map to std::optional<int64_t>.
// - Roles travel as their names ("viewer", "member", "admin"); an unknown
//   name reads as viewer (the least a caller can do).
// - Status codes map one to one (kAborted <-> ABORTED, kPermissionDenied
//   <-> PERMISSION_DENIED, ...); the message travels unchanged. gRPC codes
//   with no project equivalent: UNKNOWN and DATA_LOSS read as kInternal,
//   OUT_OF_RANGE as kInvalidArgument, RESOURCE_EXHAUSTED as kUnavailable
//   (the agent is overloaded: retrying later may work).
#ifndef ENCORE_AGENT_API_CONVERT_H_
#define ENCORE_AGENT_API_CONVERT_H_

#include <grpcpp/support/status.h>

#include "agent/v1/agent.pb.h"
#include "model/records.h"
#include "provider/core/status.h"

namespace encore::agent {

namespace pb = ::encore::agent::v1;

// model -> proto (writes into *out, which is cleared first).
void ToProto(const model::App& in, pb::App* out);
void ToProto(const model::DeploySpec& in, pb::DeploySpec* out);
void ToProto(const model::ProcessGroup& in, pb::ProcessGroup* out);
void ToProto(const model::KubernetesSpec& in, pb::KubernetesSpec* out);
void ToProto(const model::ComputeSpec& in, pb::ComputeSpec* out);
void ToProto(const model::ExistingServer& in, pb::ExistingServer* out);
void ToProto(const model::DatabaseSpec& in, pb::DatabaseSpec* out);
void ToProto(const model::AdoptSpec& in, pb::AdoptSpec* out);
void ToProto(const model::EnvironmentSpec& in, pb::EnvironmentSpec* out);
void ToProto(const model::InfraItem& in, pb::InfraItem* out);
void ToProto(const model::DriftItem& in, pb::DriftItem* out);
void ToProto(const model::Environment& in, pb::Environment* out);
void ToProto(const model::PrimaryEnvironment& in, pb::PrimaryEnvironment* out);
void ToProto(const model::Secret& in, pb::Secret* out);
void ToProto(const model::InfraOverride& in, pb::InfraOverride* out);
void ToProto(const model::Operation& in, pb::Operation* out);
void ToProto(const model::ChangeSet& in, pb::ChangeSet* out);
void ToProto(const model::EnvironmentChange& in, pb::EnvironmentChange* out);
void ToProto(const model::InfraOverrideChange& in,
             pb::InfraOverrideChange* out);
void ToProto(const model::AuditEntry& in, pb::AuditEntry* out);
void ToProto(const model::AuditVerification& in, pb::VerifyAuditResponse* out);
void ToProto(const model::TokenInfo& in, pb::TokenInfo* out);
void ToProto(const model::NewToken& in, pb::CreateTokenResponse* out);

// proto -> model.
model::App FromProto(const pb::App& in);
model::DeploySpec FromProto(const pb::DeploySpec& in);
model::ProcessGroup FromProto(const pb::ProcessGroup& in);
model::KubernetesSpec FromProto(const pb::KubernetesSpec& in);
model::ComputeSpec FromProto(const pb::ComputeSpec& in);
model::ExistingServer FromProto(const pb::ExistingServer& in);
model::DatabaseSpec FromProto(const pb::DatabaseSpec& in);
model::AdoptSpec FromProto(const pb::AdoptSpec& in);
model::EnvironmentSpec FromProto(const pb::EnvironmentSpec& in);
model::InfraItem FromProto(const pb::InfraItem& in);
model::DriftItem FromProto(const pb::DriftItem& in);
model::Environment FromProto(const pb::Environment& in);
model::PrimaryEnvironment FromProto(const pb::PrimaryEnvironment& in);
model::Secret FromProto(const pb::Secret& in);
model::InfraOverride FromProto(const pb::InfraOverride& in);
model::Operation FromProto(const pb::Operation& in);
model::ChangeSet FromProto(const pb::ChangeSet& in);
model::EnvironmentChange FromProto(const pb::EnvironmentChange& in);
model::InfraOverrideChange FromProto(const pb::InfraOverrideChange& in);
model::AuditEntry FromProto(const pb::AuditEntry& in);
model::AuditVerification FromProto(const pb::VerifyAuditResponse& in);
model::TokenInfo FromProto(const pb::TokenInfo& in);
model::NewToken FromProto(const pb::CreateTokenResponse& in);

// Role by name; unknown names read as kViewer.
model::Role RoleFromName(const std::string& name);

// Status <-> grpc::Status.
grpc::Status ToGrpcStatus(const Status& status);
Status FromGrpcStatus(const grpc::Status& status);
grpc::StatusCode ToGrpcCode(StatusCode code);
StatusCode FromGrpcCode(grpc::StatusCode code);
// "OK", "ABORTED", "PERMISSION_DENIED", ... (gRPC's names; for logs).
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_API_CONVERT_H_
