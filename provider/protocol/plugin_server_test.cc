#include "provider/protocol/plugin_server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace encore::protocol {
namespace {

TEST(PluginServerTest, ReattachJson) {
  std::string s = ReattachJson({"unix", "/tmp/plugin42"}, 1234);
  EXPECT_EQ(
      s,
      "{\"registry.terraform.io/encoredev/encore\":{\"Protocol\":\"grpc\","
      "\"ProtocolVersion\":6,\"Pid\":1234,\"Test\":true,\"Addr\":{"
      "\"Network\":\"unix\",\"String\":\"/tmp/plugin42\"}}}");
  auto j = nlohmann::json::parse(ReattachJson({"tcp", "127.0.0.1:5"}, 7));
  EXPECT_EQ(j["registry.terraform.io/encoredev/encore"]["Addr"]["Network"],
            "tcp");
}

TEST(PluginServerTest, OptionsFromEnv) {
  setenv("PLUGIN_CLIENT_CERT", "PEM", 1);
  setenv("ENCORE_PROVIDER_TRANSPORT", "tcp", 1);
  setenv("PLUGIN_MIN_PORT", "10000", 1);
  setenv("PLUGIN_MAX_PORT", "25000", 1);
  ServeOptions p = ServeOptionsFromEnv(Mode::kPlugin);
  EXPECT_EQ(p.client_cert_pem, "PEM");
  EXPECT_EQ(p.transport, Transport::kTcp);
  EXPECT_EQ(p.ports.min, 10000);
  ServeOptions d = ServeOptionsFromEnv(Mode::kDebug);
  EXPECT_EQ(d.client_cert_pem, "") << "debug mode is always plaintext";
  EXPECT_EQ(d.ports.min, 0) << "debug mode binds any port";
  unsetenv("PLUGIN_CLIENT_CERT");
  unsetenv("ENCORE_PROVIDER_TRANSPORT");
  unsetenv("PLUGIN_MIN_PORT");
  unsetenv("PLUGIN_MAX_PORT");
}

}  // namespace
}  // namespace encore::protocol
