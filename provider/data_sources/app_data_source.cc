// Data source encore_app: an app the agent knows, with its model.
#include <memory>
#include <string>

#include "provider/catalog.h"
#include "provider/data_sources/lookup_arguments.h"
#include "provider/framework/checks.h"

namespace encore::catalog {
namespace {

using data_sources::ComputedString;
using data_sources::ComputedStringList;

framework::Schema MakeSchema() {
  framework::Schema schema;
  schema.block.Doc(
      "Looks up an app the agent knows (made by an `encore_app` resource, "
      "here or in another configuration) and its application model.");
  schema.block.Add(
      framework::StringAttr("name")
          .Required()
          .Check(framework::MatchesPattern(resources::kAppNamePattern,
                                           resources::kAppNameMeaning))
          .Doc("The app's name."));
  schema.block.Add(ComputedString("id", "The app's id: its name."));
  schema.block.Add(ComputedString(
      "model",
      "The application model as JSON: services, databases, topics, "
      "subscriptions, caches, cron jobs, buckets and secrets."));
  schema.block.Add(ComputedString(
      "model_hash",
      "A hash of the model's canonical form; it changes whenever the model "
      "does."));
  schema.block.Add(ComputedStringList(
      "services", "The names of the model's services, sorted."));
  return schema;
}

class AppDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "encore_app"; }
  const framework::Schema& schema() const override { return schema_; }

 private:
  framework::Schema schema_ = MakeSchema();
};

}  // namespace

std::unique_ptr<DataSource> NewAppDataSource() {
  return std::make_unique<AppDataSource>();
}

}  // namespace encore::catalog
