#include "provider/core/log.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace encore::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

std::mutex& SinkMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}
std::function<void(std::string_view)>& Sink() {
  static auto* sink = new std::function<void(std::string_view)>();
  return *sink;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere to report a failing stderr
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

Level ParseLevel(std::string_view text, Level fallback) {
  if (text.empty()) return fallback;
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(c));
  if (lower == "trace" || lower == "json") return Level::kTrace;
  if (lower == "debug") return Level::kDebug;
  if (lower == "info") return Level::kInfo;
  if (lower == "warn") return Level::kWarn;
  if (lower == "error") return Level::kError;
  if (lower == "off") return Level::kOff;
  return Level::kTrace;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "info";
}

void InitFromEnv() {
  const char* provider = std::getenv("TF_LOG_PROVIDER");
  const char* global = std::getenv("TF_LOG");
  std::string_view text = provider && *provider ? provider
                          : global              ? global
                                                : "";
  SetLevel(ParseLevel(text, Level::kInfo));
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

Level CurrentLevel() { return static_cast<Level>(g_level.load()); }

std::string FormatLine(Level level, std::string_view message,
                       const Fields& fields,
                       std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(when.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(micros % 1000000));

  std::string out;
  out.reserve(96 + message.size());
  out += "{\"@level\":";
  AppendJsonString(out, LevelName(level));
  out += ",\"@message\":";
  AppendJsonString(out, message);
  out += ",\"@timestamp\":";
  AppendJsonString(out, ts);
  for (const auto& [key, value] : fields) {
    out += ',';
    AppendJsonString(out, key);
    out += ':';
    AppendJsonString(out, value);
  }
  out += "}\n";
  return out;
}

void Log(Level level, std::string_view message, const Fields& fields) {
  if (!Enabled(level)) return;
  std::string line =
      FormatLine(level, message, fields, std::chrono::system_clock::now());
  std::lock_guard<std::mutex> lock(SinkMutex());
  if (Sink()) {
    Sink()(line);
  } else {
    WriteAll(STDERR_FILENO, line);
  }
}

void SetSinkForTesting(std::function<void(std::string_view line)> sink) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  Sink() = std::move(sink);
}

}  // namespace encore::log
