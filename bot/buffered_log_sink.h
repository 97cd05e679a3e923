// BufferedLogSink: an spdlog sink that collects formatted lines in memory and writes them to a file
// descriptor in one write() when flushed, instead of one write() per line.
//
// Under load opsbot logs a line per command; written one by one, those writes cost more CPU than some
// commands (bench/README.md). The owner sets when lines go out: spdlog::flush_on(level) for lines that
// must not wait (warnings and errors), spdlog::flush_every(period) for the rest (opsbot: 1 s), and the buffer
// is written when it passes `max_bytes` and when the sink is destroyed. So a kill -9 can lose up to one
// period of info lines, never a warning or an error; state changes are in the store's audit rows regardless.
// Thread-safe (spdlog's base_sink holds a mutex around sink_it_ and flush_).
#pragma once

#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace opsbot {

class BufferedLogSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedLogSink(int fd, std::size_t max_bytes = 64 * 1024) : fd_(fd), max_bytes_(max_bytes) {}
  ~BufferedLogSink() override {
    std::lock_guard lock(mutex_);
    WriteOut();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (buffer_.size() >= max_bytes_) WriteOut();
  }
  void flush_() override { WriteOut(); }

 private:
  void WriteOut() {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to log to: drop rather than block the server
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  int fd_;
  std::size_t max_bytes_;
  spdlog::memory_buf_t buffer_;
};

}  // namespace opsbot
