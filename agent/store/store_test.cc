#include "agent/store/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <thread>
#include <vector>

#include "agent/store/migrations.h"
#include "gtest/gtest.h"

namespace encore::agent {
namespace {

using model::ChangeSet;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/store_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/agent.db";
    Reopen();
  }

  void Reopen() {
    store_.reset();
    auto s = OpenSqliteStore(path_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }

  // Runs `sql` on a raw connection, as a person with sqlite3 would.
  int RawExec(const std::string& sql, std::string* error = nullptr) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    if (error && err) *error = err;
    sqlite3_free(err);
    sqlite3_close(db);
    return rc;
  }

  Status W(const std::function<Status(StoreTx&)>& fn) {
    return store_->Write(fn);
  }
  Status R(const std::function<Status(StoreTx&)>& fn) {
    return store_->Read(fn);
  }

  std::string dir_, path_;
  std::unique_ptr<Store> store_;
};

model::App MakeApp(const std::string& name) {
  model::App app;
  app.name = name;
  app.model_json = R"({"services":[{"name":"api"}]})";
  app.model_hash = "sha256:abc";
  app.services = {"api", "worker"};
  return app;
}

StoredEnvironment MakeEnv(const std::string& app, const std::string& name,
                          const std::string& type = "development") {
  StoredEnvironment s;
  s.env.spec.app = app;
  s.env.spec.name = name;
  s.env.spec.type = type;
  s.env.spec.cloud = "local";
  s.env.spec.infra_approval = "automatic";
  s.env.spec.process_allocation = "single";
  s.env.spec.deletion_policy = "delete";
  s.env.spec.deploy = model::DeploySpec{"branch", "main"};
  return s;
}

// The CAS contract of store.h for one record kind: insert, duplicate
// insert, update, stale update, stale delete, delete, then not found.
void CheckCas(Store& store, const std::string& what,
              const std::function<StatusOr<int64_t>(StoreTx&, int64_t)>& put,
              const std::function<Status(StoreTx&, int64_t)>& del,
              const std::function<StatusOr<int64_t>(StoreTx&)>& get_version) {
  SCOPED_TRACE(what);
  auto put_with = [&](int64_t expected) -> StatusOr<int64_t> {
    StatusOr<int64_t> out = Status::Internal("not run");
    Status st = store.Write([&](StoreTx& tx) {
      out = put(tx, expected);
      return out.status();
    });
    if (!st.ok()) return st;
    return out;
  };
  auto version = [&]() -> StatusOr<int64_t> {
    StatusOr<int64_t> out = Status::Internal("not run");
    Status st = store.Read([&](StoreTx& tx) {
      out = get_version(tx);
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return out;
  };

  // Updating or deleting what is not there.
  auto missing = put_with(1);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), what + " not found");
  EXPECT_EQ(version().status().code(), StatusCode::kNotFound);

  auto v1 = put_with(0);
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ(*v1, 1);
  ASSERT_TRUE(version().ok());
  EXPECT_EQ(*version(), 1);

  auto dup = put_with(0);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), what + " exists already");

  auto v2 = put_with(1);
  ASSERT_TRUE(v2.ok()) << v2.status().message();
  EXPECT_EQ(*v2, 2);
  EXPECT_EQ(*version(), 2);

  auto stale = put_with(1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(),
            what + " changed since it was read (version 1, now 2)");
  EXPECT_EQ(*version(), 2);

  Status stale_del = store.Write([&](StoreTx& tx) { return del(tx, 1); });
  EXPECT_EQ(stale_del.code(), StatusCode::kAborted);
  EXPECT_EQ(stale_del.message(),
            what + " changed since it was read (version 1, now 2)");
  EXPECT_EQ(*version(), 2);

  Status ok_del = store.Write([&](StoreTx& tx) { return del(tx, 2); });
  EXPECT_TRUE(ok_del.ok()) << ok_del.message();
  auto gone = version();
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), what + " not found");

  Status del_missing = store.Write([&](StoreTx& tx) { return del(tx, 2); });
  EXPECT_EQ(del_missing.code(), StatusCode::kNotFound);

  // A record made again starts over at version 1.
  auto again = put_with(0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 1);
}

template <typename T>
StatusOr<int64_t> VersionOf(const StatusOr<T>& r) {
  if (!r.ok()) return r.status();
  return r->version;
}

TEST_F(StoreTest, CasApps) {
  CheckCas(
      *store_, "app shop",
      [](StoreTx& tx, int64_t v) { return tx.PutApp(MakeApp("shop"), v); },
      [](StoreTx& tx, int64_t v) { return tx.DeleteApp("shop", v); },
      [](StoreTx& tx) { return VersionOf(tx.GetApp("shop")); });
}

TEST_F(StoreTest, CasEnvironments) {
  CheckCas(
      *store_, "environment shop/dev",
      [](StoreTx& tx, int64_t v) {
        return tx.PutEnvironment(MakeEnv("shop", "dev"), v);
      },
      [](StoreTx& tx, int64_t v) {
        return tx.DeleteEnvironment("shop", "dev", v);
      },
      [](StoreTx& tx) -> StatusOr<int64_t> {
        auto e = tx.GetEnvironment("shop", "dev");
        if (!e.ok()) return e.status();
        return e->env.version;
      });
}

TEST_F(StoreTest, CasPrimaryEnvironments) {
  CheckCas(
      *store_, "primary environment shop",
      [](StoreTx& tx, int64_t v) {
        return tx.PutPrimaryEnvironment({"shop", "prod", 0}, v);
      },
      [](StoreTx& tx, int64_t v) {
        return tx.DeletePrimaryEnvironment("shop", v);
      },
      [](StoreTx& tx) { return VersionOf(tx.GetPrimaryEnvironment("shop")); });
}

TEST_F(StoreTest, CasSecrets) {
  CheckCas(
      *store_, "secret shop/stripe",
      [](StoreTx& tx, int64_t v) {
        StoredSecret s;
        s.secret.app = "shop";
        s.secret.name = "stripe";
        return tx.PutSecret(s, v);
      },
      [](StoreTx& tx, int64_t v) {
        return tx.DeleteSecret("shop", "stripe", v);
      },
      [](StoreTx& tx) -> StatusOr<int64_t> {
        auto s = tx.GetSecret("shop", "stripe");
        if (!s.ok()) return s.status();
        return s->secret.version;
      });
}

TEST_F(StoreTest, CasInfraOverrides) {
  CheckCas(
      *store_, "infra override shop/dev/cache/sessions",
      [](StoreTx& tx, int64_t v) {
        model::InfraOverride o;
        o.app = "shop";
        o.environment = "dev";
        o.kind = "cache";
        o.name = "sessions";
        return tx.PutInfraOverride(o, v);
      },
      [](StoreTx& tx, int64_t v) {
        return tx.DeleteInfraOverride("shop", "dev", "cache", "sessions", v);
      },
      [](StoreTx& tx) {
        return VersionOf(tx.GetInfraOverride("shop", "dev", "cache",
                                             "sessions"));
      });
}

TEST_F(StoreTest, AppRoundTrip) {
  ASSERT_TRUE(W([](StoreTx& tx) {
                return tx.PutApp(MakeApp("shop"), 0).status();
              }).ok());
  ASSERT_TRUE(R([](StoreTx& tx) {
                auto app = tx.GetApp("shop");
                EXPECT_TRUE(app.ok());
                if (!app.ok()) return app.status();
                model::App want = MakeApp("shop");
                EXPECT_EQ(app->model_json, want.model_json);
                EXPECT_EQ(app->model_hash, want.model_hash);
                EXPECT_EQ(app->services, want.services);
                EXPECT_EQ(app->version, 1);
                return Status::Ok();
              }).ok());
}

TEST_F(StoreTest, EnvironmentRoundTripAndStatusKeepsVersion) {
  StoredEnvironment in = MakeEnv("shop", "dev");
  model::ExistingServer server;
  server.host = "db.internal";
  server.admin_user = "postgres";
  server.admin_password = "clear-password-never-stored";
  server.admin_password_fingerprint = "hmac-sha256:00ff";
  in.env.spec.database = model::DatabaseSpec{"postgres", "", server};
  in.sealed_admin_password = "v1:sealedbytes";
  in.env.status = "planned";
  in.env.url = "http://127.0.0.1:4000";
  in.env.pending_change_set = "cs-1";
  in.env.infrastructure = {{"cache", "sessions", "redis:local/sessions",
                            "encore-agent", "planned", {"create"}, {}}};
  ASSERT_TRUE(W([&](StoreTx& tx) {
                return tx.PutEnvironment(in, 0).status();
              }).ok());

  StoredEnvironment got;
  auto read = [&] {
    ASSERT_TRUE(R([&](StoreTx& tx) {
                  auto e = tx.GetEnvironment("shop", "dev");
                  if (!e.ok()) return e.status();
                  got = *e;
                  return Status::Ok();
                }).ok());
  };
  read();
  model::EnvironmentSpec want = in.env.spec;
  want.database->existing_server->admin_password.clear();
  EXPECT_EQ(got.env.spec, want);
  EXPECT_EQ(got.sealed_admin_password, "v1:sealedbytes");
  EXPECT_EQ(got.env.version, 1);
  EXPECT_EQ(got.env.status, "planned");  // status fields given on insert
  EXPECT_EQ(got.env.url, "http://127.0.0.1:4000");
  EXPECT_EQ(got.env.pending_change_set, "cs-1");
  EXPECT_EQ(got.env.infrastructure, in.env.infrastructure);

  // The clear password is nowhere in the file.
  std::ifstream file(path_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)), {});
  std::ifstream wal(path_ + "-wal", std::ios::binary);
  bytes.append((std::istreambuf_iterator<char>(wal)), {});
  EXPECT_EQ(bytes.find("clear-password-never-stored"), std::string::npos);

  // Status writes keep the version.
  model::Environment status = got.env;
  status.status = "ready";
  status.url = "http://127.0.0.1:4001";
  status.pending_change_set.clear();
  status.drift = {{"cache", "sessions", "maxmemory", "1gb", "2gb", "drift"}};
  ASSERT_TRUE(W([&](StoreTx& tx) {
                return tx.PutEnvironmentStatus(status);
              }).ok());
  read();
  EXPECT_EQ(got.env.version, 1);
  EXPECT_EQ(got.env.status, "ready");
  EXPECT_EQ(got.env.url, "http://127.0.0.1:4001");
  EXPECT_EQ(got.env.pending_change_set, "");
  EXPECT_EQ(got.env.drift, status.drift);

  // A spec update bumps the version and leaves the status fields alone.
  StoredEnvironment update = MakeEnv("shop", "dev");
  update.env.spec.infra_approval = "manual";
  update.env.status = "ignored on update";
  ASSERT_TRUE(W([&](StoreTx& tx) {
                return tx.PutEnvironment(update, 1).status();
              }).ok());
  read();
  EXPECT_EQ(got.env.version, 2);
  EXPECT_EQ(got.env.spec.infra_approval, "manual");
  EXPECT_FALSE(got.env.spec.database.has_value());
  EXPECT_EQ(got.sealed_admin_password, "");
  EXPECT_EQ(got.env.status, "ready");
  EXPECT_EQ(got.env.drift, status.drift);

  model::Environment ghost;
  ghost.spec.app = "shop";
  ghost.spec.name = "ghost";
  Status st = W([&](StoreTx& tx) { return tx.PutEnvironmentStatus(ghost); });
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.message(), "environment shop/ghost not found");
}

TEST_F(StoreTest, ListEnvironmentsFiltersAndOrder) {
  ASSERT_TRUE(W([](StoreTx& tx) {
                for (auto e : {MakeEnv("web", "prod", "production"),
                               MakeEnv("shop", "staging", "development"),
                               MakeEnv("shop", "prod", "production"),
                               MakeEnv("shop", "dev", "development"),
                               MakeEnv("web", "dev", "development")}) {
                  auto v = tx.PutEnvironment(e, 0);
                  if (!v.ok()) return v.status();
                }
                return Status::Ok();
              }).ok());
  auto names = [&](const std::string& app, const std::string& type) {
    std::vector<std::string> out;
    EXPECT_TRUE(R([&](StoreTx& tx) {
                  auto list = tx.ListEnvironments(app, type);
                  if (!list.ok()) return list.status();
                  for (const auto& e : *list) {
                    out.push_back(e.env.spec.app + "/" + e.env.spec.name);
                  }
                  return Status::Ok();
                }).ok());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("", ""),
            (V{"shop/dev", "shop/prod", "shop/staging", "web/dev", "web/prod"}));
  EXPECT_EQ(names("shop", ""), (V{"shop/dev", "shop/prod", "shop/staging"}));
  EXPECT_EQ(names("", "production"), (V{"shop/prod", "web/prod"}));
  EXPECT_EQ(names("shop", "development"), (V{"shop/dev", "shop/staging"}));
  EXPECT_EQ(names("nope", ""), V{});
  ASSERT_TRUE(R([](StoreTx& tx) {
                auto n = tx.CountEnvironments();
                EXPECT_TRUE(n.ok());
                EXPECT_EQ(*n, 5);
                return Status::Ok();
              }).ok());
}

TEST_F(StoreTest, SecretsRoundTripWithoutClearValues) {
  StoredSecret s;
  s.secret.app = "shop";
  s.secret.name = "stripe";
  s.secret.values = {{"production", "sk_live_clear"}};
  s.secret.fingerprints = {{"production", "hmac-sha256:aa"},
                           {"env:dev", "hmac-sha256:bb"}};
  s.sealed_values = {{"production", "v1:xx"}, {"env:dev", "v1:yy"}};
  s.secret.values_wo_version = 3;
  StoredSecret other;
  other.secret.app = "shop";
  other.secret.name = "another";
  StoredSecret web;
  web.secret.app = "web";
  web.secret.name = "key";
  ASSERT_TRUE(W([&](StoreTx& tx) {
                for (const auto& x : {s, other, web}) {
                  auto v = tx.PutSecret(x, 0);
                  if (!v.ok()) return v.status();
                }
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(R([&](StoreTx& tx) {
                auto got = tx.GetSecret("shop", "stripe");
                EXPECT_TRUE(got.ok());
                if (!got.ok()) return got.status();
                EXPECT_TRUE(got->secret.values.empty());
                EXPECT_EQ(got->secret.fingerprints, s.secret.fingerprints);
                EXPECT_EQ(got->sealed_values, s.sealed_values);
                EXPECT_EQ(got->secret.values_wo_version, 3);
                auto plain = tx.GetSecret("shop", "another");
                EXPECT_TRUE(plain.ok());
                EXPECT_FALSE(plain->secret.values_wo_version.has_value());
                auto list = tx.ListSecrets("shop");
                EXPECT_TRUE(list.ok());
                EXPECT_EQ(list->size(), 2u);
                EXPECT_EQ((*list)[0].secret.name, "another");
                auto all = tx.ListSecrets("");
                EXPECT_EQ(all->size(), 3u);
                return Status::Ok();
              }).ok());
  std::ifstream file(path_ + "-wal", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)), {});
  EXPECT_EQ(bytes.find("sk_live_clear"), std::string::npos);
}

TEST_F(StoreTest, InfraOverridesListed) {
  ASSERT_TRUE(W([](StoreTx& tx) {
                for (auto [env, kind, name] :
                     std::vector<std::array<std::string, 3>>{
                         {"prod", "cache", "b"},
                         {"dev", "cache", "a"},
                         {"prod", "bucket", "z"}}) {
                  model::InfraOverride o;
                  o.app = "shop";
                  o.environment = env;
                  o.kind = kind;
                  o.name = name;
                  o.settings = {{"maxmemory-policy", "allkeys-lru"}};
                  auto v = tx.PutInfraOverride(o, 0);
                  if (!v.ok()) return v.status();
                }
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(R([](StoreTx& tx) {
                auto prod = tx.ListInfraOverrides("shop", "prod");
                EXPECT_TRUE(prod.ok());
                EXPECT_EQ(prod->size(), 2u);
                EXPECT_EQ((*prod)[0].kind, "bucket");
                EXPECT_EQ((*prod)[1].settings.at("maxmemory-policy"),
                          "allkeys-lru");
                EXPECT_EQ(tx.ListInfraOverrides("shop", "")->size(), 3u);
                EXPECT_EQ(tx.ListInfraOverrides("web", "")->size(), 0u);
                return Status::Ok();
              }).ok());
}

TEST_F(StoreTest, FailedWriteRollsBackEverything) {
  Status st = W([](StoreTx& tx) {
    EXPECT_TRUE(tx.PutApp(MakeApp("shop"), 0).ok());
    EXPECT_TRUE(tx.PutEnvironment(MakeEnv("shop", "dev"), 0).ok());
    StoredChangeSet cs;
    cs.change_set.app = "shop";
    EXPECT_TRUE(tx.InsertChangeSet(cs).ok());
    model::AuditEntry e;
    e.actor = "admin";
    e.action = "app.create";
    EXPECT_TRUE(tx.AppendAudit(e).ok());
    EXPECT_TRUE(tx.InsertToken({"ci", model::Role::kMember, 1, 0}, "h").ok());
    return Status::FailedPrecondition("the planner said no");
  });
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.message(), "the planner said no");
  ASSERT_TRUE(R([](StoreTx& tx) {
                EXPECT_EQ(tx.GetApp("shop").status().code(),
                          StatusCode::kNotFound);
                EXPECT_EQ(*tx.CountEnvironments(), 0);
                EXPECT_TRUE(tx.ListChangeSets({})->empty());
                EXPECT_TRUE(tx.ListAudit(0, 100)->empty());
                EXPECT_TRUE(tx.ListTokens()->empty());
                return Status::Ok();
              }).ok());
  // The writer is usable afterwards.
  EXPECT_TRUE(W([](StoreTx& tx) {
                return tx.PutApp(MakeApp("shop"), 0).status();
              }).ok());
}

TEST_F(StoreTest, ReadsCannotWrite) {
  Status st = R([](StoreTx& tx) {
    return tx.PutApp(MakeApp("shop"), 0).status();
  });
  EXPECT_FALSE(st.ok());
  ASSERT_TRUE(R([](StoreTx& tx) {
                EXPECT_EQ(tx.GetApp("shop").status().code(),
                          StatusCode::kNotFound);
                return Status::Ok();
              }).ok());
}

TEST_F(StoreTest, NestedWriteRefused) {
  Status inner;
  Status outer = W([&](StoreTx& tx) {
    inner = store_->Write([](StoreTx&) { return Status::Ok(); });
    return Status::Ok();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
}

StoredChangeSet MakeChangeSet(const std::string& app, const std::string& env,
                              const std::string& state) {
  StoredChangeSet s;
  ChangeSet& cs = s.change_set;
  cs.id = "cs-999";  // ignored: the store assigns ids
  cs.app = app;
  cs.environment = env;
  cs.state = state;
  cs.summary = "create environment";
  cs.base_version = 0;
  cs.operations = {{"create", "cache", "sessions", {"redis.create"}, ""}};
  cs.changes_infrastructure = true;
  cs.created_by = "admin";
  cs.created_at_ms = 1234;
  s.payload_json = R"({"spec":{}})";
  return s;
}

TEST_F(StoreTest, ChangeSets) {
  std::vector<std::string> ids;
  ASSERT_TRUE(W([&](StoreTx& tx) {
                for (auto cs : {MakeChangeSet("shop", "dev", "applied"),
                                MakeChangeSet("shop", "prod",
                                              "pending_approval"),
                                MakeChangeSet("web", "dev", "pending_approval"),
                                MakeChangeSet("shop", "dev",
                                              "pending_approval")}) {
                  auto id = tx.InsertChangeSet(cs);
                  if (!id.ok()) return id.status();
                  ids.push_back(*id);
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"cs-1", "cs-2", "cs-3", "cs-4"}));

  auto list = [&](ChangeSetFilter f) {
    std::vector<std::string> out;
    EXPECT_TRUE(R([&](StoreTx& tx) {
                  auto l = tx.ListChangeSets(f);
                  if (!l.ok()) return l.status();
                  for (const auto& cs : *l) out.push_back(cs.id);
                  return Status::Ok();
                }).ok());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(list({}), (V{"cs-4", "cs-3", "cs-2", "cs-1"}));
  EXPECT_EQ(list({"shop", "", ""}), (V{"cs-4", "cs-2", "cs-1"}));
  EXPECT_EQ(list({"shop", "dev", ""}), (V{"cs-4", "cs-1"}));
  EXPECT_EQ(list({"", "", "pending_approval"}), (V{"cs-4", "cs-3", "cs-2"}));
  EXPECT_EQ(list({"shop", "dev", "pending_approval"}), (V{"cs-4"}));
  EXPECT_EQ(list({"", "dev", ""}), (V{"cs-4", "cs-3", "cs-1"}));

  ASSERT_TRUE(R([](StoreTx& tx) {
                auto got = tx.GetChangeSet("cs-2");
                EXPECT_TRUE(got.ok());
                if (!got.ok()) return got.status();
                StoredChangeSet want = MakeChangeSet("shop", "prod",
                                                     "pending_approval");
                EXPECT_EQ(got->change_set.id, "cs-2");
                EXPECT_EQ(got->change_set.app, "shop");
                EXPECT_EQ(got->change_set.environment, "prod");
                EXPECT_EQ(got->change_set.summary, want.change_set.summary);
                EXPECT_EQ(got->change_set.operations,
                          want.change_set.operations);
                EXPECT_TRUE(got->change_set.changes_infrastructure);
                EXPECT_EQ(got->change_set.created_by, "admin");
                EXPECT_EQ(got->change_set.created_at_ms, 1234);
                EXPECT_EQ(got->payload_json, want.payload_json);
                EXPECT_EQ(tx.GetChangeSet("cs-77").status().message(),
                          "change set cs-77 not found");
                EXPECT_EQ(tx.GetChangeSet("bogus").status().code(),
                          StatusCode::kNotFound);
                return Status::Ok();
              }).ok());

  ChangeSet decide;
  decide.id = "cs-2";
  decide.state = "applied";
  decide.decided_by = "root";
  decide.reason = "";
  decide.decided_at_ms = 5678;
  EXPECT_TRUE(W([&](StoreTx& tx) {
                return tx.DecideChangeSet(decide, "pending_approval");
              }).ok());
  decide.state = "rejected";
  Status again = W([&](StoreTx& tx) {
    return tx.DecideChangeSet(decide, "pending_approval");
  });
  EXPECT_EQ(again.code(), StatusCode::kAborted);
  EXPECT_EQ(again.message(), "change set cs-2 is applied, not pending_approval");
  decide.id = "cs-40";
  EXPECT_EQ(W([&](StoreTx& tx) {
              return tx.DecideChangeSet(decide, "pending_approval");
            }).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(R([](StoreTx& tx) {
                auto got = tx.GetChangeSet("cs-2");
                EXPECT_EQ(got->change_set.state, "applied");
                EXPECT_EQ(got->change_set.decided_by, "root");
                EXPECT_EQ(got->change_set.decided_at_ms, 5678);
                return Status::Ok();
              }).ok());
}

TEST_F(StoreTest, Tokens) {
  ASSERT_TRUE(W([](StoreTx& tx) {
                Status st = tx.InsertToken({"ci", model::Role::kMember, 10, 0},
                                           "hash-ci");
                if (!st.ok()) return st;
                return tx.InsertToken({"admin", model::Role::kAdmin, 11, 0},
                                      "hash-admin");
              }).ok());
  Status dup = W([](StoreTx& tx) {
    return tx.InsertToken({"ci", model::Role::kViewer, 12, 0}, "other");
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "token ci exists already");
  Status same_secret = W([](StoreTx& tx) {
    return tx.InsertToken({"ci2", model::Role::kViewer, 12, 0}, "hash-ci");
  });
  EXPECT_EQ(same_secret.code(), StatusCode::kAlreadyExists);

  ASSERT_TRUE(R([](StoreTx& tx) {
                auto t = tx.FindToken("hash-ci");
                EXPECT_TRUE(t.ok());
                if (!t.ok()) return t.status();
                EXPECT_EQ(t->name, "ci");
                EXPECT_EQ(t->role, model::Role::kMember);
                EXPECT_EQ(t->created_at_ms, 10);
                EXPECT_EQ(tx.FindToken("nope").status().code(),
                          StatusCode::kNotFound);
                return Status::Ok();
              }).ok());

  ASSERT_TRUE(W([](StoreTx& tx) { return tx.RevokeToken("ci", 99); }).ok());
  EXPECT_EQ(W([](StoreTx& tx) { return tx.RevokeToken("ci", 100); }).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(W([](StoreTx& tx) { return tx.RevokeToken("ghost", 1); }).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(R([](StoreTx& tx) {
                EXPECT_EQ(tx.FindToken("hash-ci").status().code(),
                          StatusCode::kNotFound);
                EXPECT_TRUE(tx.FindToken("hash-admin").ok());
                auto all = tx.ListTokens();
                EXPECT_EQ(all->size(), 2u);
                EXPECT_EQ((*all)[0].name, "admin");
                EXPECT_EQ((*all)[1].name, "ci");
                EXPECT_EQ((*all)[1].revoked_at_ms, 99);
                return Status::Ok();
              }).ok());
}

void AppendN(Store& store, int n) {
  ASSERT_TRUE(store.Write([&](StoreTx& tx) {
                for (int i = 0; i < n; ++i) {
                  model::AuditEntry e;
                  e.time_ms = 1000 + i;
                  e.actor = "admin";
                  e.action = "environment.update";
                  e.target = "shop/env" + std::to_string(i);
                  e.details = "{}";
                  auto got = tx.AppendAudit(e);
                  if (!got.ok()) return got.status();
                }
                return Status::Ok();
              }).ok());
}

model::AuditVerification VerifyAudit(Store& store) {
  model::AuditVerification out;
  EXPECT_TRUE(store.Read([&](StoreTx& tx) {
                     auto v = tx.VerifyAudit();
                     if (!v.ok()) return v.status();
                     out = *v;
                     return Status::Ok();
                   }).ok());
  return out;
}

TEST_F(StoreTest, AuditAppendListVerify) {
  model::AuditEntry first;
  ASSERT_TRUE(W([&](StoreTx& tx) {
                model::AuditEntry e;
                e.actor = "admin";
                e.action = "token.create";
                e.target = "token:ci";
                auto got = tx.AppendAudit(e);
                if (!got.ok()) return got.status();
                first = *got;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.prev_hash, std::string(64, '0'));
  EXPECT_EQ(first.hash.size(), 64u);
  EXPECT_GT(first.time_ms, 0);  // filled in when not given
  AppendN(*store_, 4);
  ASSERT_TRUE(R([&](StoreTx& tx) {
                auto all = tx.ListAudit(0, 0);
                EXPECT_EQ(all->size(), 5u);
                EXPECT_EQ((*all)[1].prev_hash, first.hash);
                auto page = tx.ListAudit(2, 2);
                EXPECT_EQ(page->size(), 2u);
                EXPECT_EQ((*page)[0].seq, 3);
                EXPECT_EQ((*page)[1].seq, 4);
                return Status::Ok();
              }).ok());
  auto v = VerifyAudit(*store_);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 5);
}

TEST_F(StoreTest, AuditIsAppendOnlyInSql) {
  AppendN(*store_, 3);
  std::string err;
  EXPECT_NE(RawExec("UPDATE audit SET details = 'x' WHERE seq = 2", &err),
            SQLITE_OK);
  EXPECT_NE(err.find("append-only"), std::string::npos) << err;
  EXPECT_NE(RawExec("DELETE FROM audit WHERE seq = 2", &err), SQLITE_OK);
  EXPECT_TRUE(VerifyAudit(*store_).ok);
}

TEST_F(StoreTest, AuditVerifyCatchesAnEditedRow) {
  AppendN(*store_, 9);
  ASSERT_EQ(RawExec("DROP TRIGGER audit_no_update; DROP TRIGGER "
                    "audit_no_delete; UPDATE audit SET actor = 'someone' WHERE "
                    "seq = 7"),
            SQLITE_OK);
  auto v = VerifyAudit(*store_);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 7);
  EXPECT_EQ(v.problem,
            "audit row 7 was altered: its hash does not match its contents");
  EXPECT_EQ(v.entries, 9);
}

TEST_F(StoreTest, AuditVerifyCatchesADeletedRow) {
  AppendN(*store_, 9);
  ASSERT_EQ(RawExec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE "
                    "seq = 7"),
            SQLITE_OK);
  auto v = VerifyAudit(*store_);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 7);
  EXPECT_EQ(v.problem, "audit row 7 is missing (rows jump from 6 to 8)");
}

TEST_F(StoreTest, FileMode0600AndWal) {
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  AppendN(*store_, 1);
  ASSERT_EQ(::stat((path_ + "-wal").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
               "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(StoreTest, MigrationsIdempotentOnReopen) {
  Reopen();
  Reopen();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT COUNT(*), MAX(version) FROM "
                               "schema_migrations",
                               -1, &s, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(s, 0),
            static_cast<int64_t>(StoreMigrations().size()));
  EXPECT_EQ(sqlite3_column_int64(s, 1),
            static_cast<int64_t>(StoreMigrations().size()));
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(StoreTest, NewerSchemaRefused) {
  store_.reset();
  ASSERT_EQ(RawExec("INSERT INTO schema_migrations VALUES (99, 0)"), SQLITE_OK);
  auto s = OpenSqliteStore(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  const std::string& m = s.status().message();
  EXPECT_NE(m.find(path_), std::string::npos) << m;
  EXPECT_NE(m.find("schema version 99"), std::string::npos) << m;
  EXPECT_NE(m.find("(" + std::to_string(StoreMigrations().size()) + ")"),
            std::string::npos)
      << m;
}

TEST_F(StoreTest, NotADatabaseRefused) {
  std::string junk = dir_ + "/junk.db";
  {
    std::ofstream out(junk);
    out << std::string(4096, 'j');
  }
  auto s = OpenSqliteStore(junk);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(junk), std::string::npos)
      << s.status().message();
}

TEST_F(StoreTest, DurableAcrossReopen) {
  ASSERT_TRUE(W([](StoreTx& tx) {
                auto v = tx.PutApp(MakeApp("shop"), 0);
                if (!v.ok()) return v.status();
                return tx.PutEnvironment(MakeEnv("shop", "dev"), 0).status();
              }).ok());
  AppendN(*store_, 2);
  Reopen();
  ASSERT_TRUE(R([](StoreTx& tx) {
                EXPECT_TRUE(tx.GetApp("shop").ok());
                auto e = tx.GetEnvironment("shop", "dev");
                EXPECT_TRUE(e.ok());
                EXPECT_EQ(e->env.version, 1);
                EXPECT_EQ(tx.ListAudit(0, 0)->size(), 2u);
                return Status::Ok();
              }).ok());
  // The chain continues across the reopen.
  AppendN(*store_, 1);
  EXPECT_TRUE(VerifyAudit(*store_).ok);
}

TEST_F(StoreTest, ReadsDoNotWaitForAWrite) {
  std::promise<void> inside, release;
  std::thread writer([&] {
    Status st = store_->Write([&](StoreTx& tx) {
      auto v = tx.PutApp(MakeApp("shop"), 0);
      inside.set_value();
      release.get_future().wait();
      return v.status();
    });
    EXPECT_TRUE(st.ok()) << st.message();
  });
  inside.get_future().wait();
  // The write is open and holds the writer; a read must finish anyway and
  // must not see the uncommitted app.
  auto read = std::async(std::launch::async, [&] {
    StatusCode code = StatusCode::kOk;
    Status st = store_->Read([&](StoreTx& tx) {
      code = tx.GetApp("shop").status().code();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok());
    return code;
  });
  ASSERT_EQ(read.wait_for(std::chrono::seconds(5)), std::future_status::ready)
      << "a read waited for the writer";
  EXPECT_EQ(read.get(), StatusCode::kNotFound);
  release.set_value();
  writer.join();
  ASSERT_TRUE(R([](StoreTx& tx) { return tx.GetApp("shop").status(); }).ok());
}

TEST_F(StoreTest, ConcurrentReadersAndWriters) {
  ASSERT_TRUE(W([](StoreTx& tx) {
                return tx.PutEnvironment(MakeEnv("shop", "dev"), 0).status();
              }).ok());
  constexpr int kWrites = 100;
  std::atomic<bool> done{false};
  std::atomic<int> read_errors{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!done.load()) {
        Status st = store_->Read([&](StoreTx& tx) {
          auto e = tx.GetEnvironment("shop", "dev");
          if (!e.ok()) return e.status();
          if (e->env.version < last) return Status::Internal("went back");
          last = e->env.version;
          return Status::Ok();
        });
        if (!st.ok()) ++read_errors;
        ++reads;
      }
    });
  }
  std::vector<std::thread> writers;
  std::atomic<int> conflicts{0};
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < kWrites / 2; ++i) {
        // Read-modify-write with CAS, retried on conflict.
        while (true) {
          int64_t seen = 0;
          ASSERT_TRUE(store_->Read([&](StoreTx& tx) {
                               auto e = tx.GetEnvironment("shop", "dev");
                               if (!e.ok()) return e.status();
                               seen = e->env.version;
                               return Status::Ok();
                             }).ok());
          Status st = store_->Write([&](StoreTx& tx) {
            return tx.PutEnvironment(MakeEnv("shop", "dev"), seen).status();
          });
          if (st.ok()) break;
          ASSERT_EQ(st.code(), StatusCode::kAborted) << st.message();
          ++conflicts;
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_GT(reads.load(), 0);
  // No lost update: every successful CAS bumped the version exactly once.
  ASSERT_TRUE(R([&](StoreTx& tx) {
                EXPECT_EQ(tx.GetEnvironment("shop", "dev")->env.version,
                          1 + kWrites);
                return Status::Ok();
              }).ok());
}

}  // namespace
}  // namespace encore::agent

namespace encore::agent {
namespace {

LedgerEntry SampleEntry(const std::string& name) {
  LedgerEntry e;
  e.app = "shop";
  e.environment = "local";
  e.kind = "cache";
  e.name = name;
  e.provider_id = "redis:local/" + name;
  e.backend_name = name;
  e.owner = "encore-agent";
  e.state = "creating";
  e.attributes["maxmemory"] = {"256mb", "268435456"};
  e.baseline["foreign.timeout"] = "0";
  e.facts["port"] = "6380";
  e.updated_at_ms = 42;
  return e;
}

TEST_F(StoreTest, LedgerEntriesRoundTripAndSurviveReopen) {
  ASSERT_TRUE(W([&](StoreTx& tx) {
                return tx.PutLedger(SampleEntry("sessions"));
              }).ok());
  LedgerEntry updated = SampleEntry("sessions");
  updated.state = "ready";
  ASSERT_TRUE(W([&](StoreTx& tx) { return tx.PutLedger(updated); }).ok());
  ASSERT_TRUE(W([&](StoreTx& tx) {
                return tx.PutLedger(SampleEntry("other"));
              }).ok());
  Reopen();
  std::vector<LedgerEntry> got;
  ASSERT_TRUE(R([&](StoreTx& tx) {
                auto l = tx.ListLedger("shop", "local");
                if (!l.ok()) return l.status();
                got = *l;
                return Status::Ok();
              }).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], updated);
  ASSERT_TRUE(W([&](StoreTx& tx) {
                return tx.DeleteLedger("shop", "local", "cache", "other");
              }).ok());
  ASSERT_TRUE(R([&](StoreTx& tx) {
                auto l = tx.ListLedger("", "");
                if (!l.ok()) return l.status();
                got = *l;
                return Status::Ok();
              }).ok());
  ASSERT_EQ(got.size(), 1u);
}

TEST_F(StoreTest, CredentialsArePerEnvironment) {
  ASSERT_TRUE(W([&](StoreTx& tx) {
                Status s = tx.PutCredential("shop", "local", "role:a", "v1:x");
                if (!s.ok()) return s;
                s = tx.PutCredential("shop", "local", "role:a", "v1:y");
                if (!s.ok()) return s;
                return tx.PutCredential("shop", "dev", "role:a", "v1:z");
              }).ok());
  std::map<std::string, std::string> local;
  ASSERT_TRUE(R([&](StoreTx& tx) {
                auto c = tx.ListCredentials("shop", "local");
                if (!c.ok()) return c.status();
                local = *c;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(local, (std::map<std::string, std::string>{{"role:a", "v1:y"}}));
  ASSERT_TRUE(W([&](StoreTx& tx) {
                return tx.DeleteCredentials("shop", "local");
              }).ok());
  ASSERT_TRUE(R([&](StoreTx& tx) {
                auto c = tx.ListCredentials("shop", "local");
                if (!c.ok()) return c.status();
                local = *c;
                return Status::Ok();
              }).ok());
  EXPECT_TRUE(local.empty());
}

}  // namespace
}  // namespace encore::agent
