#include "agent/drivers/driver.h"

namespace encore::agent::drivers {

namespace {
constexpr std::string_view kPrefix = "managed-by=encore-agent";
constexpr std::string_view kEnv = " env=";
}  // namespace

std::string OwnershipMark(const std::string& env_full) {
  return std::string(kPrefix) + std::string(kEnv) + env_full;
}

bool IsAgentMark(const std::string& mark) {
  return mark.rfind(std::string(kPrefix), 0) == 0;
}

std::string MarkEnvironment(const std::string& mark) {
  if (!IsAgentMark(mark)) return "";
  size_t at = mark.find(kEnv);
  if (at == std::string::npos) return "";
  std::string env = mark.substr(at + kEnv.size());
  size_t space = env.find(' ');
  return space == std::string::npos ? env : env.substr(0, space);
}

}  // namespace encore::agent::drivers
