// The opsbot command line: console, migrate, backup, restore, check-config, version.
#pragma once

namespace opsbot {

// Parses argv and runs the chosen subcommand. Returns the process exit code:
// 0 ok, 1 failure, 2 bad usage or config, 3 the database is held by another process.
int RunCli(int argc, char** argv);

}  // namespace opsbot
