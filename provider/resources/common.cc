#include "provider/resources/common.h"

#include <openssl/sha.h>

#include <cstdio>
#include <regex>

namespace encore::resources {

const std::vector<std::string>& EnvironmentTypes() {
  static const auto* kTypes = new std::vector<std::string>{
      "production", "development", "preview", "local"};
  return *kTypes;
}

const std::vector<std::string>& Clouds() {
  static const auto* kClouds =
      new std::vector<std::string>{"local", "encore", "aws", "gcp"};
  return *kClouds;
}

const std::vector<std::string>& AdoptKinds() {
  static const auto* kKinds = new std::vector<std::string>{
      "sql_database", "cache", "pubsub_topic", "pubsub_subscription", "bucket"};
  return *kKinds;
}

const std::vector<std::string>& OverrideKinds() {
  static const auto* kKinds = new std::vector<std::string>{
      "sql_database", "cache", "pubsub_topic", "bucket", "service"};
  return *kKinds;
}

bool FullMatch(std::string_view s, const std::string& pattern) {
  return std::regex_match(std::string(s), std::regex(pattern));
}

bool IsPreviewEnvName(std::string_view name) {
  if (name.size() < 4 || name.substr(0, 3) != "pr:") return false;
  for (char c : name.substr(3)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

StatusOr<std::vector<std::string>> SplitImportId(std::string_view id,
                                                 size_t parts,
                                                 std::string_view format) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t slash = id.find('/', start);
    out.emplace_back(id.substr(start, slash == std::string_view::npos
                                          ? std::string_view::npos
                                          : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  bool ok = out.size() == parts;
  for (const auto& p : out) ok = ok && !p.empty();
  if (!ok) {
    return Status::InvalidArgument(
        "The import id \"" + std::string(id) + "\" is not of the form " +
        std::string(format) + " (" + std::to_string(parts) +
        " non-empty parts separated by \"/\"). Use, for example, "
        "terraform import ADDRESS " +
        std::string(format) + " with each part filled in.");
  }
  return out;
}

ImportIdPart AppNamePart(std::string attribute) {
  return {std::move(attribute), kAppNamePattern,
          std::string("an app name (") + kAppNameMeaning + ")"};
}

ImportIdPart EnvNamePart(std::string attribute) {
  return {std::move(attribute), kEnvNamePattern,
          std::string("an environment name (") + kEnvNameMeaning + ")"};
}

void ImportFromId(const framework::Block& block, const std::string& id,
                  const std::vector<ImportIdPart>& parts,
                  std::string_view format, std::string_view example,
                  framework::ImportResponse& resp) {
  auto split = SplitImportId(id, parts.size(), format);
  if (!split.ok()) {
    resp.diags.AddError("Invalid import id", split.status().message());
    return;
  }
  std::map<std::string, Value> attrs;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& text = (*split)[i];
    if (!FullMatch(text, parts[i].pattern)) {
      resp.diags.AddError("Invalid import id",
                          "In the import id \"" + id + "\", \"" + text +
                              "\" is not " + parts[i].meaning + ". Use " +
                              std::string(format) + ", for example " +
                              std::string(example) + ".");
      return;
    }
    attrs[parts[i].attribute] = Value::String(text);
  }
  attrs["id"] = Value::String(id);
  resp.state = StubState(block, std::move(attrs));
}

std::optional<std::string> KnownString(const Value& v) {
  if (!v.IsKnown() || v.type() != Type::String()) return std::nullopt;
  return v.AsString();
}

Value AttrOr(const Value& obj, std::string_view name) {
  if (!obj.IsKnown() || obj.type().kind() != values::TypeKind::kObject) {
    return Value();
  }
  return obj.GetAttr(name);
}

Value WithAttr(const Value& obj, const std::string& name, Value v) {
  std::map<std::string, Value> attrs = obj.Entries();
  attrs[name] = std::move(v);
  return Value::ObjectOf(obj.type(), std::move(attrs));
}

Value StubState(const framework::Block& block,
                std::map<std::string, Value> attrs) {
  for (const auto& nb : block.blocks) {
    if (attrs.count(nb.type_name)) continue;
    Type t = nb.ImpliedType();
    if (nb.nesting == framework::Nesting::kList) {
      attrs[nb.type_name] = Value::List(t.element(), {});
    } else if (nb.nesting == framework::Nesting::kSet) {
      attrs[nb.type_name] = Value::Set(t.element(), {});
    }
  }
  return Value::ObjectOf(block.ImpliedType(), std::move(attrs));
}

}  // namespace encore::resources
