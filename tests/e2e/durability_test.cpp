// End-to-end durability: restarts, kill -9 under write load, online backup and restore, the one-writer
// lock, a newer schema.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "tests/support/opsbot_env.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;

// Ticket ids whose "Created T-n" reply appears in `out`.
std::set<std::int64_t> AcknowledgedIds(const std::string& out) {
  std::set<std::int64_t> ids;
  static const std::regex kCreated("Created T-([0-9]+) ");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), kCreated); it != std::sregex_iterator(); ++it)
    ids.insert(std::stoll((*it)[1].str()));
  return ids;
}

std::set<std::int64_t> StoredIds(SQLite::Database& db) {
  std::set<std::int64_t> ids;
  SQLite::Statement st(db, "SELECT id FROM tickets");
  while (st.executeStep())
    ids.insert(st.getColumn(0).getInt64());
  return ids;
}

std::string Lines(const std::string& prefix, int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i)
    s += prefix + " " + std::to_string(i) + "\n";
  return s;
}

TEST(DurabilityE2E, RestartKeepsEveryTicket) {
  OpsbotEnv env;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> lines;
    for (int i = 0; i < 20; ++i)
      lines.push_back("ticket new restart " + std::to_string(round) + "-" + std::to_string(i));
    auto r = env.Console("alice", "ops-room", lines);
    ASSERT_EQ(r.size(), 20u);
  }
  auto r = env.Console("alice", "ops-room", {"ticket list all"});
  EXPECT_THAT(r[0], HasSubstr("Tickets (all): 60"));
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), 60);
  EXPECT_EQ(env.Count("SELECT count(*) FROM audit WHERE action = 'ticket.new'"), 60);
  EXPECT_EQ(env.Db()->execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST(DurabilityE2E, KillNineLosesNoAcknowledgedTicket) {
  OpsbotEnv env;
  Subprocess p(env.Argv({"console", "--user", "alice", "--chat", "ops-room"}));
  std::atomic<bool> stop{false};
  std::thread feeder([&] {
    for (int batch = 0; !stop.load() && batch < 400; ++batch)
      p.Write(Lines("ticket new load", batch * 50, batch * 50 + 50));
  });
  // Wait until a good number of replies came back, then pull the plug in the middle of the load.
  p.ReadStdoutUntil("Created T-300 ", 30000);
  p.Signal(SIGKILL);
  stop.store(true);
  p.Wait();
  feeder.join();
  std::set<std::int64_t> acknowledged = AcknowledgedIds(p.out());
  ASSERT_GE(acknowledged.size(), 300u);

  auto db = env.Db();
  std::set<std::int64_t> stored = StoredIds(*db);
  for (std::int64_t id : acknowledged)
    EXPECT_TRUE(stored.count(id)) << "T-" << id << " was acknowledged but lost";
  EXPECT_EQ(db->execAndGet("PRAGMA integrity_check").getString(), "ok");
  // Every stored ticket has its audit row: the change and its audit committed together.
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE "
                      "a.entity = 'ticket' AND a.entity_id = t.id AND a.action = 'ticket.new')"),
            0);
  // The lock died with the process: opsbot starts again at once.
  auto r = env.Console("alice", "ops-room", {"ticket list all"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_THAT(r[0], HasSubstr("Tickets (all): " + std::to_string(stored.size())));
}

TEST(DurabilityE2E, BackupUnderLoadRestoresEveryCommittedTicket) {
  OpsbotEnv env;
  Subprocess p(env.Argv({"console", "--user", "alice", "--chat", "ops-room"}));
  std::atomic<bool> stop{false};
  std::thread feeder([&] {
    for (int batch = 0; !stop.load() && batch < 200; ++batch) {
      p.Write(Lines("ticket new backup", batch * 20, batch * 20 + 20));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  p.ReadStdoutUntil("Created T-100 ", 30000);
  std::set<std::int64_t> before_backup = AcknowledgedIds(p.out());
  std::string out, err;
  std::string backup = env.File("backup.db");
  int status = RunToEnd(env.Argv({"backup", backup}), "", &out, &err);
  ASSERT_EQ(status, 0) << err;
  EXPECT_THAT(out, HasSubstr("written to " + backup));

  // Restore is refused while the console holds the database, naming the process.
  status = RunToEnd(env.Argv({"restore", backup}), "", &out, &err);
  EXPECT_EQ(status, 3);
  EXPECT_THAT(err, HasSubstr("in use by opsbot process " + std::to_string(p.pid())));

  stop.store(true);
  feeder.join();
  p.CloseStdin();
  EXPECT_EQ(p.Wait(), 0);

  // Restoring into a fresh database brings back every ticket acknowledged before the backup started.
  std::string restored = env.File("restored/opsbot.db");
  status = RunToEnd({OPSBOT_BINARY, "--config", env.config_path(), "--db", restored, "restore", backup}, "",
                    &out, &err);
  ASSERT_EQ(status, 0) << err;
  EXPECT_THAT(out, HasSubstr("restored " + restored));
  SQLite::Database db(restored, SQLite::OPEN_READONLY);
  std::set<std::int64_t> stored = StoredIds(db);
  for (std::int64_t id : before_backup)
    EXPECT_TRUE(stored.count(id)) << "T-" << id << " missing from the backup";
  // And opsbot runs on it.
  std::string listing;
  status =
      RunToEnd({OPSBOT_BINARY, "--config", env.config_path(), "--db", restored, "console", "--user", "alice"},
               "ticket list all\n", &listing, &err);
  EXPECT_EQ(status, 0) << err;
  EXPECT_THAT(listing, HasSubstr("Tickets (all): " + std::to_string(stored.size())));

  // A backup never overwrites a file.
  status = RunToEnd(env.Argv({"backup", backup}), "", &out, &err);
  EXPECT_NE(status, 0);
  EXPECT_THAT(err, HasSubstr("exists"));
}

TEST(DurabilityE2E, SecondWriterIsRefusedNamingTheHolder) {
  OpsbotEnv env;
  Subprocess first(env.Argv({"console", "--user", "alice"}));
  first.Write("ticket new held\n");
  first.ReadStdoutUntil("Created T-1 ");
  std::string out, err;
  int status = RunToEnd(env.Argv({"console", "--user", "bob"}), "ticket list\n", &out, &err);
  EXPECT_EQ(status, 3);
  EXPECT_THAT(err, HasSubstr("in use by opsbot process " + std::to_string(first.pid()) + " (opsbot console"));
  EXPECT_TRUE(out.empty());
  status = RunToEnd(env.Argv({"migrate"}), "", &out, &err);
  EXPECT_EQ(status, 3);
  first.CloseStdin();
  EXPECT_EQ(first.Wait(), 0);
  status = RunToEnd(env.Argv({"migrate"}), "", &out, &err);
  EXPECT_EQ(status, 0) << err;
}

TEST(DurabilityE2E, NewerSchemaIsRefused) {
  OpsbotEnv env;
  env.Console("alice", "ops-room", {"ticket new x"});
  {
    SQLite::Database db(env.db_path(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 999");
  }
  std::string err;
  int status = 0;
  auto r = env.Console("alice", "ops-room", {"ticket list"}, &status, &err);
  EXPECT_NE(status, 0);
  EXPECT_TRUE(r.empty());
  EXPECT_THAT(err, HasSubstr("newer than this opsbot understands"));
}

}  // namespace
}  // namespace opsbot::testing
