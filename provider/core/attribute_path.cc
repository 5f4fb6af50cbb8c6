#include "provider/core/attribute_path.h"

namespace encore {

AttributePath AttributePath::Attr(std::string name) const {
  AttributePath p = *this;
  p.steps_.push_back(AttributeStep{std::move(name)});
  return p;
}

AttributePath AttributePath::Key(std::string key) const {
  AttributePath p = *this;
  p.steps_.push_back(KeyStep{std::move(key)});
  return p;
}

AttributePath AttributePath::Index(int64_t index) const {
  AttributePath p = *this;
  p.steps_.push_back(IndexStep{index});
  return p;
}

std::string AttributePath::ToString() const {
  std::string out;
  for (const PathStep& step : steps_) {
    if (const auto* a = std::get_if<AttributeStep>(&step)) {
      if (!out.empty()) out += '.';
      out += a->name;
    } else if (const auto* k = std::get_if<KeyStep>(&step)) {
      out += "[\"" + k->key + "\"]";
    } else {
      out += "[" + std::to_string(std::get<IndexStep>(step).index) + "]";
    }
  }
  return out;
}

}  // namespace encore
