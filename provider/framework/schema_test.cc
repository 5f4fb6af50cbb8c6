#include "provider/framework/schema.h"

#include <gtest/gtest.h>

namespace encore::framework {
namespace {

Block Inner() {
  Block b;
  b.Add(StringAttr("name").Required());
  b.Add(NumberAttr("port").Optional());
  return b;
}

Type InnerType() {
  return Type::Object({{"name", Type::String()}, {"port", Type::Number()}});
}

TEST(SchemaTest, ImpliedTypeHasAttributesAndOneSlotPerBlock) {
  Block b;
  b.Add(StringAttr("id").Computed());
  b.Add(Attribute("tags", Type::Map(Type::String())).Optional());
  b.Add(NestedBlock("deploy", Nesting::kSingle, Inner()));
  b.Add(NestedBlock("group", Nesting::kGroup, Inner()));
  b.Add(NestedBlock("process_group", Nesting::kList, Inner()));
  b.Add(NestedBlock("adopt", Nesting::kSet, Inner()));
  b.Add(NestedBlock("by_name", Nesting::kMap, Inner()));

  Type want = Type::Object({
      {"id", Type::String()},
      {"tags", Type::Map(Type::String())},
      {"deploy", InnerType()},
      {"group", InnerType()},
      {"process_group", Type::List(InnerType())},
      {"adopt", Type::Set(InnerType())},
      {"by_name", Type::Map(InnerType())},
  });
  EXPECT_EQ(b.ImpliedType(), want) << b.ImpliedType().ToJson();
}

TEST(SchemaTest, NestedBlockImpliedTypePerNesting) {
  struct Case {
    Nesting nesting;
    Type want;
  };
  const Case cases[] = {
      {Nesting::kSingle, InnerType()},
      {Nesting::kGroup, InnerType()},
      {Nesting::kList, Type::List(InnerType())},
      {Nesting::kSet, Type::Set(InnerType())},
      {Nesting::kMap, Type::Map(InnerType())},
  };
  for (const Case& c : cases) {
    NestedBlock nb("x", c.nesting, Inner());
    EXPECT_EQ(nb.ImpliedType(), c.want) << static_cast<int>(c.nesting);
  }
}

TEST(SchemaTest, EmptyBlockIsEmptyObject) {
  EXPECT_EQ(Block().ImpliedType(), Type::Object({}));
}

TEST(SchemaTest, FindAttributeAndBlock) {
  Block b = Inner();
  b.Add(NestedBlock("deploy", Nesting::kSingle, Inner()).MaxItems(1));
  ASSERT_NE(b.FindAttribute("port"), nullptr);
  EXPECT_EQ(b.FindAttribute("port")->name, "port");
  EXPECT_EQ(b.FindAttribute("deploy"), nullptr);
  EXPECT_EQ(b.FindAttribute("nope"), nullptr);
  ASSERT_NE(b.FindBlock("deploy"), nullptr);
  EXPECT_EQ(b.FindBlock("deploy")->max_items, 1);
  EXPECT_EQ(b.FindBlock("name"), nullptr);
}

}  // namespace
}  // namespace encore::framework
