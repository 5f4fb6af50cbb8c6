// The agent's TLS certificate for `serve --listen tcp://HOST:PORT`: made
// on first start as DIR/tls/cert.pem and DIR/tls/key.pem (key 0600, dir
// 0700), self-signed, EC P-256, valid 10 years, SAN: HOST (as an IP or DNS
// name), 127.0.0.1 and localhost. Clients trust it with
// `ca_cert = DIR/tls/cert.pem` (provider) or `--ca-cert` (CLI).
#ifndef ENCORE_AGENT_CLI_TLS_FILES_H_
#define ENCORE_AGENT_CLI_TLS_FILES_H_

#include <string>

#include "provider/core/status.h"

namespace encore::agent::cli {

struct TlsFiles {
  std::string cert_pem;
  std::string key_pem;
  bool created = false;  // made just now
};

// Loads the pair from DIR/tls, or makes it when neither file exists.
StatusOr<TlsFiles> LoadOrCreateTls(const std::string& data_dir,
                                   const std::string& host);

// A self-signed certificate for `host` (exposed for tests).
StatusOr<TlsFiles> MakeSelfSignedCert(const std::string& host);

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_TLS_FILES_H_
