// Diagnostics: what the provider tells the user, as Terraform shows it.
//
// Every user-facing problem is a Diagnostic with a summary (one line), a
// detail (what is wrong and how to fix it) and, where it concerns one
// attribute, that attribute's path. Diagnostics are collected, never thrown.
#ifndef ENCORE_PROVIDER_CORE_DIAGNOSTICS_H_
#define ENCORE_PROVIDER_CORE_DIAGNOSTICS_H_

#include <optional>
#include <string>
#include <vector>

#include "provider/core/attribute_path.h"
#include "provider/core/status.h"

namespace encore {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string summary;
  std::string detail;
  std::optional<AttributePath> path;  // nullopt: about the whole block

  bool operator==(const Diagnostic&) const = default;
};

class Diagnostics {
 public:
  void AddError(std::string summary, std::string detail);
  void AddAttributeError(const AttributePath& path, std::string summary,
                         std::string detail);
  void AddWarning(std::string summary, std::string detail);
  void AddAttributeWarning(const AttributePath& path, std::string summary,
                           std::string detail);
  // A non-OK status becomes an error diagnostic with `summary`.
  void AddStatus(const Status& status, std::string summary);
  void Append(const Diagnostics& other);

  bool HasError() const;
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  // All diagnostics as text, one per line (for logs and tests).
  std::string ToString() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace encore

#endif  // ENCORE_PROVIDER_CORE_DIAGNOSTICS_H_
