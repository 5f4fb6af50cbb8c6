// Small shared pieces of the benchmark programs: statistics over samples,
// shell quoting, files, timing `terraform` runs. Benchmarks print figures;
// they are not tests.
#ifndef ENCORE_BENCH_BENCH_UTIL_H_
#define ENCORE_BENCH_BENCH_UTIL_H_

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace encore::bench {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d);
double Median(std::vector<double> v);
// The p-th percentile (0..100) by nearest rank; 0 for no samples.
double Percentile(std::vector<double> v, double p);
double Min(const std::vector<double>& v);
double Max(const std::vector<double>& v);

// Prints "PROGRAM: message" on stderr and exits 1.
[[noreturn]] void Die(const std::string& msg);
void SetProgramName(const std::string& name);

std::vector<std::string> Split(const std::string& s, char sep);
// Single-quotes `s` for /bin/sh.
std::string Shell(const std::string& s);
void WriteFile(const std::filesystem::path& p, const std::string& text);
std::string ReadFile(const std::filesystem::path& p);

// Runs `terraform ARGS` in `dir` `runs` times (output to dir/ARGS0.out);
// returns the wall times in ms; dies with the output if a run fails.
std::vector<double> TimeTerraform(const std::string& terraform,
                                  const std::filesystem::path& dir,
                                  const std::string& args, int runs);

// N terraform_data resources: the floor every plan ratio is measured
// against (Terraform's built-in provider).
std::string TerraformDataConfig(int n);

}  // namespace encore::bench

#endif  // ENCORE_BENCH_BENCH_UTIL_H_
