// AttributePath: where in a configuration or value something is, as
// Terraform addresses it (attribute names, including nested block type
// names; list indexes; map keys). A set element has no key: a path into a
// set ends at the set.
#ifndef ENCORE_PROVIDER_CORE_ATTRIBUTE_PATH_H_
#define ENCORE_PROVIDER_CORE_ATTRIBUTE_PATH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace encore {

struct AttributeStep {
  std::string name;
  bool operator==(const AttributeStep&) const = default;
};
struct KeyStep {
  std::string key;
  bool operator==(const KeyStep&) const = default;
};
struct IndexStep {
  int64_t index;
  bool operator==(const IndexStep&) const = default;
};
using PathStep = std::variant<AttributeStep, KeyStep, IndexStep>;

class AttributePath {
 public:
  AttributePath() = default;
  // AttributePath::Root("deploy").Attr("branch")
  static AttributePath Root(std::string name) {
    return AttributePath().Attr(std::move(name));
  }

  AttributePath Attr(std::string name) const;
  AttributePath Key(std::string key) const;
  AttributePath Index(int64_t index) const;

  const std::vector<PathStep>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }
  // HCL-like text for messages: deploy.branch, process_group[0].services,
  // settings["max_memory"].
  std::string ToString() const;

  bool operator==(const AttributePath&) const = default;

 private:
  std::vector<PathStep> steps_;
};

}  // namespace encore

#endif  // ENCORE_PROVIDER_CORE_ATTRIBUTE_PATH_H_
