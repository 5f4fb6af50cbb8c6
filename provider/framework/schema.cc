#include "provider/framework/schema.h"

#include <map>
#include <string>

namespace encore::framework {

Block& Block::Add(NestedBlock b) {
  blocks.push_back(std::move(b));
  return *this;
}

const Attribute* Block::FindAttribute(std::string_view name) const {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const NestedBlock* Block::FindBlock(std::string_view type_name) const {
  for (const NestedBlock& b : blocks) {
    if (b.type_name == type_name) return &b;
  }
  return nullptr;
}

Type Block::ImpliedType() const {
  std::map<std::string, Type> attrs;
  for (const Attribute& a : attributes) attrs.emplace(a.name, a.type);
  for (const NestedBlock& b : blocks)
    attrs.emplace(b.type_name, b.ImpliedType());
  return Type::Object(std::move(attrs));
}

// Not handled (PROTOCOL.md §3.5 special cases): a LIST block whose element
// type contains `dynamic` is a tuple in Terraform, and a MAP block with
// `dynamic` inside is an object keyed by label. No schema here declares
// dynamic attributes inside list or map blocks.
Type NestedBlock::ImpliedType() const {
  Type object = block.ImpliedType();
  switch (nesting) {
    case Nesting::kSingle:
    case Nesting::kGroup:
      return object;
    case Nesting::kList:
      return Type::List(object);
    case Nesting::kSet:
      return Type::Set(object);
    case Nesting::kMap:
      return Type::Map(object);
  }
  return object;
}

}  // namespace encore::framework
