#include "provider/framework/provider_server.h"

#include <string>
#include <utility>
#include <vector>

#include "provider/framework/plan.h"
#include "provider/framework/validate.h"

namespace encore::framework {
namespace {

template <typename T>
std::string Names(const std::map<std::string, T>& m) {
  if (m.empty()) return "none";
  std::string out;
  for (const auto& [name, unused] : m) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

template <typename T>
const T* Find(const std::map<std::string, std::unique_ptr<T>>& m,
              const std::string& type_name, const std::string& what,
              Diagnostics& diags) {
  auto it = m.find(type_name);
  if (it != m.end()) return it->second.get();
  diags.AddError("Unknown " + what + " type",
                 "This provider has no " + what + " type \"" + type_name +
                     "\". The " + what + " types it has: " + Names(m) +
                     ". Check the type name in the configuration, or upgrade "
                     "the provider if the type is newer.");
  return nullptr;
}

// Calls where Terraform sends no client capabilities and nothing is stored
// in state (provider config, data sources, ephemeral resources): write-only
// arguments are not refused there.
ClientCapabilities NoStateCaps() {
  ClientCapabilities caps;
  caps.write_only_attributes_allowed = true;
  return caps;
}

// `v` with every unknown inside replaced by null (what is left of an
// object when a resource wrongly returned unknowns: Terraform must never
// receive them, and the known parts still describe a real object).
Value UnknownsToNull(const Value& v) {
  if (v.IsUnknown()) return Value::Null(v.type());
  if (!v.IsKnown() || v.IsWhollyKnown()) return v;
  switch (v.type().kind()) {
    case values::TypeKind::kList:
    case values::TypeKind::kSet:
    case values::TypeKind::kTuple: {
      std::vector<Value> elems;
      for (const Value& e : v.Elements()) elems.push_back(UnknownsToNull(e));
      if (v.type().kind() == values::TypeKind::kList) {
        return Value::List(v.type().element(), std::move(elems));
      }
      if (v.type().kind() == values::TypeKind::kSet) {
        return Value::Set(v.type().element(), std::move(elems));
      }
      return Value::Tuple(std::move(elems));
    }
    case values::TypeKind::kMap:
    case values::TypeKind::kObject: {
      std::map<std::string, Value> entries;
      for (const auto& [k, e] : v.Entries()) {
        entries.emplace(k, UnknownsToNull(e));
      }
      if (v.type().kind() == values::TypeKind::kMap) {
        return Value::Map(v.type().element(), std::move(entries));
      }
      return Value::ObjectOf(v.type(), std::move(entries));
    }
    default:
      return v;
  }
}

}  // namespace

ProviderServer::ProviderServer(std::unique_ptr<Provider> provider)
    : provider_(std::move(provider)) {
  for (auto& r : provider_->Resources()) {
    std::string name = r->type_name();
    resources_.emplace(std::move(name), std::move(r));
  }
  for (auto& d : provider_->DataSources()) {
    std::string name = d->type_name();
    data_sources_.emplace(std::move(name), std::move(d));
  }
  for (auto& e : provider_->EphemeralResources()) {
    std::string name = e->type_name();
    ephemeral_resources_.emplace(std::move(name), std::move(e));
  }
  for (auto& f : provider_->Functions()) {
    std::string name = f->name();
    functions_.emplace(std::move(name), std::move(f));
  }
}

const Resource* ProviderServer::FindResource(const std::string& type_name,
                                             Diagnostics& diags) const {
  return Find(resources_, type_name, "resource", diags);
}

const DataSource* ProviderServer::FindDataSource(const std::string& type_name,
                                                 Diagnostics& diags) const {
  return Find(data_sources_, type_name, "data source", diags);
}

const EphemeralResource* ProviderServer::FindEphemeralResource(
    const std::string& type_name, Diagnostics& diags) const {
  return Find(ephemeral_resources_, type_name, "ephemeral resource", diags);
}

const Function* ProviderServer::FindFunction(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : it->second.get();
}

CallContext ProviderServer::Context(const ClientCapabilities& caps) const {
  CallContext ctx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ctx.provider = configured_;
    ctx.terraform_version = terraform_version_;
    ctx.cancel = cancel_;
  }
  ctx.capabilities = caps;
  return ctx;
}

Diagnostics ProviderServer::ValidateProviderConfig(const Value& config) {
  Diagnostics diags;
  ValidateBlock(provider_->schema().block, config, NoStateCaps(), diags);
  provider_->ValidateConfig(config, diags);
  return diags;
}

Diagnostics ProviderServer::ConfigureProvider(
    const Value& config, const std::string& terraform_version,
    const ClientCapabilities& caps) {
  Diagnostics diags;
  std::shared_ptr<const ConfiguredProvider> configured = provider_->Configure(
      ConfigureRequest{config, terraform_version, caps}, diags);
  std::lock_guard<std::mutex> lock(mu_);
  terraform_version_ = terraform_version;
  if (!diags.HasError()) configured_ = std::move(configured);
  // A new command: work it starts is not cancelled by an earlier Stop.
  if (cancel_->cancelled()) cancel_ = std::make_shared<CancellationToken>();
  return diags;
}

Diagnostics ProviderServer::ValidateResourceConfig(
    const std::string& type_name, const Value& config,
    const ClientCapabilities& caps) {
  Diagnostics diags;
  const Resource* r = FindResource(type_name, diags);
  if (r == nullptr) return diags;
  ValidateBlock(r->schema().block, config, caps, diags);
  r->ValidateConfig(Context(caps), config, diags);
  return diags;
}

Diagnostics ProviderServer::ValidateDataSourceConfig(
    const std::string& type_name, const Value& config) {
  Diagnostics diags;
  const DataSource* d = FindDataSource(type_name, diags);
  if (d == nullptr) return diags;
  ValidateBlock(d->schema().block, config, NoStateCaps(), diags);
  d->ValidateConfig(Context(NoStateCaps()), config, diags);
  return diags;
}

Diagnostics ProviderServer::ValidateEphemeralResourceConfig(
    const std::string& type_name, const Value& config) {
  Diagnostics diags;
  const EphemeralResource* e = FindEphemeralResource(type_name, diags);
  if (e == nullptr) return diags;
  ValidateBlock(e->schema().block, config, NoStateCaps(), diags);
  e->ValidateConfig(Context(NoStateCaps()), config, diags);
  return diags;
}

PlanResponse ProviderServer::PlanResourceChange(
    const std::string& type_name, const Value& prior_state,
    const Value& proposed_new_state, const Value& config,
    const std::string& prior_private, const ClientCapabilities& caps) {
  PlanResponse resp;
  const Resource* r = FindResource(type_name, resp.diags);
  if (r == nullptr) return resp;
  const Block& block = r->schema().block;
  if (proposed_new_state.IsNull()) {  // destroy
    resp.planned_state = Value::Null(block.ImpliedType());
    resp.planned_private = prior_private;  // Delete sends its version
    return resp;
  }
  ValidateWriteOnly(block, config, caps, resp.diags);
  if (resp.diags.HasError()) return resp;
  GenericPlan plan = PlanBlock(block, prior_state, proposed_new_state, config);
  resp.planned_state = std::move(plan.planned_state);
  resp.requires_replace = std::move(plan.requires_replace);
  resp.planned_private = prior_private;
  const CallContext ctx = Context(caps);
  r->ModifyPlan(PlanRequest{ctx, prior_state, config, prior_private}, resp);
  return resp;
}

ApplyResponse ProviderServer::ApplyResourceChange(
    const std::string& type_name, const Value& prior_state,
    const Value& planned_state, const Value& config,
    const std::string& planned_private) {
  ApplyResponse resp;
  const Resource* r = FindResource(type_name, resp.diags);
  if (r == nullptr) return resp;
  const Type type = r->schema().block.ImpliedType();
  // ApplyResourceChange carries no client capabilities (protocol 6.8).
  const CallContext ctx = Context(ClientCapabilities{});
  const ApplyRequest req{ctx, prior_state, planned_state, config,
                         planned_private};
  if (planned_state.IsNull()) {
    r->Delete(req, resp);
    if (!resp.diags.HasError()) resp.new_state = Value::Null(type);
    return resp;
  }
  if (prior_state.IsNull()) {
    r->Create(req, resp);
  } else {
    r->Update(req, resp);
  }
  if (resp.diags.HasError()) return resp;
  if (resp.new_state.IsNull()) {
    resp.diags.AddError(
        "provider bug: returned no object after apply",
        "The " + type_name +
            " resource returned a null object after a create or update. "
            "This is a bug in the provider; please report it.");
  } else if (!resp.new_state.IsWhollyKnown()) {
    resp.diags.AddError(
        "provider bug: returned unknown values after apply",
        "The " + type_name +
            " resource left values unknown after apply, which Terraform "
            "cannot store. This is a bug in the provider; please report it.");
    resp.new_state = UnknownsToNull(resp.new_state);
  }
  return resp;
}

ReadResponse ProviderServer::ReadResource(const std::string& type_name,
                                          const Value& current_state,
                                          const std::string& private_data,
                                          const ClientCapabilities& caps) {
  ReadResponse resp;
  const Resource* r = FindResource(type_name, resp.diags);
  if (r == nullptr) return resp;
  const CallContext ctx = Context(caps);
  r->Read(ReadRequest{ctx, current_state, private_data}, resp);
  if (!resp.diags.HasError() && !resp.new_state.IsNull() &&
      !resp.new_state.IsWhollyKnown()) {
    resp.diags.AddError(
        "provider bug: returned unknown values after refresh",
        "The " + type_name +
            " resource left values unknown when reading it. This is a bug in "
            "the provider; please report it.");
    resp.new_state = current_state;
  }
  return resp;
}

UpgradeResponse ProviderServer::UpgradeResourceState(
    const std::string& type_name, int64_t version,
    const std::string& raw_json) {
  UpgradeResponse resp;
  const Resource* r = FindResource(type_name, resp.diags);
  if (r == nullptr) return resp;
  const CallContext ctx = Context(ClientCapabilities{});
  r->UpgradeState(UpgradeRequest{ctx, version, raw_json}, resp);
  return resp;
}

ImportResponse ProviderServer::ImportResourceState(
    const std::string& type_name, const std::string& id,
    const ClientCapabilities& caps) {
  ImportResponse resp;
  const Resource* r = FindResource(type_name, resp.diags);
  if (r == nullptr) return resp;
  const CallContext ctx = Context(caps);
  r->Import(ImportRequest{ctx, id}, resp);
  return resp;
}

DataReadResponse ProviderServer::ReadDataSource(
    const std::string& type_name, const Value& config,
    const ClientCapabilities& caps) {
  DataReadResponse resp;
  const DataSource* d = FindDataSource(type_name, resp.diags);
  if (d == nullptr) return resp;
  const CallContext ctx = Context(caps);
  d->Read(DataReadRequest{ctx, config}, resp);
  return resp;
}

OpenResponse ProviderServer::OpenEphemeralResource(
    const std::string& type_name, const Value& config,
    const ClientCapabilities& caps) {
  OpenResponse resp;
  const EphemeralResource* e = FindEphemeralResource(type_name, resp.diags);
  if (e == nullptr) return resp;
  const CallContext ctx = Context(caps);
  e->Open(OpenRequest{ctx, config}, resp);
  return resp;
}

RenewResponse ProviderServer::RenewEphemeralResource(
    const std::string& type_name,
    const std::optional<std::string>& private_data) {
  RenewResponse resp;
  const EphemeralResource* e = FindEphemeralResource(type_name, resp.diags);
  if (e == nullptr) return resp;
  const CallContext ctx = Context(ClientCapabilities{});
  e->Renew(RenewRequest{ctx, private_data}, resp);
  return resp;
}

CloseResponse ProviderServer::CloseEphemeralResource(
    const std::string& type_name,
    const std::optional<std::string>& private_data) {
  CloseResponse resp;
  const EphemeralResource* e = FindEphemeralResource(type_name, resp.diags);
  if (e == nullptr) return resp;
  const CallContext ctx = Context(ClientCapabilities{});
  e->Close(CloseRequest{ctx, private_data}, resp);
  return resp;
}

FunctionResult ProviderServer::CallFunction(const std::string& name,
                                            const std::vector<Value>& args) {
  FunctionResult result;
  const Function* f = FindFunction(name);
  if (f == nullptr) {
    result.error =
        FunctionError{"unknown function " + name +
                          "; this provider has: " + Names(functions_),
                      std::nullopt};
    return result;
  }
  const FunctionSignature& sig = f->signature();
  const size_t n = sig.parameters.size();
  const bool count_ok = sig.variadic ? args.size() >= n : args.size() == n;
  if (!count_ok) {
    std::string params;
    for (const FunctionParameter& p : sig.parameters) {
      if (!params.empty()) params += ", ";
      params += p.name;
    }
    if (sig.variadic) {
      params += (params.empty() ? "" : ", ") + sig.variadic->name + "...";
    }
    result.error = FunctionError{
        name + " takes " + (sig.variadic ? "at least " : "") +
            std::to_string(n) + " argument" + (n == 1 ? "" : "s") + " (" +
            params + "), but " + std::to_string(args.size()) +
            (args.size() == 1 ? " was" : " were") + " given",
        std::nullopt};
    return result;
  }
  // Terraform checks these itself before calling; kept as a guard so a
  // function never sees what its signature rules out.
  for (size_t i = 0; i < args.size(); ++i) {
    const FunctionParameter& p = i < n ? sig.parameters[i] : *sig.variadic;
    if (args[i].IsNull() && !p.allow_null) {
      result.error =
          FunctionError{"argument " + std::to_string(i + 1) + " (" + p.name +
                            ") of " + name + " must not be null",
                        static_cast<int64_t>(i)};
      return result;
    }
    if (args[i].IsUnknown() && !p.allow_unknown) {
      result.value = Value::Unknown(sig.return_type);
      return result;
    }
  }
  result = f->Call(Context(ClientCapabilities{}), args);
  return result;
}

void ProviderServer::Stop() {
  std::shared_ptr<CancellationToken> token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    token = cancel_;
  }
  token->Cancel();
}

bool ProviderServer::stopped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancel_->cancelled();
}

}  // namespace encore::framework
