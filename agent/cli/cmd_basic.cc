// version, info, app list, app show.
#include <ostream>

#include "agent/cli/commands.h"
#include "agent/cli/output.h"

#ifndef ENCORE_VERSION
#define ENCORE_VERSION "dev"
#endif

namespace encore::agent::cli {

using Json = nlohmann::ordered_json;

StatusOr<int> RunVersion(Session& s) {
  if (s.json()) {
    s.out() << Json{{"version", ENCORE_VERSION}}.dump() << "\n";
  } else {
    s.out() << "encore-agent " << ENCORE_VERSION << "\n";
  }
  return 0;
}

StatusOr<int> RunInfo(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto info = (*c)->GetInfo();
  if (!info.ok()) return info.status();
  if (s.json()) {
    s.out() << Json{{"client_version", ENCORE_VERSION},
                    {"agent_version", info->version},
                    {"caller", info->caller},
                    {"caller_role", info->caller_role},
                    {"data_dir", info->data_dir}}
                   .dump(2)
            << "\n";
    return 0;
  }
  s.out() << "agent version: " << info->version << "\n"
          << "caller:        " << info->caller << " (" << info->caller_role
          << ")\n"
          << "data dir:      " << info->data_dir << "\n";
  return 0;
}

StatusOr<int> RunAppList(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto apps = (*c)->ListApps();
  if (!apps.ok()) return apps.status();
  if (s.json()) {
    Json arr = Json::array();
    for (const auto& a : *apps) arr.push_back(ToJsonValue(a));
    s.out() << arr.dump(2) << "\n";
    return 0;
  }
  if (apps->empty()) {
    s.out() << "no apps\n";
    return 0;
  }
  for (const auto& a : *apps) {
    s.out() << a.name << "  version " << a.version << "  "
            << a.services.size() << " service(s)\n";
  }
  return 0;
}

StatusOr<int> RunAppShow(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto a = (*c)->GetApp(s.args().args[0]);
  if (!a.ok()) return a.status();
  if (s.json()) {
    s.out() << ToJsonValue(*a).dump(2) << "\n";
    return 0;
  }
  s.out() << "app:        " << a->name << "\n"
          << "version:    " << a->version << "\n"
          << "model hash: " << a->model_hash << "\n"
          << "services:  ";
  for (const auto& svc : a->services) s.out() << " " << svc;
  s.out() << "\n";
  return 0;
}

}  // namespace encore::agent::cli
