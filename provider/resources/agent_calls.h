// What every resource and data source shares when it talks to the agent:
// turning an agent Status into a diagnostic, waiting for a change set's
// approval, the `timeouts` block, and the JSON private state.
#ifndef ENCORE_PROVIDER_RESOURCES_AGENT_CALLS_H_
#define ENCORE_PROVIDER_RESOURCES_AGENT_CALLS_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "agent/api/agent_client.h"
#include "model/records.h"
#include "provider/core/attribute_path.h"
#include "provider/core/diagnostics.h"
#include "provider/core/status.h"
#include "provider/framework/call_context.h"
#include "provider/framework/resource.h"
#include "provider/values/value.h"

namespace encore::resources {

// Adds one error diagnostic for a failed agent call (`status` not OK):
//   kAborted            "Changed since your plan": the agent's message +
//                       " Run terraform plan again."
//   kPermissionDenied   "Permission denied": the message
//   kUnauthenticated    "Agent rejected the token": the message + how to set
//                       token / ENCORE_TOKEN
//   kUnavailable        "Cannot reach the encore agent": the address, the
//                       message, "start it with `encore-agent serve`"
//   kFailedPrecondition "Ownership conflict" (message "conflict: ...") or
//                       "Apply failed" ("apply failed: ..."): the message,
//                       that the next apply retries, and (conflict) how to
//                       force; otherwise "Not possible now": the message
//   kNotFound, kInvalidArgument, kAlreadyExists: the message (summary "Not
//                       found", "Rejected by the agent", "Already exists")
//   others              "Agent error": the message
// `what` (e.g. "creating environment shop/prod") opens the detail when not
// empty; `path`, when given, is the attribute the error is about. The
// address comes from the configured provider in `ctx`.
void AddAgentError(const framework::CallContext& ctx, const Status& status,
                   std::string_view what, Diagnostics& diags,
                   std::optional<AttributePath> path = std::nullopt);

// True when a write failed AFTER the agent recorded the new desired state:
// the apply against the backends failed (FAILED_PRECONDITION, message
// "apply failed: ..." or "conflict: ..."). The caller keeps the record the
// agent has as the new state, so the next apply retries.
bool IsApplyFailure(const Status& status);

// For ReadResource: when `status` is not OK, sets `resp.new_state` to null
// of `block` if the record is gone (kNotFound: Terraform plans to create it
// again) or reports the error, and returns true (the caller stops).
bool ReadFailed(const framework::CallContext& ctx, const Status& status,
                std::string_view what, const framework::Block& block,
                framework::ReadResponse& resp);

// ---- change sets ------------------------------------------------------------

// The `timeouts` block's `op` ("create", "update", "delete") in seconds,
// from `obj` (config or state; an object with a `timeouts` attribute);
// 20 minutes when unset or unparsable.
inline constexpr int64_t kDefaultTimeoutSeconds = 20 * 60;
int64_t TimeoutSeconds(const values::Value& obj, std::string_view op);

struct WaitOptions {
  int64_t timeout_seconds = kDefaultTimeoutSeconds;
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds progress_every{10000};
};

// Waits while `cs` is pending_approval: polls GetChangeSet every
// poll_interval, logs "waiting for approval of cs-N ..." (INFO) every
// progress_every. Returns true when the change set was applied (or never
// waited); false with an error diagnostic when it was rejected ("Change
// set cs-N was rejected by NAME: REASON"), expired or superseded, when
// StopProvider cancelled the wait, when `timeout_seconds` passed ("Timed
// out after 30s waiting for approval of change set cs-N (encore-agent
// approve cs-N); the change is still pending: approve it and run terraform
// apply again"), or when polling failed.
bool WaitForChangeSet(agent::AgentClient& client,
                      const framework::CallContext& ctx, model::ChangeSet cs,
                      const WaitOptions& options, Diagnostics& diags);

// "30s", "20m", "1h30m" (as the timeouts block writes them).
std::string FormatDuration(int64_t seconds);

// ---- private state
// -----------------------------------------------------------

// The private state as a JSON object; an empty object when empty or not
// JSON (state from an import or an older provider).
nlohmann::json ParsePrivate(const std::string& data);
// Its integer "version" (0 when absent).
int64_t PrivateVersion(const std::string& data);
// {"version": N} as text.
std::string VersionPrivate(int64_t version);

}  // namespace encore::resources

#endif  // ENCORE_PROVIDER_RESOURCES_AGENT_CALLS_H_
