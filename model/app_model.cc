#include "model/app_model.h"

#include <openssl/sha.h>

#include <cctype>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "model/duration.h"
#include "model/text.h"

namespace encore::model {
namespace {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  char buf[3];
  for (unsigned char b : digest) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    hex += buf;
  }
  return hex;
}


using nlohmann::json;

const std::vector<std::string>& TopLevelKeys() {
  static const auto* kKeys = new std::vector<std::string>{
      "services", "databases", "topics",  "subscriptions",
      "caches",   "cron_jobs", "buckets", "secrets"};
  return *kKeys;
}

const std::vector<std::string>& EvictionPolicies() {
  static const auto* kPolicies = new std::vector<std::string>{
      "noeviction",   "allkeys-lru",  "allkeys-lfu",     "allkeys-random",
      "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"};
  return *kPolicies;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v) {
    if (x == s) return true;
  }
  return false;
}

// Collects every problem of one model document.
class Parser {
 public:
  StatusOr<AppModel> Parse(std::string_view text) {
    json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      return Status::InvalidArgument(
          "The model is not valid JSON. Check its syntax (for example with "
          "jsonencode({...}) in Terraform, which always writes valid JSON).");
    }
    if (!doc.is_object()) {
      return Status::InvalidArgument(
          "The model must be a JSON object such as {\"services\": "
          "[{\"name\": \"api\"}]}, not " +
          std::string(doc.type_name()) + ".");
    }
    CheckKeys(doc, "the model", TopLevelKeys());

    AppModel model;
    ForEachObject(doc, "services", [&](const json& o, const std::string& at) {
      AppService s;
      CheckKeys(
          o, at,
          {"name", "databases", "publishes", "caches", "buckets", "secrets"});
      s.name = Name(o, at);
      s.databases = StringList(o, "databases", at);
      s.publishes = StringList(o, "publishes", at);
      s.caches = StringList(o, "caches", at);
      s.buckets = StringList(o, "buckets", at);
      s.secrets = StringList(o, "secrets", at);
      model.services.push_back(std::move(s));
    });
    ForEachObject(doc, "databases", [&](const json& o, const std::string& at) {
      CheckKeys(o, at, {"name"});
      model.databases.push_back({Name(o, at)});
    });
    ForEachObject(doc, "topics", [&](const json& o, const std::string& at) {
      CheckKeys(o, at, {"name", "delivery", "ordering_key"});
      AppTopic t;
      t.name = Name(o, at);
      t.delivery = Enum(o, "delivery", at, {"at-least-once", "exactly-once"},
                        t.delivery);
      t.ordering_key = String(o, "ordering_key", at);
      model.topics.push_back(std::move(t));
    });
    ForEachObject(
        doc, "subscriptions", [&](const json& o, const std::string& at) {
          CheckKeys(o, at,
                    {"name", "topic", "service", "ack_deadline", "retention",
                     "max_retries", "min_backoff", "max_backoff"});
          AppSubscription s;
          s.name = Name(o, at);
          s.topic = RequiredString(o, "topic", at, "the topic it reads");
          s.service = RequiredString(o, "service", at,
                                     "the service that handles its messages");
          s.ack_deadline_seconds =
              DurationField(o, "ack_deadline", at, s.ack_deadline_seconds);
          s.retention_seconds =
              DurationField(o, "retention", at, s.retention_seconds);
          s.min_backoff_seconds =
              DurationField(o, "min_backoff", at, s.min_backoff_seconds);
          s.max_backoff_seconds =
              DurationField(o, "max_backoff", at, s.max_backoff_seconds);
          if (s.min_backoff_seconds > s.max_backoff_seconds) {
            Error(at +
                  ": \"min_backoff\" is longer than \"max_backoff\"; "
                  "make min_backoff at most max_backoff.");
          }
          if (o.contains("max_retries")) {
            const json& r = o["max_retries"];
            if (!r.is_number_integer() || r.get<int64_t>() < 0) {
              Error(at +
                    ": \"max_retries\" must be a whole number, 0 or more "
                    "(Encore's default is 100).");
            } else {
              s.max_retries = r.get<int64_t>();
            }
          }
          model.subscriptions.push_back(std::move(s));
        });
    ForEachObject(doc, "caches", [&](const json& o, const std::string& at) {
      CheckKeys(o, at, {"name", "eviction_policy"});
      AppCache c;
      c.name = Name(o, at);
      c.eviction_policy =
          Enum(o, "eviction_policy", at, EvictionPolicies(), c.eviction_policy);
      model.caches.push_back(std::move(c));
    });
    ForEachObject(doc, "cron_jobs", [&](const json& o, const std::string& at) {
      CheckKeys(o, at, {"name", "schedule", "every", "endpoint"});
      AppCronJob c;
      c.name = Name(o, at);
      c.schedule = String(o, "schedule", at);
      bool has_every = o.contains("every");
      if (has_every) c.every_seconds = DurationField(o, "every", at, 0);
      if (c.schedule.empty() == !has_every) {
        Error(at +
              ": set exactly one of \"schedule\" (a cron expression "
              "such as \"0 4 * * *\") or \"every\" (a period such as "
              "\"1h\").");
      }
      if (!c.schedule.empty()) CheckCron(c.schedule, at);
      if (has_every && c.every_seconds > 0 &&
          (c.every_seconds < 60 || c.every_seconds > 86400 ||
           86400 % c.every_seconds != 0)) {
        Error(at +
              ": \"every\" must be between 1m and 24h and divide 24h "
              "evenly (for example \"5m\", \"1h\" or \"6h\").");
      }
      c.endpoint = RequiredString(o, "endpoint", at,
                                  "the endpoint it calls, as "
                                  "\"service.Endpoint\"");
      if (!c.endpoint.empty()) {
        size_t dot = c.endpoint.find('.');
        if (dot == std::string::npos || dot == 0 ||
            dot + 1 == c.endpoint.size()) {
          Error(at + ": \"endpoint\" is \"" + c.endpoint +
                "\"; write it as \"service.Endpoint\" (for example "
                "\"orders.Cleanup\").");
        }
      }
      model.cron_jobs.push_back(std::move(c));
    });
    ForEachObject(doc, "buckets", [&](const json& o, const std::string& at) {
      CheckKeys(o, at, {"name", "public", "versioned"});
      AppBucket b;
      b.name = Name(o, at);
      b.is_public = Bool(o, "public", at);
      b.versioned = Bool(o, "versioned", at);
      model.buckets.push_back(std::move(b));
    });
    if (doc.contains("secrets")) {
      model.secrets = StringList(doc, "secrets", "the model");
      for (const auto& s : model.secrets) {
        if (!SecretNameOk(s)) {
          Error("secrets: \"" + s +
                "\" is not a valid secret name; use letters, digits and "
                "underscores, starting with a letter (for example "
                "\"StripeKey\").");
        }
      }
    }

    CheckUnique(model);
    CheckReferences(model);
    if (!errors_.empty()) {
      std::string msg;
      for (const auto& e : errors_) {
        if (!msg.empty()) msg += "\n";
        msg += e;
      }
      return Status::InvalidArgument(std::move(msg));
    }
    model.canonical_json = doc.dump();
    return model;
  }

 private:
  void Error(std::string e) { errors_.push_back(std::move(e)); }

  static bool SecretNameOk(const std::string& s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) {
      return false;
    }
    for (char c : s) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
        return false;
      }
    }
    return true;
  }

  void CheckKeys(const json& obj, const std::string& at,
                 const std::vector<std::string>& allowed) {
    for (const auto& [key, unused] : obj.items()) {
      if (!Contains(allowed, key)) {
        Error(at + ": unknown key \"" + key + "\"; the known keys are " +
              QuotedList(allowed, "and") + ". Remove it or fix its spelling.");
      }
    }
  }

  // Calls `fn` with each element of the array doc[key] that is an object,
  // and a label such as `services[1] ("email")`.
  void ForEachObject(
      const json& doc, const std::string& key,
      const std::function<void(const json&, const std::string&)>& fn) {
    if (!doc.contains(key)) return;
    const json& arr = doc[key];
    if (!arr.is_array()) {
      Error("\"" + key + "\" must be a JSON array of objects, not " +
            std::string(arr.type_name()) + ".");
      return;
    }
    for (size_t i = 0; i < arr.size(); ++i) {
      std::string at = key + "[" + std::to_string(i) + "]";
      const json& o = arr[i];
      if (!o.is_object()) {
        Error(at + " must be a JSON object such as {\"name\": \"...\"}, not " +
              std::string(o.type_name()) + ".");
        continue;
      }
      if (o.contains("name") && o["name"].is_string()) {
        at += " (\"" + o["name"].get<std::string>() + "\")";
      }
      fn(o, at);
    }
  }

  std::string Name(const json& o, const std::string& at) {
    if (!o.contains("name") || !o["name"].is_string() ||
        o["name"].get<std::string>().empty()) {
      Error(at +
            ": \"name\" is missing or not a non-empty string; give it "
            "a name.");
      return "";
    }
    return o["name"].get<std::string>();
  }

  std::string String(const json& o, const std::string& key,
                     const std::string& at) {
    if (!o.contains(key)) return "";
    if (!o[key].is_string()) {
      Error(at + ": \"" + key + "\" must be a string, not " +
            std::string(o[key].type_name()) + ".");
      return "";
    }
    return o[key].get<std::string>();
  }

  std::string RequiredString(const json& o, const std::string& key,
                             const std::string& at, const std::string& what) {
    if (!o.contains(key)) {
      Error(at + ": \"" + key + "\" is missing; set it to " + what + ".");
      return "";
    }
    std::string s = String(o, key, at);
    if (s.empty() && o[key].is_string()) {
      Error(at + ": \"" + key + "\" is empty; set it to " + what + ".");
    }
    return s;
  }

  bool Bool(const json& o, const std::string& key, const std::string& at) {
    if (!o.contains(key)) return false;
    if (!o[key].is_boolean()) {
      Error(at + ": \"" + key + "\" must be true or false, not " +
            std::string(o[key].type_name()) + ".");
      return false;
    }
    return o[key].get<bool>();
  }

  std::string Enum(const json& o, const std::string& key, const std::string& at,
                   const std::vector<std::string>& allowed,
                   const std::string& fallback) {
    if (!o.contains(key)) return fallback;
    std::string s = String(o, key, at);
    if (o[key].is_string() && !Contains(allowed, s)) {
      Error(at + ": \"" + key + "\" is \"" + s + "\"; use one of " +
            QuotedList(allowed) + ".");
    }
    return s;
  }

  std::vector<std::string> StringList(const json& o, const std::string& key,
                                      const std::string& at) {
    std::vector<std::string> out;
    if (!o.contains(key)) return out;
    const json& arr = o[key];
    if (!arr.is_array()) {
      Error(at + ": \"" + key + "\" must be a JSON array of names, not " +
            std::string(arr.type_name()) + ".");
      return out;
    }
    for (const auto& e : arr) {
      if (!e.is_string() || e.get<std::string>().empty()) {
        Error(at + ": \"" + key +
              "\" must hold only non-empty strings (names).");
        continue;
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  int64_t DurationField(const json& o, const std::string& key,
                        const std::string& at, int64_t fallback) {
    if (!o.contains(key)) return fallback;
    const json& v = o[key];
    std::optional<int64_t> secs;
    if (v.is_string())
      secs = model::ParseDurationSeconds(v.get<std::string>());
    if (!secs.has_value() || *secs <= 0) {
      Error(at + ": \"" + key + "\" is " + v.dump() +
            ", not a positive duration; write a number with a unit, such "
            "as \"30s\", \"10m\", \"1h30m\" or \"7d\".");
      return fallback;
    }
    return *secs;
  }

  void CheckCron(const std::string& schedule, const std::string& at) {
    std::istringstream in(schedule);
    std::string field;
    int n = 0;
    bool chars_ok = true;
    while (in >> field) {
      ++n;
      for (char c : field) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '*' &&
            c != '/' && c != ',' && c != '-' && c != '?') {
          chars_ok = false;
        }
      }
    }
    if (n != 5 || !chars_ok) {
      Error(at + ": \"schedule\" is \"" + schedule +
            "\", not a cron expression; write five fields (minute hour "
            "day-of-month month day-of-week), for example \"0 4 * * *\".");
    }
  }

  void Unique(const std::string& kind, const std::vector<std::string>& names) {
    std::set<std::string> seen;
    for (const auto& n : names) {
      if (n.empty()) continue;
      if (!seen.insert(n).second) {
        Error(kind + ": \"" + n +
              "\" is declared more than once; names must be unique, so "
              "remove or rename one of them.");
      }
    }
  }

  template <typename T>
  static std::vector<std::string> Names(const std::vector<T>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(i.name);
    return out;
  }

  void CheckUnique(const AppModel& m) {
    Unique("services", Names(m.services));
    Unique("databases", Names(m.databases));
    Unique("topics", Names(m.topics));
    Unique("subscriptions", Names(m.subscriptions));
    Unique("caches", Names(m.caches));
    Unique("cron_jobs", Names(m.cron_jobs));
    Unique("buckets", Names(m.buckets));
    Unique("secrets", m.secrets);
  }

  // `who` (e.g. `service "orders"`) `verb` (e.g. "uses database") `name`,
  // which must be in `declared` (the model's `list_key`).
  void Resolve(const std::string& who, const std::string& verb,
               const std::string& name,
               const std::vector<std::string>& declared,
               const std::string& list_key, const std::string& example) {
    if (name.empty() || Contains(declared, name)) return;
    Error(who + " " + verb + " \"" + name +
          "\", which the model does not declare; add " + example + " to \"" +
          list_key + "\" or fix the name.");
  }

  void CheckReferences(const AppModel& m) {
    auto services = Names(m.services);
    auto databases = Names(m.databases);
    auto topics = Names(m.topics);
    auto caches = Names(m.caches);
    auto buckets = Names(m.buckets);
    auto obj = [](const std::string& n) { return "{\"name\": \"" + n + "\"}"; };
    for (const auto& s : m.services) {
      std::string who = "service \"" + s.name + "\"";
      for (const auto& d : s.databases) {
        Resolve(who, "uses database", d, databases, "databases", obj(d));
      }
      for (const auto& t : s.publishes) {
        Resolve(who, "publishes to topic", t, topics, "topics", obj(t));
      }
      for (const auto& c : s.caches) {
        Resolve(who, "uses cache", c, caches, "caches", obj(c));
      }
      for (const auto& b : s.buckets) {
        Resolve(who, "uses bucket", b, buckets, "buckets", obj(b));
      }
      for (const auto& x : s.secrets) {
        Resolve(who, "uses secret", x, m.secrets, "secrets", "\"" + x + "\"");
      }
    }
    for (const auto& s : m.subscriptions) {
      std::string who = "subscription \"" + s.name + "\"";
      Resolve(who, "subscribes to topic", s.topic, topics, "topics",
              obj(s.topic));
      Resolve(who, "delivers to service", s.service, services, "services",
              obj(s.service));
    }
    for (const auto& c : m.cron_jobs) {
      size_t dot = c.endpoint.find('.');
      if (dot == std::string::npos || dot == 0) continue;
      std::string svc = c.endpoint.substr(0, dot);
      Resolve("cron job \"" + c.name + "\"",
              "calls endpoint \"" + c.endpoint + "\" of service", svc, services,
              "services", obj(svc));
    }
  }

  std::vector<std::string> errors_;
};

}  // namespace

StatusOr<AppModel> ParseAppModel(std::string_view json) {
  return Parser().Parse(json);
}

std::string AppModelHash(const AppModel& model) {
  return Sha256Hex(model.canonical_json);
}

}  // namespace encore::model
