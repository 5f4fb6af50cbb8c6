// Ephemeral resource encore_database_credentials: a short-lived login for
// one environment's database (a PostgreSQL role with VALID UNTIL, renewed
// while Terraform runs, dropped on close). Never in plan or state.
#include "provider/ephemeral/database_credentials.h"

#include "model/duration.h"

#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/framework/checks.h"

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

}  // namespace ephemeral

namespace catalog {
namespace {

using data_sources::ComputedNumber;
using data_sources::ComputedString;

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
            .Doc("What the login may do: `read_write` (read and change the "
                 "database's data) or `read_only`."));
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
                       "3339, UTC)."));
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

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<EphemeralResource> NewDatabaseCredentialsEphemeral() {
  return std::make_unique<DatabaseCredentials>();
}

}  // namespace catalog
}  // namespace encore
