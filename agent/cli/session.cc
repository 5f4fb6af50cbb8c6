#include "agent/cli/session.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "agent/cli/client_settings.h"

#ifndef ENCORE_VERSION
#define ENCORE_VERSION "dev"
#endif

namespace encore::agent::cli {

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    int e = errno;
    std::string msg = "cannot read " + path + ": " + std::strerror(e);
    if (e == ENOENT) return Status::NotFound(msg);
    if (e == EACCES) return Status::PermissionDenied(msg);
    return Status::Internal(msg);
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

StatusOr<AgentClient*> Session::Client() {
  if (client_) return client_.get();
  auto settings = ResolveClientSettings(args_.globals, env_, ::getuid());
  if (!settings.ok()) return settings.status();
  ClientOptions opts;
  opts.address = settings->address;
  opts.force_conflicts = args_.globals.force;
  opts.token = settings->token;
  if (opts.token.empty() && !settings->token_file.empty() &&
      ::access(settings->token_file.c_str(), R_OK) == 0) {
    auto t = ReadFile(settings->token_file);
    if (t.ok()) {
      std::string tok = *t;
      while (!tok.empty() && (tok.back() == '\n' || tok.back() == '\r' ||
                              tok.back() == ' ')) {
        tok.pop_back();
      }
      opts.token = tok;
    }
  }
  if (!settings->ca_cert.empty()) {
    if (settings->ca_cert.rfind("-----BEGIN", 0) == 0) {
      opts.ca_cert_pem = settings->ca_cert;
    } else {
      auto pem = ReadFile(settings->ca_cert);
      if (!pem.ok()) {
        return Status(pem.status().code() == StatusCode::kNotFound
                          ? StatusCode::kInvalidArgument
                          : pem.status().code(),
                      "--ca-cert: " + pem.status().message());
      }
      opts.ca_cert_pem = *pem;
    }
  }
  opts.client_name = std::string("encore-agent/") + ENCORE_VERSION;
  opts.call_timeout_ms = 30000;
  auto c = AgentClient::Open(std::move(opts));
  if (!c.ok()) return c.status();
  client_ = std::move(*c);
  return client_.get();
}

}  // namespace encore::agent::cli
