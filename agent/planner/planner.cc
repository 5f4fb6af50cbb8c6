#include "agent/planner/planner.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/text.h"

namespace encore::agent {
namespace {

using model::InfraItem;
using model::Operation;

constexpr char kAgentOwner[] = "encore-agent";
constexpr char kPlanOnlyAws[] =
    "aws driver is plan-only: it lists the API calls it would make and never "
    "executes them";
constexpr char kPlanOnlyGcp[] =
    "gcp driver is plan-only: it lists the API calls it would make and never "
    "executes them";

// ---- small helpers
// -----------------------------------------------------------

std::string FormatDuration(int64_t seconds) {
  if (seconds <= 0) return "0s";
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::string Join(const std::vector<std::string>& parts,
                 const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

bool IsDigits(const std::string& s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isdigit(c); });
}

// "256mb", "1gb", "1048576": redis memory sizes.
bool IsMemorySize(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 18) return false;
  std::string unit = s.substr(i);
  for (char& c : unit) c = static_cast<char>(std::tolower(c));
  static const std::set<std::string> kUnits = {"",  "b",  "k", "kb",
                                               "m", "mb", "g", "gb"};
  return kUnits.count(unit) > 0;
}

std::string Quoted(const std::string& ident) { return "\"" + ident + "\""; }

// "pr:12" -> "pr-12": the environment's name as written in backend names.
std::string EnvToken(const std::string& env) {
  std::string out = env;
  std::replace(out.begin(), out.end(), ':', '-');
  return out;
}

// ---- the environment as the planner sees it
// ----------------------------------

struct Target {
  std::string app;
  std::string env;    // as written in backend names ("pr-12")
  std::string full;   // "app/env" (original env name)
  std::string cloud;  // local | encore | aws | gcp
  std::string region;
  std::string status;       // planned | plan_only
  std::string db_provider;  // postgres | rds | cloudsql | neon
  const model::ExistingServer* server = nullptr;
  std::string platform;  // processes | fargate | cloud_run | kubernetes
  std::string k8s_provider;
  std::string k8s_cluster;
  std::string k8s_cluster_name;

  bool IsCloud() const { return cloud == "aws" || cloud == "gcp"; }
  // Local uses the model's names; encore prefixes with the environment
  // ("<env>_<name>"); clouds "<app>-<env>-<name>".
  std::string Local(const std::string& name) const {
    if (cloud == "encore") return env + "_" + name;
    if (IsCloud()) return app + "-" + env + "-" + name;
    return name;
  }
  // The JetStream subject for a topic.
  std::string Subject(const std::string& topic) const {
    if (cloud == "encore") return env + "." + topic;
    return topic;
  }
  std::string BucketRoot() const {
    if (cloud == "encore") return "buckets/" + env + "/";
    return "buckets/";
  }
};

// Where a provider id's scheme runs: "aws", "gcp", or "" (agent-run).
std::string CloudOfProviderId(const std::string& provider_id) {
  static const std::map<std::string, std::string> kSchemes = {
      {"rds", "aws"},      {"sns", "aws"},
      {"sqs", "aws"},      {"elasticache", "aws"},
      {"s3", "aws"},       {"scheduler", "aws"},
      {"ecs", "aws"},      {"eks", "aws"},
      {"elb", "aws"},      {"cloudsql", "gcp"},
      {"pubsub", "gcp"},   {"memorystore", "gcp"},
      {"gcs", "gcp"},      {"cloudscheduler", "gcp"},
      {"cloudrun", "gcp"}, {"gke", "gcp"},
      {"gclb", "gcp"}};
  size_t colon = provider_id.find(':');
  std::string scheme = provider_id.substr(0, colon);
  auto it = kSchemes.find(scheme);
  if (it != kSchemes.end()) return it->second;
  if (scheme == "neon" && colon != std::string::npos) {
    std::string rest = provider_id.substr(colon + 1);
    if (rest.rfind("aws-", 0) == 0) return "aws";
    if (rest.rfind("gcp-", 0) == 0) return "gcp";
  }
  return "";
}

std::string Scheme(const std::string& provider_id) {
  return provider_id.substr(0, provider_id.find(':'));
}
// The part after "scheme:region/" or "scheme:", i.e. the backend name.
std::string BackendName(const std::string& provider_id) {
  size_t slash = provider_id.rfind('/');
  if (slash != std::string::npos) return provider_id.substr(slash + 1);
  size_t colon = provider_id.find(':');
  return colon == std::string::npos ? provider_id
                                    : provider_id.substr(colon + 1);
}

std::string Attr(const InfraItem& item, const std::string& key) {
  auto it = item.attributes.find(key);
  return it == item.attributes.end() ? "" : it->second;
}

// ---- overrides
// ----------------------------------------------------------------

const std::map<std::string, std::vector<std::string>>& OverrideKeys() {
  static const auto* keys = new std::map<std::string, std::vector<std::string>>{
      {"sql_database",
       {"instance_class", "storage_gb", "max_connections", "version"}},
      {"cache", {"node_type", "max_memory"}},
      {"pubsub_topic", {"max_bytes"}},
      {"bucket", {}},
      {"service", {"min_instances", "max_instances", "cpu", "memory"}}};
  return *keys;
}

Status CheckOverrideValue(const model::InfraOverride& o, const std::string& key,
                          const std::string& value) {
  const std::string where = "override " + o.kind + " \"" + o.name + "\" " + key;
  static const std::set<std::string> kNumeric = {
      "storage_gb", "max_connections", "max_bytes", "min_instances",
      "max_instances"};
  if (kNumeric.count(key) && !IsDigits(value)) {
    return Status::InvalidArgument(where + " = \"" + value +
                                   "\" is not a whole number");
  }
  if (key == "max_memory" && !IsMemorySize(value)) {
    return Status::InvalidArgument(
        where + " = \"" + value +
        "\" is not a memory size; write e.g. \"256mb\" or \"1gb\"");
  }
  if (value.empty()) {
    return Status::InvalidArgument(where +
                                   " is empty; set a value or remove "
                                   "the key");
  }
  return Status::Ok();
}

// ---- item builders
// ---------------------------------------------------------------

using Settings = std::map<std::string, std::string>;

InfraItem NewItem(const Target& t, const std::string& kind,
                  const std::string& name, std::string provider_id) {
  InfraItem item;
  item.kind = kind;
  item.name = name;
  item.provider_id = std::move(provider_id);
  item.owner = kAgentOwner;
  item.status = t.status;
  return item;
}

// The role names of the services that use a database.
std::vector<std::string> DatabaseServices(const model::AppModel& m,
                                          const std::string& db) {
  std::vector<std::string> out;
  for (const auto& s : m.services) {
    if (std::find(s.databases.begin(), s.databases.end(), db) !=
        s.databases.end()) {
      out.push_back(s.name);
    }
  }
  return out;
}

// SQL calls to create one database with its roles (agent-run PostgreSQL or
// an existing server).
std::vector<std::string> SqlCreateCalls(const Target& t,
                                        const InfraItem& item) {
  const std::string db = BackendName(item.provider_id);
  std::vector<std::string> calls;
  std::vector<std::string> roles = Split(Attr(item, "roles"), ',');
  for (const auto& role : roles) {
    calls.push_back("CREATE ROLE " + Quoted(role) +
                    " LOGIN PASSWORD '<generated>'; COMMENT ON ROLE " +
                    Quoted(role) +
                    " IS 'managed-by=encore-agent env=" + t.full + "'");
  }
  calls.push_back("CREATE DATABASE " + Quoted(db) + " OWNER " +
                  Quoted(Attr(item, "owner")));
  calls.push_back("COMMENT ON DATABASE " + Quoted(db) +
                  " IS 'managed-by=encore-agent env=" + t.full + "'");
  for (const auto& role : roles) {
    if (role == Attr(item, "owner")) continue;
    calls.push_back("GRANT ALL PRIVILEGES ON DATABASE " + Quoted(db) + " TO " +
                    Quoted(role));
    const std::string to =
        " TO " + Quoted(role) + " (in database " + Quoted(db) + ")";
    const std::string defaults = "ALTER DEFAULT PRIVILEGES FOR ROLE " +
                                 Quoted(Attr(item, "owner")) +
                                 " IN SCHEMA public GRANT ALL ON ";
    for (const std::string& call :
         {"GRANT ALL ON SCHEMA public" + to,
          "GRANT ALL ON ALL TABLES IN SCHEMA public" + to,
          "GRANT ALL ON ALL SEQUENCES IN SCHEMA public" + to,
          defaults + "TABLES" + to, defaults + "SEQUENCES" + to}) {
      calls.push_back(call);
    }
  }
  std::string limit = Attr(item, "connection_limit");
  if (!limit.empty()) {
    calls.push_back("ALTER DATABASE " + Quoted(db) + " CONNECTION LIMIT " +
                    limit);
  }
  return calls;
}

InfraItem DatabaseItem(const Target& t, const model::AppModel& m,
                       const model::AppDatabase& db, const Settings& ov) {
  std::string backend = t.Local(db.name);
  std::vector<std::string> services = DatabaseServices(m, db.name);
  std::vector<std::string> roles;
  for (const auto& s : services) roles.push_back(t.Local(s) + "_svc");
  std::string owner = roles.empty() ? backend + "_owner" : roles.front();
  if (roles.empty()) roles.push_back(owner);

  // Where it lives.
  std::string id;
  bool sql = true;  // provisioned with SQL statements
  if (t.server != nullptr) {
    id = "postgres:" + t.server->host + ":" + std::to_string(t.server->port) +
         "/" + backend;
  } else if (!t.IsCloud()) {
    id = "postgres:" + t.cloud + "/" + backend;
  } else if (t.db_provider == "neon") {
    id = "neon:" + t.cloud + "-" + t.region + "/" + backend;
    sql = false;
  } else if (t.cloud == "aws") {
    id = "rds:" + t.region + "/" + backend;
    sql = false;
  } else {
    id = "cloudsql:" + t.region + "/" + backend;
    sql = false;
  }
  InfraItem item = NewItem(t, "sql_database", db.name, id);
  item.attributes["owner"] = owner;
  item.attributes["roles"] = Join(roles, ",");
  if (auto it = ov.find("max_connections"); it != ov.end()) {
    item.attributes["connection_limit"] = it->second;
  }
  if (t.IsCloud() && t.server == nullptr) {
    for (const char* key : {"instance_class", "storage_gb", "version"}) {
      if (auto it = ov.find(key); it != ov.end()) {
        item.attributes[key] = it->second;
      }
    }
  }
  if (sql) {
    item.planned_calls = SqlCreateCalls(t, item);
    return item;
  }
  std::string extra;
  for (const char* key : {"instance_class", "storage_gb", "version"}) {
    std::string v = Attr(item, key);
    if (!v.empty()) extra += ", " + std::string(key) + ": " + v;
  }
  if (t.db_provider == "neon") {
    item.planned_calls = {"neon:CreateBranch {project: " + t.app +
                              ", branch: " + t.env + ", region: " + t.cloud +
                              "-" + t.region + "}",
                          "neon:CreateRole {branch: " + t.env +
                              ", role: " + owner + ", password: <generated>}",
                          "neon:CreateDatabase {branch: " + t.env +
                              ", name: " + backend + ", owner: " + owner + "}"};
  } else if (t.cloud == "aws") {
    item.planned_calls = {
        "rds:CreateDBInstance {DBInstanceIdentifier: " + backend +
            ", Engine: postgres, MasterUserPassword: <generated>" + extra +
            ", Tags: [managed-by=encore-agent, env=" + t.full + "]}",
        "rds:WaitUntilDBInstanceAvailable {DBInstanceIdentifier: " + backend +
            "}"};
  } else {
    item.planned_calls = {"cloudsql:instances.insert {name: " + backend +
                              ", databaseVersion: POSTGRES" + extra +
                              ", userLabels: {managed-by: encore-agent}}",
                          "cloudsql:databases.insert {instance: " + backend +
                              ", name: " + db.name + "}",
                          "cloudsql:users.insert {instance: " + backend +
                              ", name: " + owner + ", password: <generated>}"};
  }
  for (const auto& role : roles) {
    if (role == owner) continue;
    item.planned_calls.push_back("GRANT ALL PRIVILEGES ON DATABASE " +
                                 Quoted(db.name) + " TO " + Quoted(role));
  }
  if (auto limit = Attr(item, "connection_limit"); !limit.empty()) {
    item.planned_calls.push_back("ALTER DATABASE " + Quoted(db.name) +
                                 " CONNECTION LIMIT " + limit);
  }
  return item;
}

std::string StreamConfig(const InfraItem& item) {
  std::string cfg = "{subjects: [" + Attr(item, "subjects") +
                    "], max_age: " + Attr(item, "max_age") +
                    ", storage: " + Attr(item, "storage");
  if (auto mb = Attr(item, "max_bytes"); !mb.empty()) {
    cfg += ", max_bytes: " + mb;
  }
  cfg += ", description: " + Attr(item, "description") + "}";
  return cfg;
}

InfraItem TopicItem(const Target& t, const model::AppModel& m,
                    const model::AppTopic& topic, const Settings& ov) {
  std::string backend = t.Local(topic.name);
  int64_t max_age = 0;
  for (const auto& s : m.subscriptions) {
    if (s.topic == topic.name) max_age = std::max(max_age, s.retention_seconds);
  }
  if (max_age == 0) max_age = 7 * 86400;
  if (t.cloud == "aws") {
    InfraItem item = NewItem(t, "pubsub_topic", topic.name,
                             "sns:" + t.region + "/" + backend);
    bool fifo = topic.delivery == "exactly-once" || !topic.ordering_key.empty();
    item.attributes["fifo"] = fifo ? "true" : "false";
    item.planned_calls = {"sns:CreateTopic {Name: " + backend +
                          (fifo ? ".fifo, Attributes: {FifoTopic: true}" : "") +
                          ", Tags: [managed-by=encore-agent, env=" + t.full +
                          "]}"};
    return item;
  }
  if (t.cloud == "gcp") {
    InfraItem item = NewItem(t, "pubsub_topic", topic.name,
                             "pubsub:" + t.region + "/" + backend);
    item.attributes["message_retention"] = FormatDuration(max_age);
    item.planned_calls = {
        "pubsub:projects.topics.create {name: " + backend +
        ", messageRetentionDuration: " + FormatDuration(max_age) +
        ", labels: {managed-by: encore-agent}}"};
    return item;
  }
  InfraItem item =
      NewItem(t, "pubsub_topic", topic.name, "nats:stream/" + backend);
  item.attributes["subjects"] = t.Subject(topic.name);
  item.attributes["max_age"] = FormatDuration(max_age);
  item.attributes["storage"] = "file";
  item.attributes["description"] = "managed-by=encore-agent env=" + t.full;
  if (auto it = ov.find("max_bytes"); it != ov.end()) {
    item.attributes["max_bytes"] = it->second;
  }
  item.planned_calls = {"JetStream STREAM.CREATE " + backend + " " +
                        StreamConfig(item)};
  return item;
}

std::string ConsumerConfig(const InfraItem& item) {
  return "{durable_name: " + BackendName(item.provider_id) +
         ", filter_subject: " + Attr(item, "filter_subject") +
         ", ack_policy: explicit, ack_wait: " + Attr(item, "ack_wait") +
         ", max_deliver: " + Attr(item, "max_deliver") + ", backoff: [" +
         Attr(item, "backoff") + "]}";
}

InfraItem SubscriptionItem(const Target& t, const model::AppSubscription& s) {
  std::string backend = t.Local(s.name);
  std::string topic = t.Local(s.topic);
  std::string backoff = FormatDuration(s.min_backoff_seconds) + ".." +
                        FormatDuration(s.max_backoff_seconds);
  if (t.cloud == "aws") {
    InfraItem item = NewItem(t, "pubsub_subscription", s.name,
                             "sqs:" + t.region + "/" + backend);
    item.attributes["visibility_timeout"] =
        std::to_string(s.ack_deadline_seconds);
    item.attributes["max_receive_count"] = std::to_string(s.max_retries);
    item.attributes["retention"] = std::to_string(s.retention_seconds);
    item.attributes["dead_letter"] = backend + "-dlq";
    item.planned_calls = {
        "sqs:CreateQueue {QueueName: " + backend + "-dlq}",
        "sqs:CreateQueue {QueueName: " + backend +
            ", Attributes: {VisibilityTimeout: " +
            std::to_string(s.ack_deadline_seconds) +
            ", MessageRetentionPeriod: " +
            std::to_string(std::min<int64_t>(s.retention_seconds, 1209600)) +
            ", RedrivePolicy: {deadLetterTargetArn: " + backend +
            "-dlq, maxReceiveCount: " + std::to_string(s.max_retries) +
            "}}, Tags: [managed-by=encore-agent]}",
        "sns:Subscribe {TopicArn: " + topic + ", Protocol: sqs, Endpoint: " +
            backend + ", Attributes: {RawMessageDelivery: true}}"};
    return item;
  }
  if (t.cloud == "gcp") {
    InfraItem item = NewItem(t, "pubsub_subscription", s.name,
                             "pubsub:" + t.region + "/" + backend);
    item.attributes["ack_deadline"] = FormatDuration(s.ack_deadline_seconds);
    item.attributes["max_delivery_attempts"] =
        std::to_string(std::clamp<int64_t>(s.max_retries + 1, 5, 100));
    item.attributes["backoff"] = backoff;
    item.attributes["retention"] = FormatDuration(s.retention_seconds);
    item.attributes["dead_letter"] = backend + "-dlq";
    item.planned_calls = {
        "pubsub:projects.topics.create {name: " + backend + "-dlq}",
        "pubsub:projects.subscriptions.create {name: " + backend +
            ", topic: " + topic +
            ", ackDeadlineSeconds: " + std::to_string(s.ack_deadline_seconds) +
            ", messageRetentionDuration: " +
            FormatDuration(s.retention_seconds) +
            ", retryPolicy: {minimumBackoff: " +
            FormatDuration(s.min_backoff_seconds) +
            ", maximumBackoff: " + FormatDuration(s.max_backoff_seconds) +
            "}, deadLetterPolicy: {deadLetterTopic: " + backend +
            "-dlq, maxDeliveryAttempts: " +
            item.attributes["max_delivery_attempts"] + "}}"};
    return item;
  }
  InfraItem item = NewItem(t, "pubsub_subscription", s.name,
                           "nats:consumer/" + topic + "/" + backend);
  item.attributes["filter_subject"] = t.Subject(s.topic);
  item.attributes["ack_wait"] = FormatDuration(s.ack_deadline_seconds);
  item.attributes["max_deliver"] = std::to_string(s.max_retries + 1);
  item.attributes["backoff"] = backoff;
  item.attributes["dead_letter"] = backend + "-dlq";
  item.planned_calls = {
      "JetStream STREAM.CREATE " + backend + "-dlq {subjects: [" +
          t.Subject(s.name) +
          ".dlq], max_age: " + FormatDuration(s.retention_seconds) +
          ", storage: file, description: managed-by=encore-agent env=" +
          t.full + "}",
      "JetStream CONSUMER.CREATE " + topic + " " + ConsumerConfig(item)};
  return item;
}

InfraItem CacheItem(const Target& t, const model::AppCache& c,
                    const Settings& ov) {
  std::string backend = t.Local(c.name);
  if (t.IsCloud()) {
    bool aws = t.cloud == "aws";
    InfraItem item = NewItem(
        t, "cache", c.name,
        (aws ? "elasticache:" : "memorystore:") + t.region + "/" + backend);
    item.attributes["maxmemory-policy"] = c.eviction_policy;
    if (auto it = ov.find("node_type"); it != ov.end()) {
      item.attributes["node_type"] = it->second;
    }
    if (auto it = ov.find("max_memory"); it != ov.end()) {
      item.attributes["maxmemory"] = it->second;
    }
    std::string node = Attr(item, "node_type");
    if (aws) {
      item.planned_calls = {
          "elasticache:CreateCacheParameterGroup {CacheParameterGroupName: " +
              backend + ", CacheParameterGroupFamily: redis7}",
          "elasticache:ModifyCacheParameterGroup {CacheParameterGroupName: " +
              backend + ", ParameterNameValues: [maxmemory-policy=" +
              c.eviction_policy + "]}",
          "elasticache:CreateReplicationGroup {ReplicationGroupId: " + backend +
              ", Engine: redis" +
              (node.empty() ? "" : ", CacheNodeType: " + node) +
              ", CacheParameterGroupName: " + backend +
              ", Tags: [managed-by=encore-agent, env=" + t.full + "]}"};
    } else {
      item.planned_calls = {
          "memorystore:projects.locations.instances.create {instanceId: " +
          backend + ", tier: BASIC" +
          (node.empty() ? "" : ", memorySizeGb: " + node) +
          ", redisConfigs: {maxmemory-policy: " + c.eviction_policy +
          "}, labels: {managed-by: encore-agent}}"};
    }
    return item;
  }
  InfraItem item =
      NewItem(t, "cache", c.name, "redis:" + t.cloud + "/" + backend);
  item.attributes["maxmemory-policy"] = c.eviction_policy;
  std::string call =
      "redis-server --port <port> --maxmemory-policy " + c.eviction_policy;
  if (auto it = ov.find("max_memory"); it != ov.end()) {
    item.attributes["maxmemory"] = it->second;
    call += " --maxmemory " + it->second;
  }
  item.planned_calls = {call};
  return item;
}

std::string BucketMeta(const InfraItem& item) {
  return "{managed-by: encore-agent, public: " + Attr(item, "public") +
         ", versioned: " + Attr(item, "versioned") + "}";
}

InfraItem BucketItem(const Target& t, const model::AppBucket& b) {
  std::string pub = b.is_public ? "true" : "false";
  std::string ver = b.versioned ? "true" : "false";
  if (t.IsCloud()) {
    bool aws = t.cloud == "aws";
    std::string backend = t.Local(b.name);
    InfraItem item = NewItem(t, "bucket", b.name,
                             (aws ? "s3:" : "gcs:") + t.region + "/" + backend);
    item.attributes["public"] = pub;
    item.attributes["versioned"] = ver;
    if (aws) {
      item.planned_calls = {
          "s3:CreateBucket {Bucket: " + backend +
              ", CreateBucketConfiguration: {LocationConstraint: " + t.region +
              "}}",
          "s3:PutBucketTagging {Bucket: " + backend +
              ", Tags: [managed-by=encore-agent, env=" + t.full + "]}",
          "s3:PutBucketVersioning {Bucket: " + backend +
              ", Status: " + (b.versioned ? "Enabled" : "Suspended") + "}",
          "s3:PutPublicAccessBlock {Bucket: " + backend +
              ", BlockPublicAcls: " + (b.is_public ? "false" : "true") + "}"};
      if (b.is_public) {
        item.planned_calls.push_back(
            "cloudfront:CreateDistribution {Origin: " + backend + "}");
      }
    } else {
      item.planned_calls = {"gcs:buckets.insert {name: " + backend +
                            ", location: " + t.region +
                            ", versioning: {enabled: " + ver +
                            "}, labels: {managed-by: encore-agent}}"};
      if (b.is_public) {
        item.planned_calls.push_back("gcs:buckets.setIamPolicy {bucket: " +
                                     backend + ", allUsers: objectViewer}");
      }
    }
    return item;
  }
  std::string dir = t.BucketRoot() + b.name;
  InfraItem item = NewItem(t, "bucket", b.name, "disk:" + dir);
  item.attributes["public"] = pub;
  item.attributes["versioned"] = ver;
  item.planned_calls = {
      "mkdir " + dir,
      "write " + dir + "/.encore-bucket.json " + BucketMeta(item)};
  return item;
}

InfraItem CronItem(const Target& t, const model::AppCronJob& c) {
  std::string when = c.schedule.empty()
                         ? "every " + FormatDuration(c.every_seconds)
                         : c.schedule;
  std::string backend = t.Local(c.name);
  std::string id;
  std::string call;
  if (t.cloud == "aws") {
    id = "scheduler:" + t.region + "/" + backend;
    call = "scheduler:CreateSchedule {Name: " + backend +
           ", ScheduleExpression: " +
           (c.schedule.empty() ? "rate(" + FormatDuration(c.every_seconds) + ")"
                               : "cron(" + c.schedule + ")") +
           ", Target: " + c.endpoint + "}";
  } else if (t.cloud == "gcp") {
    id = "cloudscheduler:" + t.region + "/" + backend;
    call = "cloudscheduler:projects.locations.jobs.create {name: " + backend +
           ", schedule: " + when + ", httpTarget: " + c.endpoint + "}";
  } else if (t.cloud == "local") {
    id = "cron:local/" + backend;
    call = "record cron " + backend + " (" + when + ") -> " + c.endpoint +
           " (not triggered in local environments; callable by hand)";
  } else {
    id = "cron:encore/" + backend;
    call = "record cron " + backend + " (" + when + ") -> " + c.endpoint +
           " (schedule recorded; triggering starts with process execution)";
  }
  InfraItem item = NewItem(t, "cron_job", c.name, id);
  item.attributes["schedule"] = when;
  item.attributes["endpoint"] = c.endpoint;
  item.planned_calls = {call};
  return item;
}

InfraItem ProcessItem(const Target& t, const model::ProcessGroup& g,
                      const std::map<std::string, Settings>& service_ov) {
  std::string backend = t.Local(g.name);
  std::string id;
  if (t.platform == "processes") {
    id = "process:" + t.cloud + "/" + backend;
  } else if (t.platform == "fargate") {
    id = "ecs:" + t.region + "/" + backend;
  } else if (t.platform == "cloud_run") {
    id = "cloudrun:" + t.region + "/" + backend;
  } else {
    id = (t.cloud == "aws" ? "eks:" : "gke:") + t.region + "/" + backend;
  }
  InfraItem item = NewItem(t, "process", g.name, id);
  item.attributes["services"] = Join(g.services, ",");
  std::string sizing;
  for (const auto& svc : g.services) {
    auto it = service_ov.find(svc);
    if (it == service_ov.end()) continue;
    for (const auto& [key, value] : it->second) {
      item.attributes[svc + "." + key] = value;
      sizing += ", " + svc + "." + key + ": " + value;
    }
  }
  const std::string services = Join(g.services, ",");
  if (t.platform == "processes") {
    item.planned_calls = {"reserve process " + backend + " {services: [" +
                          services +
                          "]} (started when process execution "
                          "lands)"};
  } else if (t.platform == "fargate") {
    item.planned_calls = {
        "ecs:RegisterTaskDefinition {family: " + backend + ", services: [" +
            services + "]" + sizing + "}",
        "ecs:CreateService {serviceName: " + backend +
            ", taskDefinition: " + backend +
            ", launchType: FARGATE, tags: [managed-by=encore-agent]}"};
  } else if (t.platform == "cloud_run") {
    item.planned_calls = {
        "cloudrun:projects.locations.services.create {name: " + backend +
        ", services: [" + services + "]" + sizing +
        ", labels: {managed-by: encore-agent}}"};
  } else {
    std::string cluster = t.k8s_cluster == "existing"
                              ? "existing cluster " + t.k8s_cluster_name
                              : "new cluster";
    item.planned_calls = {"kubernetes apply Deployment " + backend +
                          " {services: [" + services + "]" + sizing + "} on " +
                          cluster};
  }
  return item;
}

InfraItem GatewayItem(const Target& t) {
  const std::string name = "api-gateway";
  InfraItem item;
  if (t.cloud == "aws") {
    item = NewItem(t, "gateway", name, "elb:" + t.region + "/" + t.Local(name));
    item.planned_calls = {"elbv2:CreateLoadBalancer {Name: " + t.Local(name) +
                          ", Type: application, Tags: "
                          "[managed-by=encore-agent]}"};
  } else if (t.cloud == "gcp") {
    item =
        NewItem(t, "gateway", name, "gclb:" + t.region + "/" + t.Local(name));
    item.planned_calls = {"compute:urlMaps.insert {name: " + t.Local(name) +
                          "}"};
  } else {
    item = NewItem(t, "gateway", name, "gateway:" + t.cloud + "/" + t.env);
    item.planned_calls = {"reserve gateway port for " + t.full};
  }
  return item;
}

// ---- update and delete calls
// -------------------------------------------------

std::vector<std::string> UpdateCalls(const InfraItem& from,
                                     const InfraItem& to) {
  std::vector<std::string> changed;
  std::set<std::string> keys;
  for (const auto& [k, v] : from.attributes) keys.insert(k);
  for (const auto& [k, v] : to.attributes) keys.insert(k);
  for (const auto& k : keys) {
    if (Attr(from, k) != Attr(to, k) ||
        from.attributes.count(k) != to.attributes.count(k)) {
      changed.push_back(k);
    }
  }
  std::vector<std::string> calls;
  const std::string scheme = Scheme(to.provider_id);
  const std::string backend = BackendName(to.provider_id);
  auto has = [&](const std::string& k) {
    return std::find(changed.begin(), changed.end(), k) != changed.end();
  };
  if (to.kind == "sql_database" && scheme == "postgres") {
    std::vector<std::string> old_roles = Split(Attr(from, "roles"), ',');
    std::vector<std::string> new_roles = Split(Attr(to, "roles"), ',');
    for (const auto& r : new_roles) {
      if (std::find(old_roles.begin(), old_roles.end(), r) == old_roles.end()) {
        calls.push_back("CREATE ROLE " + Quoted(r) +
                        " LOGIN PASSWORD '<generated>'");
        if (r != Attr(to, "owner")) {
          calls.push_back("GRANT ALL PRIVILEGES ON DATABASE " +
                          Quoted(backend) + " TO " + Quoted(r));
        }
      }
    }
    if (has("owner")) {
      calls.push_back("ALTER DATABASE " + Quoted(backend) + " OWNER TO " +
                      Quoted(Attr(to, "owner")));
    }
    if (has("connection_limit")) {
      std::string v = Attr(to, "connection_limit");
      calls.push_back("ALTER DATABASE " + Quoted(backend) +
                      " CONNECTION LIMIT " + (v.empty() ? "-1" : v));
    }
    for (const auto& r : old_roles) {
      if (std::find(new_roles.begin(), new_roles.end(), r) == new_roles.end()) {
        calls.push_back("REVOKE ALL PRIVILEGES ON DATABASE " + Quoted(backend) +
                        " FROM " + Quoted(r));
        calls.push_back("DROP ROLE " + Quoted(r));
      }
    }
    return calls;
  }
  if (to.kind == "cache" && scheme == "redis") {
    if (has("maxmemory-policy")) {
      calls.push_back("CONFIG SET maxmemory-policy " +
                      Attr(to, "maxmemory-policy"));
    }
    if (has("maxmemory")) {
      std::string v = Attr(to, "maxmemory");
      calls.push_back("CONFIG SET maxmemory " + (v.empty() ? "0" : v));
    }
    return calls;
  }
  if (to.kind == "pubsub_topic" && scheme == "nats") {
    std::string fields;
    for (const auto& k : changed) {
      std::string v = Attr(to, k);
      if (k == "max_bytes" && v.empty()) v = "-1";
      if (k == "subjects") v = "[" + v + "]";
      fields += (fields.empty() ? "" : ", ") + k + ": " + v;
    }
    calls.push_back("JetStream STREAM.UPDATE " + backend + " {" + fields + "}");
    return calls;
  }
  if (to.kind == "pubsub_subscription" && scheme == "nats") {
    std::string fields;
    for (const auto& k : changed) {
      if (k == "dead_letter") continue;
      std::string v = Attr(to, k);
      if (k == "backoff") v = "[" + v + "]";
      fields += (fields.empty() ? "" : ", ") + k + ": " + v;
    }
    std::string stream = to.provider_id.substr(
        to.provider_id.find('/') + 1,
        to.provider_id.rfind('/') - to.provider_id.find('/') - 1);
    if (!fields.empty()) {
      calls.push_back("JetStream CONSUMER.UPDATE " + stream + " " + backend +
                      " {" + fields + "}");
    }
    if (has("dead_letter")) {
      calls.push_back("JetStream STREAM.CREATE " + Attr(to, "dead_letter"));
    }
    return calls;
  }
  if (to.kind == "bucket" && scheme == "disk") {
    std::string fields;
    for (const auto& k : changed) {
      fields += (fields.empty() ? "" : ", ") + k + ": " + Attr(to, k);
    }
    calls.push_back("write " + to.provider_id.substr(5) +
                    "/.encore-bucket.json {" + fields + "}");
    return calls;
  }
  // Everything else (clouds, cron jobs, processes): one modify call naming
  // the changed attributes and their new values.
  static const std::map<std::string, std::string> kModify = {
      {"rds", "rds:ModifyDBInstance"},
      {"cloudsql", "cloudsql:instances.patch"},
      {"neon", "neon:UpdateBranch"},
      {"elasticache", "elasticache:ModifyReplicationGroup"},
      {"memorystore", "memorystore:projects.locations.instances.patch"},
      {"sns", "sns:SetTopicAttributes"},
      {"sqs", "sqs:SetQueueAttributes"},
      {"pubsub", "pubsub:projects.subscriptions.patch"},
      {"s3", "s3:PutBucketVersioning"},
      {"gcs", "gcs:buckets.patch"},
      {"scheduler", "scheduler:UpdateSchedule"},
      {"cloudscheduler", "cloudscheduler:projects.locations.jobs.patch"},
      {"ecs", "ecs:UpdateService"},
      {"cloudrun", "cloudrun:projects.locations.services.patch"},
      {"eks", "kubernetes apply Deployment"},
      {"gke", "kubernetes apply Deployment"},
      {"cron", "record cron"},
      {"process", "reserve process"}};
  auto it = kModify.find(scheme);
  std::string verb = it == kModify.end() ? "update " + scheme : it->second;
  std::string fields;
  for (const auto& k : changed) {
    std::string v = to.attributes.count(k) ? Attr(to, k) : "<unset>";
    fields += (fields.empty() ? "" : ", ") + k + ": " + v;
  }
  calls.push_back(verb + " " + backend + " {" + fields + "}");
  return calls;
}

std::vector<std::string> DeleteCalls(const InfraItem& item) {
  const std::string scheme = Scheme(item.provider_id);
  const std::string backend = BackendName(item.provider_id);
  if (scheme == "postgres") {
    std::vector<std::string> calls = {"DROP DATABASE " + Quoted(backend)};
    for (const auto& r : Split(Attr(item, "roles"), ',')) {
      calls.push_back("DROP ROLE " + Quoted(r));
    }
    return calls;
  }
  if (scheme == "redis")
    return {"SHUTDOWN NOSAVE (redis-server " + backend + ")"};
  if (scheme == "nats" && item.kind == "pubsub_topic") {
    return {"JetStream STREAM.DELETE " + backend};
  }
  if (scheme == "nats") {
    std::string stream = item.provider_id.substr(
        item.provider_id.find('/') + 1,
        item.provider_id.rfind('/') - item.provider_id.find('/') - 1);
    return {"JetStream CONSUMER.DELETE " + stream + " " + backend,
            "JetStream STREAM.DELETE " + Attr(item, "dead_letter")};
  }
  if (scheme == "disk") return {"rm -r " + item.provider_id.substr(5)};
  static const std::map<std::string, std::string> kDelete = {
      {"rds", "rds:DeleteDBInstance"},
      {"cloudsql", "cloudsql:instances.delete"},
      {"neon", "neon:DeleteBranch"},
      {"elasticache", "elasticache:DeleteReplicationGroup"},
      {"memorystore", "memorystore:projects.locations.instances.delete"},
      {"sns", "sns:DeleteTopic"},
      {"sqs", "sqs:DeleteQueue"},
      {"pubsub", "pubsub:delete"},
      {"s3", "s3:DeleteBucket"},
      {"gcs", "gcs:buckets.delete"},
      {"scheduler", "scheduler:DeleteSchedule"},
      {"cloudscheduler", "cloudscheduler:projects.locations.jobs.delete"},
      {"ecs", "ecs:DeleteService"},
      {"cloudrun", "cloudrun:projects.locations.services.delete"},
      {"eks", "kubernetes delete Deployment"},
      {"gke", "kubernetes delete Deployment"},
      {"elb", "elbv2:DeleteLoadBalancer"},
      {"gclb", "compute:urlMaps.delete"},
      {"cron", "remove cron"},
      {"process", "release process"},
      {"gateway", "release gateway port for"}};
  auto it = kDelete.find(scheme);
  return {(it == kDelete.end() ? "delete " + scheme : it->second) + " " +
          backend};
}

std::string PlanOnlyNote(const InfraItem& item) {
  if (item.status != "plan_only") return "";
  std::string cloud = CloudOfProviderId(item.provider_id);
  return cloud == "gcp" ? kPlanOnlyGcp : kPlanOnlyAws;
}

bool IsAdopted(const InfraItem& item) {
  return item.owner.rfind("adopted:", 0) == 0;
}

bool IsStateful(const std::string& kind) {
  return kind == "sql_database" || kind == "bucket";
}

Operation DeleteOp(const InfraItem& item, const std::string& policy) {
  Operation op;
  op.kind = item.kind;
  op.name = item.name;
  if (IsAdopted(item)) {
    op.action = "retain";
    op.note = "adopted (" + item.owner.substr(8) +
              "): the agent stops using it and never deletes it";
    return op;
  }
  if (IsStateful(item.kind) && policy != "delete") {
    op.action = "retain";
    op.note = "deletion_policy = retain: " + item.provider_id +
              " and its data are kept; the agent stops managing it";
    return op;
  }
  op.action = "delete";
  op.calls = DeleteCalls(item);
  op.note = PlanOnlyNote(item);
  return op;
}

std::string Key(const InfraItem& i) { return i.kind + "\x1f" + i.name; }

// The process groups of a spec, resolved against the model's services.
StatusOr<std::vector<model::ProcessGroup>> ProcessGroups(
    const model::AppModel& m, const model::EnvironmentSpec& spec) {
  std::vector<std::string> services;
  for (const auto& s : m.services) services.push_back(s.name);
  const std::string& alloc = spec.process_allocation;
  if (!spec.process_groups.empty() && !alloc.empty()) {
    return Status::InvalidArgument(
        "process_allocation = \"" + alloc +
        "\" and process_group blocks are exclusive; remove one of them");
  }
  if (spec.process_groups.empty()) {
    if (alloc.empty() || alloc == "single") {
      return std::vector<model::ProcessGroup>{{"main", services}};
    }
    if (alloc == "per_service") {
      std::vector<model::ProcessGroup> out;
      for (const auto& s : services) out.push_back({s, {s}});
      return out;
    }
    return Status::InvalidArgument("process_allocation = \"" + alloc +
                                   "\" is not one of \"single\" or "
                                   "\"per_service\"");
  }
  std::map<std::string, std::string> group_of;
  std::set<std::string> group_names;
  for (const auto& g : spec.process_groups) {
    if (!group_names.insert(g.name).second) {
      return Status::InvalidArgument("process_group \"" + g.name +
                                     "\" is declared twice; give each group "
                                     "its own name");
    }
    for (const auto& s : g.services) {
      if (std::find(services.begin(), services.end(), s) == services.end()) {
        return Status::InvalidArgument(
            "process_group \"" + g.name + "\" names service \"" + s +
            "\", which the app model does not have; the model's services: " +
            (services.empty() ? std::string("none")
                              : model::QuotedList(services, "and")));
      }
      auto [it, fresh] = group_of.emplace(s, g.name);
      if (!fresh) {
        return Status::InvalidArgument(
            "service \"" + s + "\" is in two process groups (\"" + it->second +
            "\" and \"" + g.name + "\"); put each service in exactly one");
      }
    }
  }
  for (const auto& s : services) {
    if (!group_of.count(s)) {
      return Status::InvalidArgument(
          "service \"" + s +
          "\" is in no process_group; add it to exactly one group");
    }
  }
  return spec.process_groups;
}

}  // namespace

std::string EffectiveDeletionPolicy(const model::EnvironmentSpec& spec) {
  if (!spec.deletion_policy.empty()) return spec.deletion_policy;
  return spec.type == "production" ? "retain" : "delete";
}

StatusOr<std::vector<model::InfraItem>> DesiredInfrastructure(
    const model::AppModel& m, const model::EnvironmentSpec& spec,
    const std::vector<model::InfraOverride>& overrides) {
  Target t;
  t.app = spec.app;
  t.env = EnvToken(spec.name);
  t.full = spec.app + "/" + spec.name;
  t.cloud = spec.cloud.empty() ? "local" : spec.cloud;
  t.region = spec.region;
  t.status = t.IsCloud() ? "plan_only" : "planned";
  if (spec.database) {
    t.db_provider = spec.database->provider;
    if (spec.database->existing_server)
      t.server = &*spec.database->existing_server;
  }
  if (t.db_provider.empty()) {
    t.db_provider = t.cloud == "aws"   ? "rds"
                    : t.cloud == "gcp" ? "cloudsql"
                                       : "postgres";
  }
  if (spec.compute) {
    t.platform = spec.compute->platform;
    if (spec.compute->kubernetes) {
      t.k8s_provider = spec.compute->kubernetes->provider;
      t.k8s_cluster = spec.compute->kubernetes->cluster;
      t.k8s_cluster_name = spec.compute->kubernetes->cluster_name;
    }
  }
  if (t.platform.empty()) {
    t.platform = t.cloud == "aws"   ? "fargate"
                 : t.cloud == "gcp" ? "cloud_run"
                                    : "processes";
  }

  // Names per kind in the model, for overrides and adopt blocks.
  std::map<std::string, std::set<std::string>> known;
  for (const auto& d : m.databases) known["sql_database"].insert(d.name);
  for (const auto& c : m.caches) known["cache"].insert(c.name);
  for (const auto& x : m.topics) known["pubsub_topic"].insert(x.name);
  for (const auto& x : m.subscriptions)
    known["pubsub_subscription"].insert(x.name);
  for (const auto& b : m.buckets) known["bucket"].insert(b.name);
  for (const auto& s : m.services) known["service"].insert(s.name);

  // Overrides: kind -> name -> settings.
  std::map<std::string, std::map<std::string, Settings>> ov;
  for (const auto& o : overrides) {
    auto kit = OverrideKeys().find(o.kind);
    if (kit == OverrideKeys().end()) {
      std::vector<std::string> kinds;
      for (const auto& [k, v] : OverrideKeys()) kinds.push_back(k);
      return Status::InvalidArgument("override kind \"" + o.kind +
                                     "\" is not one of " +
                                     model::QuotedList(kinds));
    }
    if (!known[o.kind].count(o.name)) {
      return Status::InvalidArgument(
          "override " + o.kind + " \"" + o.name +
          "\" names something the app model does not have; declare it in the "
          "model or fix the name");
    }
    for (const auto& [key, value] : o.settings) {
      const auto& allowed = kit->second;
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return Status::InvalidArgument(
            "override " + o.kind + " \"" + o.name + "\" has unknown key \"" +
            key + "\"; " +
            (allowed.empty() ? o.kind + " overrides have no settings"
                             : "allowed: " + model::QuotedList(allowed)));
      }
      Status st = CheckOverrideValue(o, key, value);
      if (!st.ok()) return st;
    }
    ov[o.kind][o.name] = o.settings;
  }
  auto settings = [&](const std::string& kind, const std::string& name) {
    auto it = ov.find(kind);
    if (it == ov.end()) return Settings{};
    auto jt = it->second.find(name);
    return jt == it->second.end() ? Settings{} : jt->second;
  };

  auto groups = ProcessGroups(m, spec);
  if (!groups.ok()) return groups.status();

  std::vector<InfraItem> items;
  for (const auto& d : m.databases) {
    items.push_back(DatabaseItem(t, m, d, settings("sql_database", d.name)));
  }
  for (const auto& x : m.topics) {
    items.push_back(TopicItem(t, m, x, settings("pubsub_topic", x.name)));
  }
  for (const auto& s : m.subscriptions) items.push_back(SubscriptionItem(t, s));
  for (const auto& c : m.caches) {
    items.push_back(CacheItem(t, c, settings("cache", c.name)));
  }
  for (const auto& b : m.buckets) items.push_back(BucketItem(t, b));
  for (const auto& c : m.cron_jobs) items.push_back(CronItem(t, c));
  std::map<std::string, Settings> service_ov =
      ov.count("service") ? ov["service"] : std::map<std::string, Settings>{};
  for (const auto& g : *groups) items.push_back(ProcessItem(t, g, service_ov));
  items.push_back(GatewayItem(t));

  // Adopt blocks.
  std::set<std::string> adopted;
  for (const auto& a : spec.adopt) {
    static const std::vector<std::string> kAdoptable = {
        "sql_database", "cache", "pubsub_topic", "pubsub_subscription",
        "bucket"};
    if (std::find(kAdoptable.begin(), kAdoptable.end(), a.kind) ==
        kAdoptable.end()) {
      return Status::InvalidArgument("adopt kind \"" + a.kind +
                                     "\" is not one of " +
                                     model::QuotedList(kAdoptable));
    }
    std::string policy = a.policy.empty() ? "observe" : a.policy;
    if (policy != "observe" && policy != "manage") {
      return Status::InvalidArgument("adopt " + a.kind + " \"" + a.name +
                                     "\": policy \"" + a.policy +
                                     "\" is not one of \"observe\" or "
                                     "\"manage\"");
    }
    if (!known[a.kind].count(a.name)) {
      return Status::InvalidArgument(
          "adopt " + a.kind + " \"" + a.name +
          "\" names something the app model does not have; declare it in the "
          "model or fix the name");
    }
    if (!adopted.insert(a.kind + "/" + a.name).second) {
      return Status::InvalidArgument("adopt " + a.kind + " \"" + a.name +
                                     "\" is declared twice");
    }
    for (auto& item : items) {
      if (item.kind != a.kind || item.name != a.name) continue;
      item.owner = "adopted:" + policy;
      std::vector<std::string> calls = {
          "read " + item.provider_id +
          " (adopt: it must exist; a mark of another tool is reported)"};
      if (policy == "manage") {
        calls.push_back("mark " + item.provider_id +
                        " managed-by=encore-agent env=" + t.full);
        InfraItem empty = item;
        empty.attributes.clear();
        for (auto& c : UpdateCalls(empty, item)) calls.push_back(c);
      }
      item.planned_calls = calls;
    }
  }

  std::stable_sort(items.begin(), items.end(),
                   [](const InfraItem& a, const InfraItem& b) {
                     if (a.kind != b.kind) return a.kind < b.kind;
                     return a.name < b.name;
                   });
  return items;
}

std::vector<model::Operation> DiffInfrastructure(
    const std::vector<model::InfraItem>& current,
    const std::vector<model::InfraItem>& desired,
    const std::string& deletion_policy) {
  std::map<std::string, const InfraItem*> now;
  for (const auto& i : current) now[Key(i)] = &i;
  std::set<std::string> wanted;
  std::vector<Operation> ops;
  std::vector<Operation> deletes;
  for (const auto& d : desired) {
    wanted.insert(Key(d));
    Operation op;
    op.kind = d.kind;
    op.name = d.name;
    op.note = PlanOnlyNote(d);
    auto it = now.find(Key(d));
    if (it == now.end()) {
      op.action = IsAdopted(d) ? "adopt" : "create";
      op.calls = d.planned_calls;
      ops.push_back(op);
      continue;
    }
    const InfraItem& c = *it->second;
    if (c.provider_id != d.provider_id) {
      // Moved to another backend (e.g. an existing server): make it there,
      // and let go of the old one by the deletion policy.
      op.action = IsAdopted(d) ? "adopt" : "create";
      op.calls = d.planned_calls;
      ops.push_back(op);
      deletes.push_back(DeleteOp(c, deletion_policy));
      continue;
    }
    if (c.owner != d.owner && IsAdopted(d)) {
      op.action = "adopt";
      op.calls = d.planned_calls;
      ops.push_back(op);
      continue;
    }
    if (c.attributes == d.attributes && c.owner == d.owner) {
      op.action = "no-op";
      op.note.clear();
      ops.push_back(op);
      continue;
    }
    op.action = "update";
    if (d.owner == "adopted:observe") {
      // Observed: never written. The change is the agent's view only.
      op.calls = {};
      op.note =
          "adopted (observe): the agent records the change and never "
          "writes it";
    } else {
      op.calls = UpdateCalls(c, d);
    }
    ops.push_back(op);
  }
  for (const auto& c : current) {
    if (!wanted.count(Key(c))) deletes.push_back(DeleteOp(c, deletion_policy));
  }
  for (auto& d : deletes) ops.push_back(std::move(d));
  return ops;
}

bool ChangesInfrastructure(const std::vector<model::Operation>& ops) {
  return std::any_of(ops.begin(), ops.end(),
                     [](const Operation& op) { return op.action != "no-op"; });
}

std::vector<model::Operation> TeardownOperations(
    const std::vector<model::InfraItem>& current,
    const std::string& deletion_policy) {
  std::vector<Operation> ops;
  for (const auto& c : current) ops.push_back(DeleteOp(c, deletion_policy));
  return ops;
}

}  // namespace encore::agent
