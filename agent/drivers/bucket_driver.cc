#include "agent/drivers/bucket_driver.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace encore::agent::drivers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kMetaFile[] = ".encore-bucket.json";
constexpr char kFiles[] = "foreign.files";

bool IsOwned(const std::string& k) { return k == "public" || k == "versioned"; }

// What one read of a bucket finds.
struct Found {
  bool exists = false;  // the directory
  bool has_meta = false;
  json meta = json::object();
  std::string mark;
};

std::string Text(const json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

json Value(const std::string& v) {
  if (v == "true") return true;
  if (v == "false" || v.empty()) return false;
  return v;
}

Found Read(const std::string& dir) {
  Found f;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return f;
  f.exists = true;
  std::ifstream in(dir + "/" + kMetaFile);
  if (!in) return f;
  std::stringstream ss;
  ss << in.rdbuf();
  json doc = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return f;  // unreadable metadata: not ours
  f.has_meta = true;
  f.meta = std::move(doc);
  if (auto it = f.meta.find("mark"); it != f.meta.end() && it->is_string()) {
    f.mark = it->get<std::string>();
  }
  return f;
}

// Writes `doc` as `path` atomically, through `tmp` in the same directory.
Status WriteJson(const std::string& tmp, const std::string& path,
                 const json& doc) {
  const std::string text = doc.dump(2) + "\n";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::Internal("cannot write " + tmp + ": " + strerror(errno));
  bool ok = write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size()) &&
            fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    return Status::Internal("cannot write " + path + ": " + strerror(errno));
  }
  return Status::Ok();
}

std::string TmpName() {
  return std::string(kMetaFile) + ".tmp-" + std::to_string(getpid());
}

// Files other than the metadata (and its temporaries), recursively.
int64_t CountFiles(const std::string& dir) {
  int64_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) continue;
    if (it.depth() == 0 &&
        it->path().filename().string().rfind(kMetaFile, 0) == 0) {
      continue;
    }
    ++n;
  }
  return n;
}

// The metadata as the agent writes it on a bucket (without the mark when
// adopted), the desired attributes filling in what `doc` lacks.
void Complete(json& doc, const Resource& r, bool mark) {
  if (mark) {
    doc["managed-by"] = "encore-agent";
    doc["env"] = r.env;
    doc["mark"] = OwnershipMark(r.env);
  }
  for (const auto& [k, v] : r.item.attributes) {
    if (IsOwned(k) && !doc.contains(k)) doc[k] = Value(v);
  }
}

// Makes `dir` with its metadata `*doc` at once; false when `dir` existed.
StatusOr<bool> MakeBucketDir(const std::string& dir, const Resource& r,
                             json* doc) {
  const std::string tmp = dir + ".tmp-" + std::to_string(getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (mkdir(tmp.c_str(), 0755) != 0) {
    return Status::Internal("cannot make " + tmp + ": " + strerror(errno));
  }
  Complete(*doc, r, /*mark=*/!r.adopted);
  Status written =
      WriteJson(tmp + "/" + TmpName(), tmp + "/" + kMetaFile, *doc);
  const bool made =
      written.ok() && renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(),
                                RENAME_NOREPLACE) == 0;
  const int err = errno;
  fs::remove_all(tmp, ec);
  if (!written.ok()) return written;
  if (made) return true;
  if (err == EEXIST || err == ENOTEMPTY) return false;
  return Status::Internal("cannot make " + dir + ": " + strerror(err));
}

bool Lacks(const json& doc, const Resource& r) {
  for (const auto& [k, v] : r.item.attributes) {
    if (IsOwned(k) && !doc.contains(k)) return true;
  }
  return false;
}

std::string Describe(const Found& f) {
  if (!f.has_meta)
    return "no " + std::string(kMetaFile) + " (made by someone else)";
  std::string env = MarkEnvironment(f.mark);
  if (!env.empty()) return "the mark of environment " + env;
  if (f.mark.empty())
    return "no encore-agent mark in its " + std::string(kMetaFile);
  return "another owner's mark \"" + f.mark + "\"";
}

}  // namespace

BucketDriver::BucketDriver(std::string data_dir)
    : data_dir_(std::move(data_dir)) {}

std::string BucketDriver::BucketDir(const Resource& r) const {
  fs::path rel(r.backend_name);
  if (r.backend_name.empty() || rel.is_absolute()) return "";
  for (const auto& part : rel) {
    if (part == ".." || part == ".") return "";
  }
  std::error_code ec;
  fs::path base = fs::absolute(data_dir_, ec);
  if (ec) return "";
  return (base / rel).lexically_normal().string();
}

StatusOr<Observed> BucketDriver::Observe(
    const Resource& r, const std::vector<std::string>& attributes) {
  const std::string dir = BucketDir(r);
  if (dir.empty())
    return Status::InvalidArgument("bad bucket path " + r.backend_name);
  for (const auto& k : attributes) {
    if (!IsOwned(k) && k != kFiles) {
      return Status::InvalidArgument("bucket " + r.backend_name +
                                     ": unknown attribute " + k);
    }
  }
  CountRead();
  Found f = Read(dir);
  Observed out;
  if (!f.exists) return out;
  out.exists = true;
  out.mark = f.mark;
  std::vector<std::string> keys = attributes;
  if (keys.empty()) keys = {"public", "versioned", kFiles};
  for (const auto& k : keys) {
    if (k == kFiles) {
      CountRead();
      out.attributes[k] = std::to_string(CountFiles(dir));
    } else if (auto it = f.meta.find(k); it != f.meta.end()) {
      out.attributes[k] = Text(*it);
    } else {
      out.attributes[k] = "";
    }
  }
  return out;
}

StatusOr<Created> BucketDriver::Create(const Resource& r) {
  const std::string dir = BucketDir(r);
  if (dir.empty())
    return Status::InvalidArgument("bad bucket path " + r.backend_name);
  const std::string parent = fs::path(dir).parent_path().string();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec)
    return Status::Internal("cannot make " + parent + ": " + ec.message());

  json doc = json::object();
  int64_t files = 0;
  bool made = false;
  if (!fs::exists(dir, ec)) {
    // A new bucket: a temporary directory with its metadata, renamed into
    // place unless the bucket appeared meanwhile (1 write).
    auto m = MakeBucketDir(dir, r, &doc);
    if (!m.ok()) return m.status();
    made = *m;
  }
  if (made) {
    CountWrite();
  } else {
    CountRead();
    Found f = Read(dir);
    const bool ours = f.has_meta && f.mark == OwnershipMark(r.env);
    if (!ours && !r.adopted) {
      return Status::AlreadyExists("bucket " + r.backend_name +
                                   " already exists at " + dir + " with " +
                                   Describe(f));
    }
    doc = f.meta;
    if (!f.has_meta || Lacks(doc, r)) {
      Complete(doc, r, /*mark=*/ours);
      CountWrite();
      Status s = WriteJson(dir + "/" + TmpName(), dir + "/" + kMetaFile, doc);
      if (!s.ok()) return s;
    }
    CountRead();
    files = CountFiles(dir);
  }
  Created c;
  for (const auto& [k, v] : r.item.attributes) {
    if (!IsOwned(k)) continue;
    auto it = doc.find(k);
    c.observed[k] = it == doc.end() ? "" : Text(*it);
  }
  c.baseline[kFiles] = std::to_string(files);
  c.facts = {{"path", dir}, {"url", "file://" + dir}};
  return c;
}

StatusOr<Attributes> BucketDriver::Update(const Resource& r,
                                          const Attributes& patch) {
  if (patch.empty()) return Attributes{};
  const std::string dir = BucketDir(r);
  if (dir.empty())
    return Status::InvalidArgument("bad bucket path " + r.backend_name);
  for (const auto& [k, v] : patch) {
    if (!IsOwned(k)) {
      return Status::InvalidArgument("bucket " + r.backend_name + ": " + k +
                                     " is not an attribute the agent owns");
    }
    if (v != "true" && v != "false" && !v.empty()) {
      return Status::InvalidArgument("bucket " + r.backend_name + ": " + k +
                                     " must be true or false, not " + v);
    }
  }
  CountRead();
  Found f = Read(dir);
  if (!f.exists) {
    return Status::NotFound("bucket " + r.backend_name +
                            " does not exist (no " + dir + ")");
  }
  if (f.mark != OwnershipMark(r.env) && !r.adopted) {
    return Status::FailedPrecondition("refusing to write bucket " +
                                      r.backend_name + " at " + dir +
                                      ": it carries " + Describe(f));
  }
  json doc = f.meta;
  Attributes out;
  for (const auto& [k, v] : patch) {
    doc[k] = Value(v);
    out[k] = Text(doc[k]);
  }
  CountWrite();
  Status s = WriteJson(dir + "/" + TmpName(), dir + "/" + kMetaFile, doc);
  if (!s.ok()) return s;
  return out;
}

Status BucketDriver::Delete(const Resource& r) {
  const std::string dir = BucketDir(r);
  if (dir.empty())
    return Status::InvalidArgument("bad bucket path " + r.backend_name);
  CountRead();
  Found f = Read(dir);
  if (!f.exists) return Status::Ok();
  if (!f.has_meta || f.mark != OwnershipMark(r.env)) {
    return Status::FailedPrecondition("refusing to delete bucket " +
                                      r.backend_name + " at " + dir +
                                      ": it carries " + Describe(f));
  }
  CountWrite();
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return Status::Internal("cannot remove " + dir + ": " + ec.message());
  return Status::Ok();
}

}  // namespace encore::agent::drivers
