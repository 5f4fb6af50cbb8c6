// Data source encore_sql_database: how to connect to one of an environment's
// SQL databases.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/data_sources/agent_lookup.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/resources/agent_calls.h"
#include "model/text.h"
#include <map>
#include <vector>

namespace encore::catalog {
namespace {

using values::Type;
using values::Value;

using data_sources::ComputedNumber;
using data_sources::ComputedString;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block = data_sources::LookupBlock(
      "Looks up one of the app's SQL databases in an environment: how to "
      "connect to it. Lets Terraform-owned infrastructure (a role, a read "
      "replica, a migration job) use the database Encore provisioned.",
      "SQL database",
      {
          ComputedString("host",
                         "The database server's host name or IP address." + std::string(data_sources::kUntilProvisioned)),
          ComputedNumber("port", "The database server's port." + std::string(data_sources::kUntilProvisioned)),
          ComputedString(
              "database",
              "The database's name on the server (it may differ from `name`: "
              "hosted environments prefix it per environment)." + std::string(data_sources::kUntilProvisioned)),
          ComputedString("user", "The role the app connects as." + std::string(data_sources::kUntilProvisioned)),
          ComputedString("password", "The role's password." + std::string(data_sources::kUntilProvisioned)).Sensitive(),
          ComputedString("sslmode",
                         "The libpq `sslmode` to connect with, e.g. `disable` "
                         "or `require`." + std::string(data_sources::kUntilProvisioned)),
          ComputedString(
              "connection_string",
              "A `postgresql://` URI with the host, port, database, user, "
              "password and sslmode (see the "
              "`connection_string` function)." + std::string(data_sources::kUntilProvisioned))
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
    resp.state = data_sources::LookupState(schema_.block, l->env,
                                           "sql_database", l->name, l->item,
                                           {});
  }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewSqlDatabaseDataSource() {
  return std::make_unique<SqlDatabaseDataSource>();
}

}  // namespace encore::catalog
