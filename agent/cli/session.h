// What a client command works with: the parsed arguments, where output
// goes, and a connection to the agent opened on first use (token and CA
// certificate read from files as client_settings.h says).
#ifndef ENCORE_AGENT_CLI_SESSION_H_
#define ENCORE_AGENT_CLI_SESSION_H_

#include <iosfwd>
#include <memory>
#include <string>

#include "agent/api/agent_client.h"
#include "agent/cli/cli_args.h"
#include "agent/cli/data_dir.h"
#include "provider/core/status.h"

namespace encore::agent::cli {

class Session {
 public:
  Session(const ParsedArgs& args, EnvLookup env, std::ostream& out,
          std::istream& in)
      : args_(args), env_(std::move(env)), out_(out), in_(in) {}

  const ParsedArgs& args() const { return args_; }
  bool json() const { return args_.globals.json; }
  std::ostream& out() { return out_; }
  std::istream& in() { return in_; }
  const EnvLookup& env() const { return env_; }
  std::string flag(const std::string& name) const {
    auto it = args_.flags.find(name);
    return it == args_.flags.end() ? "" : it->second;
  }
  bool has_flag(const std::string& name) const {
    return args_.flags.count(name) > 0;
  }

  // The client, opened on first call.
  StatusOr<AgentClient*> Client();

 private:
  const ParsedArgs& args_;
  EnvLookup env_;
  std::ostream& out_;
  std::istream& in_;
  std::unique_ptr<AgentClient> client_;
};

// Reads a whole file; kNotFound / kPermissionDenied / kInternal naming it.
StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_SESSION_H_
