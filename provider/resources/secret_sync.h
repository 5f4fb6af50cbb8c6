// How encore_secret notices values changed outside Terraform (DESIGN §3):
// the agent returns a fingerprint per key, never a value. The provider
// keeps the fingerprints it last wrote in the resource's private state
// (never in the schema: equal fingerprints would show which keys share a
// value) and compares them with the agent's on every refresh; the result
// is the computed `values_sync` attribute, which the plan always sets back
// to "in_sync", so a difference shows as an update.
#ifndef ENCORE_PROVIDER_RESOURCES_SECRET_SYNC_H_
#define ENCORE_PROVIDER_RESOURCES_SECRET_SYNC_H_

#include <cstdint>
#include <map>
#include <string>

namespace encore::resources {

inline constexpr char kValuesInSync[] = "in_sync";
inline constexpr char kValuesChanged[] = "changed_outside_terraform";
inline constexpr char kValuesImported[] = "imported";

// encore_secret's private state: {"version": N, "fingerprints": {...}}.
struct SecretPrivate {
  int64_t version = 0;
  std::map<std::string, std::string> fingerprints;  // as last written
  bool has_fingerprints = false;  // false after an import
};

SecretPrivate ParseSecretPrivate(const std::string& data);
std::string SecretPrivateJson(const SecretPrivate& p);

// "in_sync" when `agent` equals the fingerprints last written (same keys,
// same fingerprints); "imported" when none were written by this state;
// otherwise "changed_outside_terraform".
std::string ValuesSync(const SecretPrivate& written,
                       const std::map<std::string, std::string>& agent);

}  // namespace encore::resources

#endif  // ENCORE_PROVIDER_RESOURCES_SECRET_SYNC_H_
