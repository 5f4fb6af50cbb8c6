// AutoMTLS server side (PROTOCOL.md §1.4): a fresh self-signed certificate
// per launch, and the gRPC server credentials that require and verify
// Terraform's client certificate.
//
// The certificate follows go-plugin's own template (which Terraform 1.11.4
// accepts): EC key (P-256 by default), CN=localhost, O=encore, SAN
// DNS:localhost, EKU serverAuth+clientAuth, KU digitalSignature,
// keyEncipherment, keyAgreement, keyCertSign, CA:TRUE, a random 128-bit
// serial, valid from 30 s ago for 30 years. The key never leaves memory.
#ifndef ENCORE_PROVIDER_PROTOCOL_TLS_CERT_H_
#define ENCORE_PROVIDER_PROTOCOL_TLS_CERT_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>
#include <string_view>

#include "provider/core/status.h"

namespace encore::protocol {

struct SelfSignedCert {
  std::string key_pem;   // PKCS#8 "-----BEGIN PRIVATE KEY-----"
  std::string cert_pem;  // "-----BEGIN CERTIFICATE-----"
  std::string cert_der;  // the same certificate, DER (handshake field 6)
};

enum class Curve { kP256, kP384, kP521 };

struct CertOptions {
  Curve curve = Curve::kP256;
  std::string organization = "encore";
};

StatusOr<SelfSignedCert> GenerateSelfSignedCert(
    const CertOptions& options = {});

// PEM (first certificate) ↔ DER conversions.
StatusOr<std::string> CertPemToDer(std::string_view pem);
StatusOr<std::string> CertDerToPem(std::string_view der);

// TLS credentials with our key and cert that require a client certificate
// verified against `client_cert_pem` (PLUGIN_CLIENT_CERT, as-is). An empty
// `client_cert_pem` means plaintext (reattach/debug launches, or
// TF_DISABLE_PLUGIN_TLS), as go-plugin does.
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const SelfSignedCert& cert, const std::string& client_cert_pem);

}  // namespace encore::protocol

#endif  // ENCORE_PROVIDER_PROTOCOL_TLS_CERT_H_
