// CacheDriver: kind "cache", one redis-server per cache (DESIGN §5, §7).
//
// The cache named Resource::backend_name lives in <caches_root>/<backend_name>/
// (backend names are unique per agent by the planner's naming): the server's
// files (see agent/backends/redis_server.h) and our mark, the metadata file
// encore-agent.mark holding OwnershipMark(env). A directory without that file,
// or with another environment's mark, is foreign.
//
// Owned attributes: "maxmemory-policy" (from the model) and "maxmemory" (an
// override, e.g. "256mb"; "" resets it to 0 = no limit). They are reported
// exactly as the server says (maxmemory "268435456"); the executor keeps both
// the value written and the value observed. With an empty request Observe
// also reports "foreign.timeout", "foreign.hz" and "foreign.maxmemory-samples".
//
// Counting: reading the mark file = 1 read; writing it (with the directory)
// = 1 write; one CONFIG GET (several parameters at once) = 1 read; each
// CONFIG SET = 1 write; removing the directory = 1 write. Starting, probing
// or stopping the server is not counted.
//
//   Create  makes the directory and the mark (1 write), starts the server
//           with --maxmemory-policy / --maxmemory from the attributes, then
//           reads the owned and foreign attributes (1 read). On our own
//           cache it completes (starts the server if needed); on a foreign
//           one it fails kAlreadyExists naming the cache and the mark's
//           environment, unless Resource::adopted (the server is started or
//           kept, the mark file is left alone).
//   Observe reads the mark and the asked attributes. A server that is not
//           running (a reboot) is started again from its directory when the
//           cache is ours or adopted; a foreign directory without a server is
//           reported without attributes.
//   Update  CONFIG SET per patched attribute, then one CONFIG GET of them.
//   Delete  refuses foreign caches (kFailedPrecondition naming the directory
//           and the mark found); stops the server and removes the directory.
//
// hiredis with a connect and command timeout; one connection per call.
#ifndef ENCORE_AGENT_DRIVERS_CACHE_DRIVER_H_
#define ENCORE_AGENT_DRIVERS_CACHE_DRIVER_H_

#include <string>
#include <string_view>
#include <vector>

#include "agent/backends/redis_server.h"
#include "agent/drivers/driver.h"

namespace encore::agent::drivers {

class CacheDriver : public Driver {
 public:
  explicit CacheDriver(std::string caches_root);

  std::string_view kind() const override { return "cache"; }
  StatusOr<Observed> Observe(
      const Resource& r, const std::vector<std::string>& attributes) override;
  StatusOr<Created> Create(const Resource& r) override;
  StatusOr<Attributes> Update(const Resource& r,
                              const Attributes& patch) override;
  Status Delete(const Resource& r) override;

  // <caches_root>/<backend_name>; "" when the backend name is not a plain
  // directory name.
  std::string CacheDir(const Resource& r) const;

 private:
  // The mark file's content ("" when none); counts 1 read.
  StatusOr<std::string> ReadMark(const std::string& dir);
  // The running server, started again with r's attributes when needed.
  StatusOr<backends::RedisEndpoint> EnsureServer(const Resource& r,
                                                 const std::string& dir);
  // CONFIG GET of `params` (1 read).
  StatusOr<Attributes> ConfigGet(const backends::RedisEndpoint& ep,
                                 const std::vector<std::string>& params);

  std::string caches_root_;
};

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_CACHE_DRIVER_H_
