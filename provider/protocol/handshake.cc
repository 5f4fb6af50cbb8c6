#include "provider/protocol/handshake.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <random>

namespace encore::protocol {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ParsePort(const char* text, int* out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || v < 1 || v > 65535) return false;
  *out = static_cast<int>(v);
  return true;
}

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   static_cast<uint64_t>(::getpid()));
  return rng;
}

}  // namespace

Status CheckMagicCookie(const char* value) {
  if (value != nullptr && std::strcmp(value, kMagicCookieValue) == 0) {
    return Status::Ok();
  }
  return Status(StatusCode::kFailedPrecondition,
                value == nullptr || *value == '\0'
                    ? "TF_PLUGIN_MAGIC_COOKIE is not set"
                    : "TF_PLUGIN_MAGIC_COOKIE does not match Terraform's");
}

std::string NotAPluginMessage() {
  return "This binary is a plugin. These are not meant to be executed "
         "directly.\n"
         "Please execute the program that consumes these plugins, which "
         "will\n"
         "load any plugins automatically\n"
         "\n"
         "terraform-provider-encore is started by Terraform: declare it with\n"
         "  required_providers { encore = { source = \"encoredev/encore\" } }\n"
         "and run terraform. During development, point a dev_overrides entry "
         "in\nyour Terraform CLI config at the directory holding this binary, "
         "or run\n"
         "  terraform-provider-encore -debug\n"
         "and export the TF_REATTACH_PROVIDERS value it prints. See -help.\n";
}

Status CheckProtocolVersions(const char* value) {
  std::string_view list = value == nullptr ? "" : value;
  std::string_view rest = list;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    if (item == "6") return Status::Ok();
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return Status(StatusCode::kFailedPrecondition,
                "terraform-provider-encore speaks plugin protocol 6 only, "
                "but the host offered PLUGIN_PROTOCOL_VERSIONS=\"" +
                    std::string(list) +
                    "\". Use Terraform 1.0 or newer (1.11 recommended).");
}

std::string Base64NoPad(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  size_t left = bytes.size() - i;
  if (left == 1) {
    uint32_t n = byte(i) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (left == 2) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

Transport TransportFromEnv(const char* value) {
  if (value != nullptr && std::string_view(value) == "tcp") {
    return Transport::kTcp;
  }
  return Transport::kUnix;
}

std::string ListenAddress::GrpcUri() const {
  if (network == "unix") return "unix:" + address;
  return address;
}

StatusOr<std::string> MakeUnixSocketPath(const char* socket_dir,
                                         const char* tmpdir) {
  std::string dir = socket_dir && *socket_dir ? socket_dir
                    : tmpdir && *tmpdir       ? tmpdir
                                              : "/tmp";
  char resolved[PATH_MAX];
  if (::realpath(dir.c_str(), resolved) == nullptr) {
    return Status(
        StatusCode::kFailedPrecondition,
        "cannot use socket directory " + dir + ": " + std::strerror(errno));
  }
  dir = resolved;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  static constexpr size_t kMaxPath = sizeof(sockaddr_un::sun_path) - 1;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string path = (dir == "/" ? "" : dir) + "/plugin" +
                       std::to_string(Rng()() % 10000000000ULL);
    if (path.size() > kMaxPath) {
      return Status(StatusCode::kFailedPrecondition,
                    "socket path " + path + " is longer than " +
                        std::to_string(kMaxPath) +
                        " bytes; set TMPDIR to a shorter directory");
    }
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return path;
  }
  return Status::Internal("could not find a free socket name in " + dir);
}

PortRange PortRangeFromEnv(const char* min_port, const char* max_port) {
  PortRange r;
  int lo = 0, hi = 0;
  if (ParsePort(min_port, &lo) && ParsePort(max_port, &hi) && lo <= hi) {
    r.min = lo;
    r.max = hi;
  }
  return r;
}

StatusOr<int> FindFreeTcpPort(PortRange range) {
  if (range.min == 0 && range.max == 0) return 0;
  int count = range.max - range.min + 1;
  int start = static_cast<int>(Rng()() % static_cast<uint64_t>(count));
  for (int k = 0; k < count; ++k) {
    int port = range.min + (start + k) % count;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return Status::Internal(std::string("socket: ") + std::strerror(errno));
    }
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::close(fd);
    if (rc == 0) return port;
  }
  return Status(StatusCode::kUnavailable, "no free TCP port on 127.0.0.1 in " +
                                              std::to_string(range.min) + ".." +
                                              std::to_string(range.max));
}

std::string HandshakeLine(const ListenAddress& address,
                          std::string_view cert_der) {
  std::string line = std::to_string(kCoreProtocolVersion) + "|" +
                     std::to_string(kAppProtocolVersion) + "|" +
                     address.network + "|" + address.address + "|grpc|" +
                     Base64NoPad(cert_der) + "\n";
  return line;
}

}  // namespace encore::protocol
