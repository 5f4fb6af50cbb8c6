// The docs generator: registry-style Markdown pages (tfplugindocs' layout,
// STYLE §2.5) from the provider's own schema declarations and the
// examples/ directory. The schema is the single source of the Schema
// sections (house rule 3); examples/ supplies Example Usage and Import.
//
//   docs/index.md                          provider + configuration schema
//   docs/resources/<type>.md               without the "encore_" prefix
//   docs/data-sources/<type>.md
//   docs/ephemeral-resources/<type>.md
//   docs/functions/<name>.md
//
// Output is deterministic: pages and schema entries are sorted by name.
#ifndef ENCORE_PROVIDER_DOCGEN_DOCGEN_H_
#define ENCORE_PROVIDER_DOCGEN_DOCGEN_H_

#include <string>
#include <vector>

#include "provider/core/status.h"
#include "provider/framework/function.h"
#include "provider/framework/provider_server.h"
#include "provider/framework/schema.h"

namespace encore::docgen {

// One generated page: its path relative to the docs directory and its text.
struct Page {
  std::string path;
  std::string content;
};

// Friendly type names as the registry shows them: "String", "List of
// String", "Map of Number", "Object", "Dynamic".
std::string FriendlyType(const values::Type& type);

// The "## Schema" section of a block: Required / Optional / Read-Only
// entries, then a "Nested Schema for `x`" section per nested block or
// object-typed attribute.
std::string RenderSchema(const framework::Block& block);

// The "## Signature" and "## Arguments" sections of a function.
std::string RenderSignature(const std::string& name,
                            const framework::FunctionSignature& signature);

// Every page for `server`'s provider. Examples are read from
// `examples_dir` (a missing example file leaves its section out).
std::vector<Page> RenderAll(const framework::ProviderServer& server,
                            const std::string& examples_dir);

// Writes `pages` under `out_dir` (creating directories) and removes stale
// .md files in the generated folders.
Status WritePages(const std::vector<Page>& pages, const std::string& out_dir);

// The pages under `out_dir` that differ from `pages`, are missing, or are
// stale (a .md file in a generated folder that no page produces), each as
// "path: why". Empty: up to date.
std::vector<std::string> CheckPages(const std::vector<Page>& pages,
                                    const std::string& out_dir);

}  // namespace encore::docgen

#endif  // ENCORE_PROVIDER_DOCGEN_DOCGEN_H_
