#include "provider/protocol/convert.h"

#include <gtest/gtest.h>

#include "provider/values/msgpack_codec.h"

namespace encore::protocol {
namespace {

using framework::Attribute;
using framework::Block;
using framework::NestedBlock;
using framework::Nesting;
using values::Type;
using values::Value;

Block SmallBlock() {
  Block inner;
  inner.Add(framework::StringAttr("branch").Optional().Doc("The branch."));
  Block group;
  group.Add(framework::NumberAttr("n").Computed());
  Block b;
  b.Add(framework::StringAttr("name").Required().Doc("The *name*."));
  b.Add(Attribute("tags", Type::Map(Type::String())).Optional());
  b.Add(framework::StringAttr("id").Computed());
  b.Add(framework::StringAttr("token").OptionalComputed().Sensitive());
  b.Add(framework::StringAttr("secret_wo").Optional().WriteOnly());
  b.Add(framework::BoolAttr("old").Optional().Deprecated("use new"));
  b.Add(NestedBlock("deploy", Nesting::kSingle, inner).MinItems(1));
  b.Add(NestedBlock("opt", Nesting::kSingle, inner));
  b.Add(NestedBlock("group", Nesting::kList, group).MinItems(1).MaxItems(3));
  b.Add(NestedBlock("s", Nesting::kSet, group));
  b.Add(NestedBlock("m", Nesting::kMap, group).MinItems(2));
  b.Add(NestedBlock("g", Nesting::kGroup, group));
  b.Doc("A thing.");
  return b;
}

const tfplugin6::Schema_Attribute* FindAttr(const tfplugin6::Schema_Block& b,
                                            const std::string& name) {
  for (const auto& a : b.attributes()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}
const tfplugin6::Schema_NestedBlock* FindBlock(const tfplugin6::Schema_Block& b,
                                               const std::string& name) {
  for (const auto& nb : b.block_types()) {
    if (nb.type_name() == name) return &nb;
  }
  return nullptr;
}

TEST(ConvertTest, SchemaAttributes) {
  framework::Schema s;
  s.version = 2;
  s.block = SmallBlock();
  tfplugin6::Schema out;
  ToProto(s, &out);
  EXPECT_EQ(out.version(), 2);
  ASSERT_TRUE(out.has_block());
  const auto& b = out.block();
  EXPECT_EQ(b.description(), "A thing.");
  EXPECT_EQ(b.description_kind(), tfplugin6::MARKDOWN);

  const auto* name = FindAttr(b, "name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->type(), "\"string\"");
  EXPECT_TRUE(name->required());
  EXPECT_FALSE(name->optional());
  EXPECT_FALSE(name->computed());
  EXPECT_EQ(name->description(), "The *name*.");
  EXPECT_EQ(name->description_kind(), tfplugin6::MARKDOWN);

  const auto* tags = FindAttr(b, "tags");
  EXPECT_EQ(tags->type(), "[\"map\",\"string\"]");
  EXPECT_TRUE(tags->optional());

  const auto* id = FindAttr(b, "id");
  EXPECT_TRUE(id->computed());
  EXPECT_FALSE(id->optional());

  const auto* token = FindAttr(b, "token");
  EXPECT_TRUE(token->optional());
  EXPECT_TRUE(token->computed());
  EXPECT_TRUE(token->sensitive());

  EXPECT_TRUE(FindAttr(b, "secret_wo")->write_only());
  EXPECT_TRUE(FindAttr(b, "old")->deprecated());
  EXPECT_FALSE(name->deprecated());
  EXPECT_FALSE(name->has_nested_type());
}

TEST(ConvertTest, NestedBlocks) {
  tfplugin6::Schema_Block b;
  ToProto(SmallBlock(), &b);
  ASSERT_EQ(b.block_types_size(), 6);

  const auto* deploy = FindBlock(b, "deploy");
  EXPECT_EQ(deploy->nesting(), tfplugin6::Schema_NestedBlock::SINGLE);
  EXPECT_EQ(deploy->min_items(), 1);
  EXPECT_EQ(deploy->max_items(), 1);
  ASSERT_NE(FindAttr(deploy->block(), "branch"), nullptr);

  const auto* opt = FindBlock(b, "opt");
  EXPECT_EQ(opt->min_items(), 0);
  EXPECT_EQ(opt->max_items(), 0);

  const auto* group = FindBlock(b, "group");
  EXPECT_EQ(group->nesting(), tfplugin6::Schema_NestedBlock::LIST);
  EXPECT_EQ(group->min_items(), 1);
  EXPECT_EQ(group->max_items(), 3);
  EXPECT_EQ(FindAttr(group->block(), "n")->type(), "\"number\"");

  EXPECT_EQ(FindBlock(b, "s")->nesting(), tfplugin6::Schema_NestedBlock::SET);
  const auto* m = FindBlock(b, "m");
  EXPECT_EQ(m->nesting(), tfplugin6::Schema_NestedBlock::MAP);
  EXPECT_EQ(m->min_items(), 0) << "MAP blocks: min = max = 0";
  const auto* g = FindBlock(b, "g");
  EXPECT_EQ(g->nesting(), tfplugin6::Schema_NestedBlock::GROUP);
  EXPECT_EQ(g->min_items(), 0);
  EXPECT_EQ(g->max_items(), 0);
}

TEST(ConvertTest, FunctionSignature) {
  framework::FunctionSignature sig;
  sig.parameters.push_back({"db", Type::Object({{"host", Type::String()}}),
                            "The database.", true, false});
  sig.variadic =
      framework::FunctionParameter{"rest", Type::Number(), "", false, true};
  sig.return_type = Type::String();
  sig.summary = "Makes a URI.";
  sig.description = "Long *text*.";
  tfplugin6::Function f;
  ToProto(sig, &f);
  ASSERT_EQ(f.parameters_size(), 1);
  EXPECT_EQ(f.parameters(0).name(), "db");
  EXPECT_EQ(f.parameters(0).type(), "[\"object\",{\"host\":\"string\"}]");
  EXPECT_TRUE(f.parameters(0).allow_null_value());
  EXPECT_FALSE(f.parameters(0).allow_unknown_values());
  EXPECT_EQ(f.parameters(0).description(), "The database.");
  ASSERT_TRUE(f.has_variadic_parameter());
  EXPECT_EQ(f.variadic_parameter().type(), "\"number\"");
  EXPECT_TRUE(f.variadic_parameter().allow_unknown_values());
  EXPECT_EQ(f.return_().type(), "\"string\"");
  EXPECT_EQ(f.summary(), "Makes a URI.");
  EXPECT_EQ(f.description_kind(), tfplugin6::MARKDOWN);
}

TEST(ConvertTest, DiagnosticsWithPaths) {
  Diagnostics diags;
  diags.AddError("whole", "block");
  diags.AddAttributeError(
      AttributePath::Root("process_group").Index(2).Attr("services"), "bad",
      "list");
  diags.AddAttributeWarning(AttributePath::Root("settings").Key("max_memory"),
                            "odd", "map");
  google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic> out;
  ToProto(diags, &out);
  ASSERT_EQ(out.size(), 3);
  EXPECT_EQ(out[0].severity(), tfplugin6::Diagnostic::ERROR);
  EXPECT_EQ(out[0].summary(), "whole");
  EXPECT_EQ(out[0].detail(), "block");
  EXPECT_FALSE(out[0].has_attribute());

  const auto& p = out[1].attribute();
  ASSERT_EQ(p.steps_size(), 3);
  EXPECT_EQ(p.steps(0).attribute_name(), "process_group");
  EXPECT_EQ(p.steps(1).selector_case(),
            tfplugin6::AttributePath_Step::kElementKeyInt);
  EXPECT_EQ(p.steps(1).element_key_int(), 2);
  EXPECT_EQ(p.steps(2).attribute_name(), "services");

  EXPECT_EQ(out[2].severity(), tfplugin6::Diagnostic::WARNING);
  const auto& q = out[2].attribute();
  ASSERT_EQ(q.steps_size(), 2);
  EXPECT_EQ(q.steps(1).selector_case(),
            tfplugin6::AttributePath_Step::kElementKeyString);
  EXPECT_EQ(q.steps(1).element_key_string(), "max_memory");

  EXPECT_EQ(FromProto(p),
            AttributePath::Root("process_group").Index(2).Attr("services"));
}

TEST(ConvertTest, ClientCapabilities) {
  tfplugin6::ClientCapabilities c;
  c.set_write_only_attributes_allowed(true);
  auto caps = FromProto(c);
  EXPECT_TRUE(caps.write_only_attributes_allowed);
  EXPECT_FALSE(caps.deferral_allowed);
}

TEST(ConvertTest, DynamicValueEmptyIsNull) {
  Type t = Type::Object({{"name", Type::String()}});
  tfplugin6::DynamicValue dv;
  Diagnostics diags;
  auto v = DecodeDynamicValue(dv, t, "config", diags);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->IsNull());
  EXPECT_EQ(v->type(), t);
  EXPECT_TRUE(diags.empty());
}

TEST(ConvertTest, DynamicValueMsgpackRoundTrip) {
  Type t = Type::Object({{"id", Type::String()}, {"name", Type::String()}});
  tfplugin6::DynamicValue dv;
  // {id: null, name: "hello"}, as Terraform sends it.
  dv.set_msgpack(std::string("\x82\xa2id\xc0\xa4name\xa5hello", 16));
  Diagnostics diags;
  auto v = DecodeDynamicValue(dv, t, "config", diags);
  ASSERT_TRUE(v.has_value()) << diags.ToString();
  EXPECT_EQ(v->GetAttr("name").AsString(), "hello");
  EXPECT_TRUE(v->GetAttr("id").IsNull());

  tfplugin6::DynamicValue back;
  EncodeDynamicValue(*v, t, &back);
  EXPECT_EQ(back.msgpack(), dv.msgpack());
  EXPECT_TRUE(back.json().empty());

  // Unknown id, as a plan would say.
  Value planned = Value::ObjectOf(t, {{"id", Value::Unknown(Type::String())},
                                      {"name", Value::String("x")}});
  EncodeDynamicValue(planned, t, &back);
  EXPECT_EQ(back.msgpack(),
            std::string("\x82\xa2id\xd4\x00\x00\xa4name\xa1x", 14));
}

TEST(ConvertTest, DynamicValueJsonWhenNoMsgpack) {
  Type t = Type::Object({{"name", Type::String()}});
  tfplugin6::DynamicValue dv;
  dv.set_json("{\"name\":\"j\"}");
  Diagnostics diags;
  auto v = DecodeDynamicValue(dv, t, "config", diags);
  ASSERT_TRUE(v.has_value()) << diags.ToString();
  EXPECT_EQ(v->GetAttr("name").AsString(), "j");
}

TEST(ConvertTest, UndecodableValueIsDiagnosticNamingField) {
  Type t = Type::Object({{"name", Type::String()}});
  tfplugin6::DynamicValue dv;
  dv.set_msgpack("\xc1\xff\x00garbage");
  Diagnostics diags;
  auto v = DecodeDynamicValue(dv, t, "proposed_new_state", diags);
  EXPECT_FALSE(v.has_value());
  ASSERT_TRUE(diags.HasError());
  EXPECT_NE(diags.items()[0].summary.find("proposed_new_state"),
            std::string::npos);

  tfplugin6::DynamicValue bad_json;
  bad_json.set_json("{not json");
  Diagnostics d2;
  EXPECT_FALSE(DecodeDynamicValue(bad_json, t, "config", d2).has_value());
  EXPECT_TRUE(d2.HasError());
}

}  // namespace
}  // namespace encore::protocol
