// Reusable value checks for Attribute::Check. Each error names the bad
// value and says what is allowed, so the user can fix it.
#ifndef ENCORE_PROVIDER_FRAMEWORK_CHECKS_H_
#define ENCORE_PROVIDER_FRAMEWORK_CHECKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "provider/framework/schema.h"

namespace encore::framework {

// A string that is one of `allowed`.
ValueCheck OneOf(std::vector<std::string> allowed);
// A string matching the ECMAScript regex `pattern` (anchor it yourself);
// `meaning` says in words what fits, e.g. "lowercase letters, digits and
// dashes, starting with a letter, 2 to 63 characters".
ValueCheck MatchesPattern(std::string pattern, std::string meaning);
// A number that is an integer in [min, max].
ValueCheck IntBetween(int64_t min, int64_t max);
// A string holding a JSON object.
ValueCheck JsonObject();
// A duration string such as "30s", "10m", "7d", "1h30m".
ValueCheck Duration();
// Strings inside a list/set/map value that must not be empty / must be
// unique (for lists and sets).
ValueCheck NonEmptyElements();
ValueCheck UniqueElements();
// Map keys that must each satisfy `key_check` (applied to the key as a
// string value; the path points at the entry).
ValueCheck MapKeys(ValueCheck key_check);

// Semantic equality of two strings holding JSON: equal when they parse to
// equal documents (whitespace and object key order do not matter).
bool JsonSemanticallyEqual(const Value& a, const Value& b);

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_CHECKS_H_
