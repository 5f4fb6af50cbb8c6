// token create/revoke/list.
#include <ostream>

#include "agent/cli/commands.h"
#include "agent/cli/output.h"

namespace encore::agent::cli {

using Json = nlohmann::ordered_json;

StatusOr<int> RunTokenCreate(Session& s) {
  if (!s.has_flag("role")) {
    return Status::InvalidArgument(
        "token create needs --role viewer|member|admin");
  }
  auto role = model::ParseRole(s.flag("role"));
  if (!role) {
    return Status::InvalidArgument("--role " + s.flag("role") +
                                   ": use viewer, member or admin");
  }
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto t = (*c)->CreateToken(s.args().args[0], *role);
  if (!t.ok()) return t.status();
  if (s.json()) {
    Json j = ToJsonValue(t->info);
    j["secret"] = t->secret;
    s.out() << j.dump(2) << "\n";
    return 0;
  }
  s.out() << "token " << t->info.name << " (role "
          << model::RoleName(t->info.role)
          << ") created; its secret is shown only this once:\n"
          << t->secret << "\n";
  return 0;
}

StatusOr<int> RunTokenRevoke(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  Status st = (*c)->RevokeToken(s.args().args[0]);
  if (!st.ok()) return st;
  if (s.json()) {
    s.out() << Json{{"revoked", s.args().args[0]}}.dump() << "\n";
  } else {
    s.out() << "token " << s.args().args[0] << " revoked\n";
  }
  return 0;
}

StatusOr<int> RunTokenList(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto list = (*c)->ListTokens();
  if (!list.ok()) return list.status();
  if (s.json()) {
    Json arr = Json::array();
    for (const auto& t : *list) arr.push_back(ToJsonValue(t));
    s.out() << arr.dump(2) << "\n";
    return 0;
  }
  for (const auto& t : *list) {
    s.out() << t.name << "  " << model::RoleName(t.role) << "  created "
            << TimeText(t.created_at_ms);
    if (t.revoked_at_ms != 0) s.out() << "  revoked " << TimeText(t.revoked_at_ms);
    s.out() << "\n";
  }
  return 0;
}

}  // namespace encore::agent::cli
