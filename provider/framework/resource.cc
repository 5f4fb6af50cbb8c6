#include "provider/framework/resource.h"

#include <string>

#include "provider/framework/not_available.h"
#include "provider/values/json_codec.h"

namespace encore::framework {

void Resource::Create(const ApplyRequest& req, ApplyResponse& resp) const {
  internal::AddNotAvailable(type_name(), "apply", resp.diags);
}

void Resource::Read(const ReadRequest& req, ReadResponse& resp) const {
  internal::AddNotAvailable(type_name(), "refresh", resp.diags);
}

void Resource::Update(const ApplyRequest& req, ApplyResponse& resp) const {
  internal::AddNotAvailable(type_name(), "apply", resp.diags);
}

void Resource::Delete(const ApplyRequest& req, ApplyResponse& resp) const {
  internal::AddNotAvailable(type_name(), "destroy", resp.diags);
}

void Resource::Import(const ImportRequest& req, ImportResponse& resp) const {
  resp.diags.AddError(
      type_name() + ": import is not available yet",
      "Importing reads the existing object through encore-agent, which is "
      "not part of this build yet. Once it is, the import id has the form " +
          import_id_format() + " (the id given was \"" + req.id +
          "\"). Nothing was changed.");
}

void Resource::UpgradeState(const UpgradeRequest& req,
                            UpgradeResponse& resp) const {
  const Schema& s = schema();
  if (req.version == s.version) {
    StatusOr<Value> v = values::DecodeJson(req.raw_json, s.block.ImpliedType(),
                                           /*ignore_extra_attributes=*/true);
    if (!v.ok()) {
      resp.diags.AddError(
          "Invalid stored state",
          "The state stored for this " + type_name() +
              " resource could not be read: " + v.status().message() +
              ". Remove it with `terraform state rm` and import it again.");
      return;
    }
    resp.upgraded_state = std::move(v).value();
    return;
  }
  if (req.version > s.version) {
    resp.diags.AddError(
        type_name() + ": state written by a newer provider version",
        "The state of this " + type_name() +
            " resource was written by a newer provider version (schema "
            "version " +
            std::to_string(req.version) + "; this provider knows up to " +
            std::to_string(s.version) +
            "). Upgrade the provider to the version that wrote it, or later.");
    return;
  }
  resp.diags.AddError(
      type_name() + ": no upgrade path for stored state",
      "The state of this " + type_name() +
          " resource was written with schema version " +
          std::to_string(req.version) + ", and this provider (schema version " +
          std::to_string(s.version) +
          ") has no upgrade path from it. Use the provider version that wrote "
          "the state, or remove the resource from the state with `terraform "
          "state rm` and import it again.");
}

}  // namespace encore::framework
