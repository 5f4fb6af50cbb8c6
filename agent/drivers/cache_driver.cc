#include "agent/drivers/cache_driver.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

namespace encore::agent::drivers {
namespace {

namespace fs = std::filesystem;
using backends::RedisEndpoint;

constexpr char kMarkFile[] = "encore-agent.mark";
constexpr char kForeign[] = "foreign.";
// The owned attributes and the value "" resets them to.
const std::map<std::string, std::string>& OwnedDefaults() {
  static const auto* m = new std::map<std::string, std::string>{
      {"maxmemory-policy", "noeviction"}, {"maxmemory", "0"}};
  return *m;
}
const std::vector<std::string>& ForeignParams() {
  static const auto* v =
      new std::vector<std::string>{"timeout", "hz", "maxmemory-samples"};
  return *v;
}
bool IsOwned(const std::string& k) { return OwnedDefaults().count(k) > 0; }
bool IsForeignKey(const std::string& k) {
  if (k.rfind(kForeign, 0) != 0) return false;
  const std::string p = k.substr(sizeof(kForeign) - 1);
  for (const auto& f : ForeignParams()) {
    if (f == p) return true;
  }
  return false;
}

// One hiredis connection, closed on destruction.
class RedisConnection {
 public:
  ~RedisConnection() {
    if (c_) redisFree(c_);
  }
  Status Connect(const RedisEndpoint& ep) {
    timeval tv{2, 0};
    c_ = redisConnectWithTimeout(ep.host.c_str(), ep.port, tv);
    if (!c_ || c_->err) {
      return Status::Unavailable("cannot connect to redis at " + ep.host + ":" +
                                 std::to_string(ep.port) + ": " +
                                 (c_ ? c_->errstr : "out of memory"));
    }
    redisSetTimeout(c_, tv);
    return Status::Ok();
  }
  // The reply's strings: one for a status or bulk string, every element of
  // an array (nil as "").
  StatusOr<std::vector<std::string>> Run(const std::vector<std::string>& argv) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(redisCommandArgv(
        c_, static_cast<int>(args.size()), args.data(), lens.data()));
    if (!reply) {
      return Status::Unavailable("redis " + argv[0] + ": " +
                                 std::string(c_->errstr));
    }
    std::unique_ptr<redisReply, void (*)(void*)> hold(reply, freeReplyObject);
    std::vector<std::string> out;
    switch (reply->type) {
      case REDIS_REPLY_ERROR:
        return Status::FailedPrecondition(
            "redis " + argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + ": " +
            std::string(reply->str, reply->len));
      case REDIS_REPLY_ARRAY:
        for (size_t i = 0; i < reply->elements; ++i) {
          const redisReply* e = reply->element[i];
          out.emplace_back(e->str ? std::string(e->str, e->len) : "");
        }
        break;
      case REDIS_REPLY_STRING:
      case REDIS_REPLY_STATUS:
        out.emplace_back(reply->str, reply->len);
        break;
      case REDIS_REPLY_INTEGER:
        out.push_back(std::to_string(reply->integer));
        break;
      default:
        break;
    }
    return out;
  }

 private:
  redisContext* c_ = nullptr;
};

std::vector<std::string> ServerArgs(const Resource& r) {
  std::vector<std::string> args;
  for (const auto& key : {"maxmemory-policy", "maxmemory"}) {
    auto it = r.item.attributes.find(key);
    if (it != r.item.attributes.end() && !it->second.empty()) {
      args.push_back(std::string("--") + key);
      args.push_back(it->second);
    }
  }
  return args;
}

// What a drift scan reads: every owned attribute desired, plus the foreign.
std::vector<std::string> EverythingFor(const Resource& r) {
  std::set<std::string> keys = {"maxmemory-policy"};
  for (const auto& [k, v] : r.item.attributes) {
    if (IsOwned(k)) keys.insert(k);
  }
  std::vector<std::string> out(keys.begin(), keys.end());
  for (const auto& f : ForeignParams()) out.push_back(kForeign + f);
  return out;
}

Attributes Facts(const RedisEndpoint& ep) {
  return {{"host", ep.host},
          {"port", std::to_string(ep.port)},
          {"url", "redis://" + ep.host + ":" + std::to_string(ep.port)}};
}

// Makes `dir` holding the mark file (none when `mark` is ""), atomically: a
// marked temporary directory renamed into place unless `dir` exists.
// Returns false when `dir` already existed.
StatusOr<bool> MakeMarkedDir(const std::string& dir, const std::string& mark) {
  const std::string tmp = dir + ".tmp-" + std::to_string(getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (mkdir(tmp.c_str(), 0700) != 0) {
    return Status::Internal("cannot make " + tmp + ": " + strerror(errno));
  }
  if (!mark.empty()) {
    std::ofstream out(tmp + "/" + kMarkFile, std::ios::trunc);
    out << mark << "\n";
    out.flush();
    if (!out) {
      fs::remove_all(tmp, ec);
      return Status::Internal("cannot write the mark in " + tmp);
    }
  }
  if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(),
                RENAME_NOREPLACE) == 0) {
    return true;
  }
  const int err = errno;
  fs::remove_all(tmp, ec);
  if (err == EEXIST) return false;
  return Status::Internal("cannot make " + dir + ": " + strerror(err));
}

std::string Describe(const std::string& mark) {
  if (mark.empty()) return "no encore-agent mark (made by someone else)";
  std::string env = MarkEnvironment(mark);
  if (!env.empty()) return "the mark of environment " + env;
  return "another owner's mark \"" + mark + "\"";
}

}  // namespace

CacheDriver::CacheDriver(std::string caches_root)
    : caches_root_(std::move(caches_root)) {}

std::string CacheDriver::CacheDir(const Resource& r) const {
  const std::string& n = r.backend_name;
  if (n.empty() || n == "." || n == ".." || n.find('/') != std::string::npos) {
    return "";
  }
  return caches_root_ + "/" + n;
}

StatusOr<std::string> CacheDriver::ReadMark(const std::string& dir) {
  CountRead();
  std::ifstream in(dir + "/" + kMarkFile);
  if (!in) return std::string();
  std::stringstream ss;
  ss << in.rdbuf();
  std::string mark = ss.str();
  while (!mark.empty() && (mark.back() == '\n' || mark.back() == '\r'))
    mark.pop_back();
  return mark;
}

StatusOr<RedisEndpoint> CacheDriver::EnsureServer(const Resource& r,
                                                  const std::string& dir) {
  auto running = backends::RunningRedisServer(dir);
  if (running.ok()) return running;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound("cache " + r.backend_name + " does not exist (no " +
                            dir + ")");
  }
  return backends::StartRedisServer(dir, ServerArgs(r));
}

StatusOr<Attributes> CacheDriver::ConfigGet(
    const RedisEndpoint& ep, const std::vector<std::string>& keys) {
  Attributes out;
  if (keys.empty()) return out;
  std::vector<std::string> argv = {"CONFIG", "GET"};
  for (const auto& k : keys) {
    argv.push_back(IsForeignKey(k) ? k.substr(sizeof(kForeign) - 1) : k);
  }
  RedisConnection conn;
  if (Status s = conn.Connect(ep); !s.ok()) return s;
  CountRead();
  auto reply = conn.Run(argv);
  if (!reply.ok()) return reply.status();
  Attributes got;
  for (size_t i = 0; i + 1 < reply->size(); i += 2)
    got[(*reply)[i]] = (*reply)[i + 1];
  for (const auto& k : keys) {
    const std::string p = IsForeignKey(k) ? k.substr(sizeof(kForeign) - 1) : k;
    out[k] = got[p];
  }
  return out;
}

StatusOr<Observed> CacheDriver::Observe(
    const Resource& r, const std::vector<std::string>& attributes) {
  const std::string dir = CacheDir(r);
  if (dir.empty())
    return Status::InvalidArgument("bad cache name " + r.backend_name);
  for (const auto& k : attributes) {
    if (!IsOwned(k) && !IsForeignKey(k)) {
      return Status::InvalidArgument("cache " + r.backend_name +
                                     ": unknown attribute " + k);
    }
  }
  Observed out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    CountRead();  // the mark read finds nothing
    return out;
  }
  auto mark = ReadMark(dir);
  if (!mark.ok()) return mark.status();
  out.exists = true;
  out.mark = *mark;
  const bool ours = *mark == OwnershipMark(r.env) || r.adopted;
  StatusOr<RedisEndpoint> ep =
      ours ? EnsureServer(r, dir) : backends::RunningRedisServer(dir);
  if (!ep.ok()) {
    if (!ours && ep.status().code() == StatusCode::kNotFound) return out;
    return ep.status();
  }
  auto attrs =
      ConfigGet(*ep, attributes.empty() ? EverythingFor(r) : attributes);
  if (!attrs.ok()) return attrs.status();
  out.attributes = std::move(*attrs);
  return out;
}

StatusOr<Created> CacheDriver::Create(const Resource& r) {
  const std::string dir = CacheDir(r);
  if (dir.empty())
    return Status::InvalidArgument("bad cache name " + r.backend_name);
  std::error_code ec;
  fs::create_directories(caches_root_, ec);
  if (ec)
    return Status::Internal("cannot make " + caches_root_ + ": " +
                            ec.message());
  auto made = MakeMarkedDir(dir, r.adopted ? "" : OwnershipMark(r.env));
  if (!made.ok()) return made.status();
  if (*made) {
    CountWrite();  // the directory and its mark, made at once
  } else {
    auto mark = ReadMark(dir);
    if (!mark.ok()) return mark.status();
    if (*mark != OwnershipMark(r.env) && !r.adopted) {
      return Status::AlreadyExists("cache " + r.backend_name +
                                   " already exists at " + dir + " with " +
                                   Describe(*mark));
    }
  }
  auto ep = EnsureServer(r, dir);
  if (!ep.ok()) return ep.status();
  auto all = ConfigGet(*ep, EverythingFor(r));
  if (!all.ok()) return all.status();
  Created c;
  for (const auto& [k, v] : *all) {
    if (IsForeignKey(k)) {
      c.baseline[k] = v;
    } else if (r.item.attributes.count(k)) {
      c.observed[k] = v;
    }
  }
  c.facts = Facts(*ep);
  return c;
}

StatusOr<Attributes> CacheDriver::Update(const Resource& r,
                                         const Attributes& patch) {
  if (patch.empty()) return Attributes{};
  const std::string dir = CacheDir(r);
  if (dir.empty())
    return Status::InvalidArgument("bad cache name " + r.backend_name);
  std::vector<std::string> keys;
  for (const auto& [k, v] : patch) {
    if (!IsOwned(k)) {
      return Status::InvalidArgument("cache " + r.backend_name + ": " + k +
                                     " is not an attribute the agent owns");
    }
    keys.push_back(k);
  }
  auto ep = EnsureServer(r, dir);
  if (!ep.ok()) return ep.status();
  {
    RedisConnection conn;
    if (Status s = conn.Connect(*ep); !s.ok()) return s;
    for (const auto& [k, v] : patch) {
      CountWrite();
      auto set =
          conn.Run({"CONFIG", "SET", k, v.empty() ? OwnedDefaults().at(k) : v});
      if (!set.ok()) return set.status();
    }
  }
  return ConfigGet(*ep, keys);
}

Status CacheDriver::Delete(const Resource& r) {
  const std::string dir = CacheDir(r);
  if (dir.empty())
    return Status::InvalidArgument("bad cache name " + r.backend_name);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::Ok();
  auto mark = ReadMark(dir);
  if (!mark.ok()) return mark.status();
  if (*mark != OwnershipMark(r.env)) {
    return Status::FailedPrecondition("refusing to delete cache " +
                                      r.backend_name + " at " + dir +
                                      ": it carries " + Describe(*mark));
  }
  if (Status s = backends::StopRedisServer(dir); !s.ok()) return s;
  CountWrite();
  fs::remove_all(dir, ec);
  if (ec) return Status::Internal("cannot remove " + dir + ": " + ec.message());
  return Status::Ok();
}

}  // namespace encore::agent::drivers
