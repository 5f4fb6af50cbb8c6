// Helpers for tests that run the provider binary as a real process:
// spawning with a chosen environment and captured stdout/stderr (no shell),
// reading a line with a timeout, waiting for exit with a timeout.
#ifndef ENCORE_TESTS_PROCESS_UTIL_H_
#define ENCORE_TESTS_PROCESS_UTIL_H_

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace encore::testing {

// The test process's environment minus everything go-plugin and the
// provider read, plus `extra`.
std::vector<std::string> PluginEnv(
    const std::map<std::string, std::string>& extra);

struct Child {
  pid_t pid = -1;
  int stdout_fd = -1;  // read ends
  int stderr_fd = -1;
};

// Starts `argv` (argv[0] is the path) with `env`; stdin is /dev/null.
// Returns pid -1 on failure.
Child Spawn(const std::vector<std::string>& argv,
            const std::vector<std::string>& env);

// Reads one line (without '\n') from `fd`; nullopt on EOF or timeout.
std::optional<std::string> ReadLine(int fd, std::chrono::milliseconds timeout);
// Reads until EOF (or timeout).
std::string ReadAll(int fd, std::chrono::milliseconds timeout);

// Waits for `pid` to exit; returns the wait status, or nullopt on timeout.
std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout);

// Kills (SIGKILL) and reaps `pid` if it is still running; closes fds.
void Cleanup(Child& child);

// The state letter of /proc/PID/stat ('R', 'S', 'Z', ...); 0 if gone.
char ProcessState(pid_t pid);

std::string MakeTempDir();
bool FileExists(const std::string& path);

}  // namespace encore::testing

#endif  // ENCORE_TESTS_PROCESS_UTIL_H_
