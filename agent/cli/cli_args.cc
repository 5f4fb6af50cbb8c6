#include "agent/cli/cli_args.h"

#include <algorithm>

namespace encore::agent::cli {
namespace {

bool StartsWith(const std::vector<std::string>& words,
                const std::vector<std::string>& prefix) {
  if (prefix.size() > words.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), words.begin());
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

bool IsGroup(const std::vector<std::string>& words) {
  for (const auto& c : Commands()) {
    if (c.path.size() > words.size() && StartsWith(c.path, words)) return true;
  }
  return false;
}

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags,
                         const std::string& name) {
  for (const auto& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string CommandLine(const CommandSpec& c) {
  std::string line = Join(c.path);
  if (!c.args_usage.empty()) line += " " + c.args_usage;
  for (const auto& f : c.flags) {
    line += " [--" + f.name + (f.takes_value ? " " + f.help + "]" : "]");
  }
  return line;
}

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  success\n"
    "  1  a check failed (audit verify found a bad row)\n"
    "  2  user error: bad usage, invalid argument, not found, already\n"
    "     exists, permission denied, unauthenticated, conflict (changed\n"
    "     since read), failed precondition\n"
    "  3  fault: agent not reachable, internal error, I/O error\n";

}  // namespace

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec> kFlags = {
      {"agent", true,
       "ADDR  agent address: unix:///path/agent.sock or https://host:port "
       "(else $ENCORE_AGENT, else the default data dir's agent.sock)"},
      {"data-dir", true,
       "DIR  the agent's data dir (default $XDG_STATE_HOME/encore-agent, "
       "~/.local/state/encore-agent, /var/lib/encore-agent as root)"},
      {"token", true,
       "T  bearer token (else $ENCORE_TOKEN, else DIR/admin.token when "
       "readable and the agent is a unix socket or --data-dir is given)"},
      {"ca-cert", true,
       "FILE  CA certificate for https:// agents (else $ENCORE_CA_CERT)"},
      {"json", false, "machine-readable output"},
      {"force", false,
       "resolve ownership conflicts in your favour: overwrite values changed "
       "outside the agent (audited)"},
      {"help", false, "show help"},
      {"version", false, "print the version"},
  };
  return kFlags;
}

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> kCommands = {
      {{"serve"}, "", "run the agent (gRPC API)", 0, 0,
       {{"listen", true, "unix:///PATH|tcp://HOST:PORT"}}},
      {{"version"}, "", "print the version", 0, 0, {}},
      {{"info"}, "", "who you are to the agent, and its version", 0, 0, {}},
      {{"app", "list"}, "", "list apps", 0, 0, {}},
      {{"app", "show"}, "APP", "show an app and its services", 1, 1, {}},
      {{"env", "list"}, "", "list environments", 0, 0,
       {{"app", true, "APP"}, {"type", true, "TYPE"}}},
      {{"env", "show"}, "APP/ENV",
       "show an environment: spec, status, infrastructure, pending change "
       "set", 1, 1, {}},
      {{"env", "set"}, "APP/ENV FIELD=VALUE...",
       "change fields: infra_approval, deletion_policy, process_allocation, "
       "deploy.trigger, deploy.branch", 2, -1, {}},
      {{"changeset", "list"}, "", "list change sets (newest first)", 0, 0,
       {{"app", true, "APP"}, {"env", true, "ENV"}, {"state", true, "STATE"}}},
      {{"changeset", "show"}, "ID", "show a change set and its operations", 1,
       1, {}},
      {{"changeset", "approve"}, "ID", "approve a change set (admin)", 1, 1,
       {}},
      {{"changeset", "reject"}, "ID", "reject a change set (admin)", 1, 1,
       {{"reason", true, "TEXT"}}},
      {{"approve"}, "ID", "same as changeset approve", 1, 1, {}},
      {{"reject"}, "ID", "same as changeset reject", 1, 1,
       {{"reason", true, "TEXT"}}},
      {{"audit"}, "", "list audit log entries", 0, 0,
       {{"after", true, "SEQ"}, {"limit", true, "N"}}},
      {{"audit", "verify"}, "", "check the audit log's hash chain", 0, 0, {}},
      {{"token", "create"}, "NAME",
       "make a token (prints its secret once; admin)", 1, 1,
       {{"role", true, "viewer|member|admin"}}},
      {{"token", "revoke"}, "NAME", "revoke a token (admin)", 1, 1, {}},
      {{"token", "list"}, "", "list tokens (admin)", 0, 0, {}},
      {{"secret", "get"}, "APP/NAME",
       "print a secret's values (admin)", 1, 1, {{"key", true, "KEY"}}},
      {{"secret", "set"}, "APP/NAME KEY=VALUE...",
       "set values (KEY=- reads the value from stdin; admin)", 2, -1, {}},
      {{"reconcile"}, "APP/ENV",
       "apply the environment's desired state to its backends again (after a "
       "failure; --force overwrites conflicting values)", 1, 1, {}},
      {{"drift"}, "APP/ENV",
       "read every resource and list what differs from what the agent wrote "
       "(normalization, foreign_change, conflict); exit 1 when there is drift",
       1, 1, {}},
      {{"runtime-config"}, "APP/ENV",
       "print the runtime config (infra.config.json shape); --secrets puts "
       "passwords and secret values in it", 1, 1,
       {{"process-group", true, "NAME"}, {"secrets", true, "true|false"}}},
      {{"counters"}, "", "backend reads and writes per driver since start", 0,
       0, {}},
      {{"backends", "stop"}, "",
       "stop the PostgreSQL, NATS and Redis servers of the data dir (they "
       "outlive the agent otherwise)", 0, 0, {}},
  };
  return kCommands;
}

std::string ParsedArgs::CommandName() const {
  return command == nullptr ? "" : Join(command->path);
}

StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& argv) {
  ParsedArgs out;
  std::vector<std::string> words;  // non-flag words, in order
  std::vector<std::pair<std::string, std::string>> cmd_flags;
  std::vector<std::string> value_flags_seen;

  // First pass: separate flags and words. Whether a non-global flag takes
  // a value depends on the command, which may come later; every command
  // flag takes a value, so "--name value" always pairs.
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (flags_done || a.size() < 2 || a[0] != '-' || a == "-") {
      words.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    if (a == "-h") {
      out.help = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      return Status::InvalidArgument("unknown flag " + a +
                                     "; see encore-agent --help");
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* global = FindFlag(GlobalFlags(), name);
    bool takes_value = global ? global->takes_value : true;
    if (!takes_value && value) {
      return Status::InvalidArgument("flag --" + name + " takes no value");
    }
    if (takes_value && !value) {
      if (i + 1 >= argv.size()) {
        return Status::InvalidArgument("flag --" + name + " needs a value");
      }
      value = argv[++i];
    }
    if (name == "help") {
      out.help = true;
    } else if (name == "version") {
      out.version = true;
    } else if (name == "json") {
      out.globals.json = true;
    } else if (name == "force") {
      out.globals.force = true;
    } else if (name == "agent") {
      out.globals.agent = *value;
    } else if (name == "data-dir") {
      out.globals.data_dir = *value;
    } else if (name == "token") {
      out.globals.token = *value;
    } else if (name == "ca-cert") {
      out.globals.ca_cert = *value;
    } else {
      cmd_flags.emplace_back(name, *value);
    }
  }

  if (!words.empty() && words[0] == "help") {
    out.help = true;
    out.help_topic.assign(words.begin() + 1, words.end());
    return out;
  }
  // "env help", "env set help": help at any level.
  if (words.size() > 1 && words.back() == "help") {
    std::vector<std::string> topic(words.begin(), words.end() - 1);
    bool known = IsGroup(topic);
    for (const auto& c : Commands()) known = known || c.path == topic;
    if (known) {
      out.help = true;
      out.help_topic = topic;
      return out;
    }
  }

  // The longest command path that prefixes the words.
  const CommandSpec* best = nullptr;
  for (const auto& c : Commands()) {
    if (StartsWith(words, c.path) &&
        (best == nullptr || c.path.size() > best->path.size())) {
      best = &c;
    }
  }
  // "audit verify": the words after "audit" could also be arguments; the
  // longest path wins, which is what a person means.
  if (best == nullptr) {
    if (out.help || (words.empty() && out.version)) {
      out.help_topic = words;
      return out;
    }
    if (words.empty()) {
      return Status::InvalidArgument(
          "no command given; see encore-agent --help");
    }
    std::vector<std::string> group;
    for (const auto& w : words) {
      std::vector<std::string> next = group;
      next.push_back(w);
      if (!IsGroup(next)) break;
      group = next;
    }
    if (!group.empty()) {
      std::string cmds;
      for (const auto& c : Commands()) {
        if (c.path.size() == group.size() + 1 && StartsWith(c.path, group)) {
          cmds += (cmds.empty() ? "" : ", ") + c.path.back();
        }
      }
      if (words.size() == group.size()) {
        return Status::InvalidArgument(Join(group) + " needs a command (" +
                                       cmds + "); see encore-agent " +
                                       Join(group) + " --help");
      }
      return Status::InvalidArgument(
          "unknown command \"" + Join(group) + " " + words[group.size()] +
          "\" (" + Join(group) + " has " + cmds + "); see encore-agent " +
          Join(group) + " --help");
    }
    return Status::InvalidArgument("unknown command \"" + words[0] +
                                   "\"; see encore-agent --help");
  }
  out.command = best;
  if (out.help) return out;

  const std::string name = Join(best->path);
  for (auto& [flag, value] : cmd_flags) {
    if (FindFlag(best->flags, flag) == nullptr) {
      return Status::InvalidArgument("unknown flag --" + flag + " for `" +
                                     name + "`; see encore-agent " + name +
                                     " --help");
    }
    out.flags[flag] = value;
  }
  out.args.assign(words.begin() + best->path.size(), words.end());
  int n = static_cast<int>(out.args.size());
  if (n < best->min_args ||
      (best->max_args >= 0 && n > best->max_args)) {
    std::string want = best->args_usage.empty()
                           ? "no arguments"
                           : best->args_usage;
    return Status::InvalidArgument("usage: encore-agent " + name +
                                   (best->args_usage.empty()
                                        ? " (takes " + want + ")"
                                        : " " + want) +
                                   "; see encore-agent " + name + " --help");
  }
  return out;
}

std::string UsageText(const std::vector<std::string>& topic) {
  std::vector<const CommandSpec*> matches;
  for (const auto& c : Commands()) {
    if (!topic.empty() && StartsWith(c.path, topic)) matches.push_back(&c);
  }
  std::string out;
  if (matches.size() == 1 && matches[0]->path == topic) {
    const CommandSpec& c = *matches[0];
    out += "Usage: encore-agent " + CommandLine(c) + "\n\n" + c.summary +
           ".\n";
    if (!c.flags.empty()) {
      out += "\nFlags:\n";
      for (const auto& f : c.flags) {
        out += "  --" + f.name + (f.takes_value ? " " + f.help : "") + "\n";
      }
    }
    if (c.path == std::vector<std::string>{"env", "set"}) {
      out +=
          "\nThe record's version goes with the change, so a change made\n"
          "meanwhile is a conflict, never overwritten; Terraform shows the\n"
          "change as a diff in its next plan.\n";
    }
  } else {
    if (matches.empty()) {
      out +=
          "encore-agent: the Encore agent (serve) and its operator CLI.\n\n"
          "Usage: encore-agent [global flags] COMMAND [args] [flags]\n\n"
          "Commands:\n";
      for (const auto& c : Commands()) matches.push_back(&c);
    } else {
      out += "Usage: encore-agent " + Join(topic) + " COMMAND\n\nCommands:\n";
    }
    for (const CommandSpec* c : matches) {
      out += "  " + CommandLine(*c) + "\n      " + c->summary + "\n";
    }
  }
  out += "\nGlobal flags (before or after the command):\n";
  for (const auto& f : GlobalFlags()) {
    out += "  --" + f.name + " " + f.help + "\n";
  }
  out += "\n";
  out += kExitCodes;
  return out;
}

StatusOr<std::pair<std::string, std::string>> SplitPair(
    const std::string& text, const std::string& what) {
  size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() ||
      text.find('/', slash + 1) != std::string::npos) {
    return Status::InvalidArgument("\"" + text + "\" is not " + what);
  }
  return std::make_pair(text.substr(0, slash), text.substr(slash + 1));
}

StatusOr<std::pair<std::string, std::string>> SplitAssignment(
    const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument("\"" + text +
                                   "\" is not KEY=VALUE");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace encore::agent::cli
