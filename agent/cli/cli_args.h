// The encore-agent command line, parsed (pure: no I/O). One table,
// Commands(), lists every command with its usage, its flags and how many
// arguments it takes; ParseArgs matches the longest command path in it.
//
// Global flags go before or after the command: --agent ADDR, --data-dir
// DIR, --token T, --ca-cert FILE, --json, --help/-h (also `help [CMD...]`),
// --version. Flags take "--flag value" or "--flag=value"; "--" ends flags.
// Errors are kInvalidArgument with a one-line message naming the problem
// and where to look (exit code 2).
#ifndef ENCORE_AGENT_CLI_CLI_ARGS_H_
#define ENCORE_AGENT_CLI_CLI_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "provider/core/status.h"

namespace encore::agent::cli {

struct FlagSpec {
  std::string name;  // without "--"
  bool takes_value = true;
  std::string help;
};

struct CommandSpec {
  std::vector<std::string> path;  // {"env", "set"}
  std::string args_usage;         // "APP/ENV FIELD=VALUE..."
  std::string summary;
  int min_args = 0;
  int max_args = 0;  // -1: any number
  std::vector<FlagSpec> flags;
};

// Every command, in the order --help lists them.
const std::vector<CommandSpec>& Commands();
// The flags every command accepts.
const std::vector<FlagSpec>& GlobalFlags();

struct Globals {
  std::optional<std::string> agent, data_dir, token, ca_cert;
  bool json = false;
  bool force = false;  // --force: resolve conflicts in the caller's favour
};

struct ParsedArgs {
  // The command matched; nullptr when only help or version was asked for.
  const CommandSpec* command = nullptr;
  bool help = false;     // --help, -h or `help ...`
  bool version = false;  // --version
  // Words of a command group typed without a command ("env"), or the words
  // after `help`: what help to show.
  std::vector<std::string> help_topic;
  Globals globals;
  std::map<std::string, std::string> flags;  // command flags ("" if boolean)
  std::vector<std::string> args;             // positional arguments
  std::string CommandName() const;           // "env set"
};

// `argv` without the program name.
StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& argv);

// Usage text: for the whole tool (empty topic), a group ("env") or one
// command ("env set"). Unknown topics give the whole tool's usage.
std::string UsageText(const std::vector<std::string>& topic);

// "APP/ENV" -> {"APP", "ENV"}; kInvalidArgument naming `what` otherwise.
StatusOr<std::pair<std::string, std::string>> SplitPair(
    const std::string& text, const std::string& what);
// "KEY=VALUE" -> {"KEY", "VALUE"} (VALUE may be empty or contain '=').
StatusOr<std::pair<std::string, std::string>> SplitAssignment(
    const std::string& text);

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_CLI_ARGS_H_
