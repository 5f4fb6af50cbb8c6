// Function: one provider function (Terraform >= 1.8), called as
// provider::encore::NAME(...). Pure: the same arguments give the same
// result. Bad input is a FunctionError naming the argument (0-based).
#ifndef ENCORE_PROVIDER_FRAMEWORK_FUNCTION_H_
#define ENCORE_PROVIDER_FRAMEWORK_FUNCTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "provider/framework/call_context.h"
#include "provider/framework/schema.h"

namespace encore::framework {

struct FunctionParameter {
  std::string name;
  Type type;
  std::string description;
  bool allow_null = false;
  bool allow_unknown = false;
};

struct FunctionSignature {
  std::vector<FunctionParameter> parameters;
  std::optional<FunctionParameter> variadic;
  Type return_type;
  std::string summary;      // one line
  std::string description;  // Markdown
};

struct FunctionError {
  std::string text;
  std::optional<int64_t> argument;  // 0-based index of the bad argument
};

// Either a value or an error (then `value` is not sent to Terraform).
struct FunctionResult {
  Value value;
  std::optional<FunctionError> error;

  static FunctionResult Ok(Value v) { return {std::move(v), std::nullopt}; }
  // An error about argument `argument` (0-based).
  static FunctionResult Fail(int64_t argument, std::string text) {
    return {Value(), FunctionError{std::move(text), argument}};
  }
};

class Function {
 public:
  virtual ~Function() = default;
  virtual std::string name() const = 0;  // "connection_string"
  virtual const FunctionSignature& signature() const = 0;
  // `args` are already decoded with the parameters' types.
  virtual FunctionResult Call(const CallContext& ctx,
                              const std::vector<Value>& args) const = 0;
};

}  // namespace encore::framework

#endif  // ENCORE_PROVIDER_FRAMEWORK_FUNCTION_H_
