#include "provider/data_sources/agent_lookup.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "model/text.h"
#include "provider/config/provider_settings.h"
#include "provider/resources/agent_calls.h"
#include "provider/resources/common.h"

namespace encore::data_sources {

using resources::AttrOr;
using resources::KnownString;
using values::Type;
using values::Value;

std::optional<std::string> ResolveApp(const framework::CallContext& ctx,
                                      const Value& config, Diagnostics& diags) {
  if (auto app = KnownString(AttrOr(config, "app"))) return app;
  const config::ProviderSettings* s = config::SettingsOf(ctx);
  if (s && !s->app.empty()) return s->app;
  diags.AddAttributeError(
      AttributePath::Root("app"), "No app",
      "This lookup names no app and the provider sets no default: set app "
      "here, or app in the provider \"encore\" block.");
  return std::nullopt;
}

std::optional<model::Environment> ResolveEnvironment(
    const framework::CallContext& ctx, agent::AgentClient& client,
    const std::string& app, const Value& config, Diagnostics& diags) {
  const AttributePath env_path = AttributePath::Root("env");
  std::string env;
  if (auto e = KnownString(AttrOr(config, "env"))) {
    env = *e;
  } else if (const config::ProviderSettings* s = config::SettingsOf(ctx);
             s && !s->env.empty()) {
    env = s->env;
  } else {
    auto primary = client.GetPrimaryEnvironment(app);
    if (!primary.ok()) {
      if (primary.status().code() == StatusCode::kNotFound) {
        diags.AddAttributeError(
            env_path, "No environment",
            "This lookup names no environment, the provider sets no env, "
            "and app \"" +
                app +
                "\" has no primary environment: set env here or in the "
                "provider block, or declare an encore_primary_environment.");
      } else {
        resources::AddAgentError(
            ctx, primary.status(),
            "reading the primary environment of app " + app, diags, env_path);
      }
      return std::nullopt;
    }
    env = primary->environment;
  }
  auto record = client.GetEnvironment(app, env);
  if (record.ok()) return std::move(record).value();
  if (record.status().code() != StatusCode::kNotFound) {
    resources::AddAgentError(ctx, record.status(),
                             "reading environment " + app + "/" + env, diags,
                             env_path);
    return std::nullopt;
  }
  std::vector<std::string> names;
  if (auto all = client.ListEnvironments(app, ""); all.ok()) {
    for (const auto& e : *all) names.push_back(e.spec.name);
  }
  std::sort(names.begin(), names.end());
  diags.AddAttributeError(
      env_path, "Environment not found",
      "App \"" + app + "\" has no environment \"" + env + "\"; " +
          (names.empty() ? std::string("it has no environments yet.")
                         : "its environments are " +
                               model::QuotedList(names, "and") + "."));
  return std::nullopt;
}

std::optional<model::AppModel> AppModelOf(const framework::CallContext& ctx,
                                          agent::AgentClient& client,
                                          const std::string& app,
                                          Diagnostics& diags) {
  auto record = client.GetApp(app);
  if (!record.ok()) {
    resources::AddAgentError(ctx, record.status(), "reading app " + app, diags);
    return std::nullopt;
  }
  auto parsed = model::ParseAppModel(record->model_json);
  if (!parsed.ok()) {
    diags.AddError("Unreadable application model",
                   "The agent's model of app " + app +
                       " could not be read: " + parsed.status().message());
    return std::nullopt;
  }
  return std::move(parsed).value();
}

const model::InfraItem* FindInfraItem(const model::Environment& env,
                                      const std::string& kind,
                                      const std::string& name,
                                      Diagnostics& diags) {
  std::vector<std::string> same_kind;
  for (const auto& item : env.infrastructure) {
    if (item.kind != kind) continue;
    if (item.name == name) return &item;
    same_kind.push_back(item.name);
  }
  diags.AddAttributeError(
      AttributePath::Root("name"), "Not found",
      "Environment " + env.spec.app + "/" + env.spec.name + " has no " + kind +
          " named \"" + name + "\"; " +
          (same_kind.empty() ? "it has no " + kind + " at all."
                             : "its " + kind + " items are " +
                                   model::QuotedList(same_kind, "and") + "."));
  return nullptr;
}

const model::InfraItem* ProcessOf(const model::Environment& env,
                                  const std::string& service) {
  const model::EnvironmentSpec& s = env.spec;
  std::string group;
  if (!s.process_groups.empty()) {
    for (const auto& g : s.process_groups) {
      if (std::find(g.services.begin(), g.services.end(), service) !=
          g.services.end()) {
        group = g.name;
      }
    }
  } else if (s.process_allocation == "per_service") {
    group = service;
  } else {
    group = "main";
  }
  for (const auto& item : env.infrastructure) {
    if (item.kind == "process" && item.name == group) return &item;
  }
  return nullptr;
}

std::unique_ptr<TypedLookup> StartLookup(const framework::DataReadRequest& req,
                                         const std::string& kind,
                                         Diagnostics& diags) {
  auto lookup = std::make_unique<TypedLookup>();
  lookup->client = config::ClientOf(req.ctx, diags);
  if (!lookup->client) return nullptr;
  auto app = ResolveApp(req.ctx, req.config, diags);
  if (!app) return nullptr;
  auto env =
      ResolveEnvironment(req.ctx, *lookup->client, *app, req.config, diags);
  if (!env) return nullptr;
  lookup->env = std::move(*env);
  lookup->name = KnownString(AttrOr(req.config, "name")).value_or("");
  if (!kind.empty()) {
    lookup->item = FindInfraItem(lookup->env, kind, lookup->name, diags);
    if (lookup->item == nullptr) return nullptr;
  }
  return lookup;
}

std::optional<model::ResourceFacts> FetchResourceFacts(
    const framework::CallContext& ctx, const TypedLookup& l,
    const std::string& kind, bool include_credentials, Diagnostics& diags,
    bool warn) {
  const std::string where = l.env.spec.app + "/" + l.env.spec.name;
  auto facts = l.client->GetResourceFacts(l.env.spec.app, l.env.spec.name, kind,
                                          l.name, include_credentials);
  if (include_credentials &&
      facts.status().code() == StatusCode::kPermissionDenied) {
    // The token may read the facts but not the credentials (a viewer, or
    // a member on production): the facts without them, and say why.
    const std::string denied = facts.status().message();
    facts = l.client->GetResourceFacts(l.env.spec.app, l.env.spec.name, kind,
                                       l.name, /*include_credentials=*/false);
    if (facts.ok()) {
      diags.AddWarning(
          "Credentials not readable with this token",
          kind + " \"" + l.name + "\" of environment " + where +
              ": the agent does not hand this token its credentials (" +
              denied +
              "), so password is null and connection_string carries none. Use "
              "a token "
              "whose role may change the environment (member; admin for "
              "production).");
      return std::move(facts).value();
    }
  }
  if (facts.ok()) return std::move(facts).value();
  const StatusCode code = facts.status().code();
  if (code != StatusCode::kNotFound && code != StatusCode::kUnimplemented) {
    resources::AddAgentError(ctx, facts.status(),
                             "reading the connection facts of " + kind + " \"" +
                                 l.name + "\" in environment " + where,
                             diags);
    return std::nullopt;
  }
  if (!warn) return std::nullopt;
  const std::string status =
      l.env.status.empty() ? std::string("unknown") : l.env.status;
  std::string why =
      code == StatusCode::kUnimplemented
          ? "the agent does not provision real infrastructure (an older "
            "encore-agent; upgrade it)"
          : "the agent has not provisioned it (the environment's status is \"" +
                status + "\"" +
                (l.env.spec.cloud == "aws" || l.env.spec.cloud == "gcp"
                     ? std::string(": the ") + l.env.spec.cloud +
                           " drivers only plan for now"
                     : std::string("")) +
                ")";
  diags.AddWarning("Connection facts not available yet",
                   kind + " \"" + l.name + "\" of environment " + where +
                       " has no connection facts because " + why +
                       ", so its host, port and other connection attributes "
                       "are null. Apply the environment, then read this data "
                       "source again.");
  return std::nullopt;
}

Value FactString(const model::ResourceFacts* f, const std::string& key) {
  if (f != nullptr) {
    for (const auto* m : {&f->facts, &f->credentials}) {
      auto it = m->find(key);
      if (it != m->end() && !it->second.empty()) {
        return Value::String(it->second);
      }
    }
  }
  return Value::Null(Type::String());
}

Value FactNumber(const model::ResourceFacts* f, const std::string& key) {
  Value text = FactString(f, key);
  if (text.IsNull()) return Value::Null(Type::Number());
  const std::string& s = text.AsString();
  if (s.size() > 18) return Value::Null(Type::Number());
  for (char c : s) {
    if (c < '0' || c > '9') return Value::Null(Type::Number());
  }
  return Value::Int(std::stoll(s));
}

Value FactList(const model::ResourceFacts* f, const std::string& key) {
  Value text = FactString(f, key);
  if (text.IsNull()) return Value::Null(Type::List(Type::String()));
  const std::string& s = text.AsString();
  std::vector<Value> items;
  auto parsed = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_array()) {
    for (const auto& e : parsed) {
      if (e.is_string()) items.push_back(Value::String(e.get<std::string>()));
    }
  } else {
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      std::string item =
          s.substr(start, comma == std::string::npos ? std::string::npos
                                                     : comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(0, 1);
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) items.push_back(Value::String(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return Value::List(Type::String(), std::move(items));
}

Value LookupState(const framework::Block& block, const model::Environment& env,
                  const std::string& kind, const std::string& name,
                  const model::InfraItem* item,
                  std::map<std::string, Value> facts) {
  std::map<std::string, Value> attrs;
  for (const auto& a : block.attributes) attrs[a.name] = Value::Null(a.type);
  attrs["id"] = Value::String(env.spec.app + "/" + env.spec.name + "/" + kind +
                              "/" + name);
  attrs["app"] = Value::String(env.spec.app);
  attrs["env"] = Value::String(env.spec.name);
  attrs["name"] = Value::String(name);
  if (item) {
    if (block.FindAttribute("provider_id")) {
      attrs["provider_id"] = Value::String(item->provider_id);
    }
    if (block.FindAttribute("status")) {
      attrs["status"] = Value::String(item->status);
    }
    if (block.FindAttribute("planned_calls")) {
      std::vector<Value> calls;
      for (const auto& c : item->planned_calls) {
        calls.push_back(Value::String(c));
      }
      attrs["planned_calls"] = Value::List(Type::String(), std::move(calls));
    }
  }
  for (auto& [k, v] : facts) attrs[k] = std::move(v);
  return Value::ObjectOf(block.ImpliedType(), std::move(attrs));
}

}  // namespace encore::data_sources
