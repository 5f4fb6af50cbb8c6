// The real encore-agent process: `serve` on a fresh data dir, and the CLI
// talking to it (tokens and roles, change set approval, audit verify
// against an edited SQLite row, exit codes, TLS over TCP, restart,
// SIGTERM).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "agent/api/agent_client.h"
#include "tests/process_util.h"

namespace encore::testing {
namespace {

using std::chrono::milliseconds;

extern "C" char** environ;

const char* kBinary = ENCORE_AGENT_BINARY;

// The environment without ENCORE_* (so nothing leaks in from the caller),
// HOME pointing at `home`.
std::vector<std::string> AgentEnv(const std::string& home) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    if (kv.rfind("ENCORE_", 0) == 0 || kv.rfind("HOME=", 0) == 0 ||
        kv.rfind("XDG_STATE_HOME=", 0) == 0) {
      continue;
    }
    env.push_back(kv);
  }
  env.push_back("HOME=" + home);
  return env;
}

int ModeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  return st.st_mode & 0777;
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

struct CliResult {
  int code = -1;
  std::string out, err;
};

// A running `encore-agent serve`; its stderr (the log) is collected.
class Agent {
 public:
  Agent(const std::string& home, const std::string& dir,
        std::vector<std::string> extra = {})
      : home_(home), dir_(dir) {
    std::vector<std::string> argv = {kBinary, "serve", "--data-dir", dir};
    for (auto& e : extra) argv.push_back(e);
    child_ = Spawn(argv, AgentEnv(home));
    log_thread_ = std::thread([this] {
      char buf[4096];
      while (true) {
        ssize_t n = ::read(child_.stderr_fd, buf, sizeof buf);
        if (n <= 0) break;
        std::lock_guard<std::mutex> lock(mu_);
        log_.append(buf, static_cast<size_t>(n));
      }
    });
  }
  ~Agent() {
    Cleanup(child_);
    if (log_thread_.joinable()) log_thread_.join();
  }

  // Reads stdout until the "serving on" line; false on exit or timeout.
  bool WaitReady() {
    for (int i = 0; i < 10; ++i) {
      auto line = ReadLine(child_.stdout_fd, milliseconds(10000));
      if (!line) return false;
      stdout_ += *line + "\n";
      if (line->find(" serving on ") != std::string::npos) return true;
    }
    return false;
  }
  // SIGTERM and wait; the exit status (or -1).
  int Stop() {
    ::kill(child_.pid, SIGTERM);
    auto st = WaitExit(child_.pid, milliseconds(10000));
    if (!st) return -1;
    child_.pid = -1;
    return WIFEXITED(*st) ? WEXITSTATUS(*st) : 128 + WTERMSIG(*st);
  }
  std::string Log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }
  const std::string& stdout_text() const { return stdout_; }
  pid_t pid() const { return child_.pid; }

 private:
  std::string home_, dir_;
  Child child_;
  std::thread log_thread_;
  std::mutex mu_;
  std::string log_;
  std::string stdout_;
};

class AgentProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = MakeTempDir();
    dir_ = home_ + "/data";
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + home_ + "'";
    (void)!std::system(cmd.c_str());
  }

  // Runs encore-agent with `args`, or (raw) `args` as the whole argv.
  CliResult Cli(std::vector<std::string> args, bool raw = false) {
    std::vector<std::string> argv;
    if (!raw) argv.push_back(kBinary);
    for (auto& a : args) argv.push_back(a);
    Child c = Spawn(argv, AgentEnv(home_));
    CliResult r;
    std::string err;
    std::thread t([&] { err = ReadAll(c.stderr_fd, milliseconds(30000)); });
    r.out = ReadAll(c.stdout_fd, milliseconds(30000));
    t.join();
    r.err = err;
    auto st = WaitExit(c.pid, milliseconds(30000));
    if (st && WIFEXITED(*st)) {
      r.code = WEXITSTATUS(*st);
      c.pid = -1;
    }
    Cleanup(c);
    return r;
  }
  // Runs a CLI command against the agent on dir_ (admin token from the
  // data dir unless `token` is given).
  CliResult Admin(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", dir_});
    return Cli(args);
  }
  CliResult As(const std::string& token, std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", dir_, "--token", token});
    return Cli(args);
  }
  std::unique_ptr<agent::AgentClient> Client() {
    agent::ClientOptions o;
    o.address = "unix://" + dir_ + "/agent.sock";
    std::string tok = Slurp(dir_ + "/admin.token");
    while (!tok.empty() && tok.back() == '\n') tok.pop_back();
    o.token = tok;
    o.client_name = "agent_process_test";
    auto c = agent::AgentClient::Open(o);
    EXPECT_TRUE(c.ok());
    return c.ok() ? std::move(*c) : nullptr;
  }
  // The secret printed on the last line of `token create`.
  static std::string LastLine(const std::string& out) {
    std::string s = out;
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s.substr(s.rfind('\n') + 1);
  }
  static void ExpectOneErrorLine(const CliResult& r) {
    EXPECT_EQ(r.err.rfind("encore-agent: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }

  std::string home_, dir_;
};

TEST_F(AgentProcessTest, ServeMakesPrivateFilesAndOneAgentPerDataDir) {
  Agent agent(home_, dir_);
  ASSERT_TRUE(agent.WaitReady()) << agent.Log();
  EXPECT_NE(agent.stdout_text().find("encore-agent: admin token written to " +
                                     dir_ + "/admin.token"),
            std::string::npos);
  EXPECT_NE(agent.stdout_text().find("serving on unix://" + dir_ +
                                     "/agent.sock (data dir " + dir_ + ")"),
            std::string::npos)
      << agent.stdout_text();
  EXPECT_EQ(ModeOf(dir_), 0700);
  EXPECT_EQ(ModeOf(dir_ + "/admin.token"), 0600);
  EXPECT_EQ(ModeOf(dir_ + "/agent.sock"), 0600);
  EXPECT_EQ(ModeOf(dir_ + "/secret.key"), 0600);
  std::string token = Slurp(dir_ + "/admin.token");
  EXPECT_EQ(token.rfind("enc_", 0), 0u);
  EXPECT_EQ(token.back(), '\n');

  // A second agent on the same dir fails, naming the first.
  CliResult second = Cli({"serve", "--data-dir", dir_});
  EXPECT_TRUE(second.code == 2 || second.code == 3) << second.code;
  EXPECT_NE(second.err.find("another encore-agent is serving " + dir_ +
                            " (pid " + std::to_string(agent.pid()) + ")"),
            std::string::npos)
      << second.err;
  ExpectOneErrorLine(second);

  // The first one still answers, then stops cleanly on SIGTERM.
  CliResult info = Admin({"info"});
  EXPECT_EQ(info.code, 0) << info.err;
  EXPECT_NE(info.out.find("admin"), std::string::npos);
  EXPECT_EQ(agent.Stop(), 0);
  EXPECT_FALSE(FileExists(dir_ + "/agent.sock"));
}

TEST_F(AgentProcessTest, RolesTokensAndApprovalThroughTheCli) {
  Agent agent(home_, dir_);
  ASSERT_TRUE(agent.WaitReady()) << agent.Log();

  CliResult v = Admin({"token", "create", "reader", "--role", "viewer"});
  ASSERT_EQ(v.code, 0) << v.err;
  std::string viewer = LastLine(v.out);
  EXPECT_EQ(viewer.rfind("enc_", 0), 0u) << v.out;
  CliResult m = Admin({"token", "create", "dev", "--role", "member"});
  ASSERT_EQ(m.code, 0) << m.err;
  std::string member = LastLine(m.out);

  CliResult who = As(viewer, {"info", "--json"});
  ASSERT_EQ(who.code, 0) << who.err;
  EXPECT_NE(who.out.find("\"caller\": \"reader\""), std::string::npos);
  EXPECT_NE(who.out.find("\"caller_role\": \"viewer\""), std::string::npos);

  // A viewer may not make tokens.
  CliResult denied = As(viewer, {"token", "create", "x", "--role", "viewer"});
  EXPECT_EQ(denied.code, 2);
  ExpectOneErrorLine(denied);
  // An unknown token.
  CliResult bad = As("enc_nope", {"env", "list"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("missing or unknown token"), std::string::npos)
      << bad.err;

  // An environment with manual approval whose change waits.
  auto client = Client();
  ASSERT_NE(client, nullptr);
  model::App app;
  app.name = "shop";
  app.model_json =
      R"({"services":[{"name":"api","databases":["orders"]}],)"
      R"("databases":[{"name":"orders"}]})";
  auto created = client->CreateApp(app);
  ASSERT_TRUE(created.ok()) << created.status().message();
  model::EnvironmentSpec spec;
  spec.app = "shop";
  spec.name = "prod";
  spec.type = "production";
  spec.cloud = "local";
  spec.infra_approval = "manual";
  auto env = client->CreateEnvironment(spec);
  ASSERT_TRUE(env.ok()) << env.status().message();
  ASSERT_EQ(env->change_set.state, "pending_approval");
  const std::string cs = env->change_set.id;

  CliResult list = Admin({"changeset", "list", "--state", "pending_approval"});
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find(cs), std::string::npos) << list.out;
  CliResult show = Admin({"changeset", "show", cs});
  EXPECT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("operations:"), std::string::npos);

  // A member may not approve; an admin may.
  CliResult refused = As(member, {"approve", cs});
  EXPECT_EQ(refused.code, 2) << refused.out;
  ExpectOneErrorLine(refused);
  EXPECT_NE(refused.err.find("member"), std::string::npos) << refused.err;
  CliResult approved = Admin({"approve", cs});
  EXPECT_EQ(approved.code, 0) << approved.err;
  EXPECT_NE(approved.out.find("approved"), std::string::npos);

  CliResult shown = Admin({"env", "show", "shop/prod"});
  EXPECT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("infra_approval:     manual"), std::string::npos)
      << shown.out;

  // env set: the change goes through with the record's version.
  auto before = client->GetEnvironment("shop", "prod");
  ASSERT_TRUE(before.ok());
  CliResult set =
      Admin({"env", "set", "shop/prod", "deletion_policy=delete"});
  EXPECT_EQ(set.code, 0) << set.err;
  auto after = client->GetEnvironment("shop", "prod");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->spec.deletion_policy, "delete");
  EXPECT_GT(after->version, before->version);
  CliResult bad_field = Admin({"env", "set", "shop/prod", "cloud=aws"});
  EXPECT_EQ(bad_field.code, 2);

  // Secrets: set (value from stdin is not tested here), get as admin only.
  CliResult put = Admin({"secret", "set", "shop/stripe", "production=sk_1"});
  EXPECT_EQ(put.code, 0) << put.err;
  CliResult got = Admin({"secret", "get", "shop/stripe", "--key",
                         "production"});
  EXPECT_EQ(got.code, 0) << got.err;
  EXPECT_EQ(got.out, "sk_1\n");
  CliResult got_member = As(member, {"secret", "get", "shop/stripe"});
  EXPECT_EQ(got_member.code, 2);
  // KEY=- reads the value from stdin; the other keys stay.
  CliResult piped = Cli({"/bin/sh", "-c",
                         "printf 'sk_dev\\n' | \"$0\" --data-dir \"$1\" "
                         "secret set shop/stripe development=-",
                         kBinary, dir_},
                        /*raw=*/true);
  EXPECT_EQ(piped.code, 0) << piped.err;
  CliResult both = Admin({"secret", "get", "shop/stripe"});
  EXPECT_EQ(both.out, "development=sk_dev\nproduction=sk_1\n");

  // The log: one line per call with request id and caller; never a
  // token or a secret value.
  std::string log = agent.Log();
  EXPECT_NE(log.find("INFO agent: rpc=CreateToken request_id=req-"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("caller=admin code=OK ms="), std::string::npos);
  EXPECT_NE(log.find("WARN agent: rpc=ApproveChangeSet"), std::string::npos);
  EXPECT_EQ(log.find(viewer), std::string::npos);
  EXPECT_EQ(log.find(member), std::string::npos);
  EXPECT_EQ(log.find("sk_1"), std::string::npos);
  EXPECT_EQ(agent.Stop(), 0);
}

TEST_F(AgentProcessTest, AuditVerifyFindsAnEditedRowAndRestartKeepsData) {
  auto agent = std::make_unique<Agent>(home_, dir_);
  ASSERT_TRUE(agent->WaitReady()) << agent->Log();
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_EQ(Admin({"token", "create", name, "--role", "viewer"}).code, 0);
  }
  CliResult ok = Admin({"audit", "verify"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("audit log verified: "), std::string::npos) << ok.out;
  CliResult audit = Admin({"audit", "--limit", "2"});
  EXPECT_EQ(audit.code, 0) << audit.err;
  EXPECT_EQ(std::count(audit.out.begin(), audit.out.end(), '\n'), 2)
      << audit.out;

  const std::string token_before = Slurp(dir_ + "/admin.token");
  ASSERT_EQ(agent->Stop(), 0);
  agent.reset();

  // Edit row 2 behind the agent's back (dropping the append-only triggers
  // first, as an attacker with the file would).
  const std::string db = dir_ + "/agent.db";
  std::string triggers;
  {
    Child c = Spawn({"/usr/bin/sqlite3", db,
                     "SELECT name FROM sqlite_master WHERE type='trigger' "
                     "AND tbl_name='audit'"},
                    AgentEnv(home_));
    triggers = ReadAll(c.stdout_fd, milliseconds(10000));
    WaitExit(c.pid, milliseconds(10000));
    c.pid = -1;
    Cleanup(c);
  }
  std::string sql;
  std::istringstream names(triggers);
  for (std::string n; std::getline(names, n);) {
    if (!n.empty()) sql += "DROP TRIGGER \"" + n + "\"; ";
  }
  sql += "UPDATE audit SET actor='mallory' WHERE seq=2;";
  {
    Child c = Spawn({"/usr/bin/sqlite3", db, sql}, AgentEnv(home_));
    auto st = WaitExit(c.pid, milliseconds(10000));
    ASSERT_TRUE(st && WIFEXITED(*st) && WEXITSTATUS(*st) == 0)
        << ReadAll(c.stderr_fd, milliseconds(1000));
    c.pid = -1;
    Cleanup(c);
  }

  // Restart: same data, no new admin token.
  agent = std::make_unique<Agent>(home_, dir_);
  ASSERT_TRUE(agent->WaitReady()) << agent->Log();
  EXPECT_EQ(agent->stdout_text().find("admin token written"),
            std::string::npos);
  EXPECT_EQ(Slurp(dir_ + "/admin.token"), token_before);
  CliResult tokens = Admin({"token", "list"});
  EXPECT_EQ(tokens.code, 0) << tokens.err;
  EXPECT_NE(tokens.out.find("b  viewer"), std::string::npos) << tokens.out;

  CliResult bad = Admin({"audit", "verify"});
  EXPECT_EQ(bad.code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("row 2"), std::string::npos) << bad.out;
  EXPECT_EQ(agent->Stop(), 0);
}

TEST_F(AgentProcessTest, ExitCodesTellUserErrorsFromFaults) {
  // Unreachable agent: a fault.
  CliResult down = Cli({"--agent", "unix://" + home_ + "/none.sock", "--token",
                        "enc_x", "info"});
  EXPECT_EQ(down.code, 3);
  EXPECT_NE(down.err.find("agent not reachable at unix://" + home_ +
                          "/none.sock"),
            std::string::npos)
      << down.err;
  EXPECT_NE(down.err.find("start it with `encore-agent serve`"),
            std::string::npos);
  ExpectOneErrorLine(down);
  // Bad usage: a user error.
  CliResult usage = Cli({"env", "show"});
  EXPECT_EQ(usage.code, 2);
  ExpectOneErrorLine(usage);
  CliResult unknown = Cli({"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  CliResult bad_addr = Cli({"--agent", "http://x", "info"});
  EXPECT_EQ(bad_addr.code, 2);
  ExpectOneErrorLine(bad_addr);
  // Help and version.
  CliResult help = Cli({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("Exit codes:"), std::string::npos);
  CliResult sub = Cli({"token", "create", "--help"});
  EXPECT_EQ(sub.code, 0);
  EXPECT_NE(sub.out.find("--role"), std::string::npos);
  CliResult version = Cli({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind("encore-agent ", 0), 0u);
}

TEST_F(AgentProcessTest, TcpServesOnlyTls) {
  const int port = FreePort();
  const std::string addr = "https://127.0.0.1:" + std::to_string(port);
  Agent agent(home_, dir_,
              {"--listen", "tcp://127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(agent.WaitReady()) << agent.Log();
  EXPECT_NE(agent.stdout_text().find("clients: agent = \"" + addr +
                                     "\", ca_cert = " + dir_ +
                                     "/tls/cert.pem"),
            std::string::npos)
      << agent.stdout_text();
  EXPECT_EQ(ModeOf(dir_ + "/tls/key.pem"), 0600);
  EXPECT_FALSE(FileExists(dir_ + "/agent.sock"));

  CliResult ok = Admin(
      {"--agent", addr, "--ca-cert", dir_ + "/tls/cert.pem", "info"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("admin"), std::string::npos);
  // Without the CA the server's certificate is not trusted.
  CliResult untrusted = Admin({"--agent", addr, "info"});
  EXPECT_EQ(untrusted.code, 3) << untrusted.out;
  EXPECT_EQ(agent.Stop(), 0);
}

}  // namespace
}  // namespace encore::testing
