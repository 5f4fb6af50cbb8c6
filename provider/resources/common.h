// Small helpers shared by the Encore resources: the enumerations DESIGN §3
// names, import id splitting, and reading and editing values.
#ifndef ENCORE_PROVIDER_RESOURCES_COMMON_H_
#define ENCORE_PROVIDER_RESOURCES_COMMON_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provider/core/status.h"
#include "model/text.h"
#include "provider/framework/resource.h"
#include "provider/framework/schema.h"
#include "provider/values/value.h"

namespace encore::resources {

using values::Type;
using values::Value;

// Enumerations (DESIGN §3).
const std::vector<std::string>& EnvironmentTypes();  // production, ...
const std::vector<std::string>& Clouds();            // local encore aws gcp
const std::vector<std::string>& AdoptKinds();
const std::vector<std::string>& OverrideKinds();

// App names and environment names, as patterns and in words.
inline constexpr char kAppNamePattern[] = "^[a-z][a-z0-9-]{1,62}$";
inline constexpr char kAppNameMeaning[] =
    "2 to 63 lowercase letters, digits and dashes, starting with a letter "
    "(for example \"shop\")";
inline constexpr char kEnvNamePattern[] = "^([a-z][a-z0-9-]{0,62}|pr:[0-9]+)$";
inline constexpr char kEnvNameMeaning[] =
    "1 to 63 lowercase letters, digits and dashes, starting with a letter "
    "(for example \"staging\"), or \"pr:<N>\" for a preview environment "
    "(for example \"pr:12\")";
// True if all of `s` matches the ECMAScript regex `pattern`.
bool FullMatch(std::string_view s, const std::string& pattern);
// True for the preview form "pr:<digits>".
bool IsPreviewEnvName(std::string_view name);

// Splits an import id into exactly `parts` non-empty parts separated by
// '/'. The error names the id and the expected `format` ("APP/ENV").
StatusOr<std::vector<std::string>> SplitImportId(std::string_view id,
                                                 size_t parts,
                                                 std::string_view format);

// One '/'-separated part of an import id: the attribute it fills, the regex
// it must match fully, and what fits in words ("an app name (...)").
struct ImportIdPart {
  std::string attribute;
  std::string pattern;
  std::string meaning;
};

// Every resource's import: parses `id` part by part per `parts` into a stub
// state of `block` (each part's attribute, and `id` = the whole id). On a
// bad id, one "Invalid import id" error naming the bad part, what fits, the
// `format` ("APP/ENV") and an `example` ("shop/pr:12").
// The app-name and environment-name parts, filling `attribute`.
ImportIdPart AppNamePart(std::string attribute);
ImportIdPart EnvNamePart(std::string attribute);

void ImportFromId(const framework::Block& block, const std::string& id,
                  const std::vector<ImportIdPart>& parts,
                  std::string_view format, std::string_view example,
                  framework::ImportResponse& resp);

// "a", "b" or "c" (each quoted), for messages.
using model::QuotedList;

// The string in `v` if it is known and not null.
std::optional<std::string> KnownString(const Value& v);
// The attribute `name` of `obj` if `obj` is a known object; null otherwise.
Value AttrOr(const Value& obj, std::string_view name);
// A copy of the known object `obj` with attribute `name` set to `v`.
Value WithAttr(const Value& obj, const std::string& name, Value v);

// An import stub for `block`: `attrs` set, list and set blocks empty,
// everything else null.
Value StubState(const framework::Block& block,
                std::map<std::string, Value> attrs);

}  // namespace encore::resources

#endif  // ENCORE_PROVIDER_RESOURCES_COMMON_H_
