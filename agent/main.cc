// encore-agent: the agent daemon (`serve`) and its operator CLI
// (agent/cli/commands.h).
#include <iostream>
#include <string>
#include <vector>

#include "agent/cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return encore::agent::cli::Run(args, std::cout, std::cerr, std::cin);
}
