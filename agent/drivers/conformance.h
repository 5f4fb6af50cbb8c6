// The driver conformance suite (house rule 4): every driver passes the same
// tests against its real backend. A driver's test file provides a
// ConformanceTarget (the backend it needs, started for real) and
// instantiates the suite:
//
//   INSTANTIATE_TEST_SUITE_P(Postgres, DriverConformance,
//       ::testing::Values(ConformanceParam{"postgres", &MakePostgresTarget}),
//       ConformanceParamName);
//
// conformance.cc holds the tests; the CMake function
// encore_driver_test(NAME SOURCES...) (agent/drivers/CMakeLists.txt) adds it
// to a test executable.
#ifndef ENCORE_AGENT_DRIVERS_CONFORMANCE_H_
#define ENCORE_AGENT_DRIVERS_CONFORMANCE_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "agent/drivers/driver.h"

namespace encore::agent::drivers {

class ConformanceTarget {
 public:
  virtual ~ConformanceTarget() = default;
  virtual Driver& driver() = 0;
  // A fresh resource of the driver's kind for environment `env` ("app/env"),
  // with a backend name no other call returned; its desired attributes set.
  virtual Resource NewResource(const std::string& env) = 0;
  // An owned attribute of `r` and a value different from its desired one.
  virtual std::pair<std::string, std::string> SamplePatch(const Resource& r) = 0;
  // Makes a resource under r's backend name without any mark, out of band,
  // as a person in a console would.
  virtual Status MakeForeign(const Resource& r) = 0;
  // Sets owned attribute `attr` of `r` to `value` out of band.
  virtual Status ChangeOutOfBand(const Resource& r, const std::string& attr,
                                 const std::string& value) = 0;
  // A change out of band to something the agent does not own; returns the
  // observed key ("foreign.<name>") and the value Observe should then show.
  virtual StatusOr<std::pair<std::string, std::string>> ChangeForeignAttribute(
      const Resource& r) = 0;
  // Removes whatever is left under r's backend name (foreign ones too).
  virtual void Cleanup(const Resource& r) = 0;
};

struct ConformanceParam {
  std::string name;
  std::function<std::unique_ptr<ConformanceTarget>()> make;
};
inline void PrintTo(const ConformanceParam& p, std::ostream* os) {
  *os << p.name;
}
inline std::string ConformanceParamName(
    const ::testing::TestParamInfo<ConformanceParam>& info) {
  return info.param.name;
}

class DriverConformance : public ::testing::TestWithParam<ConformanceParam> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // A new resource, cleaned up at TearDown.
  Resource Fresh(const std::string& env = "conf/local");

  std::unique_ptr<ConformanceTarget> target_;
  std::vector<Resource> made_;
};

}  // namespace encore::agent::drivers

#endif  // ENCORE_AGENT_DRIVERS_CONFORMANCE_H_
