#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>

extern char** environ;

namespace opsbot::testing {

Subprocess::Subprocess(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
    throw std::runtime_error("pipe");
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e)
    envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args, envp;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : envs)
      envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  in_ = in[1];
  outfd_ = out[0];
  errfd_ = err[0];
  signal(SIGPIPE, SIG_IGN);
}

Subprocess::~Subprocess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  for (int fd : {in_, outfd_, errfd_})
    if (fd >= 0) close(fd);
}

void Subprocess::Write(const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(in_, data.data() + off, data.size() - off);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

void Subprocess::CloseStdin() {
  if (in_ >= 0) close(in_);
  in_ = -1;
}

void Subprocess::Pump(int timeout_ms) {
  pollfd fds[2] = {{outfd_, POLLIN, 0}, {errfd_, POLLIN, 0}};
  if (poll(fds, 2, timeout_ms) <= 0) return;
  char buf[65536];
  for (int i = 0; i < 2; ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
    ssize_t n = read(fds[i].fd, buf, sizeof buf);
    if (n > 0) (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n));
    if (n == 0) {
      close(fds[i].fd);
      (i == 0 ? outfd_ : errfd_) = -1;
    }
  }
}

namespace {
template <typename Pred>
void PumpUntil(Pred done, int timeout_ms, const std::function<void(int)>& pump) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done() && std::chrono::steady_clock::now() < deadline)
    pump(20);
}
}  // namespace

std::string Subprocess::ReadStdoutUntil(const std::string& needle, int timeout_ms) {
  PumpUntil([&] { return out_.find(needle) != std::string::npos || (outfd_ < 0 && errfd_ < 0); }, timeout_ms,
            [this](int t) { Pump(t); });
  return out_;
}

std::string Subprocess::ReadStderrUntil(const std::string& needle, int timeout_ms) {
  PumpUntil([&] { return err_.find(needle) != std::string::npos || (outfd_ < 0 && errfd_ < 0); }, timeout_ms,
            [this](int t) { Pump(t); });
  return err_;
}

void Subprocess::Signal(int sig) {
  if (!reaped_) kill(pid_, sig);
}

int Subprocess::Wait(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!reaped_) {
    if (outfd_ >= 0 || errfd_ >= 0) Pump(20);
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      while (outfd_ >= 0 || errfd_ >= 0)
        Pump(100);
      break;
    }
    if (outfd_ < 0 && errfd_ < 0) usleep(10000);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
    }
  }
  return status_;
}

int RunToEnd(const std::vector<std::string>& argv, const std::string& input, std::string* out,
             std::string* err, const std::vector<std::string>& env) {
  Subprocess p(argv, env);
  p.Write(input);
  p.CloseStdin();
  int status = p.Wait();
  if (out) *out = p.out();
  if (err) *err = p.err();
  return status;
}

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path() /
              ("opsbot-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(base);
  path_ = base.string();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> SplitReplies(const std::string& out) {
  std::vector<std::string> replies;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find("\n\n", start);
    if (end == std::string::npos) end = out.size();
    std::string block = out.substr(start, end - start);
    if (!block.empty()) replies.push_back(block);
    start = end + 2;
  }
  return replies;
}

}  // namespace opsbot::testing
