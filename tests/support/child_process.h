// A program started by a test or a benchmark (tocsin run, Debian's prometheus or alertmanager),
// owned like a file handle: the destructor kills it, so no exit path of a test leaves a server
// behind. The child also dies with its parent (PR_SET_PDEATHSIG), which covers a test binary
// that crashes or is killed by CTest's timeout.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace tocsin::testing {

class ChildProcess {
 public:
  // Runs argv[0] (a path, not looked up in PATH) with `argv`; stdout and stderr go to `log_file`
  // (truncated). started() tells whether fork and exec succeeded.
  ChildProcess(std::vector<std::string> argv, std::string log_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Still running (not exited, not reaped)?
  bool running();
  // Sends `signal`, waits up to `grace`, then SIGKILLs. Returns the wait status (as waitpid's),
  // or -1 when there was no process.
  int Stop(int signal, std::chrono::milliseconds grace);
  // What the program printed so far (for failure messages).
  std::string output() const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string log_file_;
};

}  // namespace tocsin::testing
