// The terraform-provider-encore binary as Terraform sees it: started with
// go-plugin's environment, it prints the handshake line, serves tfplugin6
// over mutual TLS on a unix socket (or TCP), answers GRPCController.Shutdown
// by exiting 0, ignores SIGINT, and dies with its parent.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "goplugin/grpc_controller.grpc.pb.h"
#include "provider/encore_provider.h"
#include "provider/protocol/handshake.h"
#include "provider/protocol/tls_cert.h"
#include "provider/values/msgpack_codec.h"
#include "tests/process_util.h"
#include "tfplugin6.grpc.pb.h"

namespace encore::testing {
namespace {

using namespace std::chrono_literals;
using protocol::CertDerToPem;
using protocol::GenerateSelfSignedCert;
using protocol::SelfSignedCert;

constexpr char kBinary[] = ENCORE_PROVIDER_BINARY;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t i = s.find(sep, start);
    out.push_back(s.substr(start, i - start));
    if (i == std::string::npos) return out;
    start = i + 1;
  }
}

std::string Base64DecodeNoPad(std::string s) {
  static const std::string kAlpha =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    size_t v = kAlpha.find(c);
    if (v == std::string::npos) return "";
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

struct Handshake {
  std::string network, address, cert_pem;
};

class PluginProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = MakeTempDir();
    auto c = GenerateSelfSignedCert({protocol::Curve::kP521, "HashiCorp"});
    ASSERT_TRUE(c.ok());
    client_ = *c;
  }
  void TearDown() override {
    Cleanup(child_);
    std::string cmd_dir = tmp_;
    // Remove what the tests left (capture files); the dir is ours.
    for (const auto& f : created_files_) unlink(f.c_str());
    rmdir(cmd_dir.c_str());
  }

  std::map<std::string, std::string> PluginVars(bool with_cert = true) {
    std::map<std::string, std::string> v{
        {protocol::kMagicCookieKey, protocol::kMagicCookieValue},
        {"PLUGIN_PROTOCOL_VERSIONS", "5,6"},
        {"PLUGIN_MIN_PORT", "10000"},
        {"PLUGIN_MAX_PORT", "25000"},
        {"TMPDIR", tmp_},
    };
    if (with_cert) v["PLUGIN_CLIENT_CERT"] = client_.cert_pem;
    return v;
  }

  // Starts the plugin and reads its handshake line.
  Handshake Start(const std::map<std::string, std::string>& vars) {
    child_ = Spawn({kBinary}, PluginEnv(vars));
    EXPECT_GT(child_.pid, 0);
    std::optional<std::string> line = ReadLine(child_.stdout_fd, 10s);
    EXPECT_TRUE(line.has_value()) << ReadAll(child_.stderr_fd, 100ms);
    if (!line) return {};
    std::vector<std::string> f = Split(*line, '|');
    EXPECT_EQ(f.size(), 6u) << *line;
    if (f.size() != 6) return {};
    EXPECT_EQ(f[0], "1");
    EXPECT_EQ(f[1], "6");
    EXPECT_EQ(f[4], "grpc");
    EXPECT_EQ(f[5].find('='), std::string::npos);
    Handshake h{f[2], f[3], ""};
    if (!f[5].empty()) {
      auto pem = CertDerToPem(Base64DecodeNoPad(f[5]));
      EXPECT_TRUE(pem.ok()) << "field 6 must be base64 DER";
      if (pem.ok()) h.cert_pem = *pem;
    }
    return h;
  }

  std::shared_ptr<grpc::Channel> Connect(
      const Handshake& h, bool with_client_cert = true,
      const SelfSignedCert* client = nullptr) {
    std::string target = h.network == "unix" ? "unix:" + h.address : h.address;
    if (h.cert_pem.empty()) {
      return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
    }
    grpc::SslCredentialsOptions opts;
    opts.pem_root_certs = h.cert_pem;
    if (with_client_cert) {
      const SelfSignedCert& c = client ? *client : client_;
      opts.pem_private_key = c.key_pem;
      opts.pem_cert_chain = c.cert_pem;
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(target, grpc::SslCredentials(opts), args);
  }

  static grpc::Status GetSchema(const std::shared_ptr<grpc::Channel>& ch,
                                tfplugin6::GetProviderSchema_Response* resp,
                                std::chrono::milliseconds timeout = 10s) {
    auto stub = tfplugin6::Provider::NewStub(ch);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + timeout);
    tfplugin6::GetProviderSchema_Request req;
    return stub->GetProviderSchema(&ctx, req, resp);
  }

  static grpc::Status Shutdown(const std::shared_ptr<grpc::Channel>& ch) {
    auto stub = plugin::GRPCController::NewStub(ch);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 5s);
    plugin::Empty req, resp;
    return stub->Shutdown(&ctx, req, &resp);
  }

  // Expects the child to exit 0 within `timeout`.
  void ExpectCleanExit(std::chrono::milliseconds timeout = 2s) {
    std::optional<int> st = WaitExit(child_.pid, timeout);
    ASSERT_TRUE(st.has_value()) << "plugin did not exit in time";
    EXPECT_TRUE(WIFEXITED(*st)) << "status " << *st;
    EXPECT_EQ(WEXITSTATUS(*st), 0);
    child_.pid = -1;
  }

  std::string tmp_;
  SelfSignedCert client_;
  Child child_;
  std::vector<std::string> created_files_;
};

TEST_F(PluginProcessTest, WithoutCookiePrintsHumanMessageAndExits1) {
  child_ = Spawn({kBinary}, PluginEnv({}));
  ASSERT_GT(child_.pid, 0);
  std::string out = ReadAll(child_.stdout_fd, 5s);
  std::string err = ReadAll(child_.stderr_fd, 5s);
  std::optional<int> st = WaitExit(child_.pid, 5s);
  ASSERT_TRUE(st.has_value());
  child_.pid = -1;
  EXPECT_TRUE(WIFEXITED(*st));
  EXPECT_EQ(WEXITSTATUS(*st), 1);
  EXPECT_EQ(out, "") << "nothing may reach stdout";
  EXPECT_NE(err.find("This binary is a plugin. These are not meant to be "
                     "executed directly."),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("dev_overrides"), std::string::npos);
}

TEST_F(PluginProcessTest, WithoutProtocol6Exits1) {
  auto vars = PluginVars();
  vars["PLUGIN_PROTOCOL_VERSIONS"] = "5";
  child_ = Spawn({kBinary}, PluginEnv(vars));
  ASSERT_GT(child_.pid, 0);
  std::string out = ReadAll(child_.stdout_fd, 5s);
  std::string err = ReadAll(child_.stderr_fd, 5s);
  std::optional<int> st = WaitExit(child_.pid, 5s);
  ASSERT_TRUE(st.has_value());
  child_.pid = -1;
  EXPECT_EQ(WEXITSTATUS(*st), 1);
  EXPECT_EQ(out, "");
  EXPECT_NE(err.find("protocol 6"), std::string::npos) << err;
}

TEST_F(PluginProcessTest, VersionAndHelp) {
  child_ = Spawn({kBinary, "-version"}, PluginEnv({}));
  std::string out = ReadAll(child_.stdout_fd, 5s);
  ExpectCleanExit(5s);
  EXPECT_NE(out.find("terraform-provider-encore"), std::string::npos);
  Cleanup(child_);
  child_ = Spawn({kBinary, "--help"}, PluginEnv({}));
  out = ReadAll(child_.stdout_fd, 5s);
  ExpectCleanExit(5s);
  EXPECT_NE(out.find("-debug"), std::string::npos);
}

TEST_F(PluginProcessTest, MutualTlsSchemaStopAndShutdown) {
  Handshake h = Start(PluginVars());
  ASSERT_EQ(h.network, "unix");
  ASSERT_FALSE(h.cert_pem.empty());
  EXPECT_EQ(h.address.rfind(tmp_ + "/plugin", 0), 0u) << h.address;
  EXPECT_TRUE(FileExists(h.address));

  auto ch = Connect(h);
  tfplugin6::GetProviderSchema_Response schema;
  grpc::Status s = GetSchema(ch, &schema);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(schema.has_provider());
  EXPECT_TRUE(schema.resource_schemas().count("encore_environment"));
  EXPECT_TRUE(schema.resource_schemas().count("encore_app"));
  EXPECT_FALSE(schema.server_capabilities().plan_destroy());
  for (const auto& [name, sch] : schema.resource_schemas()) {
    EXPECT_TRUE(sch.has_block()) << name;
  }

  // StopProvider returns at once and does not exit.
  auto stub = tfplugin6::Provider::NewStub(ch);
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 5s);
    tfplugin6::StopProvider_Request req;
    tfplugin6::StopProvider_Response resp;
    auto t0 = std::chrono::steady_clock::now();
    s = stub->StopProvider(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.error(), "");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(kill(child_.pid, 0), 0) << "StopProvider must not exit";

  // Unknown type names are diagnostics, not gRPC errors.
  {
    grpc::ClientContext ctx;
    tfplugin6::ValidateResourceConfig_Request req;
    req.set_type_name("encore_nope");
    req.mutable_config()->set_msgpack("\xc0");
    tfplugin6::ValidateResourceConfig_Response resp;
    s = stub->ValidateResourceConfig(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_GE(resp.diagnostics_size(), 1);
    EXPECT_EQ(resp.diagnostics(0).severity(), tfplugin6::Diagnostic::ERROR);
  }

  // As go-plugin's Kill does: Shutdown, close the connection, wait.
  auto t0 = std::chrono::steady_clock::now();
  s = Shutdown(ch);
  EXPECT_TRUE(s.ok()) << s.error_message();
  stub.reset();
  ch.reset();
  ExpectCleanExit(2s);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 2s);
  std::printf(
      "Shutdown to exit: %lld ms\n",
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  EXPECT_FALSE(FileExists(h.address)) << "socket file must be removed";
}

TEST_F(PluginProcessTest, ClientWithoutCertIsRefused) {
  Handshake h = Start(PluginVars());
  ASSERT_FALSE(h.cert_pem.empty());
  tfplugin6::GetProviderSchema_Response schema;
  grpc::Status s =
      GetSchema(Connect(h, /*with_client_cert=*/false), &schema, 3s);
  EXPECT_FALSE(s.ok());
  // A client cert the plugin was not told about is refused too.
  auto other = GenerateSelfSignedCert();
  ASSERT_TRUE(other.ok());
  s = GetSchema(Connect(h, true, &*other), &schema, 3s);
  EXPECT_FALSE(s.ok());
  // Plaintext is refused.
  s = GetSchema(grpc::CreateChannel("unix:" + h.address,
                                    grpc::InsecureChannelCredentials()),
                &schema, 3s);
  EXPECT_FALSE(s.ok());
  // The right client still gets through; SIGTERM then exits cleanly.
  s = GetSchema(Connect(h), &schema);
  EXPECT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(kill(child_.pid, SIGTERM), 0);
  ExpectCleanExit(2s);
  EXPECT_FALSE(FileExists(h.address));
}

TEST_F(PluginProcessTest, SigintIsIgnored) {
  Handshake h = Start(PluginVars());
  auto ch = Connect(h);
  tfplugin6::GetProviderSchema_Response schema;
  ASSERT_TRUE(GetSchema(ch, &schema).ok());
  ASSERT_EQ(kill(child_.pid, SIGINT), 0);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(kill(child_.pid, 0), 0);
  grpc::Status s = GetSchema(ch, &schema);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(Shutdown(ch).ok());
  ExpectCleanExit(2s);
}

TEST_F(PluginProcessTest, ExitsWhenParentDies) {
  // Orphans are reparented to us, so we can reap the plugin and see how it
  // ended.
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  std::vector<std::string> env_strings = PluginEnv(PluginVars());
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string bin = kBinary;
  char* argv[] = {bin.data(), nullptr};
  int pid_pipe[2];
  ASSERT_EQ(pipe(pid_pipe), 0);

  pid_t middle = fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    // The intermediate parent: start the plugin, wait for its handshake,
    // report its pid, and die.
    int out[2];
    if (pipe(out) != 0) _exit(2);
    pid_t plugin = fork();
    if (plugin == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      execve(argv[0], argv, envp.data());
      _exit(127);
    }
    close(out[1]);
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') {
    }
    ssize_t w = write(pid_pipe[1], &plugin, sizeof plugin);
    (void)w;
    _exit(0);
  }
  close(pid_pipe[1]);
  pid_t plugin = -1;
  ASSERT_EQ(read(pid_pipe[0], &plugin, sizeof plugin),
            static_cast<ssize_t>(sizeof plugin));
  close(pid_pipe[0]);
  int st = 0;
  ASSERT_EQ(waitpid(middle, &st, 0), middle);
  ASSERT_GT(plugin, 0);
  child_.pid = plugin;  // reaped below (we are its subreaper)
  auto t0 = std::chrono::steady_clock::now();
  ExpectCleanExit(3s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

namespace {
struct ThreadArgs {
  char** argv;
  char** envp;
  int pid_fd;
};
// Starts the plugin from this (soon to exit) thread; reports its pid once
// the handshake line is out.
void* StartPluginFromThread(void* p) {
  auto* a = static_cast<ThreadArgs*>(p);
  int out[2];
  if (pipe(out) != 0) return nullptr;
  pid_t plugin = fork();
  if (plugin == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    execve(a->argv[0], a->argv, a->envp);
    _exit(127);
  }
  close(out[1]);
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') {
  }
  ssize_t w = write(a->pid_fd, &plugin, sizeof plugin);
  (void)w;
  return nullptr;
}
}  // namespace

// PR_SET_PDEATHSIG fires when the parent *thread* exits. Terraform is a Go
// program: the thread that started us may end while Terraform lives on, and
// the plugin must keep serving.
TEST_F(PluginProcessTest, SurvivesParentThreadExitButNotParentExit) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  std::vector<std::string> env_strings = PluginEnv(PluginVars());
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string bin = kBinary;
  char* argv[] = {bin.data(), nullptr};
  int pid_pipe[2];
  ASSERT_EQ(pipe(pid_pipe), 0);

  pid_t middle = fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    ThreadArgs args{argv, envp.data(), pid_pipe[1]};
    pthread_t t;
    if (pthread_create(&t, nullptr, StartPluginFromThread, &args) != 0) {
      _exit(2);
    }
    pthread_join(t, nullptr);  // the starting thread is gone now
    pause();                   // the process lives on until killed
    _exit(0);
  }
  close(pid_pipe[1]);
  pid_t plugin = -1;
  ASSERT_EQ(read(pid_pipe[0], &plugin, sizeof plugin),
            static_cast<ssize_t>(sizeof plugin));
  close(pid_pipe[0]);
  ASSERT_GT(plugin, 0);

  std::this_thread::sleep_for(500ms);
  char state = ProcessState(plugin);
  EXPECT_TRUE(state != 0 && state != 'Z')
      << "the plugin must outlive its starting thread (state " << state << ")";

  // Now the whole parent process dies: the plugin must follow.
  kill(middle, SIGKILL);
  int st = 0;
  ASSERT_EQ(waitpid(middle, &st, 0), middle);
  child_.pid = plugin;
  ExpectCleanExit(3s);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST_F(PluginProcessTest, PlaintextWithoutClientCert) {
  Handshake h = Start(PluginVars(/*with_cert=*/false));
  EXPECT_EQ(h.cert_pem, "");
  auto ch = Connect(h);
  tfplugin6::GetProviderSchema_Response schema;
  ASSERT_TRUE(GetSchema(ch, &schema).ok());
  EXPECT_TRUE(Shutdown(ch).ok());
  ExpectCleanExit();
}

TEST_F(PluginProcessTest, TcpTransportInPortRange) {
  auto vars = PluginVars();
  vars["ENCORE_PROVIDER_TRANSPORT"] = "tcp";
  Handshake h = Start(vars);
  ASSERT_EQ(h.network, "tcp");
  ASSERT_EQ(h.address.rfind("127.0.0.1:", 0), 0u) << h.address;
  int port = std::stoi(h.address.substr(10));
  EXPECT_GE(port, 10000);
  EXPECT_LE(port, 25000);
  auto ch = Connect(h);
  tfplugin6::GetProviderSchema_Response schema;
  grpc::Status s = GetSchema(ch, &schema);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(Shutdown(ch).ok());
  ExpectCleanExit();
}

TEST_F(PluginProcessTest, CaptureDirRecordsReceivedValues) {
  auto vars = PluginVars();
  vars["ENCORE_PROVIDER_CAPTURE_DIR"] = tmp_;
  Handshake h = Start(vars);
  auto ch = Connect(h);
  auto stub = tfplugin6::Provider::NewStub(ch);

  // An empty provider block, as Terraform encodes it.
  auto provider = NewEncoreProvider();
  values::Type type = provider->schema().block.ImpliedType();
  std::string msgpack =
      values::EncodeMsgpack(values::Value::ObjectOf(type, {}), type);
  grpc::ClientContext ctx;
  tfplugin6::ValidateProviderConfig_Request req;
  req.mutable_config()->set_msgpack(msgpack);
  tfplugin6::ValidateProviderConfig_Response resp;
  grpc::Status s = stub->ValidateProviderConfig(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(Shutdown(ch).ok());
  pid_t pid = child_.pid;
  ExpectCleanExit();

  std::string base = tmp_ + "/ValidateProviderConfig-encore-config-" +
                     std::to_string(pid) + ".0001";
  created_files_ = {base + ".msgpack", base + ".type"};
  EXPECT_TRUE(FileExists(base + ".msgpack"));
  EXPECT_TRUE(FileExists(base + ".type"));
}

TEST_F(PluginProcessTest, DebugModePrintsReattachAndStopsOnCtrlC) {
  auto vars = PluginVars();
  child_ = Spawn({kBinary, "-debug"}, PluginEnv(vars));
  ASSERT_GT(child_.pid, 0);
  std::string reattach;
  for (int i = 0; i < 20 && reattach.empty(); ++i) {
    auto line = ReadLine(child_.stdout_fd, 10s);
    ASSERT_TRUE(line.has_value());
    size_t at = line->find("TF_REATTACH_PROVIDERS='");
    if (at != std::string::npos) {
      std::string rest = line->substr(at + 23);
      reattach = rest.substr(0, rest.rfind('\''));
    }
  }
  auto j = nlohmann::json::parse(reattach);
  auto cfg = j["registry.terraform.io/encoredev/encore"];
  EXPECT_EQ(cfg["Protocol"], "grpc");
  EXPECT_EQ(cfg["ProtocolVersion"], 6);
  EXPECT_EQ(cfg["Test"], true);
  EXPECT_EQ(cfg["Pid"], child_.pid);
  Handshake h{cfg["Addr"]["Network"], cfg["Addr"]["String"], ""};
  ASSERT_EQ(h.network, "unix");
  tfplugin6::GetProviderSchema_Response schema;
  grpc::Status s = GetSchema(Connect(h), &schema);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(kill(child_.pid, SIGINT), 0);
  ExpectCleanExit();
  EXPECT_FALSE(FileExists(h.address));
}

}  // namespace
}  // namespace encore::testing
