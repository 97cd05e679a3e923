// Unit tests for bot/buffered_log_sink.h: lines wait in memory until a flush, a full buffer or the end.
#include "bot/buffered_log_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <memory>
#include <string>

namespace opsbot {
namespace {

// What has been written to the pipe so far (non-blocking read).
std::string Drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<std::size_t>(n));
  return out;
}

class BufferedLogSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(pipe2(fds_, O_NONBLOCK), 0); }
  void TearDown() override {
    close(fds_[0]);
    close(fds_[1]);
  }
  int fds_[2] = {-1, -1};
};

TEST_F(BufferedLogSinkTest, LinesGoOutOnFlushOnly) {
  auto sink = std::make_shared<BufferedLogSink>(fds_[1]);
  spdlog::logger log("t", sink);
  log.set_pattern("%l %v");
  log.info("first");
  log.info("second");
  EXPECT_EQ(Drain(fds_[0]), "");
  log.flush();
  EXPECT_EQ(Drain(fds_[0]), "info first\ninfo second\n");
}

TEST_F(BufferedLogSinkTest, AWarningFlushesWhatCameBeforeIt) {
  auto sink = std::make_shared<BufferedLogSink>(fds_[1]);
  spdlog::logger log("t", sink);
  log.set_pattern("%l %v");
  log.flush_on(spdlog::level::warn);
  log.info("context");
  log.warn("trouble");
  EXPECT_EQ(Drain(fds_[0]), "info context\nwarning trouble\n");
}

TEST_F(BufferedLogSinkTest, AFullBufferAndTheEndWriteOut) {
  {
    auto sink = std::make_shared<BufferedLogSink>(fds_[1], 32);
    spdlog::logger log("t", sink);
    log.set_pattern("%v");
    log.info("0123456789012345678901234567890123456789");  // over 32 bytes: written at once
    EXPECT_EQ(Drain(fds_[0]).size(), 41u);
    log.info("tail");
    EXPECT_EQ(Drain(fds_[0]), "");
  }
  EXPECT_EQ(Drain(fds_[0]), "tail\n");  // the sink's end wrote the rest
}

}  // namespace
}  // namespace opsbot
