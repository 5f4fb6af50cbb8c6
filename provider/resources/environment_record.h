// encore_environment's values <-> the agent's records (model/records.h).
//
// Rules (so that refresh after apply, and import with
// -generate-config-out, plan empty):
// - an empty string in a record is a null attribute (region, branch,
//   cluster_name, branch_from, process_allocation with groups); an absent
//   block (nullopt) a null block; lists of blocks are lists, never null;
// - the agent never returns passwords: `admin_password` is kept from the
//   prior state, `admin_password_wo` is always null in state; the agent's
//   admin_password_fingerprint is compared with the one this provider last
//   wrote (private state): when they differ, the password was changed out
//   of band, and the state's admin_password and admin_password_wo_version
//   become null, so the next plan updates the database block and sends the
//   configured password again;
// - `timeouts` is the provider's own: kept from the prior state or plan;
// - computed: id (app/name), url ("" -> null), status, version (the
//   number as a string), infrastructure, pending_change_set ("" when none),
//   drift.
#ifndef ENCORE_PROVIDER_RESOURCES_ENVIRONMENT_RECORD_H_
#define ENCORE_PROVIDER_RESOURCES_ENVIRONMENT_RECORD_H_

#include <optional>
#include <string>
#include <vector>

#include "model/records.h"
#include "provider/framework/schema.h"
#include "provider/values/value.h"

namespace encore::resources {

// The spec a (wholly known) encore_environment object declares. Passwords:
// `admin_password` when set in `v`; the write-only password is not read
// here (see SpecForWrite).
model::EnvironmentSpec SpecFromValue(const values::Value& v);

// The top-level mutable fields (model::kEnvironmentMutableFields) whose
// values differ between `a` and `b`, in that order.
std::vector<std::string> ChangedFields(const model::EnvironmentSpec& a,
                                       const model::EnvironmentSpec& b);

// What the provider remembers between calls (private state):
// {"admin_password_fingerprint": "..."}.
struct EnvironmentPrivate {
  std::optional<std::string> admin_password_fingerprint;
};
EnvironmentPrivate ParseEnvironmentPrivate(const std::string& data);
std::string EnvironmentPrivateJson(const EnvironmentPrivate& p);

// The state for `env`: arguments from env.spec, computed attributes from
// env, `timeouts` and the password attributes from `prior` (the prior
// state or the planned state; may be null). When `written` holds a
// fingerprint that differs from the agent's, the password attributes are
// null (see above).
values::Value EnvironmentState(const framework::Block& block,
                               const model::Environment& env,
                               const values::Value& prior,
                               const EnvironmentPrivate& written);

}  // namespace encore::resources

#endif  // ENCORE_PROVIDER_RESOURCES_ENVIRONMENT_RECORD_H_
