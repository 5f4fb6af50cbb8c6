// The default verbs of Resource: honest errors, and state upgrade of the
// current schema version.
#include "provider/framework/resource.h"

#include <memory>
#include <gtest/gtest.h>

namespace encore::framework {
namespace {

class Env : public Resource {
 public:
  Env() {
    schema_.version = 2;
    schema_.block.Add(StringAttr("id").Computed());
    schema_.block.Add(StringAttr("name").Required());
    schema_.block.Add(NumberAttr("size").Optional());
  }
  std::string type_name() const override { return "encore_environment"; }
  const Schema& schema() const override { return schema_; }
  std::string import_id_format() const override { return "APP/ENV"; }

 private:
  Schema schema_;
};

class ResourceDefaultsTest : public ::testing::Test {
 protected:
  std::shared_ptr<CancellationToken> cancel_ =
      std::make_shared<CancellationToken>();
  CallContext ctx_{nullptr, {}, cancel_, "1.11.4"};
  Env env_;
  std::string empty_;
  Value null_ = Value::Null(env_.schema().block.ImpliedType());
};

TEST_F(ResourceDefaultsTest, ApplyVerbsAnswerWithOneClearError) {
  ApplyRequest req{ctx_, null_, null_, null_, empty_};
  ApplyResponse create;
  env_.Create(req, create);
  ASSERT_EQ(create.diags.size(), 1u);
  EXPECT_EQ(create.diags.items()[0].summary,
            "encore_environment: apply is not available yet");
  EXPECT_EQ(create.diags.items()[0].detail,
            "This build of terraform-provider-encore validates and plans "
            "configurations, but creating, reading and changing real objects "
            "needs encore-agent, which is not part of this build yet. Nothing "
            "was changed.");
  EXPECT_TRUE(create.new_state.IsNull());

  ApplyResponse update, del;
  env_.Update(req, update);
  env_.Delete(req, del);
  EXPECT_EQ(update.diags.size(), 1u);
  EXPECT_TRUE(update.diags.HasError());
  ASSERT_EQ(del.diags.size(), 1u);
  EXPECT_EQ(del.diags.items()[0].summary,
            "encore_environment: destroy is not available yet");

  ReadResponse read;
  env_.Read(ReadRequest{ctx_, null_, empty_}, read);
  ASSERT_EQ(read.diags.size(), 1u);
  EXPECT_TRUE(read.diags.HasError());
}

TEST_F(ResourceDefaultsTest, ImportNamesTheIdFormat) {
  std::string id = "shop/prod";
  ImportResponse r;
  env_.Import(ImportRequest{ctx_, id}, r);
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_TRUE(r.diags.HasError());
  EXPECT_NE(r.diags.items()[0].detail.find("APP/ENV"), std::string::npos);
  EXPECT_NE(r.diags.items()[0].detail.find("\"shop/prod\""), std::string::npos);
}

TEST_F(ResourceDefaultsTest, UpgradeCurrentVersionDecodesJson) {
  std::string raw = R"({
    "id": "shop/prod", "name": "prod", "size": 3, "removed_attr": true
  })";
  UpgradeResponse r;
  env_.UpgradeState(UpgradeRequest{ctx_, 2, raw}, r);
  ASSERT_FALSE(r.diags.HasError()) << r.diags.ToString();
  EXPECT_EQ(r.upgraded_state.GetAttr("id"), Value::String("shop/prod"));
  EXPECT_EQ(r.upgraded_state.GetAttr("size"), Value::Int(3));
  EXPECT_EQ(r.upgraded_state.type(), env_.schema().block.ImpliedType());
}

TEST_F(ResourceDefaultsTest, UpgradeBadJsonIsInvalidStoredState) {
  std::string raw = "{\"id\": ";
  UpgradeResponse r;
  env_.UpgradeState(UpgradeRequest{ctx_, 2, raw}, r);
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags.items()[0].summary, "Invalid stored state");
  EXPECT_NE(r.diags.items()[0].detail.find("encore_environment"),
            std::string::npos);
}

TEST_F(ResourceDefaultsTest, UpgradeOtherVersionsRefused) {
  std::string raw = "{}";
  UpgradeResponse newer;
  env_.UpgradeState(UpgradeRequest{ctx_, 5, raw}, newer);
  ASSERT_EQ(newer.diags.size(), 1u);
  EXPECT_NE(newer.diags.items()[0].summary.find("newer provider version"),
            std::string::npos);
  EXPECT_NE(newer.diags.items()[0].detail.find("5"), std::string::npos);
  EXPECT_NE(newer.diags.items()[0].detail.find("Upgrade the provider"),
            std::string::npos);

  UpgradeResponse older;
  env_.UpgradeState(UpgradeRequest{ctx_, 1, raw}, older);
  ASSERT_EQ(older.diags.size(), 1u);
  EXPECT_NE(older.diags.items()[0].detail.find("schema version 1"),
            std::string::npos);
  EXPECT_NE(older.diags.items()[0].detail.find("no upgrade path"),
            std::string::npos);
}

}  // namespace
}  // namespace encore::framework
