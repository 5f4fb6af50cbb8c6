// encore-docgen: writes (or, with --check, verifies) the registry-style
// docs of the Encore provider from its schema and the examples directory.
//
//   encore-docgen --examples examples --out docs
//   encore-docgen --examples examples --out docs --check   # exit 1 if stale
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "provider/docgen/docgen.h"
#include "provider/encore_provider.h"
#include "provider/framework/provider_server.h"

namespace {

constexpr char kUsage[] =
    "usage: encore-docgen --examples DIR --out DIR [--check]\n"
    "  Writes registry-style Markdown docs for the Encore provider to --out\n"
    "  from its schema and the example configurations in --examples.\n"
    "  --check: write nothing; list the pages that differ and exit 1 if any.\n";

}  // namespace

int main(int argc, char** argv) {
  std::string examples, out;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--examples" || arg == "--out") && i + 1 < argc) {
      (arg == "--examples" ? examples : out) = argv[++i];
    } else if (arg.rfind("--examples=", 0) == 0) {
      examples = arg.substr(11);
    } else if (arg.rfind("--out=", 0) == 0) {
      out = arg.substr(6);
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "encore-docgen: unknown argument \"%s\"\n%s",
                   arg.c_str(), kUsage);
      return 2;
    }
  }
  if (examples.empty() || out.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  encore::framework::ProviderServer server(encore::NewEncoreProvider());
  std::vector<encore::docgen::Page> pages =
      encore::docgen::RenderAll(server, examples);

  if (check) {
    std::vector<std::string> problems = encore::docgen::CheckPages(pages, out);
    if (problems.empty()) {
      std::printf("encore-docgen: %zu pages in %s are up to date\n",
                  pages.size(), out.c_str());
      return 0;
    }
    std::fprintf(stderr,
                 "encore-docgen: %zu of the docs in %s are out of date:\n",
                 problems.size(), out.c_str());
    for (const std::string& p : problems) {
      std::fprintf(stderr, "  %s\n", p.c_str());
    }
    std::fprintf(stderr,
                 "Regenerate them with: encore-docgen --examples %s --out %s\n",
                 examples.c_str(), out.c_str());
    return 1;
  }
  encore::Status status = encore::docgen::WritePages(pages, out);
  if (!status.ok()) {
    std::fprintf(stderr, "encore-docgen: %s\n", status.message().c_str());
    return 1;
  }
  std::printf("encore-docgen: wrote %zu pages to %s\n", pages.size(),
              out.c_str());
  return 0;
}
