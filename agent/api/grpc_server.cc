#include "agent/api/grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

#include "agent/api/agent_client.h"  // NewRequestId
#include "agent/api/convert.h"
#include "agent/v1/agent.grpc.pb.h"

namespace encore::agent {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kUnauthenticated =
    "missing or unknown token; pass one with --token / ENCORE_TOKEN";

void StderrSink(std::string_view line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::string out(line);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

bool IsCallerError(grpc::StatusCode c) {
  switch (c) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return true;
    default:
      return false;
  }
}

// A request id a client sent, if it is one we may log as-is.
bool GoodRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
              c == ':';
    if (!ok) return false;
  }
  return true;
}

// Whether something accepts connections on the unix socket at `path`.
bool SocketIsLive(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  bool live =
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return live;
}

std::string Metadata(const grpc::ServerContext* ctx, const char* key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(key);
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class AgentServiceImpl final : public pb::Agent::Service {
 public:
  AgentServiceImpl(AgentService* svc, const ServerOptions& opts)
      : svc_(svc),
        version_(opts.version),
        data_dir_(opts.data_dir),
        log_(opts.log ? opts.log : LogSink(StderrSink)) {}

  using Body = std::function<Status(const model::Actor&)>;

  grpc::Status Handle(const char* rpc, grpc::ServerContext* ctx,
                      const Body& body) {
    const auto start = SteadyClock::now();
    std::string rid = Metadata(ctx, "x-request-id");
    if (!GoodRequestId(rid)) rid = NewRequestId();
    ctx->AddTrailingMetadata("x-request-id", rid);

    std::string caller = "-";
    Status status;
    std::string auth = Metadata(ctx, "authorization");
    std::string token;
    if (auth.size() > 7 && strncasecmp(auth.c_str(), "Bearer ", 7) == 0) {
      token = auth.substr(7);
    }
    if (token.empty()) {
      status = Status::Unauthenticated(kUnauthenticated);
    } else {
      auto who = svc_->Authenticate(token);
      if (!who.ok()) {
        status = who.status().code() == StatusCode::kUnauthenticated
                     ? Status::Unauthenticated(kUnauthenticated)
                     : who.status();
      } else {
        caller = who->name;
        model::Actor actor = *who;
        actor.force_conflicts =
            Metadata(ctx, "x-encore-force-conflicts") == "true";
        status = body(actor);
      }
    }
    grpc::Status gs = ToGrpcStatus(status);
    double ms =
        std::chrono::duration<double, std::milli>(SteadyClock::now() - start)
            .count();
    char msbuf[32];
    std::snprintf(msbuf, sizeof msbuf, "%.2f", ms);
    std::string line =
        std::string("rpc=") + rpc + " request_id=" + rid + " caller=" + caller +
        " code=" + GrpcCodeName(gs.error_code()) + " ms=" + msbuf;
    const char* level = "INFO";
    if (!gs.ok()) {
      level = IsCallerError(gs.error_code()) ? "WARN" : "ERROR";
      line += " error=" + Quote(gs.error_message());
    }
    log_(FormatLogLine(level, line, std::chrono::system_clock::now()));
    return gs;
  }

  // ---- the RPCs
  // ---------------------------------------------------------------

  grpc::Status GetInfo(grpc::ServerContext* ctx, const pb::GetInfoRequest*,
                       pb::AgentInfo* resp) override {
    return Handle("GetInfo", ctx, [&](const model::Actor& who) {
      resp->set_version(version_);
      resp->set_caller(who.name);
      resp->set_caller_role(std::string(model::RoleName(who.role)));
      resp->set_data_dir(data_dir_);
      return Status::Ok();
    });
  }

  grpc::Status CreateApp(grpc::ServerContext* ctx,
                         const pb::CreateAppRequest* req,
                         pb::App* resp) override {
    return Handle("CreateApp", ctx, [&](const model::Actor& who) {
      return Out(svc_->CreateApp(who, FromProto(req->app())), resp);
    });
  }
  grpc::Status GetApp(grpc::ServerContext* ctx, const pb::GetAppRequest* req,
                      pb::App* resp) override {
    return Handle("GetApp", ctx, [&](const model::Actor& who) {
      return Out(svc_->GetApp(who, req->name()), resp);
    });
  }
  grpc::Status ListApps(grpc::ServerContext* ctx, const pb::ListAppsRequest*,
                        pb::ListAppsResponse* resp) override {
    return Handle("ListApps", ctx, [&](const model::Actor& who) -> Status {
      auto r = svc_->ListApps(who);
      if (!r.ok()) return r.status();
      for (const auto& a : *r) ToProto(a, resp->add_apps());
      return Status::Ok();
    });
  }
  grpc::Status UpdateApp(grpc::ServerContext* ctx,
                         const pb::UpdateAppRequest* req,
                         pb::App* resp) override {
    return Handle("UpdateApp", ctx, [&](const model::Actor& who) {
      return Out(
          svc_->UpdateApp(who, FromProto(req->app()), req->expected_version(),
                          Mask(req->field_mask())),
          resp);
    });
  }
  grpc::Status DeleteApp(grpc::ServerContext* ctx,
                         const pb::DeleteAppRequest* req,
                         pb::DeleteResponse*) override {
    return Handle("DeleteApp", ctx, [&](const model::Actor& who) {
      return svc_->DeleteApp(who, req->name(), req->expected_version());
    });
  }

  grpc::Status CreateEnvironment(grpc::ServerContext* ctx,
                                 const pb::CreateEnvironmentRequest* req,
                                 pb::EnvironmentChange* resp) override {
    return Handle("CreateEnvironment", ctx, [&](const model::Actor& who) {
      return Out(svc_->CreateEnvironment(who, FromProto(req->spec())), resp);
    });
  }
  grpc::Status GetEnvironment(grpc::ServerContext* ctx,
                              const pb::GetEnvironmentRequest* req,
                              pb::Environment* resp) override {
    return Handle("GetEnvironment", ctx, [&](const model::Actor& who) {
      return Out(svc_->GetEnvironment(who, req->app(), req->name()), resp);
    });
  }
  grpc::Status ListEnvironments(grpc::ServerContext* ctx,
                                const pb::ListEnvironmentsRequest* req,
                                pb::ListEnvironmentsResponse* resp) override {
    return Handle(
        "ListEnvironments", ctx, [&](const model::Actor& who) -> Status {
          auto r = svc_->ListEnvironments(who, req->app(), req->type());
          if (!r.ok()) return r.status();
          for (const auto& e : *r) {
            ToProto(e, resp->add_environments());
          }
          return Status::Ok();
        });
  }
  grpc::Status UpdateEnvironment(grpc::ServerContext* ctx,
                                 const pb::UpdateEnvironmentRequest* req,
                                 pb::EnvironmentChange* resp) override {
    return Handle("UpdateEnvironment", ctx, [&](const model::Actor& who) {
      return Out(svc_->UpdateEnvironment(who, FromProto(req->spec()),
                                         req->expected_version(),
                                         Mask(req->field_mask())),
                 resp);
    });
  }
  grpc::Status DeleteEnvironment(grpc::ServerContext* ctx,
                                 const pb::DeleteEnvironmentRequest* req,
                                 pb::EnvironmentChange* resp) override {
    return Handle("DeleteEnvironment", ctx, [&](const model::Actor& who) {
      return Out(svc_->DeleteEnvironment(who, req->app(), req->name(),
                                         req->expected_version()),
                 resp);
    });
  }

  grpc::Status SetPrimaryEnvironment(
      grpc::ServerContext* ctx, const pb::SetPrimaryEnvironmentRequest* req,
      pb::PrimaryEnvironment* resp) override {
    return Handle("SetPrimaryEnvironment", ctx, [&](const model::Actor& who) {
      return Out(svc_->SetPrimaryEnvironment(who, FromProto(req->primary()),
                                             req->expected_version()),
                 resp);
    });
  }
  grpc::Status GetPrimaryEnvironment(
      grpc::ServerContext* ctx, const pb::GetPrimaryEnvironmentRequest* req,
      pb::PrimaryEnvironment* resp) override {
    return Handle("GetPrimaryEnvironment", ctx, [&](const model::Actor& who) {
      return Out(svc_->GetPrimaryEnvironment(who, req->app()), resp);
    });
  }
  grpc::Status DeletePrimaryEnvironment(
      grpc::ServerContext* ctx, const pb::DeletePrimaryEnvironmentRequest* req,
      pb::DeleteResponse*) override {
    return Handle("DeletePrimaryEnvironment", ctx,
                  [&](const model::Actor& who) {
                    return svc_->DeletePrimaryEnvironment(
                        who, req->app(), req->expected_version());
                  });
  }

  grpc::Status PutSecret(grpc::ServerContext* ctx,
                         const pb::PutSecretRequest* req,
                         pb::Secret* resp) override {
    return Handle("PutSecret", ctx, [&](const model::Actor& who) {
      return Out(svc_->PutSecret(who, FromProto(req->secret()),
                                 req->expected_version()),
                 resp);
    });
  }
  grpc::Status GetSecret(grpc::ServerContext* ctx,
                         const pb::GetSecretRequest* req,
                         pb::Secret* resp) override {
    return Handle("GetSecret", ctx, [&](const model::Actor& who) {
      return Out(svc_->GetSecret(who, req->app(), req->name()), resp);
    });
  }
  grpc::Status DeleteSecret(grpc::ServerContext* ctx,
                            const pb::DeleteSecretRequest* req,
                            pb::DeleteResponse*) override {
    return Handle("DeleteSecret", ctx, [&](const model::Actor& who) {
      return svc_->DeleteSecret(who, req->app(), req->name(),
                                req->expected_version());
    });
  }
  grpc::Status RevealSecret(grpc::ServerContext* ctx,
                            const pb::RevealSecretRequest* req,
                            pb::RevealSecretResponse* resp) override {
    return Handle("RevealSecret", ctx, [&](const model::Actor& who) -> Status {
      auto r = svc_->RevealSecret(who, req->app(), req->name());
      if (!r.ok()) return r.status();
      for (const auto& [k, v] : *r) (*resp->mutable_values())[k] = v;
      return Status::Ok();
    });
  }

  grpc::Status PutInfraOverride(grpc::ServerContext* ctx,
                                const pb::PutInfraOverrideRequest* req,
                                pb::InfraOverrideChange* resp) override {
    return Handle("PutInfraOverride", ctx, [&](const model::Actor& who) {
      return Out(svc_->PutInfraOverride(who, FromProto(req->override()),
                                        req->expected_version()),
                 resp);
    });
  }
  grpc::Status GetInfraOverride(grpc::ServerContext* ctx,
                                const pb::GetInfraOverrideRequest* req,
                                pb::InfraOverride* resp) override {
    return Handle("GetInfraOverride", ctx, [&](const model::Actor& who) {
      return Out(svc_->GetInfraOverride(who, req->app(), req->environment(),
                                        req->kind(), req->name()),
                 resp);
    });
  }
  grpc::Status DeleteInfraOverride(grpc::ServerContext* ctx,
                                   const pb::DeleteInfraOverrideRequest* req,
                                   pb::InfraOverrideChange* resp) override {
    return Handle("DeleteInfraOverride", ctx, [&](const model::Actor& who) {
      return Out(svc_->DeleteInfraOverride(who, req->app(), req->environment(),
                                           req->kind(), req->name(),
                                           req->expected_version()),
                 resp);
    });
  }

  grpc::Status GetChangeSet(grpc::ServerContext* ctx,
                            const pb::GetChangeSetRequest* req,
                            pb::ChangeSet* resp) override {
    return Handle("GetChangeSet", ctx, [&](const model::Actor& who) {
      return Out(svc_->GetChangeSet(who, req->id()), resp);
    });
  }
  grpc::Status ListChangeSets(grpc::ServerContext* ctx,
                              const pb::ListChangeSetsRequest* req,
                              pb::ListChangeSetsResponse* resp) override {
    return Handle(
        "ListChangeSets", ctx, [&](const model::Actor& who) -> Status {
          ChangeSetFilter f{req->app(), req->environment(), req->state()};
          auto r = svc_->ListChangeSets(who, f);
          if (!r.ok()) return r.status();
          for (const auto& cs : *r) {
            ToProto(cs, resp->add_change_sets());
          }
          return Status::Ok();
        });
  }
  grpc::Status ApproveChangeSet(grpc::ServerContext* ctx,
                                const pb::DecideChangeSetRequest* req,
                                pb::ChangeSet* resp) override {
    return Handle("ApproveChangeSet", ctx, [&](const model::Actor& who) {
      return Out(svc_->ApproveChangeSet(who, req->id()), resp);
    });
  }
  grpc::Status RejectChangeSet(grpc::ServerContext* ctx,
                               const pb::DecideChangeSetRequest* req,
                               pb::ChangeSet* resp) override {
    return Handle("RejectChangeSet", ctx, [&](const model::Actor& who) {
      return Out(svc_->RejectChangeSet(who, req->id(), req->reason()), resp);
    });
  }

  grpc::Status ListAudit(grpc::ServerContext* ctx,
                         const pb::ListAuditRequest* req,
                         pb::ListAuditResponse* resp) override {
    return Handle("ListAudit", ctx, [&](const model::Actor& who) -> Status {
      int limit = req->limit() <= 0 ? 100 : req->limit();
      auto r = svc_->ListAudit(who, req->after_seq(), limit);
      if (!r.ok()) return r.status();
      for (const auto& e : *r) ToProto(e, resp->add_entries());
      return Status::Ok();
    });
  }
  grpc::Status VerifyAudit(grpc::ServerContext* ctx,
                           const pb::VerifyAuditRequest*,
                           pb::VerifyAuditResponse* resp) override {
    return Handle("VerifyAudit", ctx, [&](const model::Actor& who) {
      return Out(svc_->VerifyAudit(who), resp);
    });
  }

  grpc::Status CreateToken(grpc::ServerContext* ctx,
                           const pb::CreateTokenRequest* req,
                           pb::CreateTokenResponse* resp) override {
    return Handle("CreateToken", ctx, [&](const model::Actor& who) -> Status {
      auto role = model::ParseRole(req->role());
      if (!role) {
        return Status::InvalidArgument("unknown role \"" + req->role() +
                                       "\"; use viewer, member or admin");
      }
      return Out(svc_->CreateToken(who, req->name(), *role), resp);
    });
  }
  grpc::Status RevokeToken(grpc::ServerContext* ctx,
                           const pb::RevokeTokenRequest* req,
                           pb::DeleteResponse*) override {
    return Handle("RevokeToken", ctx, [&](const model::Actor& who) {
      return svc_->RevokeToken(who, req->name());
    });
  }
  grpc::Status ListTokens(grpc::ServerContext* ctx,
                          const pb::ListTokensRequest*,
                          pb::ListTokensResponse* resp) override {
    return Handle("ListTokens", ctx, [&](const model::Actor& who) -> Status {
      auto r = svc_->ListTokens(who);
      if (!r.ok()) return r.status();
      for (const auto& t : *r) ToProto(t, resp->add_tokens());
      return Status::Ok();
    });
  }

  // ---- real infrastructure ----
  grpc::Status ReconcileEnvironment(grpc::ServerContext* ctx,
                                    const pb::ReconcileEnvironmentRequest* req,
                                    pb::Environment* resp) override {
    return Handle("ReconcileEnvironment", ctx, [&](const model::Actor& who) {
      return Out(svc_->ReconcileEnvironment(who, req->app(), req->name()),
                 resp);
    });
  }
  grpc::Status ScanDrift(grpc::ServerContext* ctx,
                         const pb::ScanDriftRequest* req,
                         pb::Environment* resp) override {
    return Handle("ScanDrift", ctx, [&](const model::Actor& who) {
      return Out(svc_->ScanDrift(who, req->app(), req->name()), resp);
    });
  }
  grpc::Status GetRuntimeConfig(grpc::ServerContext* ctx,
                                const pb::GetRuntimeConfigRequest* req,
                                pb::RuntimeConfig* resp) override {
    return Handle(
        "GetRuntimeConfig", ctx, [&](const model::Actor& who) -> Status {
          auto r =
              svc_->RuntimeConfig(who, req->app(), req->name(),
                                  req->process_group(), req->include_secrets());
          if (!r.ok()) return r.status();
          resp->set_json(*r);
          return Status::Ok();
        });
  }
  grpc::Status GetResourceFacts(grpc::ServerContext* ctx,
                                const pb::GetResourceFactsRequest* req,
                                pb::ResourceFacts* resp) override {
    return Handle(
        "GetResourceFacts", ctx, [&](const model::Actor& who) -> Status {
          auto r = svc_->GetResourceFacts(who, req->app(), req->environment(),
                                          req->kind(), req->name(),
                                          req->include_credentials());
          if (!r.ok()) return r.status();
          resp->set_kind(r->kind);
          resp->set_name(r->name);
          resp->set_provider_id(r->provider_id);
          resp->set_status(r->status);
          for (const auto& [k, v] : r->facts) (*resp->mutable_facts())[k] = v;
          for (const auto& [k, v] : r->credentials)
            (*resp->mutable_credentials())[k] = v;
          return Status::Ok();
        });
  }
  grpc::Status GetBackendCounters(grpc::ServerContext* ctx,
                                  const pb::GetBackendCountersRequest*,
                                  pb::BackendCounters* resp) override {
    return Handle("GetBackendCounters", ctx,
                  [&](const model::Actor& who) -> Status {
                    auto r = svc_->BackendCounters(who);
                    if (!r.ok()) return r.status();
                    for (const auto& [kind, c] : *r) {
                      pb::DriverCounters& d = (*resp->mutable_drivers())[kind];
                      d.set_reads(c.reads);
                      d.set_writes(c.writes);
                    }
                    return Status::Ok();
                  });
  }
  static void CredsToProto(const model::DatabaseCredentials& c,
                           pb::DatabaseCredentials* p) {
    p->set_login(c.login);
    p->set_password(c.password);
    p->set_host(c.host);
    p->set_port(c.port);
    p->set_database(c.database);
    p->set_sslmode(c.sslmode);
    p->set_valid_until(c.valid_until);
  }
  grpc::Status IssueDatabaseCredentials(
      grpc::ServerContext* ctx, const pb::IssueDatabaseCredentialsRequest* req,
      pb::DatabaseCredentials* resp) override {
    return Handle("IssueDatabaseCredentials", ctx,
                  [&](const model::Actor& who) -> Status {
                    auto r = svc_->IssueDatabaseCredentials(
                        who, req->app(), req->environment(), req->database(),
                        req->service(), req->ttl_seconds(), req->read_only());
                    if (!r.ok()) return r.status();
                    CredsToProto(*r, resp);
                    return Status::Ok();
                  });
  }
  grpc::Status RenewDatabaseCredentials(
      grpc::ServerContext* ctx, const pb::RenewDatabaseCredentialsRequest* req,
      pb::DatabaseCredentials* resp) override {
    return Handle("RenewDatabaseCredentials", ctx,
                  [&](const model::Actor& who) -> Status {
                    auto r = svc_->RenewDatabaseCredentials(
                        who, req->app(), req->environment(), req->database(),
                        req->login(), req->ttl_seconds());
                    if (!r.ok()) return r.status();
                    CredsToProto(*r, resp);
                    return Status::Ok();
                  });
  }
  grpc::Status RevokeDatabaseCredentials(
      grpc::ServerContext* ctx, const pb::RevokeDatabaseCredentialsRequest* req,
      pb::DeleteResponse*) override {
    return Handle(
        "RevokeDatabaseCredentials", ctx, [&](const model::Actor& who) {
          return svc_->RevokeDatabaseCredentials(who, req->app(),
                                                 req->environment(),
                                                 req->database(), req->login());
        });
  }

 private:
  template <typename T, typename P>
  static Status Out(const StatusOr<T>& r, P* resp) {
    if (!r.ok()) return r.status();
    ToProto(*r, resp);
    return Status::Ok();
  }
  template <typename R>
  static std::vector<std::string> Mask(const R& r) {
    return std::vector<std::string>(r.begin(), r.end());
  }

  AgentService* svc_;
  std::string version_;
  std::string data_dir_;
  LogSink log_;
};

class ServerImpl final : public AgentGrpcServer {
 public:
  ServerImpl(std::unique_ptr<AgentServiceImpl> impl,
             std::unique_ptr<grpc::Server> server, std::string client_address,
             std::string socket_path)
      : impl_(std::move(impl)),
        server_(std::move(server)),
        client_address_(std::move(client_address)),
        socket_path_(std::move(socket_path)) {}
  ~ServerImpl() override { Shutdown(std::chrono::milliseconds(0)); }

  std::string client_address() const override { return client_address_; }

  void Shutdown(std::chrono::milliseconds grace) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    server_->Wait();
    if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
  }
  void Wait() override { server_->Wait(); }

 private:
  std::unique_ptr<AgentServiceImpl> impl_;
  std::unique_ptr<grpc::Server> server_;
  std::string client_address_;
  std::string socket_path_;
  std::mutex mu_;
  bool shut_down_ = false;
};

}  // namespace

std::string FormatLogLine(std::string_view level, std::string_view message,
                          std::chrono::system_clock::time_point when) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                when.time_since_epoch())
                .count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  std::string out = buf;
  out += ' ';
  out += level;
  out += " agent: ";
  out += message;
  return out;
}

StatusOr<std::unique_ptr<AgentGrpcServer>> AgentGrpcServer::Start(
    AgentService* service, ServerOptions options) {
  std::string grpc_address, socket_path, client_address;
  std::shared_ptr<grpc::ServerCredentials> creds;
  bool tcp = false;
  if (options.listen.rfind("unix://", 0) == 0) {
    socket_path = options.listen.substr(7);
    if (socket_path.size() < 2 || socket_path[0] != '/') {
      return Status::InvalidArgument(
          "--listen " + options.listen +
          ": unix:// needs an absolute path (unix:///path/agent.sock)");
    }
    if (socket_path.size() > 100) {
      return Status::InvalidArgument("--listen " + options.listen +
                                     ": socket path longer than 100 bytes");
    }
    struct stat st;
    if (::lstat(socket_path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        return Status::FailedPrecondition(
            socket_path +
            " exists and is not a socket; remove it or pick "
            "another --listen path");
      }
      if (SocketIsLive(socket_path)) {
        return Status::FailedPrecondition(
            socket_path +
            " is in use by a running process (another agent?); "
            "stop it or pick another --listen path");
      }
      ::unlink(socket_path.c_str());  // stale: nobody listens on it
    }
    grpc_address = "unix:" + socket_path;
    client_address = "unix://" + socket_path;
    creds = grpc::InsecureServerCredentials();
  } else if (options.listen.rfind("tcp://", 0) == 0) {
    grpc_address = options.listen.substr(6);
    size_t colon = grpc_address.rfind(':');
    if (colon == std::string::npos || colon == 0 ||
        colon + 1 == grpc_address.size()) {
      return Status::InvalidArgument("--listen " + options.listen +
                                     ": use tcp://HOST:PORT");
    }
    if (options.tls_cert_pem.empty() || options.tls_key_pem.empty()) {
      return Status::InvalidArgument(
          "--listen " + options.listen +
          ": TCP needs a TLS certificate and key (the agent serves TCP only "
          "with TLS)");
    }
    grpc::SslServerCredentialsOptions ssl(
        GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_key_cert_pairs.push_back(
        {options.tls_key_pem, options.tls_cert_pem});
    creds = grpc::SslServerCredentials(ssl);
    tcp = true;
  } else {
    return Status::InvalidArgument(
        "--listen " + options.listen +
        ": use unix:///path/agent.sock or tcp://HOST:PORT");
  }

  auto impl = std::make_unique<AgentServiceImpl>(service, options);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(grpc_address, creds, tcp ? &port : nullptr);
  builder.RegisterService(impl.get());
  builder.SetMaxReceiveMessageSize(64 << 20);
  // The socket is made with mode 0600 (no window with a wider mode).
  mode_t old_mask = tcp ? 0 : ::umask(0177);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!tcp) ::umask(old_mask);
  if (!server || (tcp && port == 0)) {
    return Status::Unavailable("cannot listen on " + options.listen +
                               " (address in use, or no permission)");
  }
  if (tcp) {
    std::string host = grpc_address.substr(0, grpc_address.rfind(':'));
    if (host == "0.0.0.0" || host == "[::]" || host == "::") {
      host = "127.0.0.1";
    }
    client_address = "https://" + host + ":" + std::to_string(port);
  } else if (::chmod(socket_path.c_str(), 0600) != 0) {
    server->Shutdown();
    return Status::Internal("chmod 0600 " + socket_path + ": " +
                            std::strerror(errno));
  }
  return std::unique_ptr<AgentGrpcServer>(
      new ServerImpl(std::move(impl), std::move(server),
                     std::move(client_address), std::move(socket_path)));
}

}  // namespace encore::agent
