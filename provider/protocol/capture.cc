#include "provider/protocol/capture.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "provider/core/log.h"

namespace encore::protocol {
namespace {

std::string Sanitize(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "_" : out;
}

bool WriteFile(const std::string& path, std::string_view data) {
  FILE* f = std::fopen(path.c_str(), "wbe");
  if (f == nullptr) return false;
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = (std::fclose(f) == 0) && ok;
  return ok;
}

}  // namespace

Capture::Capture(const char* dir) : dir_(dir ? dir : "") {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

Capture Capture::FromEnv() {
  return Capture(std::getenv("ENCORE_PROVIDER_CAPTURE_DIR"));
}

void Capture::Record(std::string_view rpc, std::string_view type_name,
                     std::string_view field, std::string_view bytes,
                     std::string_view type_json, bool is_json) {
  if (!enabled() || bytes.empty()) return;
  int n = ++counter_;
  char counter[32];
  std::snprintf(counter, sizeof counter, "%d.%04d", static_cast<int>(getpid()),
                n);
  std::string base = dir_ + "/" + Sanitize(rpc) + "-" + Sanitize(type_name) +
                     "-" + Sanitize(field) + "-" + counter;
  if (!WriteFile(base + (is_json ? ".json" : ".msgpack"), bytes) ||
      !WriteFile(base + ".type", type_json)) {
    log::Warn("could not write a capture file",
              {{"path", base}, {"error", std::strerror(errno)}});
  }
}

}  // namespace encore::protocol
