// opsbot: one small server binary for chat-ops. See README.md.
#include <spdlog/spdlog.h>

#include "bot/cli.h"

int main(int argc, char** argv) {
  int status = opsbot::RunCli(argc, argv);
  spdlog::shutdown();  // writes out buffered log lines and stops the periodic flusher
  return status;
}
