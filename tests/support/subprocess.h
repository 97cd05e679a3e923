// Subprocess: runs the real opsbot binary (or any program) with pipes, for end-to-end tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace opsbot::testing {

class Subprocess {
 public:
  // Starts `argv[0]` with `argv`; stdin, stdout and stderr are pipes. `env` entries ("K=V") are added.
  Subprocess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~Subprocess();  // kills (SIGKILL) and reaps if still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  void Write(const std::string& data);
  void CloseStdin();
  // Reads stdout until it holds `needle` or `timeout_ms` passes; returns everything read so far.
  std::string ReadStdoutUntil(const std::string& needle, int timeout_ms = 10000);
  // Reads stderr until it holds `needle` or the timeout; returns everything read so far.
  std::string ReadStderrUntil(const std::string& needle, int timeout_ms = 10000);
  void Signal(int sig);
  // Waits for exit (reading the rest of stdout/stderr); returns the exit status (128+sig if killed).
  int Wait(int timeout_ms = 30000);
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  void Pump(int timeout_ms);

  pid_t pid_ = -1;
  int in_ = -1, outfd_ = -1, errfd_ = -1;
  std::string out_, err_;
  bool reaped_ = false;
  int status_ = -1;
};

// Runs to completion with `input` on stdin. Returns the exit status; fills out/err.
int RunToEnd(const std::vector<std::string>& argv, const std::string& input, std::string* out,
             std::string* err, const std::vector<std::string>& env = {});

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The replies of `opsbot console` in script mode: blocks separated by one empty line.
std::vector<std::string> SplitReplies(const std::string& out);

}  // namespace opsbot::testing
