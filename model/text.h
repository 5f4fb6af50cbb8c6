// Small text helpers for messages meant for a person.
#ifndef ENCORE_MODEL_TEXT_H_
#define ENCORE_MODEL_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace encore::model {

// "\"a\", \"b\" or \"c\"" (the conjunction joins the last two).
std::string QuotedList(const std::vector<std::string>& items,
                       std::string_view conjunction = "or");

}  // namespace encore::model

#endif  // ENCORE_MODEL_TEXT_H_
