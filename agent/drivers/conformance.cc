// The conformance tests every driver passes (see conformance.h).
#include "agent/drivers/conformance.h"

namespace encore::agent::drivers {

void DriverConformance::SetUp() {
  target_ = GetParam().make();
  ASSERT_NE(target_, nullptr) << "the target could not start its backend";
}

void DriverConformance::TearDown() {
  if (!target_) return;
  for (const auto& r : made_) target_->Cleanup(r);
}

Resource DriverConformance::Fresh(const std::string& env) {
  Resource r = target_->NewResource(env);
  made_.push_back(r);
  return r;
}

namespace {

std::vector<std::string> OwnedKeys(const Resource& r) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : r.item.attributes) keys.push_back(k);
  return keys;
}

int64_t Writes(Driver& d) { return d.counters().writes; }
int64_t Reads(Driver& d) { return d.counters().reads; }

}  // namespace

TEST_P(DriverConformance, ObservingAMissingResourceIsNotAnError) {
  Resource r = Fresh();
  auto seen = target_->driver().Observe(r, OwnedKeys(r));
  ASSERT_TRUE(seen.ok()) << seen.status().message();
  EXPECT_FALSE(seen->exists);
}

TEST_P(DriverConformance, CreateMarksTheResourceAndSetsItsAttributes) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  auto created = d.Create(r);
  ASSERT_TRUE(created.ok()) << created.status().message();
  auto seen = d.Observe(r, OwnedKeys(r));
  ASSERT_TRUE(seen.ok()) << seen.status().message();
  EXPECT_TRUE(seen->exists);
  EXPECT_EQ(seen->mark, OwnershipMark(r.env));
  for (const auto& [k, v] : created->observed) {
    EXPECT_EQ(seen->attributes[k], v) << k;
  }
  EXPECT_EQ(created->observed.size(), r.item.attributes.size());
  EXPECT_FALSE(created->facts.empty()) << "Create reports connection facts";
}

TEST_P(DriverConformance, CreateTwiceSucceedsAndChangesNothing) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  auto first = d.Create(r);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = d.Create(r);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(first->observed, second->observed);
  EXPECT_EQ(first->facts, second->facts);
}

TEST_P(DriverConformance, AnEmptyPatchMakesNoBackendCall) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  ASSERT_TRUE(d.Create(r).ok());
  const int64_t reads = Reads(d), writes = Writes(d);
  auto out = d.Update(r, {});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE(out->empty());
  EXPECT_EQ(Reads(d), reads);
  EXPECT_EQ(Writes(d), writes);
}

TEST_P(DriverConformance, UpdateWritesOnlyThePatchedAttributeOnce) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  ASSERT_TRUE(d.Create(r).ok());
  auto before = d.Observe(r, OwnedKeys(r));
  ASSERT_TRUE(before.ok());
  auto [attr, value] = target_->SamplePatch(r);
  const int64_t writes = Writes(d);
  auto out = d.Update(r, {{attr, value}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(Writes(d) - writes, 1) << "one attribute, one write";
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ(out->begin()->first, attr);
  auto after = d.Observe(r, OwnedKeys(r));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->attributes[attr], out->at(attr));
  for (const auto& [k, v] : before->attributes) {
    if (k != attr) {
      EXPECT_EQ(after->attributes[k], v) << k << " was not patched";
    }
  }
  EXPECT_EQ(after->mark, OwnershipMark(r.env));
}

TEST_P(DriverConformance, AForeignChangeSurvivesAnUpdate) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  ASSERT_TRUE(d.Create(r).ok());
  auto foreign = target_->ChangeForeignAttribute(r);
  ASSERT_TRUE(foreign.ok()) << foreign.status().message();
  auto [attr, value] = target_->SamplePatch(r);
  ASSERT_TRUE(d.Update(r, {{attr, value}}).ok());
  auto all = d.Observe(r, {});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->attributes[foreign->first], foreign->second)
      << foreign->first << " is not ours and must survive";
}

TEST_P(DriverConformance, ObserveSeesAChangeMadeOutOfBand) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  ASSERT_TRUE(d.Create(r).ok());
  auto [attr, value] = target_->SamplePatch(r);
  ASSERT_TRUE(target_->ChangeOutOfBand(r, attr, value).ok());
  auto seen = d.Observe(r, {attr});
  ASSERT_TRUE(seen.ok());
  auto written = d.Update(r, {{attr, value}});  // what the backend reports
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(seen->attributes[attr], written->at(attr));
}

TEST_P(DriverConformance, DeleteRemovesItAndDeletingAgainSucceeds) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  ASSERT_TRUE(d.Create(r).ok());
  Status first = d.Delete(r);
  ASSERT_TRUE(first.ok()) << first.message();
  auto seen = d.Observe(r, OwnedKeys(r));
  ASSERT_TRUE(seen.ok());
  EXPECT_FALSE(seen->exists);
  Status second = d.Delete(r);
  EXPECT_TRUE(second.ok()) << second.message();
}

TEST_P(DriverConformance, AForeignResourceIsNeitherTakenNorDropped) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  ASSERT_TRUE(target_->MakeForeign(r).ok());
  auto seen = d.Observe(r, OwnedKeys(r));
  ASSERT_TRUE(seen.ok());
  EXPECT_TRUE(seen->exists);
  EXPECT_NE(seen->mark, OwnershipMark(r.env));
  auto created = d.Create(r);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(created.status().message().find(r.backend_name), std::string::npos)
      << created.status().message();
  Status del = d.Delete(r);
  EXPECT_EQ(del.code(), StatusCode::kFailedPrecondition) << del.message();
  auto still = d.Observe(r, OwnedKeys(r));
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->exists) << "a foreign resource is never dropped";
}

TEST_P(DriverConformance, AnotherEnvironmentsResourceIsForeign) {
  Resource mine = Fresh("conf/one");
  Driver& d = target_->driver();
  ASSERT_TRUE(d.Create(mine).ok());
  Resource theirs = mine;
  theirs.env = "conf/two";
  auto created = d.Create(theirs);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(created.status().message().find("conf/one"), std::string::npos)
      << created.status().message();
}

TEST_P(DriverConformance, ManagedAdoptionCompletesButNeverMarks) {
  Resource r = Fresh();
  Driver& d = target_->driver();
  ASSERT_TRUE(target_->MakeForeign(r).ok());
  r.adopted = true;
  auto created = d.Create(r);
  ASSERT_TRUE(created.ok()) << created.status().message();
  auto seen = d.Observe(r, OwnedKeys(r));
  ASSERT_TRUE(seen.ok());
  EXPECT_NE(seen->mark, OwnershipMark(r.env));
}

}  // namespace encore::agent::drivers
