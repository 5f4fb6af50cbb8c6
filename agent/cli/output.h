// Rendering records for the CLI: JSON (--json) and short text helpers.
#ifndef ENCORE_AGENT_CLI_OUTPUT_H_
#define ENCORE_AGENT_CLI_OUTPUT_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "model/records.h"

namespace encore::agent::cli {

// "2026-11-23T10:00:00Z" (UTC); "-" for 0.
std::string TimeText(int64_t ms);

nlohmann::ordered_json ToJsonValue(const model::App& a);
nlohmann::ordered_json ToJsonValue(const model::Environment& e);
nlohmann::ordered_json ToJsonValue(const model::ChangeSet& cs);
nlohmann::ordered_json ToJsonValue(const model::AuditEntry& e);
nlohmann::ordered_json ToJsonValue(const model::TokenInfo& t);

}  // namespace encore::agent::cli

#endif  // ENCORE_AGENT_CLI_OUTPUT_H_
