// The project's logger: leveled, thread-safe, one line per entry on
// stderr, in the hclog JSON form Terraform parses from a plugin's stderr
// (PROTOCOL.md §1.8), e.g.
//
//   {"@level":"debug","@message":"rpc
//   done","@timestamp":"2025-01-02T03:04:05.678901Z","rpc":"PlanResourceChange"}
//
// Terraform shows these lines under TF_LOG / TF_LOG_PROVIDER with their
// level, and the extra keys as key/value pairs.
//
// Rules:
// - Never writes to stdout (stdout carries the go-plugin handshake line).
// - The level comes from TF_LOG_PROVIDER, else TF_LOG (trace, debug, info,
//   warn, error, off; "json" means trace, any other non-empty value means
//   trace, as Terraform does). Default: info. InitFromEnv() reads it; until
//   then the default applies.
// - Redaction is the caller's job: pass only non-secret fields. Never log a
//   token, a password, a private key, a secret value, or a whole Value of a
//   resource that has sensitive attributes. Log names, ids, type names,
//   counts and durations instead.
#ifndef ENCORE_PROVIDER_CORE_LOG_H_
#define ENCORE_PROVIDER_CORE_LOG_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace encore::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

// Key/value pairs added to the JSON object (keys must not start with '@').
using Fields = std::vector<std::pair<std::string, std::string>>;

// "trace" → kTrace, ... (case-insensitive); "" → `fallback`; "json" and
// unrecognised text → kTrace (Terraform's behaviour for TF_LOG).
Level ParseLevel(std::string_view text, Level fallback);
std::string_view LevelName(Level level);  // "trace", "debug", ...

// Reads TF_LOG_PROVIDER, then TF_LOG. Call once at startup.
void InitFromEnv();
void SetLevel(Level level);
Level CurrentLevel();
inline bool Enabled(Level level) {
  return level != Level::kOff && level >= CurrentLevel();
}

// Writes one entry if `level` is enabled.
void Log(Level level, std::string_view message, const Fields& fields = {});
inline void Trace(std::string_view m, const Fields& f = {}) {
  Log(Level::kTrace, m, f);
}
inline void Debug(std::string_view m, const Fields& f = {}) {
  Log(Level::kDebug, m, f);
}
inline void Info(std::string_view m, const Fields& f = {}) {
  Log(Level::kInfo, m, f);
}
inline void Warn(std::string_view m, const Fields& f = {}) {
  Log(Level::kWarn, m, f);
}
inline void Error(std::string_view m, const Fields& f = {}) {
  Log(Level::kError, m, f);
}

// The line Log() writes (with the trailing '\n'), for tests.
std::string FormatLine(Level level, std::string_view message,
                       const Fields& fields,
                       std::chrono::system_clock::time_point when);

// Replaces the stderr sink (tests); an empty function restores stderr.
void SetSinkForTesting(std::function<void(std::string_view line)> sink);

}  // namespace encore::log

#endif  // ENCORE_PROVIDER_CORE_LOG_H_
