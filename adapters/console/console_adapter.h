// ConsoleAdapter: a local REPL user — the way to try opsbot without any chat platform.
//
// Reads one chat message per line from `in_fd` and writes each reply to `out`. When `interactive`
// (a terminal) it prints a banner and a prompt; otherwise it prints only the replies, each followed by
// an empty line, so scripts can read them. Stops at end of input, at "quit"/"exit"/"退出", or when
// `stop_fd` becomes readable (a stop signal). Runs on the calling thread.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "bot/message.h"
#include "bot/reply.h"

namespace opsbot {

struct ConsoleOptions {
  std::string user;  // the person's key
  std::string chat;  // the chat's key; empty for a direct message
  bool interactive = false;
  int in_fd = 0;
  int stop_fd = -1;
};

using MessageHandler = std::function<Reply(const InboundMessage&)>;

// Returns the number of lines handled.
int RunConsole(const ConsoleOptions& options, const MessageHandler& handle, std::ostream& out);

}  // namespace opsbot
