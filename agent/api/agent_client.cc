#include "agent/api/agent_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "agent/api/convert.h"
#include "agent/v1/agent.grpc.pb.h"

namespace encore::agent {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kAddressForms =
    "use \"unix:///absolute/path/agent.sock\" for a local agent or "
    "\"https://host:port\" for a remote one";

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The gRPC target for `address`, or the reason it is not one.
StatusOr<std::string> TargetFor(const std::string& address, bool* tls) {
  if (address.rfind("unix://", 0) == 0) {
    std::string path = address.substr(7);
    if (path.size() < 2 || path[0] != '/') {
      return Status::InvalidArgument("agent address \"" + address +
                                     "\" does not name an absolute socket "
                                     "path; " +
                                     kAddressForms);
    }
    *tls = false;
    return "unix://" + path;
  }
  if (address.rfind("https://", 0) == 0) {
    std::string rest = address.substr(8);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidArgument("agent address \"" + address +
                                     "\" needs a host and a port; " +
                                     kAddressForms);
    }
    std::string port = rest.substr(colon + 1);
    if (!AllDigits(port) || std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return Status::InvalidArgument("agent address \"" + address +
                                     "\" has no valid port (1-65535); " +
                                     kAddressForms);
    }
    *tls = true;
    return rest;
  }
  return Status::InvalidArgument("agent address \"" + address +
                                 "\" is neither unix:// nor https://; " +
                                 kAddressForms);
}

class GrpcAgentClient final : public AgentClient {
 public:
  GrpcAgentClient(ClientOptions options, std::shared_ptr<grpc::Channel> ch)
      : options_(std::move(options)),
        force_(options_.force_conflicts),
        channel_(std::move(ch)),
        stub_(pb::Agent::NewStub(channel_)) {}

  StatusOr<AgentInfo> GetInfo(const std::string& rid) override {
    pb::GetInfoRequest req;
    pb::AgentInfo resp;
    Status s = Call("GetInfo", rid, [&](grpc::ClientContext* c) {
      return stub_->GetInfo(c, req, &resp);
    });
    if (!s.ok()) return s;
    return AgentInfo{resp.version(), resp.caller(), resp.caller_role(),
                     resp.data_dir()};
  }

  StatusOr<model::App> CreateApp(const model::App& app,
                                 const std::string& rid) override {
    pb::CreateAppRequest req;
    ToProto(app, req.mutable_app());
    return Unary<pb::App, model::App>("CreateApp", rid, req,
                                      &pb::Agent::Stub::CreateApp);
  }
  StatusOr<model::App> GetApp(const std::string& name,
                              const std::string& rid) override {
    pb::GetAppRequest req;
    req.set_name(name);
    return Unary<pb::App, model::App>("GetApp", rid, req,
                                      &pb::Agent::Stub::GetApp);
  }
  StatusOr<std::vector<model::App>> ListApps(const std::string& rid) override {
    pb::ListAppsRequest req;
    pb::ListAppsResponse resp;
    Status s = Call("ListApps", rid, [&](grpc::ClientContext* c) {
      return stub_->ListApps(c, req, &resp);
    });
    if (!s.ok()) return s;
    std::vector<model::App> out;
    for (const auto& a : resp.apps()) out.push_back(FromProto(a));
    return out;
  }
  StatusOr<model::App> UpdateApp(const model::App& app,
                                 int64_t expected_version,
                                 const std::vector<std::string>& mask,
                                 const std::string& rid) override {
    pb::UpdateAppRequest req;
    ToProto(app, req.mutable_app());
    req.set_expected_version(expected_version);
    for (const auto& m : mask) req.add_field_mask(m);
    return Unary<pb::App, model::App>("UpdateApp", rid, req,
                                      &pb::Agent::Stub::UpdateApp);
  }
  Status DeleteApp(const std::string& name, int64_t expected_version,
                   const std::string& rid) override {
    pb::DeleteAppRequest req;
    req.set_name(name);
    req.set_expected_version(expected_version);
    return Empty("DeleteApp", rid, req, &pb::Agent::Stub::DeleteApp);
  }

  StatusOr<model::EnvironmentChange> CreateEnvironment(
      const model::EnvironmentSpec& spec, const std::string& rid) override {
    pb::CreateEnvironmentRequest req;
    ToProto(spec, req.mutable_spec());
    return Unary<pb::EnvironmentChange, model::EnvironmentChange>(
        "CreateEnvironment", rid, req, &pb::Agent::Stub::CreateEnvironment);
  }
  StatusOr<model::Environment> GetEnvironment(const std::string& app,
                                              const std::string& name,
                                              const std::string& rid) override {
    pb::GetEnvironmentRequest req;
    req.set_app(app);
    req.set_name(name);
    return Unary<pb::Environment, model::Environment>(
        "GetEnvironment", rid, req, &pb::Agent::Stub::GetEnvironment);
  }
  StatusOr<std::vector<model::Environment>> ListEnvironments(
      const std::string& app, const std::string& type,
      const std::string& rid) override {
    pb::ListEnvironmentsRequest req;
    req.set_app(app);
    req.set_type(type);
    pb::ListEnvironmentsResponse resp;
    Status s = Call("ListEnvironments", rid, [&](grpc::ClientContext* c) {
      return stub_->ListEnvironments(c, req, &resp);
    });
    if (!s.ok()) return s;
    std::vector<model::Environment> out;
    out.reserve(resp.environments_size());
    for (const auto& e : resp.environments()) out.push_back(FromProto(e));
    return out;
  }
  StatusOr<model::EnvironmentChange> UpdateEnvironment(
      const model::EnvironmentSpec& spec, int64_t expected_version,
      const std::vector<std::string>& mask, const std::string& rid) override {
    pb::UpdateEnvironmentRequest req;
    ToProto(spec, req.mutable_spec());
    req.set_expected_version(expected_version);
    for (const auto& m : mask) req.add_field_mask(m);
    return Unary<pb::EnvironmentChange, model::EnvironmentChange>(
        "UpdateEnvironment", rid, req, &pb::Agent::Stub::UpdateEnvironment);
  }
  StatusOr<model::EnvironmentChange> DeleteEnvironment(
      const std::string& app, const std::string& name, int64_t expected_version,
      const std::string& rid) override {
    pb::DeleteEnvironmentRequest req;
    req.set_app(app);
    req.set_name(name);
    req.set_expected_version(expected_version);
    return Unary<pb::EnvironmentChange, model::EnvironmentChange>(
        "DeleteEnvironment", rid, req, &pb::Agent::Stub::DeleteEnvironment);
  }

  StatusOr<model::PrimaryEnvironment> SetPrimaryEnvironment(
      const model::PrimaryEnvironment& p, int64_t expected_version,
      const std::string& rid) override {
    pb::SetPrimaryEnvironmentRequest req;
    ToProto(p, req.mutable_primary());
    req.set_expected_version(expected_version);
    return Unary<pb::PrimaryEnvironment, model::PrimaryEnvironment>(
        "SetPrimaryEnvironment", rid, req,
        &pb::Agent::Stub::SetPrimaryEnvironment);
  }
  StatusOr<model::PrimaryEnvironment> GetPrimaryEnvironment(
      const std::string& app, const std::string& rid) override {
    pb::GetPrimaryEnvironmentRequest req;
    req.set_app(app);
    return Unary<pb::PrimaryEnvironment, model::PrimaryEnvironment>(
        "GetPrimaryEnvironment", rid, req,
        &pb::Agent::Stub::GetPrimaryEnvironment);
  }
  Status DeletePrimaryEnvironment(const std::string& app,
                                  int64_t expected_version,
                                  const std::string& rid) override {
    pb::DeletePrimaryEnvironmentRequest req;
    req.set_app(app);
    req.set_expected_version(expected_version);
    return Empty("DeletePrimaryEnvironment", rid, req,
                 &pb::Agent::Stub::DeletePrimaryEnvironment);
  }

  StatusOr<model::Secret> PutSecret(const model::Secret& s,
                                    int64_t expected_version,
                                    const std::string& rid) override {
    pb::PutSecretRequest req;
    ToProto(s, req.mutable_secret());
    req.set_expected_version(expected_version);
    return Unary<pb::Secret, model::Secret>("PutSecret", rid, req,
                                            &pb::Agent::Stub::PutSecret);
  }
  StatusOr<model::Secret> GetSecret(const std::string& app,
                                    const std::string& name,
                                    const std::string& rid) override {
    pb::GetSecretRequest req;
    req.set_app(app);
    req.set_name(name);
    return Unary<pb::Secret, model::Secret>("GetSecret", rid, req,
                                            &pb::Agent::Stub::GetSecret);
  }
  Status DeleteSecret(const std::string& app, const std::string& name,
                      int64_t expected_version,
                      const std::string& rid) override {
    pb::DeleteSecretRequest req;
    req.set_app(app);
    req.set_name(name);
    req.set_expected_version(expected_version);
    return Empty("DeleteSecret", rid, req, &pb::Agent::Stub::DeleteSecret);
  }
  StatusOr<std::map<std::string, std::string>> RevealSecret(
      const std::string& app, const std::string& name,
      const std::string& rid) override {
    pb::RevealSecretRequest req;
    req.set_app(app);
    req.set_name(name);
    pb::RevealSecretResponse resp;
    Status s = Call("RevealSecret", rid, [&](grpc::ClientContext* c) {
      return stub_->RevealSecret(c, req, &resp);
    });
    if (!s.ok()) return s;
    return std::map<std::string, std::string>(resp.values().begin(),
                                              resp.values().end());
  }

  StatusOr<model::InfraOverrideChange> PutInfraOverride(
      const model::InfraOverride& o, int64_t expected_version,
      const std::string& rid) override {
    pb::PutInfraOverrideRequest req;
    ToProto(o, req.mutable_override());
    req.set_expected_version(expected_version);
    return Unary<pb::InfraOverrideChange, model::InfraOverrideChange>(
        "PutInfraOverride", rid, req, &pb::Agent::Stub::PutInfraOverride);
  }
  StatusOr<model::InfraOverride> GetInfraOverride(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, const std::string& rid) override {
    pb::GetInfraOverrideRequest req;
    req.set_app(app);
    req.set_environment(env);
    req.set_kind(kind);
    req.set_name(name);
    return Unary<pb::InfraOverride, model::InfraOverride>(
        "GetInfraOverride", rid, req, &pb::Agent::Stub::GetInfraOverride);
  }
  StatusOr<model::InfraOverrideChange> DeleteInfraOverride(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, int64_t expected_version,
      const std::string& rid) override {
    pb::DeleteInfraOverrideRequest req;
    req.set_app(app);
    req.set_environment(env);
    req.set_kind(kind);
    req.set_name(name);
    req.set_expected_version(expected_version);
    return Unary<pb::InfraOverrideChange, model::InfraOverrideChange>(
        "DeleteInfraOverride", rid, req, &pb::Agent::Stub::DeleteInfraOverride);
  }

  StatusOr<model::ChangeSet> GetChangeSet(const std::string& id,
                                          const std::string& rid) override {
    pb::GetChangeSetRequest req;
    req.set_id(id);
    return Unary<pb::ChangeSet, model::ChangeSet>(
        "GetChangeSet", rid, req, &pb::Agent::Stub::GetChangeSet);
  }
  StatusOr<std::vector<model::ChangeSet>> ListChangeSets(
      const std::string& app, const std::string& env, const std::string& state,
      const std::string& rid) override {
    pb::ListChangeSetsRequest req;
    req.set_app(app);
    req.set_environment(env);
    req.set_state(state);
    pb::ListChangeSetsResponse resp;
    Status s = Call("ListChangeSets", rid, [&](grpc::ClientContext* c) {
      return stub_->ListChangeSets(c, req, &resp);
    });
    if (!s.ok()) return s;
    std::vector<model::ChangeSet> out;
    for (const auto& cs : resp.change_sets()) out.push_back(FromProto(cs));
    return out;
  }
  StatusOr<model::ChangeSet> ApproveChangeSet(const std::string& id,
                                              const std::string& rid) override {
    pb::DecideChangeSetRequest req;
    req.set_id(id);
    return Unary<pb::ChangeSet, model::ChangeSet>(
        "ApproveChangeSet", rid, req, &pb::Agent::Stub::ApproveChangeSet);
  }
  StatusOr<model::ChangeSet> RejectChangeSet(const std::string& id,
                                             const std::string& reason,
                                             const std::string& rid) override {
    pb::DecideChangeSetRequest req;
    req.set_id(id);
    req.set_reason(reason);
    return Unary<pb::ChangeSet, model::ChangeSet>(
        "RejectChangeSet", rid, req, &pb::Agent::Stub::RejectChangeSet);
  }

  StatusOr<std::vector<model::AuditEntry>> ListAudit(
      int64_t after_seq, int limit, const std::string& rid) override {
    pb::ListAuditRequest req;
    req.set_after_seq(after_seq);
    req.set_limit(limit);
    pb::ListAuditResponse resp;
    Status s = Call("ListAudit", rid, [&](grpc::ClientContext* c) {
      return stub_->ListAudit(c, req, &resp);
    });
    if (!s.ok()) return s;
    std::vector<model::AuditEntry> out;
    for (const auto& e : resp.entries()) out.push_back(FromProto(e));
    return out;
  }
  StatusOr<model::AuditVerification> VerifyAudit(
      const std::string& rid) override {
    pb::VerifyAuditRequest req;
    return Unary<pb::VerifyAuditResponse, model::AuditVerification>(
        "VerifyAudit", rid, req, &pb::Agent::Stub::VerifyAudit);
  }

  StatusOr<model::NewToken> CreateToken(const std::string& name,
                                        model::Role role,
                                        const std::string& rid) override {
    pb::CreateTokenRequest req;
    req.set_name(name);
    req.set_role(std::string(model::RoleName(role)));
    return Unary<pb::CreateTokenResponse, model::NewToken>(
        "CreateToken", rid, req, &pb::Agent::Stub::CreateToken);
  }
  Status RevokeToken(const std::string& name, const std::string& rid) override {
    pb::RevokeTokenRequest req;
    req.set_name(name);
    return Empty("RevokeToken", rid, req, &pb::Agent::Stub::RevokeToken);
  }
  StatusOr<std::vector<model::TokenInfo>> ListTokens(
      const std::string& rid) override {
    pb::ListTokensRequest req;
    pb::ListTokensResponse resp;
    Status s = Call("ListTokens", rid, [&](grpc::ClientContext* c) {
      return stub_->ListTokens(c, req, &resp);
    });
    if (!s.ok()) return s;
    std::vector<model::TokenInfo> out;
    for (const auto& t : resp.tokens()) out.push_back(FromProto(t));
    return out;
  }

  StatusOr<model::Environment> ReconcileEnvironment(
      const std::string& app, const std::string& name,
      const std::string& rid) override {
    pb::ReconcileEnvironmentRequest req;
    req.set_app(app);
    req.set_name(name);
    return Unary<pb::Environment, model::Environment>(
        "ReconcileEnvironment", rid, req,
        &pb::Agent::Stub::ReconcileEnvironment);
  }
  StatusOr<model::Environment> ScanDrift(const std::string& app,
                                         const std::string& name,
                                         const std::string& rid) override {
    pb::ScanDriftRequest req;
    req.set_app(app);
    req.set_name(name);
    return Unary<pb::Environment, model::Environment>(
        "ScanDrift", rid, req, &pb::Agent::Stub::ScanDrift);
  }
  StatusOr<std::string> GetRuntimeConfig(const std::string& app,
                                         const std::string& name,
                                         const std::string& process_group,
                                         bool include_secrets,
                                         const std::string& rid) override {
    pb::GetRuntimeConfigRequest req;
    req.set_app(app);
    req.set_name(name);
    req.set_process_group(process_group);
    req.set_include_secrets(include_secrets);
    pb::RuntimeConfig resp;
    Status s = Call("GetRuntimeConfig", rid, [&](grpc::ClientContext* c) {
      return stub_->GetRuntimeConfig(c, req, &resp);
    });
    if (!s.ok()) return s;
    return resp.json();
  }
  StatusOr<model::ResourceFacts> GetResourceFacts(
      const std::string& app, const std::string& env, const std::string& kind,
      const std::string& name, bool include_credentials,
      const std::string& rid) override {
    pb::GetResourceFactsRequest req;
    req.set_app(app);
    req.set_environment(env);
    req.set_kind(kind);
    req.set_name(name);
    req.set_include_credentials(include_credentials);
    pb::ResourceFacts resp;
    Status s = Call("GetResourceFacts", rid, [&](grpc::ClientContext* c) {
      return stub_->GetResourceFacts(c, req, &resp);
    });
    if (!s.ok()) return s;
    model::ResourceFacts out;
    out.kind = resp.kind();
    out.name = resp.name();
    out.provider_id = resp.provider_id();
    out.status = resp.status();
    out.facts.insert(resp.facts().begin(), resp.facts().end());
    out.credentials.insert(resp.credentials().begin(),
                           resp.credentials().end());
    return out;
  }
  StatusOr<std::map<std::string, model::BackendCounter>> GetBackendCounters(
      const std::string& rid) override {
    pb::GetBackendCountersRequest req;
    pb::BackendCounters resp;
    Status s = Call("GetBackendCounters", rid, [&](grpc::ClientContext* c) {
      return stub_->GetBackendCounters(c, req, &resp);
    });
    if (!s.ok()) return s;
    std::map<std::string, model::BackendCounter> out;
    for (const auto& [driver, counts] : resp.drivers()) {
      out[driver] = model::BackendCounter{counts.reads(), counts.writes()};
    }
    return out;
  }
  StatusOr<model::DatabaseCredentials> IssueDatabaseCredentials(
      const std::string& app, const std::string& env,
      const std::string& database, const std::string& service,
      int64_t ttl_seconds, bool read_only, const std::string& rid) override {
    pb::IssueDatabaseCredentialsRequest req;
    req.set_read_only(read_only);
    req.set_app(app);
    req.set_environment(env);
    req.set_database(database);
    req.set_service(service);
    req.set_ttl_seconds(ttl_seconds);
    pb::DatabaseCredentials resp;
    Status s =
        Call("IssueDatabaseCredentials", rid, [&](grpc::ClientContext* c) {
          return stub_->IssueDatabaseCredentials(c, req, &resp);
        });
    if (!s.ok()) return s;
    return Credentials(resp);
  }
  StatusOr<model::DatabaseCredentials> RenewDatabaseCredentials(
      const std::string& app, const std::string& env,
      const std::string& database, const std::string& login,
      int64_t ttl_seconds, const std::string& rid) override {
    pb::RenewDatabaseCredentialsRequest req;
    req.set_app(app);
    req.set_environment(env);
    req.set_database(database);
    req.set_login(login);
    req.set_ttl_seconds(ttl_seconds);
    pb::DatabaseCredentials resp;
    Status s =
        Call("RenewDatabaseCredentials", rid, [&](grpc::ClientContext* c) {
          return stub_->RenewDatabaseCredentials(c, req, &resp);
        });
    if (!s.ok()) return s;
    return Credentials(resp);
  }
  Status RevokeDatabaseCredentials(const std::string& app,
                                   const std::string& env,
                                   const std::string& database,
                                   const std::string& login,
                                   const std::string& rid) override {
    pb::RevokeDatabaseCredentialsRequest req;
    req.set_app(app);
    req.set_environment(env);
    req.set_database(database);
    req.set_login(login);
    return Empty("RevokeDatabaseCredentials", rid, req,
                 &pb::Agent::Stub::RevokeDatabaseCredentials);
  }

  void SetForceConflicts(bool force) override { force_ = force; }
  bool force_conflicts() const override { return force_; }

 private:
  static model::DatabaseCredentials Credentials(
      const pb::DatabaseCredentials& p) {
    model::DatabaseCredentials c;
    c.login = p.login();
    c.password = p.password();
    c.host = p.host();
    c.port = p.port();
    c.database = p.database();
    c.sslmode = p.sslmode();
    c.valid_until = p.valid_until();
    return c;
  }

  template <typename Req, typename Resp>
  using Method = grpc::Status (pb::Agent::Stub::*)(grpc::ClientContext*,
                                                   const Req&, Resp*);

  template <typename RespProto, typename Out, typename Req>
  StatusOr<Out> Unary(const char* rpc, const std::string& rid, const Req& req,
                      Method<Req, RespProto> method) {
    RespProto resp;
    Status s = Call(rpc, rid, [&](grpc::ClientContext* c) {
      return ((*stub_).*method)(c, req, &resp);
    });
    if (!s.ok()) return s;
    return FromProto(resp);
  }

  template <typename Req>
  Status Empty(const char* rpc, const std::string& rid, const Req& req,
               Method<Req, pb::DeleteResponse> method) {
    pb::DeleteResponse resp;
    return Call(rpc, rid, [&](grpc::ClientContext* c) {
      return ((*stub_).*method)(c, req, &resp);
    });
  }

  // Runs one call (retrying UNAVAILABLE within retry_unavailable_ms),
  // reports it to on_call and returns its Status.
  Status Call(const char* rpc, const std::string& rid_in,
              const std::function<grpc::Status(grpc::ClientContext*)>& fn) {
    const std::string rid = rid_in.empty() ? NewRequestId() : rid_in;
    const auto start = SteadyClock::now();
    const auto retry_until =
        start + std::chrono::milliseconds(options_.retry_unavailable_ms);
    auto backoff = std::chrono::milliseconds(50);
    grpc::Status gs;
    while (true) {
      grpc::ClientContext ctx;
      if (!options_.token.empty()) {
        ctx.AddMetadata("authorization", "Bearer " + options_.token);
      }
      ctx.AddMetadata("x-request-id", rid);
      if (force_) ctx.AddMetadata(kForceConflictsMetadata, "true");
      ctx.AddMetadata("x-client", options_.client_name.empty()
                                      ? std::string("encore-agent-client")
                                      : options_.client_name);
      if (options_.call_timeout_ms > 0) {
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(options_.call_timeout_ms));
      }
      gs = fn(&ctx);
      if (gs.error_code() != grpc::StatusCode::UNAVAILABLE) break;
      auto now = SteadyClock::now();
      if (now + backoff > retry_until) break;
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
    Status status = FromGrpcStatus(gs);
    if (gs.error_code() == grpc::StatusCode::UNAVAILABLE) {
      status = Status::Unavailable(
          "agent not reachable at " + options_.address + " (" +
          gs.error_message() + "); start it with `encore-agent serve`");
    } else if (gs.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      status = Status(StatusCode::kDeadlineExceeded,
                      "agent at " + options_.address + " did not answer " +
                          rpc + " within " +
                          std::to_string(options_.call_timeout_ms) + " ms");
    }
    if (options_.on_call) {
      double ms =
          std::chrono::duration<double, std::milli>(SteadyClock::now() - start)
              .count();
      options_.on_call(CallLog{rpc, rid, status, ms});
    }
    return status;
  }

  ClientOptions options_;
  std::atomic<bool> force_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::Agent::Stub> stub_;
};

}  // namespace

StatusOr<std::unique_ptr<AgentClient>> AgentClient::Open(
    ClientOptions options) {
  bool tls = false;
  auto target = TargetFor(options.address, &tls);
  if (!target.ok()) return target.status();
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.ca_cert_pem;
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  // A restarting agent is found again quickly.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(*target, creds, args);
  if (!channel) {
    return Status::Internal("cannot make a gRPC channel to " + options.address);
  }
  return std::unique_ptr<AgentClient>(
      new GrpcAgentClient(std::move(options), std::move(channel)));
}

std::string NewRequestId() {
  thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }());
  char buf[24];
  std::snprintf(buf, sizeof buf, "req-%016llx",
                static_cast<unsigned long long>(gen()));
  return buf;
}

}  // namespace encore::agent
