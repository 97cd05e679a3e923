#include "adapters/console/console_adapter.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace opsbot {
namespace {

// Reads lines from a file descriptor, waking also on a stop descriptor.
class LineReader {
 public:
  LineReader(int fd, int stop_fd) : fd_(fd), stop_fd_(stop_fd) {}

  // The next line without its newline; false at end of input or on stop.
  bool Next(std::string& line) {
    for (;;) {
      auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
      if (eof_) {
        if (buffer_.empty()) return false;
        line.swap(buffer_);
        buffer_.clear();
        return true;
      }
      if (!Fill()) return false;
    }
  }

 private:
  bool Fill() {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    int n = poll(fds, stop_fd_ >= 0 ? 2 : 1, -1);
    if (n < 0) return errno == EINTR;
    if (stop_fd_ >= 0 && (fds[1].revents & POLLIN)) return false;
    char chunk[4096];
    ssize_t got = read(fd_, chunk, sizeof chunk);
    if (got < 0) return errno == EINTR || errno == EAGAIN;
    if (got == 0) eof_ = true;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  int fd_;
  int stop_fd_;
  std::string buffer_;
  bool eof_ = false;
};

bool IsQuit(const std::string& line) {
  auto b = line.find_first_not_of(" \t");
  auto e = line.find_last_not_of(" \t");
  if (b == std::string::npos) return false;
  std::string w = line.substr(b, e - b + 1);
  return w == "quit" || w == "exit" || w == "退出";
}

}  // namespace

int RunConsole(const ConsoleOptions& options, const MessageHandler& handle, std::ostream& out) {
  const std::string prompt = options.user + (options.chat.empty() ? "" : "@" + options.chat) + "> ";
  if (options.interactive) {
    out << "opsbot console: you are @" << options.user
        << (options.chat.empty() ? " in a direct chat" : " in chat " + options.chat)
        << ". Type 'help' (帮助) to see the commands, 'quit' to leave.\n";
  }
  LineReader reader(options.in_fd, options.stop_fd);
  std::string line;
  int handled = 0;
  for (;;) {
    if (options.interactive) out << prompt << std::flush;
    if (!reader.Next(line) || IsQuit(line)) break;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    InboundMessage msg;
    msg.channel = Channel::kConsole;
    msg.user = options.user;
    msg.chat = options.chat;
    msg.text = line;
    Reply reply = handle(msg);
    out << reply.text << "\n";
    if (!options.interactive) out << "\n";
    out << std::flush;
    ++handled;
  }
  if (options.interactive) out << "\n";
  return handled;
}

}  // namespace opsbot
