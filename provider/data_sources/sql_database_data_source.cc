// Data source encore_sql_database: how to connect to one of an environment's
// SQL databases.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/text.h"
#include "provider/catalog.h"
#include "provider/data_sources/agent_lookup.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/resources/agent_calls.h"

namespace encore::catalog {
namespace {

using values::Type;
using values::Value;

using data_sources::ComputedNumber;
using data_sources::ComputedString;

// libpq's URI escaping (RFC 3986): all but the unreserved characters.
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

framework::Schema MakeSchema() {
  const std::string until = data_sources::kNullWhenNotProvisioned;
  framework::Schema schema;
  schema.block = data_sources::LookupBlock(
      "Looks up one of the app's SQL databases in an environment: how to "
      "connect to it. Lets Terraform-owned infrastructure (a role, a read "
      "replica, a migration job) use the database Encore provisioned. The "
      "connection facts come from the agent once it has provisioned the "
      "database.",
      "SQL database",
      {
          ComputedString(
              "host", "The database server's host name or IP address." + until),
          ComputedNumber("port", "The database server's port." + until),
          ComputedString(
              "database",
              "The database's name on the server (it may differ from `name`: "
              "hosted environments prefix it per environment)." +
                  until),
          ComputedString("user", "The role the app connects as." + until),
          ComputedString("password",
                         "The role's password (the agent hands it to callers "
                         "allowed to read it: admin for production, member "
                         "otherwise)." +
                             until)
              .Sensitive(),
          ComputedString("sslmode",
                         "The libpq `sslmode` to connect with, e.g. `disable` "
                         "or `require`; null when the agent names none." +
                             until),
          ComputedString(
              "connection_string",
              "A `postgresql://` URI with the host, port, database, user, "
              "password and sslmode (as the `connection_string` function "
              "builds it); null unless host, port, database and user are "
              "known, and without the password when the token may not read "
              "it." +
                  until)
              .Sensitive(),
          ComputedString(
              "provider_id",
              "The backend's own identifier for the database (server and "
              "database, an RDS or Cloud SQL resource name)."),
      });
  return schema;
}

class SqlDatabaseDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_sql_database"; }
  const framework::Schema& schema() const override { return schema_; }

  void Read(const framework::DataReadRequest& req,
            framework::DataReadResponse& resp) const override {
    auto l = data_sources::StartLookup(req, "sql_database", resp.diags);
    if (!l) return;
    auto f = data_sources::FetchResourceFacts(req.ctx, *l, "sql_database",
                                              /*include_credentials=*/true,
                                              resp.diags);
    if (resp.diags.HasError()) return;
    const model::ResourceFacts* rf = f ? &*f : nullptr;
    std::map<std::string, Value> facts;
    facts["host"] = data_sources::FactString(rf, "host");
    facts["port"] = data_sources::FactNumber(rf, "port");
    facts["database"] = data_sources::FactString(rf, "database");
    facts["user"] = data_sources::FactString(rf, "user");
    facts["password"] = data_sources::FactString(rf, "password");
    facts["sslmode"] = data_sources::FactString(rf, "sslmode");
    if (rf && !rf->provider_id.empty()) {
      facts["provider_id"] = Value::String(rf->provider_id);
    }
    if (facts["host"].IsKnown() && facts["port"].IsKnown() &&
        facts["database"].IsKnown() && facts["user"].IsKnown()) {
      const std::string& host = facts["host"].AsString();
      std::string uri =
          "postgresql://" + PercentEncode(facts["user"].AsString());
      if (facts["password"].IsKnown()) {
        uri += ":" + PercentEncode(facts["password"].AsString());
      }
      uri += "@" +
             (host.find(':') != std::string::npos && host.front() != '['
                  ? "[" + host + "]"
                  : host) +
             ":" + facts["port"].AsNumber().ToString() + "/" +
             PercentEncode(facts["database"].AsString());
      if (facts["sslmode"].IsKnown()) {
        uri += "?sslmode=" + PercentEncode(facts["sslmode"].AsString());
      }
      facts["connection_string"] = Value::String(std::move(uri));
    }
    resp.state =
        data_sources::LookupState(schema_.block, l->env, "sql_database",
                                  l->name, l->item, std::move(facts));
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewSqlDatabaseDataSource() {
  return std::make_unique<SqlDatabaseDataSource>();
}

}  // namespace encore::catalog
