#include "provider/core/diagnostics.h"

#include <algorithm>

namespace encore {

void Diagnostics::AddError(std::string summary, std::string detail) {
  items_.push_back({Severity::kError, std::move(summary), std::move(detail),
                    std::nullopt});
}

void Diagnostics::AddAttributeError(const AttributePath& path,
                                    std::string summary, std::string detail) {
  items_.push_back(
      {Severity::kError, std::move(summary), std::move(detail), path});
}

void Diagnostics::AddWarning(std::string summary, std::string detail) {
  items_.push_back({Severity::kWarning, std::move(summary), std::move(detail),
                    std::nullopt});
}

void Diagnostics::AddAttributeWarning(const AttributePath& path,
                                      std::string summary,
                                      std::string detail) {
  items_.push_back(
      {Severity::kWarning, std::move(summary), std::move(detail), path});
}

void Diagnostics::AddStatus(const Status& status, std::string summary) {
  if (status.ok()) return;
  AddError(std::move(summary), status.message());
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::HasError() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  });
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const Diagnostic& d : items_) {
    out += d.severity == Severity::kError ? "Error: " : "Warning: ";
    out += d.summary;
    if (d.path) out += " [" + d.path->ToString() + "]";
    if (!d.detail.empty()) out += ": " + d.detail;
    out += '\n';
  }
  return out;
}

}  // namespace encore
