#include <map>
#include <ostream>

#include "agent/cli/commands.h"
#include "agent/cli/exit_codes.h"

#ifndef ENCORE_VERSION
#define ENCORE_VERSION "dev"
#endif

namespace encore::agent::cli {
namespace {

using Fn = StatusOr<int> (*)(Session&);

const std::map<std::string, Fn>& Dispatch() {
  static const std::map<std::string, Fn> kFns = {
      {"serve", RunServe},
      {"version", RunVersion},
      {"info", RunInfo},
      {"app list", RunAppList},
      {"app show", RunAppShow},
      {"env list", RunEnvList},
      {"env show", RunEnvShow},
      {"env set", RunEnvSet},
      {"changeset list", RunChangeSetList},
      {"changeset show", RunChangeSetShow},
      {"changeset approve", RunChangeSetApprove},
      {"changeset reject", RunChangeSetReject},
      {"approve", RunChangeSetApprove},
      {"reject", RunChangeSetReject},
      {"audit", RunAudit},
      {"audit verify", RunAuditVerify},
      {"token create", RunTokenCreate},
      {"token revoke", RunTokenRevoke},
      {"token list", RunTokenList},
      {"secret get", RunSecretGet},
      {"secret set", RunSecretSet},
      {"reconcile", RunReconcile},
      {"drift", RunDrift},
      {"runtime-config", RunRuntimeConfig},
      {"counters", RunCounters},
      {"backends stop", RunBackendsStop},
  };
  return kFns;
}

// One line: the message's first line.
std::string OneLine(const std::string& m) {
  std::string out = m.substr(0, m.find('\n'));
  return out.empty() ? "unknown error" : out;
}

}  // namespace

int Run(const std::vector<std::string>& argv, std::ostream& out,
        std::ostream& err, std::istream& in) {
  auto parsed = ParseArgs(argv);
  if (!parsed.ok()) {
    err << "encore-agent: " << OneLine(parsed.status().message()) << "\n";
    return kExitUserError;
  }
  if (parsed->help) {
    std::vector<std::string> topic = parsed->help_topic;
    if (parsed->command != nullptr) topic = parsed->command->path;
    out << UsageText(topic);
    return kExitOk;
  }
  if (parsed->command == nullptr && parsed->version) {
    out << "encore-agent " << ENCORE_VERSION << "\n";
    return kExitOk;
  }
  auto fn = Dispatch().find(parsed->CommandName());
  if (fn == Dispatch().end()) {
    err << "encore-agent: command " << parsed->CommandName()
        << " is not implemented\n";
    return kExitFault;
  }
  Session session(*parsed, ProcessEnv(), out, in);
  StatusOr<int> r = fn->second(session);
  out.flush();
  if (!r.ok()) {
    err << "encore-agent: " << OneLine(r.status().message()) << "\n";
    return ExitCodeFor(r.status());
  }
  return *r;
}

}  // namespace encore::agent::cli
