// Ephemeral resource encore_database_credentials: a short-lived login for
// one environment's database (a PostgreSQL role with VALID UNTIL, renewed
// while Terraform runs, dropped on close). Never in plan or state.
#include "provider/ephemeral/database_credentials.h"

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "model/duration.h"
#include "provider/catalog.h"
#include "provider/config/provider_settings.h"
#include "provider/data_sources/agent_lookup.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/framework/checks.h"
#include "provider/resources/agent_calls.h"
#include "provider/resources/common.h"

namespace encore {
namespace ephemeral {

framework::ValueCheck TtlBetweenLimits() {
  return framework::ValueCheck{
      "A duration between `1m` and `12h`, such as `15m` or `2h`.",
      [](const values::Value& value, const AttributePath& path,
         Diagnostics& diags) {
        const std::string& text = value.AsString();
        std::optional<int64_t> seconds = model::ParseDurationSeconds(text);
        if (!seconds.has_value()) {
          diags.AddAttributeError(
              path, "Invalid duration",
              "\"" + text +
                  "\" is not a duration. Write a number and a unit (s, m, "
                  "h), e.g. \"15m\" or \"1h30m\".");
          return;
        }
        if (*seconds < kMinTtlSeconds || *seconds > kMaxTtlSeconds) {
          diags.AddAttributeError(
              path, "Credentials lifetime out of range",
              "ttl = \"" + text +
                  "\" is outside what the agent issues: choose a duration "
                  "between 1m and 12h (the default is 15m). Terraform renews "
                  "the login while it runs, so a short ttl is enough.");
        }
      }};
}

int64_t TtlSeconds(const values::Value& ttl) {
  std::optional<int64_t> seconds;
  if (ttl.IsKnown()) seconds = model::ParseDurationSeconds(ttl.AsString());
  if (!seconds) seconds = model::ParseDurationSeconds(kDefaultTtl);
  return *seconds;
}

std::chrono::system_clock::time_point RenewAt(
    std::chrono::system_clock::time_point now, int64_t ttl_seconds) {
  return now + std::chrono::seconds(ttl_seconds * 2 / 3);
}

std::string PrivateJson(const LoginPrivate& p) {
  return nlohmann::json{{"app", p.app},
                        {"env", p.env},
                        {"database", p.database},
                        {"login", p.login},
                        {"ttl_seconds", p.ttl_seconds}}
      .dump();
}

std::optional<LoginPrivate> ParseLoginPrivate(
    const std::optional<std::string>& data) {
  if (!data) return std::nullopt;
  auto j = nlohmann::json::parse(*data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  LoginPrivate p;
  for (auto [key, out] :
       {std::pair{"app", &p.app}, std::pair{"env", &p.env},
        std::pair{"database", &p.database}, std::pair{"login", &p.login}}) {
    if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
    *out = j[key].get<std::string>();
  }
  if (!j.contains("ttl_seconds") || !j["ttl_seconds"].is_number_integer()) {
    return std::nullopt;
  }
  p.ttl_seconds = j["ttl_seconds"].get<int64_t>();
  if (p.login.empty() || p.ttl_seconds <= 0) return std::nullopt;
  return p;
}

}  // namespace ephemeral

namespace catalog {
namespace {

using data_sources::ComputedNumber;
using data_sources::ComputedString;
using resources::AttrOr;
using resources::KnownString;
using values::Type;
using values::Value;

// A libpq URI (RFC 3986 escaping), as the connection_string function
// builds it.
std::string PercentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string ConnectionString(const model::DatabaseCredentials& c) {
  std::string host = c.host;
  if (host.find(':') != std::string::npos && host.front() != '[') {
    host = "[" + host + "]";
  }
  std::string uri = "postgresql://" + PercentEncode(c.login) + ":" +
                    PercentEncode(c.password) + "@" + host + ":" +
                    std::to_string(c.port) + "/" + PercentEncode(c.database);
  if (!c.sslmode.empty()) uri += "?sslmode=" + PercentEncode(c.sslmode);
  return uri;
}

Value StringOrNull(const std::string& s) {
  return s.empty() ? Value::Null(Type::String()) : Value::String(s);
}

const char kNotRenewable[] =
    "Terraform handed back private data this provider cannot read (from "
    "another provider version?), so the login cannot be ";

framework::Schema MakeSchema() {
  framework::Schema schema;
  framework::Block& b = schema.block;
  b.Doc(
      "Issues a short-lived login for one environment's SQL database: a real "
      "PostgreSQL role with `VALID UNTIL`, renewed while Terraform runs and "
      "dropped when it is done. The credentials never reach the plan or the "
      "state (Terraform 1.10 or later), so use them for providers that "
      "connect during apply, such as a PostgreSQL provider managing roles "
      "and grants.");
  b.Add(data_sources::AppArgument());
  b.Add(data_sources::EnvArgument());
  b.Add(framework::StringAttr("database")
            .Required()
            .Check(framework::MatchesPattern(data_sources::kObjectNamePattern,
                                             data_sources::kObjectNameMeaning))
            .Doc("The SQL database's name, as the app's model declares it."));
  b.Add(framework::StringAttr("ttl")
            .Default(values::Value::String(ephemeral::kDefaultTtl))
            .Check(ephemeral::TtlBetweenLimits())
            .Doc("How long the login is valid; Terraform renews it while it "
                 "runs, so a short lifetime is enough."));
  b.Add(framework::StringAttr("role")
            .Default(values::Value::String("read_write"))
            .Check(framework::OneOf({"read_write", "read_only"}))
            .Doc("What the login may do: `read_write` (the default: the "
                 "access of the service, or of the database owner) or "
                 "`read_only` (SELECT on the tables and sequences of schema "
                 "`public` as they are when the login is issued)."));
  b.Add(framework::StringAttr("service")
            .Optional()
            .Check(framework::MatchesPattern(data_sources::kObjectNamePattern,
                                             data_sources::kObjectNameMeaning))
            .Doc("The service whose access to the database the login gets; "
                 "without it, the database owner's access."));
  b.Add(ComputedString("host", "The database server's host name or IP."));
  b.Add(ComputedNumber("port", "The database server's port."));
  b.Add(ComputedString(
      "server_database",
      "The database's name on the server: `database` itself locally; hosted "
      "environments name it per environment. `connection_string` (the "
      "attribute and the function) uses it."));
  b.Add(ComputedString("user", "The temporary role's name."));
  b.Add(
      ComputedString("password", "The temporary role's password.").Sensitive());
  b.Add(ComputedString("sslmode",
                       "The libpq `sslmode` to connect with, e.g. `disable` "
                       "or `require`."));
  b.Add(ComputedString("expires_at",
                       "When the login stops working unless renewed (RFC "
                       "3339, UTC): the PostgreSQL role's `VALID UNTIL`. "
                       "Terraform renews it after about two thirds of `ttl` "
                       "while it runs, and the role is dropped when "
                       "Terraform is done."));
  b.Add(ComputedString("connection_string",
                       "A `postgresql://` URI with the host, port, "
                       "server_database, user, password and sslmode.")
            .Sensitive());
  return schema;
}

class DatabaseCredentials final : public EphemeralResource {
 public:
  std::string type_name() const override {
    return "encore_database_credentials";
  }
  const framework::Schema& schema() const override { return schema_; }

  void Open(const framework::OpenRequest& req,
            framework::OpenResponse& resp) const override {
    const Value& config = req.config;
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    auto app = data_sources::ResolveApp(req.ctx, config, resp.diags);
    if (!app) return;
    auto env = data_sources::ResolveEnvironment(req.ctx, *client, *app, config,
                                                resp.diags);
    if (!env) return;
    const std::string database =
        KnownString(AttrOr(config, "database")).value_or("");
    const std::string service =
        KnownString(AttrOr(config, "service")).value_or("");
    const int64_t ttl = ephemeral::TtlSeconds(AttrOr(config, "ttl"));
    const std::string role =
        KnownString(AttrOr(config, "role")).value_or("read_write");
    auto creds = client->IssueDatabaseCredentials(
        *app, env->spec.name, database, service, ttl, role == "read_only");
    if (!creds.ok()) {
      resources::AddAgentError(req.ctx, creds.status(),
                               "issuing a login for database " + database +
                                   " of environment " + *app + "/" +
                                   env->spec.name,
                               resp.diags);
      return;
    }
    std::map<std::string, Value> attrs;
    attrs["app"] = Value::String(*app);
    attrs["env"] = Value::String(env->spec.name);
    attrs["database"] = Value::String(database);
    attrs["ttl"] = AttrOr(config, "ttl").IsKnown()
                       ? AttrOr(config, "ttl")
                       : Value::String(ephemeral::kDefaultTtl);
    attrs["role"] = Value::String(role);
    attrs["service"] = StringOrNull(service);
    attrs["host"] = StringOrNull(creds->host);
    attrs["port"] =
        creds->port > 0 ? Value::Int(creds->port) : Value::Null(Type::Number());
    attrs["server_database"] = StringOrNull(creds->database);
    attrs["user"] = StringOrNull(creds->login);
    attrs["password"] = StringOrNull(creds->password);
    attrs["sslmode"] = StringOrNull(creds->sslmode);
    attrs["expires_at"] = StringOrNull(creds->valid_until);
    if (!creds->host.empty() && creds->port > 0 && !creds->database.empty()) {
      attrs["connection_string"] = Value::String(ConnectionString(*creds));
    }
    resp.result =
        Value::ObjectOf(schema_.block.ImpliedType(), std::move(attrs));
    resp.renew_at = ephemeral::RenewAt(std::chrono::system_clock::now(), ttl);
    resp.private_data = ephemeral::PrivateJson(
        {*app, env->spec.name, database, creds->login, ttl});
  }

  void Renew(const framework::RenewRequest& req,
             framework::RenewResponse& resp) const override {
    auto p = ephemeral::ParseLoginPrivate(req.private_data);
    if (!p) {
      resp.diags.AddError("Cannot renew the database login",
                          std::string(kNotRenewable) +
                              "renewed; it expires at its VALID UNTIL.");
      return;
    }
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    auto renewed = client->RenewDatabaseCredentials(p->app, p->env, p->database,
                                                    p->login, p->ttl_seconds);
    if (!renewed.ok()) {
      resources::AddAgentError(req.ctx, renewed.status(),
                               "renewing login " + p->login + " of database " +
                                   p->database + " in environment " + p->app +
                                   "/" + p->env,
                               resp.diags);
      return;
    }
    resp.renew_at =
        ephemeral::RenewAt(std::chrono::system_clock::now(), p->ttl_seconds);
    resp.private_data = req.private_data;
  }

  void Close(const framework::CloseRequest& req,
             framework::CloseResponse& resp) const override {
    auto p = ephemeral::ParseLoginPrivate(req.private_data);
    if (!p) {
      resp.diags.AddWarning("Database login not dropped",
                            std::string(kNotRenewable) +
                                "dropped now; it expires at its VALID UNTIL.");
      return;
    }
    auto client = config::ClientOf(req.ctx, resp.diags);
    if (!client) return;
    Status s = client->RevokeDatabaseCredentials(p->app, p->env, p->database,
                                                 p->login);
    if (!s.ok() && s.code() != StatusCode::kNotFound) {
      resources::AddAgentError(req.ctx, s,
                               "dropping login " + p->login + " of database " +
                                   p->database + " in environment " + p->app +
                                   "/" + p->env,
                               resp.diags);
    }
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<EphemeralResource> NewDatabaseCredentialsEphemeral() {
  return std::make_unique<DatabaseCredentials>();
}

}  // namespace catalog
}  // namespace encore
