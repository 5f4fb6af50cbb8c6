// reconcile, drift, runtime-config, counters, backends stop.
#include <unistd.h>

#include <ostream>

#include "agent/backends/local_backends.h"
#include "agent/cli/commands.h"
#include "agent/cli/data_dir.h"
#include "agent/cli/output.h"

namespace encore::agent::cli {

using Json = nlohmann::ordered_json;

StatusOr<int> RunReconcile(Session& s) {
  auto id = SplitPair(s.args().args[0], "APP/ENV");
  if (!id.ok()) return id.status();
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto e = (*c)->ReconcileEnvironment(id->first, id->second);
  if (!e.ok()) return e.status();
  if (s.json()) {
    s.out() << ToJsonValue(*e).dump(2) << "\n";
  } else {
    s.out() << id->first << "/" << id->second << ": " << e->status << "\n";
  }
  return 0;
}

StatusOr<int> RunDrift(Session& s) {
  auto id = SplitPair(s.args().args[0], "APP/ENV");
  if (!id.ok()) return id.status();
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto e = (*c)->ScanDrift(id->first, id->second);
  if (!e.ok()) return e.status();
  if (s.json()) {
    Json arr = Json::array();
    for (const auto& d : e->drift) {
      arr.push_back({{"kind", d.kind},
                     {"name", d.name},
                     {"attribute", d.attribute},
                     {"expected", d.expected},
                     {"actual", d.actual},
                     {"classification", d.classification}});
    }
    s.out() << arr.dump(2) << "\n";
  } else if (e->drift.empty()) {
    s.out() << "no drift: every resource is as the agent last wrote it\n";
  } else {
    for (const auto& d : e->drift) {
      s.out() << d.classification << "\t" << d.kind << " " << d.name << " "
              << d.attribute << ": expected \"" << d.expected << "\", actual \""
              << d.actual << "\"\n";
    }
  }
  return e->drift.empty() ? 0 : 1;
}

StatusOr<int> RunRuntimeConfig(Session& s) {
  auto id = SplitPair(s.args().args[0], "APP/ENV");
  if (!id.ok()) return id.status();
  std::string secrets = s.has_flag("secrets") ? s.flag("secrets") : "false";
  if (secrets != "true" && secrets != "false") {
    return Status::InvalidArgument("--secrets " + secrets + ": use true or false");
  }
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto doc = (*c)->GetRuntimeConfig(
      id->first, id->second,
      s.has_flag("process-group") ? s.flag("process-group") : "",
      secrets == "true");
  if (!doc.ok()) return doc.status();
  s.out() << *doc << "\n";
  return 0;
}

StatusOr<int> RunCounters(Session& s) {
  auto c = s.Client();
  if (!c.ok()) return c.status();
  auto counters = (*c)->GetBackendCounters();
  if (!counters.ok()) return counters.status();
  if (s.json()) {
    Json j = Json::object();
    for (const auto& [kind, n] : *counters) {
      j[kind] = {{"reads", n.reads}, {"writes", n.writes}};
    }
    s.out() << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& [kind, n] : *counters) {
    s.out() << kind << "\treads " << n.reads << "\twrites " << n.writes << "\n";
  }
  return 0;
}

StatusOr<int> RunBackendsStop(Session& s) {
  const auto& g = s.args().globals;
  std::string dir = g.data_dir && !g.data_dir->empty()
                        ? *g.data_dir
                        : DefaultDataDir(s.env(), ::getuid());
  for (bool test_cluster : {false, true}) {
    backends::LocalBackendsOptions o;
    o.data_dir = dir;
    o.sql_test_cluster = test_cluster;
    backends::LocalBackends b(o);
    Status st = b.StopAll();
    if (!st.ok()) return st;
  }
  s.out() << "stopped the backend servers of " << dir << "\n";
  return 0;
}

}  // namespace encore::agent::cli
