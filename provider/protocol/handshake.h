// The go-plugin handshake as Terraform 1.11.4 uses it (PROTOCOL.md §1):
// the magic cookie check, the protocol version check, where to listen
// (unix socket by default, as Go plugins do on Linux; TCP on 127.0.0.1
// when ENCORE_PROVIDER_TRANSPORT=tcp) and the one stdout line
//
//   1|6|unix|/tmp/plugin123456|grpc|<base64 of the server cert DER>
//
// (standard alphabet, no '=' padding, no 7th field). Everything here is a
// pure function returning a Status or a value; the caller decides to print
// and exit.
#ifndef ENCORE_PROVIDER_PROTOCOL_HANDSHAKE_H_
#define ENCORE_PROVIDER_PROTOCOL_HANDSHAKE_H_

#include <string>
#include <string_view>

#include "provider/core/status.h"

namespace encore::protocol {

inline constexpr char kMagicCookieKey[] = "TF_PLUGIN_MAGIC_COOKIE";
inline constexpr char kMagicCookieValue[] =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
inline constexpr int kCoreProtocolVersion = 1;
inline constexpr int kAppProtocolVersion = 6;

// OK iff `value` (the cookie's env value; may be null) is the magic cookie.
Status CheckMagicCookie(const char* value);

// What a person who ran the binary by hand sees on stderr: go-plugin's
// sentence plus how to use this provider with Terraform.
std::string NotAPluginMessage();

// OK iff the comma list `value` (PLUGIN_PROTOCOL_VERSIONS, any order,
// e.g. "5,6") contains 6. Null or empty: error (Terraform always sets it).
Status CheckProtocolVersions(const char* value);

// Base64, standard alphabet, no '=' padding, no line breaks (Go's
// base64.RawStdEncoding).
std::string Base64NoPad(std::string_view bytes);

enum class Transport { kUnix, kTcp };
// ENCORE_PROVIDER_TRANSPORT: "tcp" → kTcp; anything else → kUnix.
Transport TransportFromEnv(const char* value);

struct ListenAddress {
  std::string network;  // "unix" or "tcp"
  std::string address;  // "/abs/socket/path" or "127.0.0.1:PORT"
  // The address as gRPC C++ wants it: "unix:/abs/path" or "127.0.0.1:PORT".
  std::string GrpcUri() const;
};

// A fresh socket path "<dir>/plugin<random>" that does not exist yet.
// dir = `socket_dir` (PLUGIN_UNIX_SOCKET_DIR) if non-empty, else `tmpdir`
// ($TMPDIR) if non-empty, else /tmp; made absolute. Fails when the path
// would be longer than a unix socket allows (107 bytes).
StatusOr<std::string> MakeUnixSocketPath(const char* socket_dir,
                                         const char* tmpdir);

// The port range from PLUGIN_MIN_PORT / PLUGIN_MAX_PORT. Unset or invalid:
// {0, 0}, meaning "let the kernel choose".
struct PortRange {
  int min = 0;
  int max = 0;
};
PortRange PortRangeFromEnv(const char* min_port, const char* max_port);

// A port on 127.0.0.1 that is free right now, trying the range from a
// random start (go-plugin semantics: any port in [min, max]). Range {0,0}:
// returns 0 (the listener then binds an ephemeral port).
StatusOr<int> FindFreeTcpPort(PortRange range);

// The handshake line, with the trailing '\n'. `cert_der` empty (plaintext)
// gives an empty 6th field.
std::string HandshakeLine(const ListenAddress& address,
                          std::string_view cert_der);

}  // namespace encore::protocol

#endif  // ENCORE_PROVIDER_PROTOCOL_HANDSHAKE_H_
