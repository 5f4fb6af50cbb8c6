#include "agent/api/convert.h"

namespace encore::agent {
namespace {

template <typename Repeated>
std::vector<std::string> Strings(const Repeated& r) {
  return std::vector<std::string>(r.begin(), r.end());
}

template <typename ProtoMap>
std::map<std::string, std::string> StringMap(const ProtoMap& m) {
  return std::map<std::string, std::string>(m.begin(), m.end());
}

template <typename ProtoMap>
void PutMap(const std::map<std::string, std::string>& in, ProtoMap* out) {
  out->clear();
  for (const auto& [k, v] : in) (*out)[k] = v;
}

template <typename Repeated>
void PutStrings(const std::vector<std::string>& in, Repeated* out) {
  out->Clear();
  for (const auto& s : in) out->Add(std::string(s));
}

}  // namespace

// ---- model -> proto ----------------------------------------------------------

void ToProto(const model::App& in, pb::App* out) {
  out->Clear();
  out->set_name(in.name);
  out->set_model_json(in.model_json);
  out->set_model_hash(in.model_hash);
  PutStrings(in.services, out->mutable_services());
  out->set_version(in.version);
}

void ToProto(const model::DeploySpec& in, pb::DeploySpec* out) {
  out->Clear();
  out->set_trigger(in.trigger);
  out->set_branch(in.branch);
}

void ToProto(const model::ProcessGroup& in, pb::ProcessGroup* out) {
  out->Clear();
  out->set_name(in.name);
  PutStrings(in.services, out->mutable_services());
}

void ToProto(const model::KubernetesSpec& in, pb::KubernetesSpec* out) {
  out->Clear();
  out->set_provider(in.provider);
  out->set_cluster(in.cluster);
  out->set_cluster_name(in.cluster_name);
}

void ToProto(const model::ComputeSpec& in, pb::ComputeSpec* out) {
  out->Clear();
  out->set_platform(in.platform);
  if (in.kubernetes) ToProto(*in.kubernetes, out->mutable_kubernetes());
}

void ToProto(const model::ExistingServer& in, pb::ExistingServer* out) {
  out->Clear();
  out->set_host(in.host);
  out->set_port(in.port);
  out->set_admin_user(in.admin_user);
  out->set_admin_password(in.admin_password);
  if (in.admin_password_wo_version) {
    out->set_admin_password_wo_version(*in.admin_password_wo_version);
  }
  out->set_sslmode(in.sslmode);
  out->set_admin_password_fingerprint(in.admin_password_fingerprint);
}

void ToProto(const model::DatabaseSpec& in, pb::DatabaseSpec* out) {
  out->Clear();
  out->set_provider(in.provider);
  out->set_branch_from(in.branch_from);
  if (in.existing_server) {
    ToProto(*in.existing_server, out->mutable_existing_server());
  }
}

void ToProto(const model::AdoptSpec& in, pb::AdoptSpec* out) {
  out->Clear();
  out->set_kind(in.kind);
  out->set_name(in.name);
  out->set_policy(in.policy);
}

void ToProto(const model::EnvironmentSpec& in, pb::EnvironmentSpec* out) {
  out->Clear();
  out->set_app(in.app);
  out->set_name(in.name);
  out->set_type(in.type);
  out->set_cloud(in.cloud);
  out->set_region(in.region);
  if (in.deploy) ToProto(*in.deploy, out->mutable_deploy());
  out->set_infra_approval(in.infra_approval);
  out->set_process_allocation(in.process_allocation);
  for (const auto& g : in.process_groups) {
    ToProto(g, out->add_process_groups());
  }
  if (in.compute) ToProto(*in.compute, out->mutable_compute());
  if (in.database) ToProto(*in.database, out->mutable_database());
  for (const auto& a : in.adopt) ToProto(a, out->add_adopt());
  out->set_deletion_policy(in.deletion_policy);
}

void ToProto(const model::InfraItem& in, pb::InfraItem* out) {
  out->Clear();
  out->set_kind(in.kind);
  out->set_name(in.name);
  out->set_provider_id(in.provider_id);
  out->set_owner(in.owner);
  out->set_status(in.status);
  PutStrings(in.planned_calls, out->mutable_planned_calls());
  PutMap(in.attributes, out->mutable_attributes());
}

void ToProto(const model::DriftItem& in, pb::DriftItem* out) {
  out->Clear();
  out->set_kind(in.kind);
  out->set_name(in.name);
  out->set_attribute(in.attribute);
  out->set_expected(in.expected);
  out->set_actual(in.actual);
  out->set_classification(in.classification);
}

void ToProto(const model::Environment& in, pb::Environment* out) {
  out->Clear();
  ToProto(in.spec, out->mutable_spec());
  out->set_version(in.version);
  out->set_status(in.status);
  out->set_url(in.url);
  for (const auto& i : in.infrastructure) ToProto(i, out->add_infrastructure());
  out->set_pending_change_set(in.pending_change_set);
  for (const auto& d : in.drift) ToProto(d, out->add_drift());
}

void ToProto(const model::PrimaryEnvironment& in, pb::PrimaryEnvironment* out) {
  out->Clear();
  out->set_app(in.app);
  out->set_environment(in.environment);
  out->set_version(in.version);
}

void ToProto(const model::Secret& in, pb::Secret* out) {
  out->Clear();
  out->set_app(in.app);
  out->set_name(in.name);
  PutMap(in.values, out->mutable_values());
  PutMap(in.fingerprints, out->mutable_fingerprints());
  if (in.values_wo_version) out->set_values_wo_version(*in.values_wo_version);
  out->set_version(in.version);
}

void ToProto(const model::InfraOverride& in, pb::InfraOverride* out) {
  out->Clear();
  out->set_app(in.app);
  out->set_environment(in.environment);
  out->set_kind(in.kind);
  out->set_name(in.name);
  PutMap(in.settings, out->mutable_settings());
  out->set_version(in.version);
}

void ToProto(const model::Operation& in, pb::Operation* out) {
  out->Clear();
  out->set_action(in.action);
  out->set_kind(in.kind);
  out->set_name(in.name);
  PutStrings(in.calls, out->mutable_calls());
  out->set_note(in.note);
}

void ToProto(const model::ChangeSet& in, pb::ChangeSet* out) {
  out->Clear();
  out->set_id(in.id);
  out->set_app(in.app);
  out->set_environment(in.environment);
  out->set_state(in.state);
  out->set_summary(in.summary);
  out->set_base_version(in.base_version);
  for (const auto& op : in.operations) ToProto(op, out->add_operations());
  out->set_changes_infrastructure(in.changes_infrastructure);
  out->set_created_by(in.created_by);
  out->set_decided_by(in.decided_by);
  out->set_reason(in.reason);
  out->set_created_at_ms(in.created_at_ms);
  out->set_decided_at_ms(in.decided_at_ms);
}

void ToProto(const model::EnvironmentChange& in, pb::EnvironmentChange* out) {
  out->Clear();
  ToProto(in.environment, out->mutable_environment());
  ToProto(in.change_set, out->mutable_change_set());
}

void ToProto(const model::InfraOverrideChange& in,
             pb::InfraOverrideChange* out) {
  out->Clear();
  ToProto(in.override_record, out->mutable_override());
  ToProto(in.change_set, out->mutable_change_set());
}

void ToProto(const model::AuditEntry& in, pb::AuditEntry* out) {
  out->Clear();
  out->set_seq(in.seq);
  out->set_time_ms(in.time_ms);
  out->set_actor(in.actor);
  out->set_action(in.action);
  out->set_target(in.target);
  out->set_details(in.details);
  out->set_prev_hash(in.prev_hash);
  out->set_hash(in.hash);
}

void ToProto(const model::AuditVerification& in,
             pb::VerifyAuditResponse* out) {
  out->Clear();
  out->set_ok(in.ok);
  out->set_entries(in.entries);
  out->set_bad_seq(in.bad_seq);
  out->set_problem(in.problem);
}

void ToProto(const model::TokenInfo& in, pb::TokenInfo* out) {
  out->Clear();
  out->set_name(in.name);
  out->set_role(std::string(model::RoleName(in.role)));
  out->set_created_at_ms(in.created_at_ms);
  out->set_revoked_at_ms(in.revoked_at_ms);
}

void ToProto(const model::NewToken& in, pb::CreateTokenResponse* out) {
  out->Clear();
  ToProto(in.info, out->mutable_token());
  out->set_secret(in.secret);
}

// ---- proto -> model ----------------------------------------------------------

model::App FromProto(const pb::App& in) {
  model::App out;
  out.name = in.name();
  out.model_json = in.model_json();
  out.model_hash = in.model_hash();
  out.services = Strings(in.services());
  out.version = in.version();
  return out;
}

model::DeploySpec FromProto(const pb::DeploySpec& in) {
  return {in.trigger(), in.branch()};
}

model::ProcessGroup FromProto(const pb::ProcessGroup& in) {
  return {in.name(), Strings(in.services())};
}

model::KubernetesSpec FromProto(const pb::KubernetesSpec& in) {
  return {in.provider(), in.cluster(), in.cluster_name()};
}

model::ComputeSpec FromProto(const pb::ComputeSpec& in) {
  model::ComputeSpec out;
  out.platform = in.platform();
  if (in.has_kubernetes()) out.kubernetes = FromProto(in.kubernetes());
  return out;
}

model::ExistingServer FromProto(const pb::ExistingServer& in) {
  model::ExistingServer out;
  out.host = in.host();
  out.port = in.port();
  out.admin_user = in.admin_user();
  out.admin_password = in.admin_password();
  if (in.has_admin_password_wo_version()) {
    out.admin_password_wo_version = in.admin_password_wo_version();
  }
  out.sslmode = in.sslmode();
  out.admin_password_fingerprint = in.admin_password_fingerprint();
  return out;
}

model::DatabaseSpec FromProto(const pb::DatabaseSpec& in) {
  model::DatabaseSpec out;
  out.provider = in.provider();
  out.branch_from = in.branch_from();
  if (in.has_existing_server()) {
    out.existing_server = FromProto(in.existing_server());
  }
  return out;
}

model::AdoptSpec FromProto(const pb::AdoptSpec& in) {
  return {in.kind(), in.name(), in.policy()};
}

model::EnvironmentSpec FromProto(const pb::EnvironmentSpec& in) {
  model::EnvironmentSpec out;
  out.app = in.app();
  out.name = in.name();
  out.type = in.type();
  out.cloud = in.cloud();
  out.region = in.region();
  if (in.has_deploy()) out.deploy = FromProto(in.deploy());
  out.infra_approval = in.infra_approval();
  out.process_allocation = in.process_allocation();
  for (const auto& g : in.process_groups()) {
    out.process_groups.push_back(FromProto(g));
  }
  if (in.has_compute()) out.compute = FromProto(in.compute());
  if (in.has_database()) out.database = FromProto(in.database());
  for (const auto& a : in.adopt()) out.adopt.push_back(FromProto(a));
  out.deletion_policy = in.deletion_policy();
  return out;
}

model::InfraItem FromProto(const pb::InfraItem& in) {
  model::InfraItem out;
  out.kind = in.kind();
  out.name = in.name();
  out.provider_id = in.provider_id();
  out.owner = in.owner();
  out.status = in.status();
  out.planned_calls = Strings(in.planned_calls());
  out.attributes = StringMap(in.attributes());
  return out;
}

model::DriftItem FromProto(const pb::DriftItem& in) {
  return {in.kind(),     in.name(),   in.attribute(),
          in.expected(), in.actual(), in.classification()};
}

model::Environment FromProto(const pb::Environment& in) {
  model::Environment out;
  out.spec = FromProto(in.spec());
  out.version = in.version();
  out.status = in.status();
  out.url = in.url();
  for (const auto& i : in.infrastructure()) {
    out.infrastructure.push_back(FromProto(i));
  }
  out.pending_change_set = in.pending_change_set();
  for (const auto& d : in.drift()) out.drift.push_back(FromProto(d));
  return out;
}

model::PrimaryEnvironment FromProto(const pb::PrimaryEnvironment& in) {
  return {in.app(), in.environment(), in.version()};
}

model::Secret FromProto(const pb::Secret& in) {
  model::Secret out;
  out.app = in.app();
  out.name = in.name();
  out.values = StringMap(in.values());
  out.fingerprints = StringMap(in.fingerprints());
  if (in.has_values_wo_version()) out.values_wo_version = in.values_wo_version();
  out.version = in.version();
  return out;
}

model::InfraOverride FromProto(const pb::InfraOverride& in) {
  model::InfraOverride out;
  out.app = in.app();
  out.environment = in.environment();
  out.kind = in.kind();
  out.name = in.name();
  out.settings = StringMap(in.settings());
  out.version = in.version();
  return out;
}

model::Operation FromProto(const pb::Operation& in) {
  return {in.action(), in.kind(), in.name(), Strings(in.calls()), in.note()};
}

model::ChangeSet FromProto(const pb::ChangeSet& in) {
  model::ChangeSet out;
  out.id = in.id();
  out.app = in.app();
  out.environment = in.environment();
  out.state = in.state();
  out.summary = in.summary();
  out.base_version = in.base_version();
  for (const auto& op : in.operations()) out.operations.push_back(FromProto(op));
  out.changes_infrastructure = in.changes_infrastructure();
  out.created_by = in.created_by();
  out.decided_by = in.decided_by();
  out.reason = in.reason();
  out.created_at_ms = in.created_at_ms();
  out.decided_at_ms = in.decided_at_ms();
  return out;
}

model::EnvironmentChange FromProto(const pb::EnvironmentChange& in) {
  return {FromProto(in.environment()), FromProto(in.change_set())};
}

model::InfraOverrideChange FromProto(const pb::InfraOverrideChange& in) {
  return {FromProto(in.override()), FromProto(in.change_set())};
}

model::AuditEntry FromProto(const pb::AuditEntry& in) {
  model::AuditEntry out;
  out.seq = in.seq();
  out.time_ms = in.time_ms();
  out.actor = in.actor();
  out.action = in.action();
  out.target = in.target();
  out.details = in.details();
  out.prev_hash = in.prev_hash();
  out.hash = in.hash();
  return out;
}

model::AuditVerification FromProto(const pb::VerifyAuditResponse& in) {
  model::AuditVerification out;
  out.ok = in.ok();
  out.entries = in.entries();
  out.bad_seq = in.bad_seq();
  out.problem = in.problem();
  return out;
}

model::TokenInfo FromProto(const pb::TokenInfo& in) {
  model::TokenInfo out;
  out.name = in.name();
  out.role = RoleFromName(in.role());
  out.created_at_ms = in.created_at_ms();
  out.revoked_at_ms = in.revoked_at_ms();
  return out;
}

model::NewToken FromProto(const pb::CreateTokenResponse& in) {
  return {FromProto(in.token()), in.secret()};
}

model::Role RoleFromName(const std::string& name) {
  return model::ParseRole(name).value_or(model::Role::kViewer);
}

// ---- status ----------------------------------------------------------------

grpc::StatusCode ToGrpcCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return grpc::StatusCode::OK;
    case StatusCode::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case StatusCode::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case StatusCode::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
    case StatusCode::kFailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case StatusCode::kAborted:
      return grpc::StatusCode::ABORTED;
    case StatusCode::kUnavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case StatusCode::kUnimplemented:
      return grpc::StatusCode::UNIMPLEMENTED;
    case StatusCode::kCancelled:
      return grpc::StatusCode::CANCELLED;
    case StatusCode::kInternal:
      return grpc::StatusCode::INTERNAL;
    case StatusCode::kPermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case StatusCode::kUnauthenticated:
      return grpc::StatusCode::UNAUTHENTICATED;
    case StatusCode::kDeadlineExceeded:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
  }
  return grpc::StatusCode::INTERNAL;
}

StatusCode FromGrpcCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return StatusCode::kOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return StatusCode::kInvalidArgument;
    case grpc::StatusCode::NOT_FOUND:
      return StatusCode::kNotFound;
    case grpc::StatusCode::ALREADY_EXISTS:
      return StatusCode::kAlreadyExists;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return StatusCode::kFailedPrecondition;
    case grpc::StatusCode::ABORTED:
      return StatusCode::kAborted;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return StatusCode::kUnavailable;
    case grpc::StatusCode::UNIMPLEMENTED:
      return StatusCode::kUnimplemented;
    case grpc::StatusCode::CANCELLED:
      return StatusCode::kCancelled;
    case grpc::StatusCode::PERMISSION_DENIED:
      return StatusCode::kPermissionDenied;
    case grpc::StatusCode::UNAUTHENTICATED:
      return StatusCode::kUnauthenticated;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return StatusCode::kDeadlineExceeded;
    default:
      return StatusCode::kInternal;
  }
}

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(ToGrpcCode(status.code()), status.message());
}

Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return Status::Ok();
  std::string message = status.error_message();
  if (message.empty()) message = GrpcCodeName(status.error_code());
  return Status(FromGrpcCode(status.error_code()), std::move(message));
}

const char* GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

}  // namespace encore::agent
