#include "provider/framework/checks.h"

#include "model/duration.h"

#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <utility>
#include <variant>

namespace encore::framework {
namespace {

using values::TypeKind;
using values::ValueState;

// The attribute's name for summaries: the last attribute step of `path`.
std::string AttrName(const AttributePath& path) {
  for (auto it = path.steps().rbegin(); it != path.steps().rend(); ++it) {
    if (const auto* a = std::get_if<AttributeStep>(&*it)) return a->name;
  }
  return "value";
}

// `s` as a quoted string for messages (JSON escaping, invalid UTF-8
// replaced, never throws).
std::string Quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false,
                                nlohmann::json::error_handler_t::replace);
}

std::string JoinQuoted(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += Quote(items[i]);
  }
  return out;
}

bool IsKnownString(const Value& v) {
  return v.IsKnown() && v.type().kind() == TypeKind::kString;
}

// Reports a value of the wrong type (a schema bug: the check was attached to
// an attribute of another type).
void WrongType(const Value& value, const AttributePath& path,
               const std::string& wanted, Diagnostics& diags) {
  diags.AddAttributeError(
      path, "Invalid value for " + AttrName(path),
      "The value is a " + value.type().FriendlyName() + ", but a " + wanted +
          " is required here. This is a bug in the provider's schema; please "
          "report it.");
}

bool IsListLike(const Value& v) {
  TypeKind k = v.type().kind();
  return k == TypeKind::kList || k == TypeKind::kSet || k == TypeKind::kTuple;
}
bool IsMapLike(const Value& v) {
  TypeKind k = v.type().kind();
  return k == TypeKind::kMap || k == TypeKind::kObject;
}

// Collects parse error text from nlohmann's SAX parser without exceptions.
struct ErrorSax {
  std::string error;
  using json = nlohmann::json;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) {
    return true;
  }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(json::string_t&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) {
    error = ex.what();
    return false;
  }
};

std::string JsonErrorText(const std::string& text) {
  ErrorSax sax;
  nlohmann::json::sax_parse(text, &sax);
  // nlohmann's text starts with "[json.exception.parse_error.101] ".
  std::string e = sax.error;
  size_t bracket = e.find("] ");
  if (e.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
    e = e.substr(bracket + 2);
  }
  return e.empty() ? "not valid JSON" : e;
}

std::string JsonKindName(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

constexpr const char* kDurationHowTo =
    "Use a whole number followed by a unit: s (seconds), m (minutes), h "
    "(hours) or d (days), optionally combined, e.g. \"30s\", \"10m\", "
    "\"1h30m\", \"7d\".";

}  // namespace

ValueCheck OneOf(std::vector<std::string> allowed) {
  std::string description = "One of: " + JoinQuoted(allowed) + ".";
  return ValueCheck{
      description,
      [allowed = std::move(allowed)](
          const Value& value, const AttributePath& path, Diagnostics& diags) {
        if (!IsKnownString(value)) {
          if (value.IsKnown()) WrongType(value, path, "string", diags);
          return;
        }
        const std::string& s = value.AsString();
        for (const std::string& a : allowed) {
          if (a == s) return;
        }
        diags.AddAttributeError(
            path, "Invalid value for " + AttrName(path),
            Quote(s) +
                " is not one of the allowed values: " + JoinQuoted(allowed) +
                ". Use one of these (values are case-sensitive).");
      }};
}

ValueCheck MatchesPattern(std::string pattern, std::string meaning) {
  std::shared_ptr<const std::regex> re;
  std::string compile_error;
  try {
    re = std::make_shared<const std::regex>(pattern,
                                            std::regex_constants::ECMAScript);
  } catch (const std::regex_error& e) {
    compile_error = e.what();
  }
  std::string description = "Must be " + meaning + ".";
  return ValueCheck{
      description,
      [re, pattern, meaning, compile_error](
          const Value& value, const AttributePath& path, Diagnostics& diags) {
        if (!IsKnownString(value)) {
          if (value.IsKnown()) WrongType(value, path, "string", diags);
          return;
        }
        if (re == nullptr) {
          diags.AddAttributeError(
              path, "Invalid " + AttrName(path),
              "The provider's pattern " + Quote(pattern) +
                  " for this argument does not compile (" + compile_error +
                  "). This is a bug in the provider; please report it.");
          return;
        }
        const std::string& s = value.AsString();
        if (std::regex_match(s, *re)) return;
        diags.AddAttributeError(path, "Invalid " + AttrName(path),
                                Quote(s) + " is not a valid " + AttrName(path) +
                                    ": it must be " + meaning + " (pattern " +
                                    pattern + "). Change " + AttrName(path) +
                                    " to a value of that form.");
      }};
}

ValueCheck IntBetween(int64_t min, int64_t max) {
  std::string range = std::to_string(min) + " and " + std::to_string(max);
  return ValueCheck{
      "A whole number between " + range + " (inclusive).",
      [min, max, range](const Value& value, const AttributePath& path,
                        Diagnostics& diags) {
        if (!value.IsKnown()) return;
        if (value.type().kind() != TypeKind::kNumber) {
          WrongType(value, path, "number", diags);
          return;
        }
        const values::Number& n = value.AsNumber();
        std::optional<int64_t> i = n.AsInt64();
        if (!i.has_value()) {
          diags.AddAttributeError(
              path, "Invalid value for " + AttrName(path),
              n.ToString() + " is not a whole number. Set " + AttrName(path) +
                  " to a whole number between " + range + " (inclusive).");
          return;
        }
        if (*i < min || *i > max) {
          diags.AddAttributeError(
              path, "Invalid value for " + AttrName(path),
              n.ToString() + " is out of range: " + AttrName(path) +
                  " must be a whole number between " + range + " (inclusive).");
        }
      }};
}

ValueCheck JsonObject() {
  return ValueCheck{
      "A JSON object (use jsonencode({...})).",
      [](const Value& value, const AttributePath& path, Diagnostics& diags) {
        if (!IsKnownString(value)) {
          if (value.IsKnown()) WrongType(value, path, "string", diags);
          return;
        }
        const std::string& s = value.AsString();
        nlohmann::json j = nlohmann::json::parse(s, nullptr, false);
        if (j.is_discarded()) {
          diags.AddAttributeError(
              path, "Invalid JSON in " + AttrName(path),
              "The value is not valid JSON: " + JsonErrorText(s) +
                  ". Write it with jsonencode({...}) or file(\"...json\") so "
                  "it is a JSON object.");
          return;
        }
        if (!j.is_object()) {
          diags.AddAttributeError(path, "Invalid JSON in " + AttrName(path),
                                  "The value is valid JSON but " +
                                      JsonKindName(j) + ", not an object. " +
                                      AttrName(path) +
                                      " must hold a JSON object ({...}).");
        }
      }};
}

ValueCheck Duration() {
  return ValueCheck{
      std::string("A duration. ") + kDurationHowTo,
      [](const Value& value, const AttributePath& path, Diagnostics& diags) {
        if (!IsKnownString(value)) {
          if (value.IsKnown()) WrongType(value, path, "string", diags);
          return;
        }
        const std::string& s = value.AsString();
        if (model::ParseDurationSeconds(s).has_value()) return;
        diags.AddAttributeError(
            path, "Invalid duration for " + AttrName(path),
            Quote(s) + " is not a valid duration. " + kDurationHowTo);
      }};
}

ValueCheck NonEmptyElements() {
  return ValueCheck{
      "Each element must be a non-empty string.",
      [](const Value& value, const AttributePath& path, Diagnostics& diags) {
        if (!value.IsKnown()) return;
        auto check_one = [&](const Value& e, const AttributePath& at,
                             const std::string& where) {
          if (e.IsUnknown()) return;
          if (e.IsNull() ||
              (e.type().kind() == TypeKind::kString && e.AsString().empty())) {
            diags.AddAttributeError(
                at, "Empty value in " + AttrName(path),
                "The element " + where + " of " + AttrName(path) + " is " +
                    (e.IsNull() ? "null" : "an empty string") +
                    "; every element must be a non-empty string. Remove it "
                    "or give it a value.");
          }
        };
        if (IsListLike(value)) {
          const bool is_set = value.type().kind() == TypeKind::kSet;
          const auto& elems = value.Elements();
          for (size_t i = 0; i < elems.size(); ++i) {
            check_one(elems[i],
                      is_set ? path : path.Index(static_cast<int64_t>(i)),
                      is_set ? std::string("in the set")
                             : "at index " + std::to_string(i));
          }
        } else if (IsMapLike(value)) {
          for (const auto& [k, e] : value.Entries()) {
            check_one(e, path.Key(k), "with key " + Quote(k));
          }
        } else {
          WrongType(value, path, "list, set or map of strings", diags);
        }
      }};
}

ValueCheck UniqueElements() {
  return ValueCheck{
      "Each element may appear only once.",
      [](const Value& value, const AttributePath& path, Diagnostics& diags) {
        if (!value.IsKnown()) return;
        if (!IsListLike(value)) {
          WrongType(value, path, "list or set", diags);
          return;
        }
        // Sets hold no duplicates by construction.
        if (value.type().kind() == TypeKind::kSet) return;
        const auto& elems = value.Elements();
        for (size_t i = 0; i < elems.size(); ++i) {
          if (!elems[i].IsWhollyKnown()) continue;
          for (size_t j = 0; j < i; ++j) {
            if (!elems[j].IsWhollyKnown() || elems[j] != elems[i]) continue;
            std::string shown = elems[i].type().kind() == TypeKind::kString
                                    ? Quote(elems[i].AsString())
                                    : elems[i].DebugString();
            diags.AddAttributeError(
                path.Index(static_cast<int64_t>(i)),
                "Duplicate value in " + AttrName(path),
                shown + " appears more than once in " + AttrName(path) +
                    " (at index " + std::to_string(j) + " and " +
                    std::to_string(i) +
                    "); each value may appear only once. Remove the "
                    "duplicate.");
            break;
          }
        }
      }};
}

ValueCheck MapKeys(ValueCheck key_check) {
  std::string description = "Keys: " + key_check.description;
  return ValueCheck{
      description,
      [key_check = std::move(key_check)](
          const Value& value, const AttributePath& path, Diagnostics& diags) {
        if (!value.IsKnown()) return;
        if (!IsMapLike(value)) {
          WrongType(value, path, "map", diags);
          return;
        }
        for (const auto& [k, e] : value.Entries()) {
          Diagnostics key_diags;
          key_check.check(Value::String(k), path.Key(k), key_diags);
          for (const Diagnostic& d : key_diags) {
            std::string summary = "Invalid key in " + AttrName(path);
            std::string detail = "Map key " + Quote(k) + " of " +
                                 AttrName(path) + ": " + d.detail;
            AttributePath at = d.path.value_or(path.Key(k));
            if (d.severity == Severity::kError) {
              diags.AddAttributeError(at, summary, detail);
            } else {
              diags.AddAttributeWarning(at, summary, detail);
            }
          }
        }
      }};
}

bool JsonSemanticallyEqual(const Value& a, const Value& b) {
  if (!IsKnownString(a) || !IsKnownString(b)) return false;
  if (a.AsString() == b.AsString()) return true;
  nlohmann::json ja = nlohmann::json::parse(a.AsString(), nullptr, false);
  nlohmann::json jb = nlohmann::json::parse(b.AsString(), nullptr, false);
  if (ja.is_discarded() || jb.is_discarded()) return false;
  return ja == jb;
}

}  // namespace encore::framework
