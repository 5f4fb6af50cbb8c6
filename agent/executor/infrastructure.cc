#include "agent/executor/infrastructure.h"

#include <chrono>
#include <set>
#include <sstream>

namespace encore::agent {
namespace {

using drivers::Attributes;
using drivers::Driver;
using drivers::Resource;

#define INFRA_RETURN_IF_ERROR(expr)      \
  do {                                   \
    Status _s = (expr);                  \
    if (!_s.ok()) return _s;             \
  } while (0)

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string EnvFull(const std::string& app, const std::string& env) {
  return app + "/" + env;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) {
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

// The name in the backend, from the provider id:
//   postgres:local/orders, postgres:HOST:PORT/orders -> orders
//   redis:local/sessions -> sessions;  nats:stream/X -> X
//   nats:consumer/S/C -> S/C;  disk:buckets/pr-1/receipts -> buckets/pr-1/receipts
std::string BackendNameOf(const model::InfraItem& item) {
  const std::string& id = item.provider_id;
  size_t colon = id.find(':');
  std::string scheme = id.substr(0, colon);
  std::string rest = colon == std::string::npos ? id : id.substr(colon + 1);
  if (scheme == "disk") return rest;
  if (scheme == "nats") {
    size_t slash = rest.find('/');
    return slash == std::string::npos ? rest : rest.substr(slash + 1);
  }
  size_t slash = rest.rfind('/');
  return slash == std::string::npos ? rest : rest.substr(slash + 1);
}

bool OnExistingServer(const model::InfraItem& item) {
  return item.kind == "sql_database" &&
         item.provider_id.rfind("postgres:local/", 0) != 0 &&
         item.provider_id.rfind("postgres:encore/", 0) != 0;
}

std::string CredentialContext(const std::string& app, const std::string& env,
                              const std::string& key) {
  return "credential:" + app + "/" + env + ":" + key;
}
std::string LocationContext(const std::string& app, const std::string& env) {
  return "ledger:" + app + "/" + env + ":admin_password";
}

std::string StatusOfUndriven(const model::InfraItem& item) {
  if (item.status == "plan_only") return "plan_only";
  if (item.kind == "cron_job") {
    return item.provider_id.rfind("cron:local/", 0) == 0 ? "not_triggered"
                                                          : "recorded";
  }
  if (item.kind == "process" || item.kind == "gateway") return "reserved";
  return item.status;
}

std::string ForeignMessage(const model::InfraItem& item,
                           const std::string& backend_name,
                           const std::string& mark) {
  std::string who = drivers::IsAgentMark(mark)
                        ? "it belongs to environment " +
                              drivers::MarkEnvironment(mark)
                        : mark.empty() ? "it carries no encore-agent mark"
                                       : "it is marked \"" + mark + "\"";
  return item.kind + " \"" + item.name + "\": \"" + backend_name +
         "\" exists already and is not this environment's (" + who +
         "); the agent never takes over what it did not create. To use it, "
         "add to the environment: adopt { kind = \"" +
         item.kind + "\", name = \"" + item.name +
         "\", policy = \"observe\" } (read-only) or policy = \"manage\"";
}

}  // namespace

struct Infrastructure::Impl {
  Store* store;
  SecretBox* box;
  drivers::DriverSet drivers;
  backends::LocalBackends* backends;
  std::mutex locks_mu;
  std::map<std::string, std::unique_ptr<std::mutex>> env_locks;

  std::mutex& LockFor(const std::string& key) {
    std::lock_guard<std::mutex> g(locks_mu);
    auto& m = env_locks[key];
    if (!m) m = std::make_unique<std::mutex>();
    return *m;
  }

  drivers::Counters Total() const {
    drivers::Counters c;
    for (const auto& d : drivers.all) {
      auto x = d->counters();
      c.reads += x.reads;
      c.writes += x.writes;
    }
    return c;
  }

  StatusOr<std::vector<LedgerEntry>> Ledger(const std::string& app,
                                            const std::string& env) {
    std::vector<LedgerEntry> out;
    Status s = store->Read([&](StoreTx& tx) -> Status {
      auto l = tx.ListLedger(app, env);
      if (!l.ok()) return l.status();
      out = std::move(*l);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status Put(LedgerEntry e) {
    e.updated_at_ms = NowMs();
    return store->Write([&](StoreTx& tx) { return tx.PutLedger(e); });
  }
  Status Forget(const LedgerEntry& e) {
    return store->Write([&](StoreTx& tx) {
      return tx.DeleteLedger(e.app, e.environment, e.kind, e.name);
    });
  }

  // The credentials stored for app/env, opened: key ("role:<name>") -> clear.
  StatusOr<std::map<std::string, std::string>> OpenCredentials(
      const std::string& app, const std::string& env) {
    std::map<std::string, std::string> sealed;
    Status s = store->Read([&](StoreTx& tx) -> Status {
      auto c = tx.ListCredentials(app, env);
      if (!c.ok()) return c.status();
      sealed = std::move(*c);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : sealed) {
      auto clear = box->Open(value, CredentialContext(app, env, key));
      if (!clear.ok()) return clear.status();
      out[key] = *clear;
    }
    return out;
  }

  // Role passwords, generated (and sealed in the store) on first need.
  StatusOr<std::map<std::string, std::string>> Passwords(
      const std::string& app, const std::string& env,
      const std::vector<std::string>& roles) {
    auto known = OpenCredentials(app, env);
    if (!known.ok()) return known.status();
    std::map<std::string, std::string> out;
    for (const auto& role : roles) {
      const std::string key = "role:" + role;
      if (auto it = known->find(key); it != known->end()) {
        out[role] = it->second;
        continue;
      }
      std::string pw = NewTokenSecret();
      std::string sealed_pw = box->Seal(pw, CredentialContext(app, env, key));
      INFRA_RETURN_IF_ERROR(store->Write([&](StoreTx& tx) {
        return tx.PutCredential(app, env, key, sealed_pw);
      }));
      out[role] = pw;
    }
    return out;
  }

  // Builds what a driver needs for `item` of environment spec.
  StatusOr<Resource> ResourceFor(const std::string& app, const std::string& env,
                                 const model::InfraItem& item,
                                 const model::EnvironmentSpec* spec,
                                 const std::string& admin_password,
                                 const LedgerEntry* entry) {
    Resource r;
    r.env = EnvFull(app, env);
    r.item = item;
    r.backend_name = BackendNameOf(item);
    if (item.kind != "sql_database") return r;
    if (OnExistingServer(item)) {
      drivers::SqlServer& s = r.sql_server;
      if (spec && spec->database && spec->database->existing_server) {
        const auto& es = *spec->database->existing_server;
        s.host = es.host;
        s.port = static_cast<int>(es.port);
        s.admin_user = es.admin_user;
        s.sslmode = es.sslmode;
        s.admin_password = admin_password;
      } else if (entry && !entry->location.empty()) {
        const auto& loc = entry->location;
        s.host = loc.at("host");
        s.port = std::stoi(loc.at("port"));
        s.admin_user = loc.at("admin_user");
        s.sslmode = loc.count("sslmode") ? loc.at("sslmode") : "";
        if (auto it = loc.find("sealed_admin_password"); it != loc.end() &&
                                                         !it->second.empty()) {
          auto clear = box->Open(it->second, LocationContext(app, env));
          if (!clear.ok()) return clear.status();
          s.admin_password = *clear;
        }
      } else {
        return Status::FailedPrecondition(
            "sql_database \"" + item.name +
            "\": its existing server's connection is unknown; set "
            "database.existing_server on the environment");
      }
    } else {
      auto pg = backends->Postgres();
      if (!pg.ok()) return pg.status();
      r.sql_server.host = pg->host;
      r.sql_server.port = pg->port;
      r.sql_server.socket_dir = pg->socket_dir;
      r.sql_server.admin_user = pg->superuser;
      r.sql_server.agent_owned = true;
    }
    std::vector<std::string> roles;
    auto it = item.attributes.find("roles");
    if (it != item.attributes.end()) roles = Split(it->second, ',');
    if (roles.empty() && entry) {
      auto at = entry->attributes.find("roles");
      if (at != entry->attributes.end()) roles = Split(at->second.written, ',');
    }
    auto pw = Passwords(app, env, roles);
    if (!pw.ok()) return pw.status();
    for (const auto& [role, p] : *pw) r.credentials["password:" + role] = p;
    if (spec && spec->database && !spec->database->branch_from.empty() &&
        !entry) {
      // The same database of the source environment, on the same server.
      std::string src_env = spec->database->branch_from;
      auto src = Ledger(app, src_env);
      if (src.ok()) {
        for (const auto& e : *src) {
          if (e.kind == "sql_database" && e.name == item.name) {
            r.branch_from = e.backend_name;
          }
        }
      }
    }
    return r;
  }

  LedgerEntry NewEntry(const std::string& app, const std::string& env,
                       const model::InfraItem& item, const Resource& r,
                       const std::string& owner) {
    LedgerEntry e;
    e.app = app;
    e.environment = env;
    e.kind = item.kind;
    e.name = item.name;
    e.provider_id = item.provider_id;
    e.backend_name = r.backend_name;
    e.owner = owner;
    for (const auto& [k, v] : item.attributes) e.attributes[k] = {v, ""};
    if (item.kind == "sql_database" && !r.sql_server.agent_owned) {
      e.location = {{"host", r.sql_server.host},
                    {"port", std::to_string(r.sql_server.port)},
                    {"admin_user", r.sql_server.admin_user},
                    {"sslmode", r.sql_server.sslmode}};
      if (!r.sql_server.admin_password.empty()) {
        e.location["sealed_admin_password"] =
            box->Seal(r.sql_server.admin_password, LocationContext(app, env));
      }
    }
    for (const auto& [k, v] : r.credentials) {
      e.credential_fingerprints[k] =
          box->Fingerprint(v, CredentialContext(app, env, k));
    }
    return e;
  }

  static Attributes BasicFacts(const Resource& r) {
    Attributes f;
    if (r.item.kind == "sql_database") {
      f["host"] = r.sql_server.host;
      f["port"] = std::to_string(r.sql_server.port);
      f["database"] = r.backend_name;
      if (!r.sql_server.sslmode.empty()) f["sslmode"] = r.sql_server.sslmode;
    }
    return f;
  }
};

Infrastructure::Infrastructure(Store* store, SecretBox* box,
                               std::unique_ptr<backends::LocalBackends> backends,
                               drivers::DriverSet drivers)
    : impl_(std::make_unique<Impl>()), backends_(std::move(backends)) {
  impl_->store = store;
  impl_->box = box;
  impl_->drivers = std::move(drivers);
  impl_->backends = backends_.get();
}

Infrastructure::~Infrastructure() = default;

StatusOr<ApplyResult> Infrastructure::Apply(
    const model::EnvironmentSpec& spec, const std::string& admin_password,
    const std::vector<model::InfraItem>& desired, bool force) {
  const std::string& app = spec.app;
  const std::string& env = spec.name;
  std::lock_guard<std::mutex> lock(impl_->LockFor(EnvFull(app, env)));
  const drivers::Counters before = impl_->Total();
  ApplyResult result;
  auto ledger = impl_->Ledger(app, env);
  if (!ledger.ok()) return ledger.status();
  const std::string policy =
      spec.deletion_policy.empty()
          ? (spec.type == "production" ? "retain" : "delete")
          : spec.deletion_policy;
  std::vector<ResourceAction> actions =
      WorkToDo(NextActions(desired, *ledger, spec.adopt, policy));

  struct Step {
    ResourceAction action;
    Resource resource;
    Driver* driver = nullptr;
    bool rebuild = false;  // exists with our mark but the ledger lost it
  };
  std::vector<Step> steps;
  std::vector<std::string> problems;
  // ---- checks (reads only) ----
  for (const ResourceAction& a : actions) {
    Step st;
    st.action = a;
    st.driver = impl_->drivers.Find(a.item.kind);
    if (st.driver == nullptr) {
      return Status::Internal("no driver for " + a.item.kind);
    }
    auto r = impl_->ResourceFor(app, env, a.item, &spec, admin_password, a.entry);
    if (!r.ok()) return r.status();
    st.resource = std::move(*r);
    if (a.kind == ActionKind::kCreate || a.kind == ActionKind::kAdoptObserve ||
        a.kind == ActionKind::kAdoptManage) {
      auto seen = st.driver->Observe(st.resource, {});
      if (!seen.ok()) return seen.status();
      const std::string ours = drivers::OwnershipMark(st.resource.env);
      if (a.kind == ActionKind::kCreate && seen->exists) {
        if (seen->mark == ours) {
          st.rebuild = true;
        } else {
          problems.push_back(
              ForeignMessage(a.item, st.resource.backend_name, seen->mark));
          continue;
        }
      }
      if (a.kind != ActionKind::kCreate && !seen->exists) {
        problems.push_back(a.item.kind + " \"" + a.item.name +
                           "\": the adopt block names \"" +
                           st.resource.backend_name +
                           "\", which does not exist; remove the adopt block "
                           "to let the agent create it");
        continue;
      }
      if (a.kind == ActionKind::kAdoptManage && drivers::IsAgentMark(seen->mark) &&
          seen->mark != ours && !force) {
        problems.push_back(a.item.kind + " \"" + a.item.name +
                           "\" belongs to environment " +
                           drivers::MarkEnvironment(seen->mark) +
                           " and can only be observed; use policy = "
                           "\"observe\", or force_conflicts to take it over");
        continue;
      }
      if (a.kind == ActionKind::kAdoptObserve) {
        LedgerEntry e = impl_->NewEntry(app, env, a.item, st.resource,
                                        "adopted:observe");
        for (auto& [k, at] : e.attributes) {
          auto it = seen->attributes.find(k);
          at.observed = it == seen->attributes.end() ? "" : it->second;
          at.written = at.observed;  // never written: what it has
        }
        for (const auto& [k, v] : seen->attributes) {
          if (k.rfind("foreign.", 0) == 0) e.baseline[k] = v;
        }
        e.facts = Impl::BasicFacts(st.resource);
        e.state = "ready";
        st.action.kind = ActionKind::kNone;
        st.rebuild = false;
        INFRA_RETURN_IF_ERROR(impl_->Put(e));
        continue;
      }
    }
    if (a.kind == ActionKind::kUpdate) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : a.patch) keys.push_back(k);
      auto seen = st.driver->Observe(st.resource, keys);
      if (!seen.ok()) return seen.status();
      if (!seen->exists) {
        problems.push_back(a.item.kind + " \"" + a.item.name + "\": \"" +
                           st.resource.backend_name +
                           "\" was deleted outside the agent; run `encore-agent "
                           "reconcile` with --force to create it again");
        if (!force) continue;
        st.action.kind = ActionKind::kResumeCreate;
      } else {
        for (const auto& [k, expected] : a.expected) {
          std::string actual = seen->attributes.count(k) ? seen->attributes[k] : "";
          if (actual == expected) continue;
          std::string line = "conflict: " + a.item.kind + " \"" + a.item.name +
                             "\" " + k + ": expected \"" + expected +
                             "\" (last written by the agent), actual \"" +
                             actual + "\" (changed outside the agent)";
          if (force) {
            result.forced.push_back(a.item.kind + " " + a.item.name + " " + k +
                                    ": \"" + actual + "\" -> \"" +
                                    a.patch.at(k) + "\"");
          } else {
            problems.push_back(line);
          }
        }
      }
    }
    steps.push_back(std::move(st));
  }
  if (!problems.empty()) {
    std::string msg;
    for (const auto& p : problems) msg += (msg.empty() ? "" : "; ") + p;
    bool conflict = msg.rfind("conflict:", 0) == 0;
    if (conflict) {
      msg += ". Nothing was written. To overwrite, set force_conflicts = true "
             "in the provider (or `encore-agent reconcile --force`); to keep "
             "the new value, change the configuration to it";
    }
    return Status::FailedPrecondition(msg);
  }
  // ---- writes, journalled ----
  for (Step& st : steps) {
    const ResourceAction& a = st.action;
    Driver& d = *st.driver;
    switch (a.kind) {
      case ActionKind::kCreate:
      case ActionKind::kAdoptManage:
      case ActionKind::kResumeCreate: {
        LedgerEntry e = a.entry ? *a.entry
                                : impl_->NewEntry(app, env, a.item, st.resource,
                                                  a.kind == ActionKind::kAdoptManage
                                                      ? "adopted:manage"
                                                      : "encore-agent");
        for (const auto& [k, v] : a.item.attributes) e.attributes[k].written = v;
        e.state = "creating";
        INFRA_RETURN_IF_ERROR(impl_->Put(e));
        st.resource.adopted = e.owner == "adopted:manage";
        auto created = d.Create(st.resource);
        if (!created.ok()) return created.status();
        for (auto& [k, at] : e.attributes) {
          auto it = created->observed.find(k);
          at.observed = it == created->observed.end() ? at.written : it->second;
        }
        e.baseline = created->baseline;
        e.facts = created->facts;
        e.state = "ready";
        INFRA_RETURN_IF_ERROR(impl_->Put(e));
        break;
      }
      case ActionKind::kUpdate:
      case ActionKind::kResumeUpdate: {
        LedgerEntry e = *a.entry;
        for (const auto& [k, v] : a.patch) e.attributes[k].written = v;
        e.state = "updating";
        INFRA_RETURN_IF_ERROR(impl_->Put(e));
        auto reread = d.Update(st.resource, a.patch);
        if (!reread.ok()) return reread.status();
        for (const auto& [k, v] : a.patch) {
          auto it = reread->find(k);
          e.attributes[k].observed = it == reread->end() ? v : it->second;
          if (v.empty()) e.attributes.erase(k);
        }
        e.state = "ready";
        INFRA_RETURN_IF_ERROR(impl_->Put(e));
        break;
      }
      case ActionKind::kDelete: {
        LedgerEntry e = *a.entry;
        e.state = "deleting";
        INFRA_RETURN_IF_ERROR(impl_->Put(e));
        INFRA_RETURN_IF_ERROR(d.Delete(st.resource));
        INFRA_RETURN_IF_ERROR(impl_->Forget(e));
        break;
      }
      case ActionKind::kRetain:
        result.retained.push_back(a.item.kind + " " + a.item.name);
        INFRA_RETURN_IF_ERROR(impl_->Forget(*a.entry));
        break;
      case ActionKind::kForget:
        INFRA_RETURN_IF_ERROR(impl_->Forget(*a.entry));
        break;
      default:
        break;
    }
  }
  // ---- result ----
  auto after = impl_->Ledger(app, env);
  if (!after.ok()) return after.status();
  std::map<std::pair<std::string, std::string>, const LedgerEntry*> by_key;
  for (const auto& e : *after) by_key[{e.kind, e.name}] = &e;
  for (model::InfraItem item : desired) {
    if (Executable(item)) {
      auto it = by_key.find({item.kind, item.name});
      item.status = it == by_key.end() ? "planned"
                    : it->second->owner == "adopted:observe" ? "observed"
                    : it->second->state == "ready" ? "ready"
                                                   : it->second->state;
      if (it != by_key.end()) item.owner = it->second->owner;
    } else {
      item.status = StatusOfUndriven(item);
    }
    result.items.push_back(std::move(item));
  }
  const drivers::Counters now = impl_->Total();
  result.reads = now.reads - before.reads;
  result.writes = now.writes - before.writes;
  return result;
}

StatusOr<ApplyResult> Infrastructure::Teardown(const std::string& app,
                                               const std::string& env,
                                               const std::string& policy) {
  model::EnvironmentSpec spec;
  spec.app = app;
  spec.name = env;
  spec.deletion_policy = policy.empty() ? "retain" : policy;
  auto r = Apply(spec, "", {}, /*force=*/false);
  if (!r.ok()) return r.status();
  auto left = impl_->Ledger(app, env);
  if (left.ok() && left->empty()) {
    Status s = impl_->store->Write(
        [&](StoreTx& tx) { return tx.DeleteCredentials(app, env); });
    if (!s.ok()) return s;
  }
  return r;
}

StatusOr<std::vector<model::DriftItem>> Infrastructure::ScanDrift(
    const std::string& app, const std::string& env,
    const model::EnvironmentSpec& spec, const std::string& admin_password) {
  std::lock_guard<std::mutex> lock(impl_->LockFor(EnvFull(app, env)));
  auto ledger = impl_->Ledger(app, env);
  if (!ledger.ok()) return ledger.status();
  std::vector<model::DriftItem> out;
  for (const LedgerEntry& e : *ledger) {
    Driver* d = impl_->drivers.Find(e.kind);
    if (d == nullptr) continue;
    model::InfraItem item;
    item.kind = e.kind;
    item.name = e.name;
    item.provider_id = e.provider_id;
    for (const auto& [k, a] : e.attributes) item.attributes[k] = a.written;
    auto r = impl_->ResourceFor(app, env, item, &spec, admin_password, &e);
    if (!r.ok()) return r.status();
    auto seen = d->Observe(*r, {});
    if (!seen.ok()) return seen.status();
    if (!seen->exists) {
      out.push_back({e.kind, e.name, "exists", "true", "false", "conflict"});
      continue;
    }
    for (const auto& [k, a] : e.attributes) {
      auto it = seen->attributes.find(k);
      if (it == seen->attributes.end()) continue;  // write-only
      const std::string& actual = it->second;
      if (actual == a.written) continue;
      std::string cls = actual == a.observed ? "normalization" : "conflict";
      out.push_back({e.kind, e.name, k, a.written, actual, cls});
    }
    for (const auto& [k, v] : seen->attributes) {
      if (k.rfind("foreign.", 0) != 0) continue;
      auto it = e.baseline.find(k);
      std::string base = it == e.baseline.end() ? "" : it->second;
      if (v == base) continue;
      out.push_back({e.kind, e.name, k.substr(8), base, v, "foreign_change"});
    }
    for (const auto& [k, base] : e.baseline) {
      if (!seen->attributes.count(k) && !base.empty()) {
        out.push_back({e.kind, e.name, k.substr(8), base, "", "foreign_change"});
      }
    }
  }
  return out;
}

StatusOr<std::vector<LedgerEntry>> Infrastructure::Ledger(const std::string& app,
                                                          const std::string& env) {
  return impl_->Ledger(app, env);
}

StatusOr<std::map<std::string, std::string>> Infrastructure::RolePasswords(
    const std::string& app, const std::string& env) {
  auto all = impl_->OpenCredentials(app, env);
  if (!all.ok()) return all.status();
  std::map<std::string, std::string> out;
  for (const auto& [key, clear] : *all) {
    if (key.rfind("role:", 0) == 0) out[key.substr(5)] = clear;
  }
  return out;
}

std::map<std::string, model::BackendCounter> Infrastructure::Counters() const {
  std::map<std::string, model::BackendCounter> out;
  for (const auto& d : impl_->drivers.all) {
    auto c = d->counters();
    out[std::string(d->kind())] = {c.reads, c.writes};
  }
  return out;
}

}  // namespace encore::agent
