// BucketDriver on real directories under a mkdtemp data dir.
#include "agent/drivers/bucket_driver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/drivers/conformance.h"

namespace encore::agent::drivers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json ReadMeta(const std::string& dir) {
  std::ifstream in(dir + "/.encore-bucket.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str(), nullptr, false);
}

void WriteMeta(const std::string& dir, const json& doc) {
  std::ofstream(dir + "/.encore-bucket.json", std::ios::trunc) << doc.dump();
}

void PutFile(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << "someone's data\n";
}

class DiskBucketTarget : public ConformanceTarget {
 public:
  DiskBucketTarget() {
    char tmpl[] = "/tmp/encore-bucket-driver-XXXXXX";
    if (mkdtemp(tmpl)) root_ = tmpl;
    driver_ = std::make_unique<BucketDriver>(root_);
  }
  ~DiskBucketTarget() override {
    std::error_code ec;
    if (!root_.empty()) fs::remove_all(root_, ec);
  }

  Driver& driver() override { return *driver_; }
  BucketDriver& bucket_driver() { return *driver_; }
  const std::string& root() const { return root_; }

  Resource NewResource(const std::string& env) override {
    static std::atomic<int> next{0};
    Resource r;
    r.env = env;
    r.item.kind = "bucket";
    r.item.name = "receipts" + std::to_string(++next);
    r.backend_name = "buckets/" + r.item.name;
    r.item.provider_id = "disk:" + r.backend_name;
    r.item.attributes = {{"public", "false"}, {"versioned", "true"}};
    return r;
  }
  std::pair<std::string, std::string> SamplePatch(const Resource& r) override {
    return {"public",
            r.item.attributes.at("public") == "true" ? "false" : "true"};
  }
  Status MakeForeign(const Resource& r) override {
    PutFile(Dir(r) + "/index.html");
    return Status::Ok();
  }
  Status ChangeOutOfBand(const Resource& r, const std::string& attr,
                         const std::string& value) override {
    json doc = ReadMeta(Dir(r));
    if (!doc.is_object()) return Status::NotFound("no metadata");
    doc[attr] = value == "true";
    WriteMeta(Dir(r), doc);
    return Status::Ok();
  }
  StatusOr<std::pair<std::string, std::string>> ChangeForeignAttribute(
      const Resource& r) override {
    PutFile(Dir(r) + "/by-hand.txt");
    return std::make_pair(std::string("foreign.files"), std::string("1"));
  }
  void Cleanup(const Resource& r) override {
    std::error_code ec;
    fs::remove_all(Dir(r), ec);
  }
  std::string Dir(const Resource& r) const {
    return root_ + "/" + r.backend_name;
  }

 private:
  std::string root_;
  std::unique_ptr<BucketDriver> driver_;
};

INSTANTIATE_TEST_SUITE_P(DiskBucket, DriverConformance,
                         ::testing::Values(ConformanceParam{
                             "disk_bucket",
                             [] {
                               return std::unique_ptr<ConformanceTarget>(
                                   new DiskBucketTarget);
                             }}),
                         ConformanceParamName);

class BucketDriverTest : public ::testing::Test {
 protected:
  void SetUp() override { r_ = target_.NewResource("shop/local"); }
  BucketDriver& d() { return target_.bucket_driver(); }
  DiskBucketTarget target_;
  Resource r_;
};

TEST_F(BucketDriverTest, CreateWritesTheMetadataAndReportsThePath) {
  auto created = d().Create(r_);
  ASSERT_TRUE(created.ok()) << created.status().message();
  const std::string dir = target_.Dir(r_);
  EXPECT_EQ(created->facts.at("path"), dir);
  EXPECT_EQ(created->facts.at("url"), "file://" + dir);
  EXPECT_EQ(created->observed.at("public"), "false");
  EXPECT_EQ(created->observed.at("versioned"), "true");
  EXPECT_EQ(created->baseline.at("foreign.files"), "0");
  json meta = ReadMeta(dir);
  EXPECT_EQ(meta["managed-by"], "encore-agent");
  EXPECT_EQ(meta["env"], "shop/local");
  EXPECT_EQ(meta["mark"], OwnershipMark("shop/local"));
  EXPECT_EQ(meta["public"], false);
  EXPECT_EQ(meta["versioned"], true);
  EXPECT_EQ(d().counters().writes, 1);
  EXPECT_EQ(d().counters().reads, 0);
}

TEST_F(BucketDriverTest, AnEnvironmentsBucketRootIsMadeAsNeeded) {
  r_.env = "shop/pr:1";
  r_.backend_name = "buckets/shop/pr:1/receipts";
  auto created = d().Create(r_);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_TRUE(fs::is_directory(target_.root() + "/buckets/shop/pr:1/receipts"));
}

TEST_F(BucketDriverTest,
       OneAttributeUpdateIsOneReadAndOneWriteAndKeepsOtherKeys) {
  ASSERT_TRUE(d().Create(r_).ok());
  json meta = ReadMeta(target_.Dir(r_));
  meta["cdn"] = "someone else's";
  WriteMeta(target_.Dir(r_), meta);
  const Counters before = d().counters();
  auto out = d().Update(r_, {{"public", "true"}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(d().counters().writes - before.writes, 1);
  EXPECT_EQ(d().counters().reads - before.reads, 1);
  EXPECT_EQ(*out, (Attributes{{"public", "true"}}));
  json after = ReadMeta(target_.Dir(r_));
  EXPECT_EQ(after["public"], true);
  EXPECT_EQ(after["versioned"], true);
  EXPECT_EQ(after["cdn"], "someone else's");
  EXPECT_FALSE(fs::exists(target_.Dir(r_) + "/.encore-bucket.json.tmp-" +
                          std::to_string(getpid())));
}

TEST_F(BucketDriverTest, FilesSomeonePutThereShowAsForeign) {
  ASSERT_TRUE(d().Create(r_).ok());
  PutFile(target_.Dir(r_) + "/a.txt");
  PutFile(target_.Dir(r_) + "/2024/b.pdf");
  auto seen = d().Observe(r_, {});
  ASSERT_TRUE(seen.ok()) << seen.status().message();
  EXPECT_EQ(seen->attributes.at("foreign.files"), "2");
  EXPECT_EQ(seen->attributes.at("public"), "false");
}

TEST_F(BucketDriverTest, DeletingOurBucketRemovesItsFilesToo) {
  ASSERT_TRUE(d().Create(r_).ok());
  PutFile(target_.Dir(r_) + "/a.txt");
  Status s = d().Delete(r_);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_FALSE(fs::exists(target_.Dir(r_)));
}

TEST_F(BucketDriverTest, AForeignBucketIsRefusedNamingItsDirectoryAndMark) {
  ASSERT_TRUE(d().Create(r_).ok());
  Resource theirs = r_;
  theirs.env = "shop/pr:7";
  Status del = d().Delete(theirs);
  EXPECT_EQ(del.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(del.message().find(target_.Dir(r_)), std::string::npos)
      << del.message();
  EXPECT_NE(del.message().find("shop/local"), std::string::npos)
      << del.message();
  auto upd = d().Update(theirs, {{"public", "true"}});
  EXPECT_EQ(upd.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReadMeta(target_.Dir(r_))["public"], false);
}

TEST_F(BucketDriverTest, AdoptionWritesTheOwnedAttributesButNoMark) {
  ASSERT_TRUE(target_.MakeForeign(r_).ok());
  r_.adopted = true;
  auto created = d().Create(r_);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->baseline.at("foreign.files"), "1");
  json meta = ReadMeta(target_.Dir(r_));
  EXPECT_FALSE(meta.contains("mark"));
  EXPECT_EQ(meta["versioned"], true);
  EXPECT_EQ(d().Delete(r_).code(), StatusCode::kFailedPrecondition);
}

TEST_F(BucketDriverTest, PathsOutsideTheDataDirAreRefused) {
  r_.backend_name = "buckets/../../etc";
  EXPECT_EQ(d().Create(r_).status().code(), StatusCode::kInvalidArgument);
  r_.backend_name = "/etc";
  EXPECT_EQ(d().Delete(r_).code(), StatusCode::kInvalidArgument);
}

TEST_F(BucketDriverTest, OnlyTrueOrFalseAndOwnedAttributes) {
  ASSERT_TRUE(d().Create(r_).ok());
  EXPECT_EQ(d().Update(r_, {{"public", "yes"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(d().Update(r_, {{"owner", "me"}}).status().code(),
            StatusCode::kInvalidArgument);
  auto reset = d().Update(r_, {{"versioned", ""}});
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(reset->at("versioned"), "false");
}

}  // namespace
}  // namespace encore::agent::drivers
