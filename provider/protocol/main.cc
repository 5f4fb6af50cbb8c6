// terraform-provider-encore: the Terraform provider binary.
//
//   terraform-provider-encore            plugin mode (Terraform starts it)
//   terraform-provider-encore -debug     serve for TF_REATTACH_PROVIDERS
//   terraform-provider-encore -version   print the version
//   terraform-provider-encore -help      print usage
//
// Exit codes: 0 after a clean shutdown; 1 when run by hand without
// Terraform, on a protocol mismatch or a startup failure; 2 on bad usage.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "provider/core/log.h"
#include "provider/encore_provider.h"
#include "provider/protocol/handshake.h"
#include "provider/protocol/plugin_server.h"

#ifndef ENCORE_VERSION
#define ENCORE_VERSION "0.0.0-dev"
#endif

namespace {

constexpr char kUsage[] =
    "Usage: terraform-provider-encore [-debug | -version | -help]\n"
    "\n"
    "The Terraform provider for Encore environments (source "
    "\"encoredev/encore\").\n"
    "Terraform starts it by itself; you do not run it by hand, except to "
    "debug:\n"
    "\n"
    "  -debug     serve without Terraform starting the process and print a\n"
    "             TF_REATTACH_PROVIDERS value to export in the shell where "
    "you\n"
    "             run terraform (serves until Ctrl-C)\n"
    "  -version   print the version and exit\n"
    "  -help      print this help and exit\n"
    "\n"
    "Environment: TF_LOG_PROVIDER / TF_LOG (log level, logs go to stderr),\n"
    "ENCORE_PROVIDER_TRANSPORT=tcp (listen on 127.0.0.1 instead of a unix\n"
    "socket), ENCORE_PROVIDER_CAPTURE_DIR (record received values, for "
    "tests).\n";

int RunServer(encore::protocol::Mode mode) {
  using namespace encore;
  Status prepared = protocol::PrepareProcess(mode);
  if (!prepared.ok()) {
    log::Error("not starting", {{"reason", prepared.message()}});
    return 1;
  }
  return protocol::Serve([] { return NewEncoreProvider(); },
                         protocol::ServeOptionsFromEnv(mode));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace encore;
  log::InitFromEnv();

  if (argc > 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (argc == 2) {
    std::string_view arg = argv[1];
    if (arg == "-debug" || arg == "--debug") {
      return RunServer(protocol::Mode::kDebug);
    }
    if (arg == "-version" || arg == "--version") {
      std::printf("terraform-provider-encore %s (plugin protocol %d)\n",
                  ENCORE_VERSION, protocol::kAppProtocolVersion);
      return 0;
    }
    if (arg == "-h" || arg == "--help" || arg == "-help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    std::fprintf(stderr, "terraform-provider-encore: unknown argument %s\n\n%s",
                 argv[1], kUsage);
    return 2;
  }

  // Plugin mode. Nothing may reach stdout before the handshake line.
  Status cookie =
      protocol::CheckMagicCookie(std::getenv(protocol::kMagicCookieKey));
  if (!cookie.ok()) {
    std::fputs(protocol::NotAPluginMessage().c_str(), stderr);
    return 1;
  }
  Status versions =
      protocol::CheckProtocolVersions(std::getenv("PLUGIN_PROTOCOL_VERSIONS"));
  if (!versions.ok()) {
    std::fprintf(stderr, "terraform-provider-encore: %s\n",
                 versions.message().c_str());
    log::Error("unsupported plugin protocol", {{"error", versions.message()}});
    return 1;
  }
  return RunServer(protocol::Mode::kPlugin);
}
