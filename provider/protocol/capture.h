// Capture of the values Terraform sends, for golden tests.
//
// When the environment variable ENCORE_PROVIDER_CAPTURE_DIR names a
// directory, every non-empty DynamicValue the provider receives is written
// there as
//
//   DIR/<rpc>-<type_name>-<field>-<counter>.msgpack  (or .json)
//   DIR/<rpc>-<type_name>-<field>-<counter>.type     (the JSON type string
//                                                     used to decode it)
//
// e.g. PlanResourceChange-encore_app-config-4242.0007.msgpack (the provider
// configuration's type name is the provider's, "encore"; a function's is
// its name, with fields argument0, argument1, ...). The counter
// is "<pid>.<n>" (n per process, from 1, four digits or more), because
// Terraform launches several provider processes per command. Characters
// other than [A-Za-z0-9_.] in names become '_'. Files hold exactly what
// arrived on the wire, sensitive attributes included: use it only with
// test data. Errors while writing are logged at WARN and otherwise ignored.
#ifndef ENCORE_PROVIDER_PROTOCOL_CAPTURE_H_
#define ENCORE_PROVIDER_PROTOCOL_CAPTURE_H_

#include <atomic>
#include <string>
#include <string_view>

namespace encore::protocol {

class Capture {
 public:
  // Disabled when `dir` is null or empty.
  explicit Capture(const char* dir);
  static Capture FromEnv();  // ENCORE_PROVIDER_CAPTURE_DIR

  bool enabled() const { return !dir_.empty(); }
  // `bytes` are the raw msgpack (or JSON when `is_json`); empty: nothing
  // is written.
  void Record(std::string_view rpc, std::string_view type_name,
              std::string_view field, std::string_view bytes,
              std::string_view type_json, bool is_json = false);

  Capture(Capture&& other) noexcept
      : dir_(std::move(other.dir_)), counter_(other.counter_.load()) {}

 private:
  std::string dir_;
  std::atomic<int> counter_{0};
};

}  // namespace encore::protocol

#endif  // ENCORE_PROVIDER_PROTOCOL_CAPTURE_H_
