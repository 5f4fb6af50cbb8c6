// Data source encore_environments: an app's environments, optionally of
// one type.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/framework/checks.h"

namespace encore::catalog {
namespace {

using data_sources::ComputedString;
using values::Type;

framework::Schema MakeSchema() {
  framework::Schema schema;
  framework::Block& b = schema.block;
  b.Doc(
      "Lists an app's environments, optionally only those of one type (for "
      "example every preview environment, to clean up old ones).");
  b.Add(data_sources::AppArgument());
  b.Add(framework::StringAttr("type")
            .Optional()
            .Check(framework::OneOf(
                {"production", "development", "preview", "local"}))
            .Doc("Only environments of this type: `production`, "
                 "`development`, `preview` or `local`. All when unset."));
  b.Add(ComputedString("id", "`APP` or `APP/TYPE`: what was listed."));
  b.Add(framework::Attribute("environments", Type::List(Type::Object({
                                                 {"name", Type::String()},
                                                 {"type", Type::String()},
                                                 {"cloud", Type::String()},
                                                 {"url", Type::String()},
                                                 {"status", Type::String()},
                                             })))
            .Computed()
            .Doc("The environments, sorted by name: `name`, `type`, `cloud`, "
                 "`url` (the gateway URL) and `status`."));
  return schema;
}

class EnvironmentsDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_environments"; }
  const framework::Schema& schema() const override { return schema_; }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewEnvironmentsDataSource() {
  return std::make_unique<EnvironmentsDataSource>();
}

}  // namespace encore::catalog
