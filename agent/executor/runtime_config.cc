#include "agent/executor/runtime_config.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace encore::agent {
namespace {

using json = nlohmann::json;

std::string Upper(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
  return out;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, ',')) {
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

std::string Fact(const LedgerEntry& e, const std::string& key) {
  auto it = e.facts.find(key);
  return it == e.facts.end() ? "" : it->second;
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::string PasswordVariable(const std::string& database) {
  return "ENCORE_DB_" + Upper(database) + "_PASSWORD";
}
std::string SecretVariable(const std::string& secret) {
  return "ENCORE_SECRET_" + Upper(secret);
}

StatusOr<std::string> BuildRuntimeConfig(const RuntimeConfigInput& in) {
  const model::EnvironmentSpec& spec = in.env.spec;
  // The services this document is for.
  std::vector<std::string> services;
  if (in.process_group.empty()) {
    for (const auto& s : in.model.services) services.push_back(s.name);
  } else {
    bool found = false;
    std::vector<std::string> groups;
    for (const auto& item : in.env.infrastructure) {
      if (item.kind != "process") continue;
      groups.push_back(item.name);
      if (item.name != in.process_group) continue;
      found = true;
      auto it = item.attributes.find("services");
      if (it != item.attributes.end()) services = Split(it->second);
    }
    if (!found) {
      std::string list;
      for (const auto& g : groups) list += (list.empty() ? "" : ", ") + g;
      return Status::InvalidArgument("process group \"" + in.process_group +
                                     "\" is not one of the environment's (" +
                                     list + ")");
    }
  }
  std::set<std::string> dbs, caches, buckets, topics, secrets;
  for (const auto& s : in.model.services) {
    if (!Contains(services, s.name)) continue;
    dbs.insert(s.databases.begin(), s.databases.end());
    caches.insert(s.caches.begin(), s.caches.end());
    buckets.insert(s.buckets.begin(), s.buckets.end());
    topics.insert(s.publishes.begin(), s.publishes.end());
    secrets.insert(s.secrets.begin(), s.secrets.end());
  }
  std::set<std::string> subs;
  for (const auto& sub : in.model.subscriptions) {
    if (Contains(services, sub.service)) {
      subs.insert(sub.name);
      topics.insert(sub.topic);
    }
  }
  if (in.process_group.empty()) {
    for (const auto& s : in.model.secrets) secrets.insert(s);
  }

  json doc;
  doc["$schema"] = "https://encore.dev/schemas/agent/runtime_config/v1";
  doc["metadata"] = {{"app_id", spec.app},
                     {"env_name", spec.name},
                     {"env_type", spec.type},
                     {"cloud", spec.cloud},
                     {"base_url", in.env.url},
                     {"process_group", in.process_group},
                     {"services", services}};
  std::map<std::string, const LedgerEntry*> by_kind_name;
  for (const auto& e : in.ledger) by_kind_name[e.kind + "/" + e.name] = &e;
  auto find = [&](const std::string& kind, const std::string& name) {
    auto it = by_kind_name.find(kind + "/" + name);
    return it == by_kind_name.end() ? nullptr : it->second;
  };

  // SQL: one server entry per host:port.
  std::map<std::string, json> servers;
  for (const auto& db : dbs) {
    const LedgerEntry* e = find("sql_database", db);
    if (e == nullptr) continue;
    std::string host = Fact(*e, "host") + ":" + Fact(*e, "port");
    json& server = servers[host];
    if (server.is_null()) {
      server = {{"host", host}, {"databases", json::object()}};
      std::string sslmode = e->location.count("sslmode") ? e->location.at("sslmode") : "";
      server["tls_config"] = {{"disabled", sslmode.empty() || sslmode == "disable"}};
    }
    // The role of the first service here that uses the database.
    std::vector<std::string> roles;
    if (auto it = e->attributes.find("roles"); it != e->attributes.end()) {
      roles = Split(it->second.written);
    }
    std::vector<std::string> users;
    for (const auto& s : in.model.services) {
      if (Contains(s.databases, db)) users.push_back(s.name);
    }
    std::string role = Fact(*e, "user");
    for (size_t i = 0; i < users.size() && i < roles.size(); ++i) {
      if (Contains(services, users[i])) {
        role = roles[i];
        break;
      }
    }
    json entry = {{"name", e->backend_name}, {"username", role}};
    if (e->owner == "adopted:observe") {
      entry["note"] = "adopted read-only: the agent made no role for it";
      entry.erase("username");
    } else if (in.include_secrets) {
      auto it = in.role_passwords.find(role);
      entry["password"] = it == in.role_passwords.end() ? "" : it->second;
    } else {
      entry["password"] = {{"$env", PasswordVariable(db)}};
    }
    server["databases"][db] = entry;
  }
  doc["sql_servers"] = json::array();
  for (auto& [host, s] : servers) doc["sql_servers"].push_back(s);

  doc["redis"] = json::object();
  for (const auto& c : caches) {
    const LedgerEntry* e = find("cache", c);
    if (e == nullptr) continue;
    doc["redis"][c] = {{"host", Fact(*e, "host") + ":" + Fact(*e, "port")},
                       {"database_index", 0}};
  }

  json nats = {{"type", "nats"}, {"servers", json::array()}, {"topics", json::object()}};
  std::set<std::string> urls;
  for (const auto& t : topics) {
    const LedgerEntry* e = find("pubsub_topic", t);
    if (e == nullptr) continue;
    if (!Fact(*e, "url").empty()) urls.insert(Fact(*e, "url"));
    std::string subject = Fact(*e, "subjects");
    if (subject.empty()) subject = Fact(*e, "subject");
    json topic = {{"name", Fact(*e, "stream").empty() ? e->backend_name : Fact(*e, "stream")},
                  {"subject", subject},
                  {"subscriptions", json::object()}};
    for (const auto& sub : in.model.subscriptions) {
      if (sub.topic != t || !subs.count(sub.name)) continue;
      const LedgerEntry* se = find("pubsub_subscription", sub.name);
      if (se == nullptr) continue;
      topic["subscriptions"][sub.name] = {
          {"name", Fact(*se, "consumer")},
          {"stream", Fact(*se, "stream")},
          {"subject", Fact(*se, "subject")},
          {"dead_letter_stream", Fact(*se, "dead_letter_stream")}};
    }
    nats["topics"][t] = topic;
  }
  for (const auto& u : urls) nats["servers"].push_back(u);
  doc["pubsub"] = json::array();
  if (!nats["topics"].empty()) doc["pubsub"].push_back(nats);

  json disk = {{"type", "local_disk"}, {"buckets", json::object()}};
  for (const auto& b : buckets) {
    const LedgerEntry* e = find("bucket", b);
    if (e == nullptr) continue;
    json bucket = {{"name", b}, {"path", Fact(*e, "path")}};
    for (const char* k : {"public", "versioned"}) {
      auto it = e->attributes.find(k);
      bucket[k] = it != e->attributes.end() && it->second.written == "true";
    }
    disk["buckets"][b] = bucket;
  }
  doc["object_storage"] = json::array();
  if (!disk["buckets"].empty()) doc["object_storage"].push_back(disk);

  doc["secrets"] = json::object();
  for (const auto& s : secrets) {
    if (in.include_secrets) {
      auto it = in.secrets.find(s);
      doc["secrets"][s] = it == in.secrets.end() ? json(nullptr) : json(it->second);
    } else {
      doc["secrets"][s] = {{"$env", SecretVariable(s)}};
    }
  }

  doc["cron_jobs"] = json::array();
  for (const auto& item : in.env.infrastructure) {
    if (item.kind != "cron_job") continue;
    json c = {{"name", item.name}, {"status", item.status}};
    for (const char* k : {"schedule", "endpoint"}) {
      auto it = item.attributes.find(k);
      c[k] = it == item.attributes.end() ? "" : it->second;
    }
    if (item.status == "not_triggered") {
      c["reason"] = "cron jobs are not triggered in local environments; call the endpoint by hand";
    }
    doc["cron_jobs"].push_back(c);
  }
  return doc.dump(2);
}

}  // namespace encore::agent
