#include "bench/bench_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace encore::bench {
namespace {
std::string program = "bench";
}  // namespace

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  if (rank == 0) rank = 1;
  return v[std::min(rank, v.size()) - 1];
}

double Min(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}
double Max(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

void SetProgramName(const std::string& name) { program = name; }

void Die(const std::string& msg) {
  std::fprintf(stderr, "%s: %s\n", program.c_str(), msg.c_str());
  std::exit(1);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t i = s.find(sep, start);
    out.push_back(s.substr(start, i - start));
    if (i == std::string::npos) return out;
    start = i + 1;
  }
}

std::string Shell(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

void WriteFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  if (!out) Die("cannot write " + p.string());
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<double> TimeTerraform(const std::string& terraform,
                                  const std::filesystem::path& dir,
                                  const std::string& args, int runs) {
  std::vector<double> times;
  std::string log = (dir / (Split(args, ' ')[0] + ".out")).string();
  std::string cmd = Shell(terraform) + " -chdir=" + Shell(dir.string()) + " " +
                    args + " >" + Shell(log) + " 2>&1";
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    int rc = std::system(cmd.c_str());
    auto t1 = Clock::now();
    if (rc != 0) {
      Die("terraform " + args + " failed in " + dir.string() + ":\n" +
          ReadFile(log));
    }
    times.push_back(Ms(t1 - t0));
  }
  return times;
}

std::string TerraformDataConfig(int n) {
  std::ostringstream s;
  for (int i = 0; i < n; ++i) {
    s << "resource \"terraform_data\" \"r" << i << "\" {\n"
      << "  input = { name = \"svc" << i << "\", max_instances = \""
      << (i % 10 + 1) << "\" }\n}\n";
  }
  return s.str();
}

}  // namespace encore::bench
