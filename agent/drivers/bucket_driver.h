// BucketDriver: kind "bucket", a directory on local disk (DESIGN §5, §7).
//
// Resource::backend_name is the bucket's path relative to the agent's data
// dir, as the planner writes it after "disk:" ("buckets/receipts", or
// "buckets/<env>/receipts" for hosted environments); the bucket is
// <data_dir>/<backend_name>. Its metadata file <dir>/.encore-bucket.json is
//   {"managed-by": "encore-agent", "env": ..., "mark": OwnershipMark(env),
//    "public": bool, "versioned": bool}
// written atomically (temporary file + rename); keys someone else added are
// kept. A directory without the file, or whose "mark" is not
// OwnershipMark(env), is foreign.
//
// Owned attributes: "public" and "versioned" ("true"/"false"; "" resets to
// "false"). Foreign: "foreign.files", the number of files in the directory
// (recursively) other than the metadata, so a file someone put there shows.
//
// Counting: each metadata read = 1 read, each metadata write = 1 write (a new
// bucket's directory and metadata appear in one rename: 1 write), listing the
// files = 1 read, removing the directory = 1 write.
//
//   Create  a new bucket: 1 write. An existing one of ours: completes a
//           missing public/versioned in the metadata; a foreign one fails
//           kAlreadyExists naming the bucket and the mark's environment,
//           unless Resource::adopted: then the metadata gets the missing
//           owned attributes but never our mark.
//   Update  read-modify-write of the metadata: 1 read + 1 write whatever the
//           number of attributes; refuses a foreign bucket (not adopted).
//           Returns the patched attributes as written.
//   Delete  refuses a foreign bucket (kFailedPrecondition naming the
//           directory and the mark found). Ours is removed with everything
//           in it, files included: whether a bucket holding files is kept is
//           the executor's decision (deletion_policy), not the driver's.
#ifndef ENCORE_AGENT_DRIVERS_BUCKET_DRIVER_H_
#define ENCORE_AGENT_DRIVERS_BUCKET_DRIVER_H_

#include <string>
#include <string_view>
#include <vector>

#include "agent/drivers/driver.h"

namespace encore::agent::drivers {

class BucketDriver : public Driver {
 public:
  explicit BucketDriver(std::string data_dir);

  std::string_view kind() const override { return "bucket"; }
  StatusOr<Observed> Observe(
      const Resource& r, const std::vector<std::string>& attributes) override;
  StatusOr<Created> Create(const Resource& r) override;
  StatusOr<Attributes> Update(const Resource& r,
                              const Attributes& patch) override;
  Status Delete(const Resource& r) override;

  // The bucket's absolute directory; "" when backend_name is not a relative
  // path inside the data dir.
  std::string BucketDir(const Resource& r) const;

 private:
  std::string data_dir_;
};

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_BUCKET_DRIVER_H_
