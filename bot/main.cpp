// opsbot: one small server binary for chat-ops. See README.md.
#include "bot/cli.h"

int main(int argc, char** argv) {
  return opsbot::RunCli(argc, argv);
}
