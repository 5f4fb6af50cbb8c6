#include "provider/protocol/tls_cert.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>

namespace encore::protocol {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::unique_ptr<X509, X509Free> Parse(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return std::unique_ptr<X509, X509Free>(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

TEST(TlsCertTest, GoPluginStyleCert) {
  StatusOr<SelfSignedCert> c = GenerateSelfSignedCert();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(c->cert_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  auto x = Parse(c->cert_der);
  ASSERT_TRUE(x);
  // SAN DNS:localhost and the serverAuth + clientAuth EKU.
  EXPECT_EQ(X509_check_host(x.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_purpose(x.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_check_purpose(x.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
  // Valid now, for years.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(x.get())), 0);
  std::time_t in_ten_years = std::time(nullptr) + 10L * 365 * 24 * 3600;
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(x.get()), &in_ten_years), 0);
  // Self-signed with its own key; EC P-256.
  EVP_PKEY* key = X509_get0_pubkey(x.get());
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_verify(x.get(), key), 1);
  EXPECT_EQ(EVP_PKEY_get_bits(key), 256);
}

TEST(TlsCertTest, FreshPerCallAndOtherCurves) {
  auto a = GenerateSelfSignedCert();
  auto b = GenerateSelfSignedCert({Curve::kP521, "HashiCorp"});
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->cert_der, b->cert_der);
  EXPECT_NE(a->key_pem, b->key_pem);
  auto x = Parse(b->cert_der);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(x.get())), 521);
}

TEST(TlsCertTest, PemDerRoundTrip) {
  auto c = GenerateSelfSignedCert();
  ASSERT_TRUE(c.ok());
  StatusOr<std::string> der = CertPemToDer(c->cert_pem);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(*der, c->cert_der);
  StatusOr<std::string> pem = CertDerToPem(c->cert_der);
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(*pem, c->cert_pem);
  EXPECT_FALSE(CertPemToDer("not a pem").ok());
  EXPECT_FALSE(CertDerToPem("junk").ok());
}

TEST(TlsCertTest, GenerationIsCheap) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(GenerateSelfSignedCert().ok());
  auto per = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::steady_clock::now() - t0) /
             20;
  EXPECT_LT(per.count(), 20000) << "a launch must stay cheap";
}

TEST(TlsCertTest, Credentials) {
  auto c = GenerateSelfSignedCert();
  ASSERT_TRUE(c.ok());
  EXPECT_NE(MakeServerCredentials(*c, ""), nullptr);
  EXPECT_NE(MakeServerCredentials(*c, c->cert_pem), nullptr);
}

}  // namespace
}  // namespace encore::protocol
