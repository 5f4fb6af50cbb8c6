// audit, audit verify.
#include <charconv>
#include <ostream>

#include "agent/cli/commands.h"
#include "agent/cli/output.h"

namespace encore::agent::cli {
namespace {

using Json = nlohmann::ordered_json;

StatusOr<int64_t> IntFlag(Session& s, const std::string& name,
                          int64_t fallback, int64_t min) {
  if (!s.has_flag(name)) return fallback;
  const std::string v = s.flag(name);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < min) {
    return Status::InvalidArgument("--" + name + " " + v +
                                   ": want a whole number >= " +
                                   std::to_string(min));
  }
  return n;
}

}  // namespace

StatusOr<int> RunAudit(Session& s) {
  auto after = IntFlag(s, "after", 0, 0);
  if (!after.ok()) return after.status();
  auto limit = IntFlag(s, "limit", 100, 1);
  if (!limit.ok()) return limit.status();
  if (*limit > 10000) {
    return Status::InvalidArgument("--limit " + std::to_string(*limit) +
                                   ": at most 10000");
  }
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto entries = (*c)->ListAudit(*after, static_cast<int>(*limit));
  if (!entries.ok()) return entries.status();
  if (s.json()) {
    Json arr = Json::array();
    for (const auto& e : *entries) arr.push_back(ToJsonValue(e));
    s.out() << arr.dump(2) << "\n";
    return 0;
  }
  if (entries->empty()) {
    s.out() << "no audit entries" << (*after > 0 ? " after that" : "") << "\n";
    return 0;
  }
  for (const auto& e : *entries) {
    s.out() << e.seq << "  " << TimeText(e.time_ms) << "  " << e.actor << "  "
            << e.action << "  " << e.target;
    if (!e.details.empty() && e.details != "{}") s.out() << "  " << e.details;
    s.out() << "\n";
  }
  return 0;
}

StatusOr<int> RunAuditVerify(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto v = (*c)->VerifyAudit();
  if (!v.ok()) return v.status();
  if (s.json()) {
    s.out() << Json{{"ok", v->ok},
                    {"entries", v->entries},
                    {"bad_seq", v->bad_seq},
                    {"problem", v->problem}}
                   .dump(2)
            << "\n";
    return v->ok ? 0 : 1;
  }
  if (v->ok) {
    s.out() << "audit log verified: " << v->entries << " entries\n";
    return 0;
  }
  // A failed check is not an error of the tool: say it on stdout too, so
  // a script that captures stdout sees it, and exit 1.
  s.out() << "audit log verification FAILED: " << v->problem << "\n";
  return 1;
}

}  // namespace encore::agent::cli
