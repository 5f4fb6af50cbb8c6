#include "provider/resources/agent_calls.h"

#include <algorithm>
#include <thread>

#include "model/duration.h"
#include "provider/config/provider_settings.h"
#include "provider/core/log.h"
#include "provider/resources/common.h"

namespace encore::resources {
namespace {

using Clock = std::chrono::steady_clock;

void Add(Diagnostics& diags, const std::optional<AttributePath>& path,
         std::string summary, std::string detail) {
  if (path) {
    diags.AddAttributeError(*path, std::move(summary), std::move(detail));
  } else {
    diags.AddError(std::move(summary), std::move(detail));
  }
}

std::string Sentence(std::string s) {
  if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') {
    s += '.';
  }
  return s;
}

// Sleeps up to `d`; true if StopProvider cancelled meanwhile.
bool SleepOrCancel(const framework::CallContext& ctx,
                   std::chrono::milliseconds d) {
  if (ctx.cancel) return ctx.cancel->WaitFor(d);
  std::this_thread::sleep_for(d);
  return false;
}

}  // namespace

bool ReadFailed(const framework::CallContext& ctx, const Status& status,
                std::string_view what, const framework::Block& block,
                framework::ReadResponse& resp) {
  if (status.ok()) return false;
  if (status.code() == StatusCode::kNotFound) {
    resp.new_state = values::Value::Null(block.ImpliedType());
  } else {
    AddAgentError(ctx, status, what, resp.diags);
  }
  return true;
}

void AddAgentError(const framework::CallContext& ctx, const Status& status,
                   std::string_view what, Diagnostics& diags,
                   std::optional<AttributePath> path) {
  std::string lead = what.empty() ? "" : "While " + std::string(what) + ": ";
  std::string msg = lead + Sentence(status.message());
  switch (status.code()) {
    case StatusCode::kAborted:
      Add(diags, path, "Changed since your plan",
          msg + " Run terraform plan again.");
      return;
    case StatusCode::kPermissionDenied:
      Add(diags, path, "Permission denied", msg);
      return;
    case StatusCode::kUnauthenticated:
      Add(diags, path, "Agent rejected the token",
          msg +
              " Set the provider's token argument or the ENCORE_TOKEN "
              "environment variable to a token the agent issued (`encore-agent "
              "token create --role member NAME`). With the agent's default "
              "socket and no token set, the provider reads admin.token from "
              "the agent's data directory when it may.");
      return;
    case StatusCode::kUnavailable: {
      const config::ProviderSettings* s = config::SettingsOf(ctx);
      std::string address = s ? s->agent : "";
      Add(diags, path, "Cannot reach the encore agent",
          lead + "The agent at " +
              (address.empty() ? std::string("its address") : address) +
              " did not answer: " + Sentence(status.message()) +
              " Check the provider's agent setting (or ENCORE_AGENT), and "
              "start the agent with `encore-agent serve` if it is not "
              "running.");
      return;
    }
    case StatusCode::kNotFound:
      Add(diags, path, "Not found", msg);
      return;
    case StatusCode::kInvalidArgument:
      Add(diags, path, "Rejected by the agent", msg);
      return;
    case StatusCode::kAlreadyExists:
      Add(diags, path, "Already exists",
          msg + " Import it (terraform import) or choose another name.");
      return;
    case StatusCode::kFailedPrecondition: {
      const std::string& m = status.message();
      if (m.rfind("conflict:", 0) == 0) {
        const config::ProviderSettings* s = config::SettingsOf(ctx);
        bool forced = s != nullptr && s->force_conflicts;
        Add(diags, path, "Ownership conflict",
            msg +
                " The agent kept the new desired state; the next terraform "
                "apply tries again." +
                (forced ? std::string(
                              " force_conflicts is already on, so the agent "
                              "could not resolve this conflict: an owner it "
                              "may never override holds the resource.")
                        : std::string(
                              " Undo the change outside the agent, or set "
                              "force_conflicts = true in the provider block "
                              "(or ENCORE_FORCE_CONFLICTS=1) to overwrite it; "
                              "the agent audits that.")));
        return;
      }
      if (m.rfind("apply failed:", 0) == 0) {
        Add(diags, path, "Apply failed",
            msg +
                " The agent kept the new desired state; fix the cause and "
                "run terraform apply again to retry.");
        return;
      }
      Add(diags, path, "Not possible now", msg);
      return;
    }
    default:
      Add(diags, path, "Agent error", msg);
      return;
  }
}

bool IsApplyFailure(const Status& status) {
  if (status.code() != StatusCode::kFailedPrecondition) return false;
  const std::string& m = status.message();
  return m.rfind("apply failed:", 0) == 0 || m.rfind("conflict:", 0) == 0;
}

int64_t TimeoutSeconds(const values::Value& obj, std::string_view op) {
  values::Value t = AttrOr(obj, "timeouts");
  auto text = KnownString(AttrOr(t, op));
  if (!text) return kDefaultTimeoutSeconds;
  auto secs = model::ParseDurationSeconds(*text);
  return secs && *secs > 0 ? *secs : kDefaultTimeoutSeconds;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds <= 0) return "0s";
  std::string out;
  int64_t h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s) out += std::to_string(s) + "s";
  return out;
}

bool WaitForChangeSet(agent::AgentClient& client,
                      const framework::CallContext& ctx, model::ChangeSet cs,
                      const WaitOptions& options, Diagnostics& diags) {
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(options.timeout_seconds);
  auto next_progress = start + options.progress_every;
  const std::string id = cs.id;
  bool announced = false;
  while (true) {
    const std::string& state = cs.state;
    if (state == "rejected") {
      diags.AddError(
          "Change set " + id + " was rejected",
          "Change set " + id + " was rejected by " +
              (cs.decided_by.empty() ? std::string("an admin")
                                     : cs.decided_by) +
              ": " +
              (cs.reason.empty() ? std::string("no reason given") : cs.reason) +
              ". Nothing was changed: the environment and Terraform's state "
              "keep their previous values.");
      return false;
    }
    if (state == "expired") {
      diags.AddError(
          "Change set " + id + " expired",
          "Change set " + id + " expired before it was approved" +
              (cs.reason.empty() ? std::string("") : ": " + cs.reason) +
              ". Nothing was changed. Run terraform plan and apply again.");
      return false;
    }
    if (state == "superseded") {
      diags.AddError(
          "Change set " + id + " was superseded",
          "A newer change to " + cs.app + "/" + cs.environment +
              " replaced change set " + id + " before it was approved" +
              (cs.reason.empty() ? std::string("") : " (" + cs.reason + ")") +
              ". Run terraform plan and apply again.");
      return false;
    }
    if (state != "pending_approval") {
      if (announced) {
        log::Info("change set approved",
                  {{"change_set", id}, {"state", state}});
      }
      return true;
    }
    if (!announced) {
      announced = true;
      log::Info("waiting for approval of " + id + " (encore-agent approve " +
                    id + ")",
                {{"change_set", id},
                 {"environment", cs.app + "/" + cs.environment},
                 {"timeout", FormatDuration(options.timeout_seconds)}});
    }
    auto now = Clock::now();
    if (now >= deadline) {
      std::string after = FormatDuration(options.timeout_seconds);
      diags.AddError(
          "Timed out waiting for approval of change set " + id,
          "Timed out after " + after + " waiting for approval of change set " +
              id + " (encore-agent approve " + id +
              "); the change is still pending: approve it and run terraform "
              "apply again. Allow a longer wait with the timeouts block.");
      return false;
    }
    if (now >= next_progress) {
      auto waited =
          std::chrono::duration_cast<std::chrono::seconds>(now - start).count();
      log::Info("waiting for approval of " + id + " ...",
                {{"change_set", id}, {"waited", FormatDuration(waited)}});
      next_progress = now + options.progress_every;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (SleepOrCancel(ctx, std::min(options.poll_interval, left))) {
      diags.AddError(
          "Stopped while waiting for approval of change set " + id,
          "Terraform stopped the provider while change set " + id +
              " was waiting for approval. The change is still pending: "
              "approve it (encore-agent approve " +
              id + ") or reject it, then run terraform apply again.");
      return false;
    }
    auto polled = client.GetChangeSet(id);
    if (!polled.ok()) {
      AddAgentError(ctx, polled.status(),
                    "waiting for approval of change set " + id, diags);
      return false;
    }
    cs = std::move(polled).value();
  }
}

nlohmann::json ParsePrivate(const std::string& data) {
  if (data.empty()) return nlohmann::json::object();
  try {
    nlohmann::json j = nlohmann::json::parse(data);
    if (j.is_object()) return j;
  } catch (const nlohmann::json::exception&) {
  }
  return nlohmann::json::object();
}

int64_t PrivateVersion(const std::string& data) {
  nlohmann::json j = ParsePrivate(data);
  auto it = j.find("version");
  if (it == j.end() || !it->is_number_integer()) return 0;
  return it->get<int64_t>();
}

std::string VersionPrivate(int64_t version) {
  return nlohmann::json{{"version", version}}.dump();
}

}  // namespace encore::resources
