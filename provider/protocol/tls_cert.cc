// The key is made with OpenSSL's EC_KEY API, deprecated in OpenSSL 3 but
// about 2 ms faster on a process's first use than EVP_EC_gen: a provider-
// native key goes through the (slow to set up) encoder framework when the
// certificate's public key and the key PEM are written. Startup is on
// Terraform's critical path (4-5 launches per apply).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "provider/protocol/tls_cert.h"

#include <grpcpp/security/server_credentials.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

namespace encore::protocol {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION,
                               Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

Status OpenSslError(std::string_view what) {
  std::string msg(what);
  unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    msg += ": ";
    msg += buf;
  }
  ERR_clear_error();
  return Status::Internal(msg);
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

int CurveNid(Curve c) {
  switch (c) {
    case Curve::kP256:
      return NID_X9_62_prime256v1;
    case Curve::kP384:
      return NID_secp384r1;
    case Curve::kP521:
      return NID_secp521r1;
  }
  return NID_X9_62_prime256v1;
}

PKeyPtr GenerateEcKey(Curve curve) {
  EC_KEY* ec = EC_KEY_new_by_curve_name(CurveNid(curve));
  if (ec == nullptr) return nullptr;
  if (EC_KEY_generate_key(ec) != 1) {
    EC_KEY_free(ec);
    return nullptr;
  }
  PKeyPtr key(EVP_PKEY_new());
  if (!key || EVP_PKEY_assign_EC_KEY(key.get(), ec) != 1) {
    EC_KEY_free(ec);
    return nullptr;
  }
  return key;
}

const EVP_MD* DigestFor(Curve c) {
  switch (c) {
    case Curve::kP256:
      return EVP_sha256();
    case Curve::kP384:
      return EVP_sha384();
    case Curve::kP521:
      return EVP_sha512();
  }
  return EVP_sha256();
}

bool AddExt(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

}  // namespace

StatusOr<SelfSignedCert> GenerateSelfSignedCert(const CertOptions& options) {
  PKeyPtr key = GenerateEcKey(options.curve);
  if (!key) return OpenSslError("generating the EC key");

  X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return OpenSslError("X509_set_version");
  }
  BnPtr serial(BN_new());
  if (!serial ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ==
          nullptr) {
    return OpenSslError("making the serial number");
  }
  std::time_t now = std::time(nullptr);
  constexpr long kThirtyYears = 30L * 365 * 24 * 3600;
  if (X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -30, &now) ==
          nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), 0, kThirtyYears, &now) ==
          nullptr) {
    return OpenSslError("setting the validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  auto add_name = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(
               name, field, MBSTRING_UTF8,
               reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
               0) == 1;
  };
  if (!add_name("O", options.organization) || !add_name("CN", "localhost")) {
    return OpenSslError("setting the subject");
  }
  if (X509_set_issuer_name(cert.get(), name) != 1) {
    return OpenSslError("setting the issuer");
  }
  if (X509_set_pubkey(cert.get(), key.get()) != 1) {
    return OpenSslError("X509_set_pubkey");
  }
  if (!AddExt(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExt(cert.get(), NID_key_usage,
              "critical,digitalSignature,keyEncipherment,keyAgreement,"
              "keyCertSign") ||
      !AddExt(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth") ||
      !AddExt(cert.get(), NID_subject_alt_name, "DNS:localhost") ||
      !AddExt(cert.get(), NID_subject_key_identifier, "hash")) {
    return OpenSslError("adding extensions");
  }
  if (X509_sign(cert.get(), key.get(), DigestFor(options.curve)) <= 0) {
    return OpenSslError("signing the certificate");
  }

  SelfSignedCert out;
  {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr,
                                         0, nullptr, nullptr) != 1) {
      return OpenSslError("writing the key PEM");
    }
    out.key_pem = BioContents(bio.get());
  }
  {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) {
      return OpenSslError("writing the certificate PEM");
    }
    out.cert_pem = BioContents(bio.get());
  }
  int len = i2d_X509(cert.get(), nullptr);
  if (len <= 0) return OpenSslError("i2d_X509");
  out.cert_der.resize(static_cast<size_t>(len));
  auto* p = reinterpret_cast<unsigned char*>(out.cert_der.data());
  if (i2d_X509(cert.get(), &p) != len) return OpenSslError("i2d_X509");
  return out;
}

StatusOr<std::string> CertPemToDer(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return OpenSslError("BIO_new_mem_buf");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return OpenSslError("reading the certificate PEM");
  int len = i2d_X509(cert.get(), nullptr);
  if (len <= 0) return OpenSslError("i2d_X509");
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(cert.get(), &p);
  return der;
}

StatusOr<std::string> CertDerToPem(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return OpenSslError("reading the certificate DER");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) {
    return OpenSslError("writing the certificate PEM");
  }
  return BioContents(bio.get());
}

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const SelfSignedCert& cert, const std::string& client_cert_pem) {
  if (client_cert_pem.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions opts(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  opts.pem_root_certs = client_cert_pem;
  opts.pem_key_cert_pairs.push_back({cert.key_pem, cert.cert_pem});
  return grpc::SslServerCredentials(opts);
}

}  // namespace encore::protocol
