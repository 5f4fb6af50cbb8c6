#include "agent/cli/tls_files.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include "agent/cli/data_dir.h"
#include "agent/cli/session.h"  // ReadFile

namespace encore::agent::cli {
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

Status SslError(const std::string& what) {
  std::string msg = "making the TLS certificate: " + what;
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

bool AddExt(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool IsIp(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

Status WriteFile(const std::string& path, const std::string& text,
                 mode_t mode) {
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    return Status::Internal("cannot create " + path + ": " +
                            std::strerror(errno));
  }
  bool ok = ::fchmod(fd, mode) == 0 &&
            ::write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int e = errno;
  ::close(fd);
  if (!ok) {
    return Status::Internal("cannot write " + path + ": " + std::strerror(e));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<TlsFiles> MakeSelfSignedCert(const std::string& host) {
  PKeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return SslError("EC key");
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return SslError("X509_new");
  }
  BnPtr serial(BN_new());
  if (!serial ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ==
          nullptr) {
    return SslError("serial number");
  }
  std::time_t now = std::time(nullptr);
  if (X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -60, &now) ==
          nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), 3650, 0, &now) ==
          nullptr) {
    return SslError("validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = "encore-agent";
  if (X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return SslError("subject");
  }
  std::string san = "IP:127.0.0.1,DNS:localhost";
  if (!host.empty() && host != "127.0.0.1" && host != "localhost") {
    san = (IsIp(host) ? "IP:" : "DNS:") + host + "," + san;
  }
  if (!AddExt(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExt(cert.get(), NID_key_usage,
              "critical,digitalSignature,keyCertSign") ||
      !AddExt(cert.get(), NID_ext_key_usage, "serverAuth") ||
      !AddExt(cert.get(), NID_subject_alt_name, san) ||
      !AddExt(cert.get(), NID_subject_key_identifier, "hash")) {
    return SslError("extensions");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    return SslError("signing");
  }
  TlsFiles out;
  BioPtr kb(BIO_new(BIO_s_mem()));
  if (!kb || PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0,
                                      nullptr, nullptr) != 1) {
    return SslError("key PEM");
  }
  out.key_pem = BioText(kb.get());
  BioPtr cb(BIO_new(BIO_s_mem()));
  if (!cb || PEM_write_bio_X509(cb.get(), cert.get()) != 1) {
    return SslError("certificate PEM");
  }
  out.cert_pem = BioText(cb.get());
  out.created = true;
  return out;
}

StatusOr<TlsFiles> LoadOrCreateTls(const std::string& data_dir,
                                   const std::string& host) {
  const std::string cert_path = TlsCertPath(data_dir);
  const std::string key_path = TlsKeyPath(data_dir);
  bool have_cert = ::access(cert_path.c_str(), F_OK) == 0;
  bool have_key = ::access(key_path.c_str(), F_OK) == 0;
  if (have_cert && have_key) {
    auto cert = ReadFile(cert_path);
    if (!cert.ok()) return Status::Internal(cert.status().message());
    auto key = ReadFile(key_path);
    if (!key.ok()) return Status::Internal(key.status().message());
    return TlsFiles{*cert, *key, false};
  }
  if (have_cert || have_key) {
    return Status::FailedPrecondition(
        "only one of " + cert_path + " and " + key_path +
        " exists; remove it to make a new pair, or restore the other");
  }
  const std::string dir = data_dir + "/tls";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::Internal("cannot create " + dir + ": " +
                            std::strerror(errno));
  }
  auto made = MakeSelfSignedCert(host);
  if (!made.ok()) return made.status();
  if (Status s = WriteFile(key_path, made->key_pem, 0600); !s.ok()) return s;
  if (Status s = WriteFile(cert_path, made->cert_pem, 0644); !s.ok()) return s;
  return made;
}

}  // namespace encore::agent::cli
