#include "provider/config/provider_settings.h"

#include <cctype>
#include <cstdlib>

namespace encore::config {
namespace {

using values::Value;

std::optional<std::string> NonEmpty(const EnvLookup& env,
                                    std::string_view name) {
  auto v = env(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

// The known, non-null string of config.name; records unknowns.
std::optional<std::string> ConfigString(const Value& config,
                                        const std::string& name,
                                        ProviderSettings& s) {
  if (!config.IsKnown()) return std::nullopt;
  const Value& v = config.GetAttr(name);
  if (v.IsUnknown()) {
    s.unknown.insert(name);
    return std::nullopt;
  }
  if (v.IsNull()) return std::nullopt;
  return v.AsString();
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string DefaultAgentAddress(const EnvLookup& env, uid_t uid) {
  std::string dir = DefaultAgentDataDir(env, uid);
  if (dir.empty()) return "";
  return "unix://" + dir + "/agent.sock";
}

Status CheckAgentAddress(std::string_view a) {
  const std::string forms =
      " Use \"unix:///absolute/path/agent.sock\" for a local agent or "
      "\"https://host:port\" for a remote one.";
  std::string addr(a);
  if (addr.rfind("unix://", 0) == 0) {
    std::string path = addr.substr(7);
    if (path.size() < 2 || path[0] != '/') {
      return Status::InvalidArgument(
          "The agent address \"" + addr +
          "\" does not name an absolute socket path (unix:// must be "
          "followed by a path starting with /)." +
          forms);
    }
    return Status::Ok();
  }
  if (addr.rfind("https://", 0) == 0) {
    std::string rest = addr.substr(8);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    std::string host, port;
    if (!rest.empty() && rest[0] == '[') {
      size_t close = rest.find(']');
      if (close != std::string::npos && close + 1 < rest.size() &&
          rest[close + 1] == ':') {
        host = rest.substr(0, close + 1);
        port = rest.substr(close + 2);
      }
    } else {
      size_t colon = rest.rfind(':');
      if (colon != std::string::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
      }
    }
    bool host_ok = !host.empty() && host.size() > (host[0] == '[' ? 2u : 0u);
    for (char c : host) {
      if (c == '/' || c == '@' || c == ' ' || c == '?' || c == '#') {
        host_ok = false;
      }
    }
    if (!host_ok || !IsDigits(port) || port.size() > 5 || std::stoi(port) < 1 ||
        std::stoi(port) > 65535) {
      return Status::InvalidArgument(
          "The agent address \"" + addr +
          "\" is not of the form https://host:port (a host name or IP and "
          "a port from 1 to 65535, nothing after it)." +
          forms);
    }
    return Status::Ok();
  }
  return Status::InvalidArgument("The agent address \"" + addr +
                                 "\" has neither the unix:// nor the "
                                 "https:// scheme." +
                                 forms);
}

ProviderSettings ResolveSettings(const Value& config, const EnvLookup& env,
                                 uid_t uid) {
  ProviderSettings s;
  if (auto v = ConfigString(config, "agent", s)) {
    s.agent = *v;
    s.agent_source = Source::kConfig;
  } else if (!s.unknown.count("agent")) {
    if (auto e = NonEmpty(env, kAgentEnv)) {
      s.agent = *e;
      s.agent_source = Source::kEnv;
    } else {
      s.agent = DefaultAgentAddress(env, uid);
      s.agent_source = s.agent.empty() ? Source::kUnset : Source::kDefault;
    }
  }
  if (auto v = ConfigString(config, "token", s)) {
    s.token = *v;
    s.token_source = Source::kConfig;
  } else if (!s.unknown.count("token")) {
    if (auto e = NonEmpty(env, kTokenEnv)) {
      s.token = *e;
      s.token_source = Source::kEnv;
    }
  }
  if (auto v = ConfigString(config, "ca_cert", s)) {
    s.ca_cert = *v;
    s.ca_cert_source = Source::kConfig;
  } else if (!s.unknown.count("ca_cert")) {
    if (auto e = NonEmpty(env, kCaCertEnv)) {
      s.ca_cert = *e;
      s.ca_cert_source = Source::kEnv;
    }
  }
  if (auto v = ConfigString(config, "app", s)) s.app = *v;
  if (auto v = ConfigString(config, "env", s)) s.env = *v;
  const Value fc = config.IsKnown() ? config.GetAttr("force_conflicts")
                                    : Value::Null(values::Type::Bool());
  if (fc.IsUnknown()) {
    s.unknown.insert("force_conflicts");
  } else if (fc.IsKnown()) {
    s.force_conflicts = fc.AsBool();
    s.force_conflicts_source = Source::kConfig;
  } else if (auto e = NonEmpty(env, kForceConflictsEnv)) {
    std::string v;
    for (char c : *e) v += static_cast<char>(std::tolower(c));
    s.force_conflicts = v == "1" || v == "true";
    s.force_conflicts_source = Source::kEnv;
  }
  return s;
}

const ProviderSettings* SettingsOf(const framework::CallContext& ctx) {
  const auto* c = dynamic_cast<const ConfiguredEncore*>(ctx.provider.get());
  return c == nullptr ? nullptr : &c->settings();
}

std::shared_ptr<agent::AgentClient> ClientOf(const framework::CallContext& ctx,
                                             Diagnostics& diags) {
  const auto* c = dynamic_cast<const ConfiguredEncore*>(ctx.provider.get());
  if (c == nullptr) {
    diags.AddError(
        "Provider not configured",
        "The encore provider was not configured before this call, so it has "
        "no agent to talk to. This is a bug in Terraform or the provider; "
        "run the command again.");
    return nullptr;
  }
  if (c->client() == nullptr) {
    std::string names;
    for (const auto& n : c->settings().unknown) {
      names += (names.empty() ? "" : ", ") + n;
    }
    diags.AddError(
        "Provider configuration not known yet",
        "The encore provider's configuration depends on values known only "
        "after apply (" +
            names +
            "), so the agent cannot be reached yet. Give those settings known "
            "values (or ENCORE_AGENT / ENCORE_TOKEN / ENCORE_CA_CERT), or "
            "apply the resources they depend on first with -target.");
    return nullptr;
  }
  return c->client();
}

}  // namespace encore::config
