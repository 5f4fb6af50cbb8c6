#include "agent/cli/cli_args.h"

#include <gtest/gtest.h>

namespace encore::agent::cli {
namespace {

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    size_t j = line.find(' ', i);
    if (j == std::string::npos) j = line.size();
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

struct GoodCase {
  std::string line;
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> flags;
};

TEST(CliArgsTest, ParsesCommands) {
  const GoodCase cases[] = {
      {"version", "version", {}, {}},
      {"info", "info", {}, {}},
      {"serve --listen tcp://127.0.0.1:7000", "serve", {},
       {{"listen", "tcp://127.0.0.1:7000"}}},
      {"serve --listen=unix:///tmp/a.sock", "serve", {},
       {{"listen", "unix:///tmp/a.sock"}}},
      {"app list", "app list", {}, {}},
      {"app show shop", "app show", {"shop"}, {}},
      {"env list --app shop --type production", "env list", {},
       {{"app", "shop"}, {"type", "production"}}},
      {"env show shop/dev", "env show", {"shop/dev"}, {}},
      {"env set shop/dev infra_approval=manual deploy.branch=main", "env set",
       {"shop/dev", "infra_approval=manual", "deploy.branch=main"}, {}},
      {"changeset list --state pending_approval", "changeset list", {},
       {{"state", "pending_approval"}}},
      {"changeset show cs-3", "changeset show", {"cs-3"}, {}},
      {"changeset approve cs-3", "changeset approve", {"cs-3"}, {}},
      {"changeset reject cs-3 --reason not-now", "changeset reject", {"cs-3"},
       {{"reason", "not-now"}}},
      {"approve cs-3", "approve", {"cs-3"}, {}},
      {"reject --reason=no cs-3", "reject", {"cs-3"}, {{"reason", "no"}}},
      {"audit", "audit", {}, {}},
      {"audit --after 10 --limit 5", "audit", {},
       {{"after", "10"}, {"limit", "5"}}},
      {"audit verify", "audit verify", {}, {}},
      {"token create ci --role member", "token create", {"ci"},
       {{"role", "member"}}},
      {"token revoke ci", "token revoke", {"ci"}, {}},
      {"token list", "token list", {}, {}},
      {"secret get shop/stripe --key production", "secret get",
       {"shop/stripe"}, {{"key", "production"}}},
      {"secret set shop/stripe production=- development=x=y", "secret set",
       {"shop/stripe", "production=-", "development=x=y"}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    auto p = ParseArgs(Words(c.line));
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_EQ(p->CommandName(), c.command);
    EXPECT_EQ(p->args, c.args);
    EXPECT_EQ(p->flags, c.flags);
    EXPECT_FALSE(p->help);
  }
}

TEST(CliArgsTest, GlobalFlagsGoBeforeOrAfter) {
  auto a = ParseArgs(Words("--agent unix:///x.sock --json env list --token t"
                           " --data-dir /d --ca-cert=/c.pem"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->CommandName(), "env list");
  EXPECT_EQ(a->globals.agent.value_or(""), "unix:///x.sock");
  EXPECT_EQ(a->globals.token.value_or(""), "t");
  EXPECT_EQ(a->globals.data_dir.value_or(""), "/d");
  EXPECT_EQ(a->globals.ca_cert.value_or(""), "/c.pem");
  EXPECT_TRUE(a->globals.json);
  EXPECT_TRUE(a->flags.empty());
}

TEST(CliArgsTest, DoubleDashEndsFlags) {
  auto a = ParseArgs(Words("secret set shop/s -- --weird=value"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->args, (std::vector<std::string>{"shop/s", "--weird=value"}));
}

TEST(CliArgsTest, HelpAtEveryLevel) {
  struct Case {
    std::string line;
    std::vector<std::string> topic;
  };
  const Case cases[] = {
      {"--help", {}},
      {"-h", {}},
      {"help", {}},
      {"help env", {"env"}},
      {"env --help", {"env"}},
      {"env help", {"env"}},
      {"env set --help", {"env", "set"}},
      {"env set help", {"env", "set"}},
      {"token create -h", {"token", "create"}},
      {"audit --help", {"audit"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    auto p = ParseArgs(Words(c.line));
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_TRUE(p->help);
    std::vector<std::string> topic =
        p->command ? p->command->path : p->help_topic;
    EXPECT_EQ(topic, c.topic);
  }
}

TEST(CliArgsTest, HelpTextsNameCommandsAndExitCodes) {
  std::string all = UsageText({});
  EXPECT_NE(all.find("env set APP/ENV FIELD=VALUE..."), std::string::npos);
  EXPECT_NE(all.find("audit verify"), std::string::npos);
  EXPECT_NE(all.find("Exit codes:"), std::string::npos);
  std::string env = UsageText({"env"});
  EXPECT_NE(env.find("env show"), std::string::npos);
  EXPECT_EQ(env.find("token create"), std::string::npos);
  std::string one = UsageText({"token", "create"});
  EXPECT_NE(one.find("Usage: encore-agent token create NAME"),
            std::string::npos);
  EXPECT_NE(one.find("--role"), std::string::npos);
}

TEST(CliArgsTest, RejectsBadUsageWithOneLineMessages) {
  struct Case {
    std::string line;
    std::string message_part;
  };
  const Case cases[] = {
      {"", "no command given"},
      {"frobnicate", "unknown command \"frobnicate\""},
      {"env", "env needs a command (list, show, set)"},
      {"env frob", "unknown command \"env frob\""},
      {"env show", "usage: encore-agent env show APP/ENV"},
      {"env show a/b c/d", "usage: encore-agent env show APP/ENV"},
      {"env set shop/dev", "usage: encore-agent env set"},
      {"info extra", "takes no arguments"},
      {"env list --nope x", "unknown flag --nope for `env list`"},
      {"token create ci --role", "flag --role needs a value"},
      {"--json=yes info", "flag --json takes no value"},
      {"-x info", "unknown flag -x"},
      {"approve", "usage: encore-agent approve ID"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    auto p = ParseArgs(Words(c.line));
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.message_part), std::string::npos)
        << p.status().message();
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
  }
}

TEST(CliArgsTest, SplitsPairsAndAssignments) {
  auto ok = SplitPair("shop/dev", "APP/ENV");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first, "shop");
  EXPECT_EQ(ok->second, "dev");
  for (const char* bad : {"shop", "/dev", "shop/", "a/b/c", ""}) {
    EXPECT_FALSE(SplitPair(bad, "APP/ENV").ok()) << bad;
  }
  auto kv = SplitAssignment("k=a=b");
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(kv->first, "k");
  EXPECT_EQ(kv->second, "a=b");
  EXPECT_TRUE(SplitAssignment("k=").ok());
  EXPECT_FALSE(SplitAssignment("=v").ok());
  EXPECT_FALSE(SplitAssignment("kv").ok());
}

}  // namespace
}  // namespace encore::agent::cli
