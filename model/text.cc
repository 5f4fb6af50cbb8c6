#include "model/text.h"

namespace encore::model {

std::string QuotedList(const std::vector<std::string>& items,
                       std::string_view conjunction) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out +=
          (i + 1 == items.size()) ? " " + std::string(conjunction) + " " : ", ";
    }
    out += "\"" + items[i] + "\"";
  }
  return out;
}

}  // namespace encore::model
