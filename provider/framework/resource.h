// Resource: one Terraform resource type (house rule 2: one per file).
//
// A resource declares its schema once and implements the verbs it supports.
// The framework (provider_server.h) does the generic work from the schema:
// validation, planning (defaults, computed-unknown, RequiresReplace,
// semantic equality), state upgrade of the current version, and turning
// ApplyResourceChange into Create / Update / Delete. A verb a resource does
// not implement answers with an error diagnostic that says so (never a
// fake success).
#ifndef ENCORE_PROVIDER_FRAMEWORK_RESOURCE_H_
#define ENCORE_PROVIDER_FRAMEWORK_RESOURCE_H_

#include <string>
#include <vector>

#include "provider/core/diagnostics.h"
#include "provider/framework/call_context.h"
#include "provider/framework/schema.h"

namespace encore::framework {

struct PlanRequest {
  const CallContext& ctx;
  const Value& prior_state;  // null on create
  const Value& config;
  const std::string& prior_private;
};
struct PlanResponse {
  Value planned_state;  // filled by the generic plan; the resource may edit
  std::vector<AttributePath> requires_replace;
  std::string planned_private;
  Diagnostics diags;
};

struct ApplyRequest {
  const CallContext& ctx;
  const Value& prior_state;    // null on create
  const Value& planned_state;  // null on delete
  const Value& config;         // null on delete
  const std::string& planned_private;
};
struct ApplyResponse {
  Value new_state;  // wholly known; null after delete
  std::string private_data;
  Diagnostics diags;
};

struct ReadRequest {
  const CallContext& ctx;
  const Value& current_state;
  const std::string& private_data;
};
struct ReadResponse {
  Value new_state;  // null: the object is gone
  std::string private_data;
  Diagnostics diags;
};

struct ImportRequest {
  const CallContext& ctx;
  const std::string& id;
};
struct ImportResponse {
  // A stub: the attributes the id names, the rest null. Terraform reads
  // the object next (ReadResource).
  Value state;
  std::string private_data;
  Diagnostics diags;
};

struct UpgradeRequest {
  const CallContext& ctx;
  int64_t version;               // the version the state was written with
  const std::string& raw_json;   // the state as stored (old schema's shape)
};
struct UpgradeResponse {
  Value upgraded_state;  // current schema's shape, wholly known
  Diagnostics diags;
};

class Resource {
 public:
  virtual ~Resource() = default;

  virtual std::string type_name() const = 0;  // "encore_app"
  virtual const Schema& schema() const = 0;
  // The import id's form for docs and errors, e.g. "APP/ENV".
  virtual std::string import_id_format() const = 0;

  // Rules across attributes, after the schema's per-attribute checks.
  // `config` may hold unknowns: check only what is known.
  virtual void ValidateConfig(const CallContext& ctx, const Value& config,
                              Diagnostics& diags) const {}
  // Adjusts the generic plan (cross-attribute defaults, extra replace
  // triggers). Must keep every known config value.
  virtual void ModifyPlan(const PlanRequest& req, PlanResponse& resp) const {}

  virtual void Create(const ApplyRequest& req, ApplyResponse& resp) const;
  virtual void Read(const ReadRequest& req, ReadResponse& resp) const;
  virtual void Update(const ApplyRequest& req, ApplyResponse& resp) const;
  virtual void Delete(const ApplyRequest& req, ApplyResponse& resp) const;
  // Parses the id into a stub state; the default reports the id format.
  virtual void Import(const ImportRequest& req, ImportResponse& resp) const;
  // The default decodes state written by the current schema version and
  // refuses others with an error naming both versions.
  virtual void UpgradeState(const UpgradeRequest& req,
                            UpgradeResponse& resp) const;
};

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_RESOURCE_H_
