// The generic plan, driven by a Block declaration (PROTOCOL.md §2.5 rules):
//
// - create (prior null): computed attributes null in config become their
//   default (optional+computed) or unknown;
// - update: if nothing the user sets changed, the plan is the prior state
//   (computed values kept, so no "(known after apply)" noise); otherwise
//   computed attributes null in config become unknown, except those marked
//   UseStateForUnknown, which keep the prior value;
// - semantic equality: a config value equal in meaning to the prior value
//   plans as the prior value;
// - write-only attributes are always planned null;
// - requires_replace lists each RequiresReplace attribute (or block) whose
//   planned value differs from the prior value.
#ifndef ENCORE_PROVIDER_FRAMEWORK_PLAN_H_
#define ENCORE_PROVIDER_FRAMEWORK_PLAN_H_

#include <vector>

#include "provider/core/attribute_path.h"
#include "provider/framework/schema.h"

namespace encore::framework {

struct GenericPlan {
  Value planned_state;
  std::vector<AttributePath> requires_replace;
};

// `proposed` is Terraform's proposed new state (config merged with prior
// computed values); `config` the raw config; `prior` null on create.
GenericPlan PlanBlock(const Block& block, const Value& prior,
                      const Value& proposed, const Value& config);

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_PLAN_H_
