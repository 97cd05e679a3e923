// End-to-end: the opsbot command line — version, check-config, migrate, SIGHUP reload, SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "tests/support/opsbot_env.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CliE2E, Version) {
  std::string out, err;
  EXPECT_EQ(RunToEnd({OPSBOT_BINARY, "version"}, "", &out, &err), 0);
  EXPECT_THAT(out, HasSubstr("opsbot "));
  EXPECT_THAT(out, HasSubstr("(schema "));
}

TEST(CliE2E, UnknownSubcommandIsAUsageError) {
  std::string out, err;
  EXPECT_EQ(RunToEnd({OPSBOT_BINARY, "frobnicate"}, "", &out, &err), 2);
  EXPECT_EQ(RunToEnd({OPSBOT_BINARY}, "", &out, &err), 2);
}

TEST(CliE2E, CheckConfigAcceptsTheExampleAndNamesSlackOff) {
  OpsbotEnv env;
  std::string out, err;
  int status = RunToEnd(env.Argv({"check-config"}), "", &out, &err, {"OPSBOT_SLACK_SIGNING_SECRET="});
  EXPECT_EQ(status, 0) << err;
  EXPECT_THAT(out, HasSubstr("OK — 4 people, 1 teams, 3 chats"));
  EXPECT_THAT(out, HasSubstr("slack: off"));
}

TEST(CliE2E, CheckConfigRejectsWithKeyPathAndLineNeverTheSecret) {
  OpsbotEnv env(
      "people:\n"
      "  - id: alice\n"
      "    rol: admin\n"
      "slack:\n"
      "  signing_secret: ${SECRET_FOR_TEST}\n"
      "  bot_token: ${SECRET_FOR_TEST}\n"
      "  api_base: ${SECRET_FOR_TEST}\n");
  std::string out, err;
  int status = RunToEnd(env.Argv({"check-config"}), "", &out, &err, {"SECRET_FOR_TEST=hunter2:#x"});
  EXPECT_EQ(status, 2);
  EXPECT_THAT(err, HasSubstr(":3: people[0].rol: unknown key 'rol'"));
  EXPECT_THAT(err, HasSubstr("api_base"));
  EXPECT_THAT(err + out, Not(HasSubstr("hunter2")));
}

TEST(CliE2E, ConsoleRefusesABadConfigAtStart) {
  OpsbotEnv env("bot:\n  timezone: Mars/Olympus\n  timezone: UTC\n");
  std::string out, err;
  int status = RunToEnd(env.Argv({"console"}), "help\n", &out, &err);
  EXPECT_EQ(status, 2);
  EXPECT_THAT(err, HasSubstr("Mars/Olympus"));
  EXPECT_THAT(err, HasSubstr("duplicate key 'timezone'"));
  EXPECT_TRUE(out.empty());
}

TEST(CliE2E, MigrateCreatesTheDatabase) {
  OpsbotEnv env;
  std::string out, err;
  EXPECT_EQ(RunToEnd(env.Argv({"migrate"}), "", &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("schema version"));
  EXPECT_EQ(env.Count("SELECT count(*) FROM people WHERE from_config = 1"), 4);
  EXPECT_EQ(env.Db()->execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(CliE2E, SighupReloadsAndABadReloadKeepsTheOldConfig) {
  OpsbotEnv env;
  Subprocess p(env.Argv({"console", "--user", "carol", "--chat", "ops-room"}));
  p.Write("ticket new one\nticket ack T-1\n");
  p.ReadStdoutUntil("needs the agent role");
  ASSERT_THAT(p.out(), HasSubstr("needs the agent role"));

  // carol becomes an agent.
  std::string config = ExampleConfig();
  config = std::regex_replace(config, std::regex("role: member"), "role: agent",
                              std::regex_constants::format_first_only);
  env.WriteConfig(config);
  p.Signal(SIGHUP);
  p.ReadStderrUntil("config reloaded");
  ASSERT_THAT(p.err(), HasSubstr("config reloaded (generation 2)"));
  p.Write("ticket ack T-1\n");
  p.ReadStdoutUntil("T-1 acked by @carol.");
  EXPECT_THAT(p.out(), HasSubstr("T-1 acked by @carol."));

  // A broken config is refused with its errors; carol stays an agent.
  env.WriteConfig(config + "\nbogus_key: 1\n");
  p.Signal(SIGHUP);
  p.ReadStderrUntil("reload refused");
  EXPECT_THAT(p.err(), HasSubstr("unknown key 'bogus_key'"));
  p.Write("ticket resolve T-1\n");
  p.ReadStdoutUntil("T-1 resolved.");
  EXPECT_THAT(p.out(), HasSubstr("T-1 resolved."));
  p.CloseStdin();
  EXPECT_EQ(p.Wait(), 0);
  EXPECT_EQ(env.Count("SELECT count(*) FROM audit WHERE action = 'config.sync' AND entity = 'person'"), 5);
}

TEST(CliE2E, SigtermStopsCleanly) {
  OpsbotEnv env;
  Subprocess p(env.Argv({"console", "--user", "alice"}));
  p.Write("ticket new before stop\n");
  p.ReadStdoutUntil("Created T-1 ");
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(10000), 0);
  EXPECT_THAT(p.err(), HasSubstr("stopping"));
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), 1);
  // The WAL was checkpointed on the way out.
  EXPECT_EQ(env.Db()->execAndGet("PRAGMA integrity_check").getString(), "ok");
}

}  // namespace
}  // namespace opsbot::testing
