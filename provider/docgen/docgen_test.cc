#include "provider/docgen/docgen.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "provider/framework/checks.h"

namespace encore::docgen {
namespace {

namespace fs = std::filesystem;
using framework::Attribute;
using framework::Block;
using framework::NestedBlock;
using framework::Nesting;
using framework::Schema;
using values::Type;
using values::Value;

Schema ThingSchema() {
  Schema s;
  s.block.Doc("A thing.");
  s.block.Add(framework::StringAttr("name")
                  .Required()
                  .Check({"`a` or `b`", nullptr})
                  .Doc("The name."));
  s.block.Add(framework::StringAttr("mode")
                  .Default(Value::String("fast"))
                  .Check(framework::OneOf({"fast", "slow"}))
                  .Doc("How."));
  s.block.Add(framework::StringAttr("password").Optional().Sensitive());
  s.block.Add(
      framework::StringAttr("password_wo").Optional().Sensitive().WriteOnly());
  s.block.Add(framework::StringAttr("id").Computed().Doc("The id."));
  s.block.Add(Attribute("parts", Type::List(Type::Object(
                                     {{"kind", Type::String()},
                                      {"calls", Type::List(Type::String())}})))
                  .Computed()
                  .Doc("The parts."));
  Block inner;
  inner.Doc("Inner settings.");
  inner.Add(framework::NumberAttr("port").Required());
  Block outer;
  outer.Doc("Outer settings.");
  outer.Add(framework::BoolAttr("on").Optional());
  outer.Add(NestedBlock("inner", Nesting::kSingle, std::move(inner)));
  s.block.Add(NestedBlock("outer", Nesting::kSingle, std::move(outer)));
  Block item;
  item.Add(framework::StringAttr("key").Required());
  s.block.Add(NestedBlock("item", Nesting::kList, std::move(item)).MinItems(1));
  return s;
}

class Thing final : public framework::Resource {
 public:
  std::string type_name() const override { return "encore_thing"; }
  const Schema& schema() const override { return schema_; }
  std::string import_id_format() const override { return "APP/NAME"; }

 private:
  Schema schema_ = ThingSchema();
};

class ThingLookup final : public framework::DataSource {
 public:
  std::string type_name() const override { return "encore_thing"; }
  const Schema& schema() const override { return schema_; }

 private:
  Schema schema_ = ThingSchema();
};

class Twice final : public framework::Function {
 public:
  Twice() {
    sig_.parameters.push_back({"text", Type::String(), "Some text."});
    sig_.return_type = Type::String();
    sig_.summary = "Repeats text";
    sig_.description = "Returns `text` twice.";
  }
  std::string name() const override { return "twice"; }
  const framework::FunctionSignature& signature() const override {
    return sig_;
  }
  framework::FunctionResult Call(
      const framework::CallContext&,
      const std::vector<Value>& args) const override {
    framework::FunctionResult r;
    r.value = Value::String(args[0].AsString() + args[0].AsString());
    return r;
  }

 private:
  framework::FunctionSignature sig_;
};

class FakeProvider final : public framework::Provider {
 public:
  FakeProvider() {
    schema_.block.Doc("The fake provider.");
    schema_.block.Add(framework::StringAttr("agent").Optional().Doc("Where."));
  }
  std::string type_name() const override { return "encore"; }
  const Schema& schema() const override { return schema_; }
  std::shared_ptr<const framework::ConfiguredProvider> Configure(
      const framework::ConfigureRequest&, Diagnostics&) const override {
    return nullptr;
  }
  std::vector<std::unique_ptr<framework::Resource>> Resources() const override {
    std::vector<std::unique_ptr<framework::Resource>> v;
    v.push_back(std::make_unique<Thing>());
    return v;
  }
  std::vector<std::unique_ptr<framework::DataSource>> DataSources()
      const override {
    std::vector<std::unique_ptr<framework::DataSource>> v;
    v.push_back(std::make_unique<ThingLookup>());
    return v;
  }
  std::vector<std::unique_ptr<framework::EphemeralResource>>
  EphemeralResources() const override {
    return {};
  }
  std::vector<std::unique_ptr<framework::Function>> Functions() const override {
    std::vector<std::unique_ptr<framework::Function>> v;
    v.push_back(std::make_unique<Twice>());
    return v;
  }

 private:
  Schema schema_;
};

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() {
    path_ =
        fs::temp_directory_path() /
        ("docgen_test_" +
         std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(DocgenTest, FriendlyTypes) {
  EXPECT_EQ(FriendlyType(Type::String()), "String");
  EXPECT_EQ(FriendlyType(Type::Bool()), "Boolean");
  EXPECT_EQ(FriendlyType(Type::Dynamic()), "Dynamic");
  EXPECT_EQ(FriendlyType(Type::List(Type::String())), "List of String");
  EXPECT_EQ(FriendlyType(Type::Map(Type::Number())), "Map of Number");
  EXPECT_EQ(FriendlyType(Type::Set(Type::List(Type::Bool()))),
            "Set of List of Boolean");
  EXPECT_EQ(FriendlyType(Type::List(Type::Object({{"a", Type::String()}}))),
            "List of Object");
}

TEST(DocgenTest, RenderSchema) {
  const std::string want = R"(<!-- schema generated by encore-docgen -->
## Schema

### Required

- `item` (Block List, Min: 1) (see [below for nested schema](#nestedblock--item))
- `name` (String) The name. Must be `a` or `b`.

### Optional

- `mode` (String) How. One of: "fast", "slow". Defaults to `"fast"`.
- `outer` (Block, Optional) Outer settings. (see [below for nested schema](#nestedblock--outer))
- `password` (String, Sensitive)
- `password_wo` (String, Sensitive, [Write-only](https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments))

### Read-Only

- `id` (String) The id.
- `parts` (List of Object) The parts. (see [below for nested schema](#nestedatt--parts))

<a id="nestedatt--parts"></a>
### Nested Schema for `parts`

Read-Only:

- `calls` (List of String)
- `kind` (String)

<a id="nestedblock--outer"></a>
### Nested Schema for `outer`

Optional:

- `inner` (Block, Optional) Inner settings. (see [below for nested schema](#nestedblock--outer--inner))
- `on` (Boolean)

<a id="nestedblock--item"></a>
### Nested Schema for `item`

Required:

- `key` (String)

<a id="nestedblock--outer--inner"></a>
### Nested Schema for `outer.inner`

Required:

- `port` (Number)

)";
  EXPECT_EQ(RenderSchema(ThingSchema().block), want);
}

TEST(DocgenTest, RenderSignature) {
  Twice f;
  EXPECT_EQ(RenderSignature("twice", f.signature()),
            "## Signature\n\n<!-- signature generated by encore-docgen -->\n"
            "```text\ntwice(text string) string\n```\n\n"
            "## Arguments\n\n<!-- arguments generated by encore-docgen -->\n"
            "1. `text` (String) Some text.\n\n");
}

TEST(DocgenTest, RenderAllPagesAndSections) {
  TempDir tmp;
  fs::path ex = tmp.path() / "examples";
  WriteFile(ex / "provider/provider.tf", "provider \"encore\" {}\n");
  WriteFile(ex / "resources/encore_thing/resource.tf",
            "resource \"encore_thing\" \"x\" {}\n\n");
  WriteFile(ex / "resources/encore_thing/import.sh",
            "terraform import encore_thing.x shop/x\n");
  WriteFile(ex / "resources/encore_thing/import-by-string-id.tf",
            "import {\n  to = encore_thing.x\n  id = \"shop/x\"\n}\n");
  WriteFile(ex / "functions/twice/function.tf", "output \"o\" {}\n");

  framework::ProviderServer server(std::make_unique<FakeProvider>());
  std::vector<Page> pages = RenderAll(server, ex.string());
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[0].path, "data-sources/thing.md");
  EXPECT_EQ(pages[1].path, "functions/twice.md");
  EXPECT_EQ(pages[2].path, "index.md");
  EXPECT_EQ(pages[3].path, "resources/thing.md");

  const std::string& resource = pages[3].content;
  EXPECT_EQ(resource.rfind("---\n# generated by encore-docgen", 0), 0u);
  EXPECT_NE(resource.find("page_title: \"encore_thing Resource - encore\"\n"
                          "subcategory: \"\"\ndescription: |-\n  A thing.\n"
                          "---\n\n# encore_thing (Resource)\n\nA thing.\n\n"
                          "## Example Usage\n\n```terraform\n"
                          "resource \"encore_thing\" \"x\" {}\n```\n"),
            std::string::npos)
      << resource;
  EXPECT_NE(resource.find("## Import\n\nImport is supported using the "
                          "following syntax. The import id is `APP/NAME`."),
            std::string::npos);
  EXPECT_LT(resource.find("```terraform\nimport {"),
            resource.find("```shell\nterraform import encore_thing.x shop/x\n"
                          "```\n"));
  EXPECT_EQ(resource.back(), '\n');
  EXPECT_NE(resource.substr(resource.size() - 2), "\n\n");

  // No example: no Example Usage section.
  EXPECT_EQ(pages[0].content.find("## Example Usage"), std::string::npos);
  EXPECT_NE(pages[0].content.find("# encore_thing (Data Source)"),
            std::string::npos);
  EXPECT_NE(pages[1].content.find("# function: twice\n\nReturns `text` twice."),
            std::string::npos);
  EXPECT_NE(pages[1].content.find("description: |-\n  Repeats text\n"),
            std::string::npos);
  EXPECT_NE(pages[2].content.find("# encore Provider\n\nThe fake provider."),
            std::string::npos);
  EXPECT_NE(pages[2].content.find("- `agent` (String) Where."),
            std::string::npos);

  // Deterministic.
  std::vector<Page> again = RenderAll(server, ex.string());
  for (size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].content, again[i].content);
  }
}

TEST(DocgenTest, WriteThenCheck) {
  TempDir tmp;
  fs::path docs = tmp.path() / "docs";
  std::vector<Page> pages = {{"index.md", "index\n"},
                             {"resources/thing.md", "thing\n"},
                             {"functions/twice.md", "twice\n"}};
  EXPECT_EQ(CheckPages(pages, docs.string()),
            (std::vector<std::string>{"functions/twice.md: missing",
                                      "index.md: missing",
                                      "resources/thing.md: missing"}));
  WriteFile(docs / "data-sources/old.md", "old\n");
  WriteFile(docs / "README.txt", "not generated\n");
  ASSERT_TRUE(WritePages(pages, docs.string()).ok());
  EXPECT_EQ(ReadFile(docs / "resources/thing.md"), "thing\n");
  EXPECT_FALSE(fs::exists(docs / "data-sources/old.md"));
  EXPECT_TRUE(fs::exists(docs / "README.txt"));
  EXPECT_TRUE(CheckPages(pages, docs.string()).empty());

  WriteFile(docs / "index.md", "edited by hand\n");
  WriteFile(docs / "ephemeral-resources/gone.md", "gone\n");
  std::vector<std::string> problems = CheckPages(pages, docs.string());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].rfind("ephemeral-resources/gone.md: stale", 0), 0u);
  EXPECT_EQ(problems[1], "index.md: differs");
}

}  // namespace
}  // namespace encore::docgen
