// Function connection_string(db): a postgresql:// URI from an
// encore_sql_database data source object or an encore_database_credentials
// ephemeral object (any object with host, port, database, user, password
// and an optional sslmode).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "provider/catalog.h"

namespace encore::catalog {
namespace {

using framework::FunctionResult;
using values::Type;
using values::TypeKind;
using values::Value;

constexpr char kShape[] =
    "db must be an object with host, port, database, user and password";

// RFC 3986: everything but the unreserved characters is percent-encoded.
std::string PercentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// An IPv6 literal goes in brackets, its zone's '%' encoded (RFC 6874).
std::string UriHost(const std::string& host) {
  if (host.find(':') == std::string::npos || host.front() == '[') return host;
  std::string out = "[";
  for (char c : host) {
    if (c == '%') {
      out += "%25";
    } else {
      out.push_back(c);
    }
  }
  return out + "]";
}

// The port as text, from a number or a string of digits; nullopt if it is
// not a whole number in 1..65535.
std::optional<int64_t> PortOf(const Value& v) {
  if (v.type().kind() == TypeKind::kNumber) {
    std::optional<int64_t> n = v.AsNumber().AsInt64();
    if (n.has_value() && *n >= 1 && *n <= 65535) return n;
    return std::nullopt;
  }
  if (v.type().kind() == TypeKind::kString) {
    const std::string& s = v.AsString();
    if (s.empty() || s.size() > 5) return std::nullopt;
    int64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (n >= 1 && n <= 65535) return n;
  }
  return std::nullopt;
}

class ConnectionStringFunction final : public Function {
 public:
  ConnectionStringFunction() {
    signature_.parameters.push_back(framework::FunctionParameter{
        "db", Type::Dynamic(),
        "An `encore_sql_database` data source, an "
        "`encore_database_credentials` ephemeral resource, or any object "
        "with `host`, `port`, `database`, `user`, `password` and optionally "
        "`sslmode`."});
    signature_.return_type = Type::String();
    signature_.summary = "A postgresql:// connection URI for a database";
    signature_.description =
        "Returns `postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE` "
        "for an `encore_sql_database` data source or an "
        "`encore_database_credentials` ephemeral resource. The user, password "
        "and database are percent-encoded (RFC 3986), an IPv6 host is put in "
        "brackets, and `sslmode` is kept when set (left out when null). When "
        "the object has a `server_database` attribute (the ephemeral "
        "resource does), that is the database name used. The result is as "
        "sensitive as the password it holds.";
  }

  std::string name() const override { return "connection_string"; }
  const framework::FunctionSignature& signature() const override {
    return signature_;
  }

  FunctionResult Call(const framework::CallContext& ctx,
                      const std::vector<Value>& args) const override {
    const Value& db = args.at(0);
    if (db.IsUnknown())
      return FunctionResult::Ok(Value::Unknown(Type::String()));
    if (db.IsNull())
      return FunctionResult::Fail(0, std::string(kShape) + "; got null");
    TypeKind kind = db.type().kind();
    if (kind != TypeKind::kObject && kind != TypeKind::kMap) {
      return FunctionResult::Fail(
          0, std::string(kShape) + "; got " + db.type().FriendlyName());
    }
    const std::map<std::string, Value>& attrs = db.Entries();
    auto find = [&](const std::string& name) -> const Value* {
      auto it = attrs.find(name);
      return it == attrs.end() ? nullptr : &it->second;
    };

    std::vector<std::string> missing;
    for (const char* name : {"host", "port", "database", "user", "password"}) {
      const Value* v = find(name);
      if (v == nullptr || v->IsNull()) {
        missing.push_back(name);
      } else if (!v->IsWhollyKnown()) {
        return FunctionResult::Ok(Value::Unknown(Type::String()));
      }
    }
    if (!missing.empty()) {
      std::string list;
      for (const std::string& m : missing) {
        list += (list.empty() ? "" : ", ") + m;
      }
      return FunctionResult::Fail(0,
                                  std::string(kShape) + "; missing: " + list);
    }

    // Strings, each checked by name so the error says which.
    auto text = [&](const std::string& name,
                    std::string& out) -> std::optional<FunctionResult> {
      const Value& v = *find(name);
      if (v.type().kind() != TypeKind::kString) {
        return FunctionResult::Fail(
            0,
            "db." + name + " must be a string; got " + v.type().FriendlyName());
      }
      out = v.AsString();
      return std::nullopt;
    };
    std::string host, database, user, password;
    if (auto e = text("host", host)) return *e;
    if (auto e = text("user", user)) return *e;
    if (auto e = text("password", password)) return *e;
    if (auto e = text("database", database)) return *e;
    const Value* server_db = find("server_database");
    if (server_db != nullptr && server_db->IsKnown() &&
        server_db->type().kind() == TypeKind::kString &&
        !server_db->AsString().empty()) {
      database = server_db->AsString();
    }
    if (host.empty())
      return FunctionResult::Fail(0, "db.host must not be empty");
    if (user.empty())
      return FunctionResult::Fail(0, "db.user must not be empty");
    if (database.empty())
      return FunctionResult::Fail(0, "db.database must not be empty");

    std::optional<int64_t> port = PortOf(*find("port"));
    if (!port.has_value()) {
      const Value& p = *find("port");
      std::string got =
          p.type().kind() == TypeKind::kNumber   ? p.AsNumber().ToString()
          : p.type().kind() == TypeKind::kString ? "\"" + p.AsString() + "\""
                                                 : p.type().FriendlyName();
      return FunctionResult::Fail(
          0, "db.port must be a whole number from 1 to 65535; got " + got);
    }

    std::string sslmode;
    if (const Value* s = find("sslmode"); s != nullptr && !s->IsNull()) {
      if (s->IsUnknown())
        return FunctionResult::Ok(Value::Unknown(Type::String()));
      if (s->type().kind() != TypeKind::kString) {
        return FunctionResult::Fail(
            0, "db.sslmode must be a string or null; got " +
                   s->type().FriendlyName());
      }
      sslmode = s->AsString();
    }

    std::string uri = "postgresql://" + PercentEncode(user);
    if (!password.empty()) uri += ":" + PercentEncode(password);
    uri += "@" + UriHost(host) + ":" + std::to_string(*port) + "/" +
           PercentEncode(database);
    if (!sslmode.empty()) uri += "?sslmode=" + PercentEncode(sslmode);
    return FunctionResult::Ok(Value::String(std::move(uri)));
  }

 private:
  framework::FunctionSignature signature_;
};

}  // namespace

std::unique_ptr<Function> NewConnectionStringFunction() {
  return std::make_unique<ConnectionStringFunction>();
}

}  // namespace encore::catalog
