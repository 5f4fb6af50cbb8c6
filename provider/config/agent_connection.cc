#include "provider/config/agent_connection.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "provider/core/log.h"

#ifndef ENCORE_VERSION
#define ENCORE_VERSION "0.0.0-dev"
#endif

namespace encore::config {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream out;
  out << f.rdbuf();
  if (f.bad()) return std::nullopt;
  return out.str();
}

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kAborted: return "ABORTED";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kUnimplemented: return "UNIMPLEMENTED";
    case StatusCode::kCancelled: return "CANCELLED";
    case StatusCode::kInternal: return "INTERNAL";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    default: break;
  }
  return "CODE_" + std::to_string(static_cast<int>(code));
}

}  // namespace

std::string ClientName() {
  return std::string("terraform-provider-encore/") + ENCORE_VERSION;
}

StatusOr<agent::ClientOptions> ClientOptionsFor(const ProviderSettings& s,
                                                const EnvLookup& env,
                                                uid_t uid) {
  agent::ClientOptions o;
  o.address = s.agent;
  o.token = s.token;
  if (o.token.empty() && s.agent_source == Source::kDefault) {
    std::string dir = DefaultAgentDataDir(env, uid);
    if (!dir.empty()) {
      if (auto t = ReadFile(dir + "/admin.token")) o.token = Trim(*t);
    }
  }
  if (!s.ca_cert.empty()) {
    if (s.ca_cert_is_pem()) {
      o.ca_cert_pem = s.ca_cert;
    } else {
      auto pem = ReadFile(s.ca_cert);
      if (!pem) {
        return Status::InvalidArgument(
            "ca_cert is neither PEM text (starting with -----BEGIN) nor a "
            "readable file: \"" +
            s.ca_cert + "\"");
      }
      o.ca_cert_pem = *pem;
    }
  }
  o.client_name = ClientName();
  o.force_conflicts = s.force_conflicts;
  o.retry_unavailable_ms = kRetryUnavailableMs;
  o.on_call = LogAgentCall;
  return o;
}

void LogAgentCall(const agent::CallLog& call) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", call.ms);
  log::Fields fields = {{"rpc", call.rpc},
                        {"request_id", call.request_id},
                        {"status", CodeName(call.status.code())},
                        {"ms", ms}};
  if (call.status.ok()) {
    log::Debug("agent call", fields);
  } else {
    // The agent's messages never carry secret values (house rules).
    fields.emplace_back("error", call.status.message());
    log::Warn("agent call failed", fields);
  }
}

StatusOr<std::shared_ptr<agent::AgentClient>> OpenAgentClient(
    const ProviderSettings& settings, const EnvLookup& env, uid_t uid) {
  auto options = ClientOptionsFor(settings, env, uid);
  if (!options.ok()) return options.status();
  auto client = agent::AgentClient::Open(std::move(options).value());
  if (!client.ok()) return client.status();
  return std::shared_ptr<agent::AgentClient>(std::move(client).value());
}

}  // namespace encore::config
