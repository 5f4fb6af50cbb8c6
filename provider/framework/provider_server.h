// ProviderServer: the provider's RPCs on the project's own types (the
// protocol layer converts tfplugin6 messages to and from these). It owns
// the Provider and its lists, finds the resource by type name, runs the
// generic validation and planning, dispatches apply to Create / Update /
// Delete, and keeps the configured provider. Thread-safe: Terraform calls
// concurrently. Stop() cancels in-flight work and returns at once; the next
// ConfigureProvider starts afresh (a -debug provider outlives one Terraform
// command, and a Ctrl-C in one must not cancel the next).
#ifndef ENCORE_PROVIDER_FRAMEWORK_PROVIDER_SERVER_H_
#define ENCORE_PROVIDER_FRAMEWORK_PROVIDER_SERVER_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "provider/core/cancellation.h"
#include "provider/framework/provider.h"

namespace encore::framework {

class ProviderServer {
 public:
  explicit ProviderServer(std::unique_ptr<Provider> provider);

  // Declarations, for the wire schema, the docs and the golden file.
  const Provider& provider() const { return *provider_; }
  const std::map<std::string, std::unique_ptr<Resource>>& resources() const {
    return resources_;
  }
  const std::map<std::string, std::unique_ptr<DataSource>>& data_sources()
      const {
    return data_sources_;
  }
  const std::map<std::string, std::unique_ptr<EphemeralResource>>&
  ephemeral_resources() const {
    return ephemeral_resources_;
  }
  const std::map<std::string, std::unique_ptr<Function>>& functions() const {
    return functions_;
  }
  // Lookups; null (and an error diagnostic naming the type and what exists)
  // when unknown.
  const Resource* FindResource(const std::string& type_name,
                               Diagnostics& diags) const;
  const DataSource* FindDataSource(const std::string& type_name,
                                   Diagnostics& diags) const;
  const EphemeralResource* FindEphemeralResource(const std::string& type_name,
                                                 Diagnostics& diags) const;
  const Function* FindFunction(const std::string& name) const;

  Diagnostics ValidateProviderConfig(const Value& config);
  Diagnostics ConfigureProvider(const Value& config,
                                const std::string& terraform_version,
                                const ClientCapabilities& caps);

  Diagnostics ValidateResourceConfig(const std::string& type_name,
                                     const Value& config,
                                     const ClientCapabilities& caps);
  Diagnostics ValidateDataSourceConfig(const std::string& type_name,
                                       const Value& config);
  Diagnostics ValidateEphemeralResourceConfig(const std::string& type_name,
                                              const Value& config);

  PlanResponse PlanResourceChange(const std::string& type_name,
                                  const Value& prior_state,
                                  const Value& proposed_new_state,
                                  const Value& config,
                                  const std::string& prior_private,
                                  const ClientCapabilities& caps);
  ApplyResponse ApplyResourceChange(const std::string& type_name,
                                    const Value& prior_state,
                                    const Value& planned_state,
                                    const Value& config,
                                    const std::string& planned_private);
  ReadResponse ReadResource(const std::string& type_name,
                            const Value& current_state,
                            const std::string& private_data,
                            const ClientCapabilities& caps);
  UpgradeResponse UpgradeResourceState(const std::string& type_name,
                                       int64_t version,
                                       const std::string& raw_json);
  ImportResponse ImportResourceState(const std::string& type_name,
                                     const std::string& id,
                                     const ClientCapabilities& caps);
  DataReadResponse ReadDataSource(const std::string& type_name,
                                  const Value& config,
                                  const ClientCapabilities& caps);
  OpenResponse OpenEphemeralResource(const std::string& type_name,
                                     const Value& config,
                                     const ClientCapabilities& caps);
  RenewResponse RenewEphemeralResource(
      const std::string& type_name,
      const std::optional<std::string>& private_data);
  CloseResponse CloseEphemeralResource(
      const std::string& type_name,
      const std::optional<std::string>& private_data);
  FunctionResult CallFunction(const std::string& name,
                              const std::vector<Value>& args);

  // Cancels in-flight and later work; returns at once.
  void Stop();
  bool stopped() const;

 private:
  CallContext Context(const ClientCapabilities& caps) const;

  std::unique_ptr<Provider> provider_;
  std::map<std::string, std::unique_ptr<Resource>> resources_;
  std::map<std::string, std::unique_ptr<DataSource>> data_sources_;
  std::map<std::string, std::unique_ptr<EphemeralResource>>
      ephemeral_resources_;
  std::map<std::string, std::unique_ptr<Function>> functions_;

  mutable std::mutex mu_;  // guards configured_, terraform_version_, cancel_
  std::shared_ptr<const ConfiguredProvider> configured_;
  std::string terraform_version_;
  std::shared_ptr<CancellationToken> cancel_ =
      std::make_shared<CancellationToken>();
};

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_PROVIDER_SERVER_H_
