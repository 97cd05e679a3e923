#include "bot/app.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "store/schema.h"

namespace opsbot {
namespace {

namespace fs = std::filesystem;

constexpr EpochSeconds kAppStart = 1700000000;

const char* kAppConfig = R"(bot:
  log_level: warn
people:
  - id: alice
    name: Alice
    role: admin
  - id: bob
    name: Bob
    role: member
)";

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("opsbot_app_test_" + std::to_string(getpid()) + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    config_path_ = (dir_ / "opsbot.yaml").string();
    db_ = (dir_ / "data" / "opsbot.db").string();
    WriteConfig(kAppConfig);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void WriteConfig(const std::string& text) {
    std::ofstream out(config_path_, std::ios::trunc);
    out << text;
  }

  AppOptions Options() {
    AppOptions o;
    o.config_path = config_path_;
    o.db_override = db_;
    o.what = "app test";
    o.clock = &clock_;
    return o;
  }

  std::unique_ptr<App> OpenApp() {
    auto app = App::Open(Options());
    EXPECT_TRUE(app.ok()) << app.status().ToString();
    return app.ok() ? std::move(app).value() : nullptr;
  }

  static Reply Say(App& app, const std::string& user, const std::string& text) {
    InboundMessage m;
    m.channel = Channel::kConsole;
    m.user = user;
    m.text = text;
    return app.router().Handle(m);
  }

  fs::path dir_;
  std::string config_path_;
  std::string db_;
  FakeClock clock_{kAppStart};
};

TEST_F(AppTest, DeclaredAdminCreatesATicket) {
  auto app = OpenApp();
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->db_path(), db_);
  Reply r = Say(*app, "alice", "ticket new x");
  EXPECT_EQ(r.outcome, Outcome::kOk) << r.text;
  EXPECT_NE(r.text.find("T-1"), std::string::npos) << r.text;

  SQLite::Database db(db_, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM tickets WHERE title = 'x'").getInt(), 1);
  EXPECT_EQ(db.execAndGet("SELECT created_at FROM tickets").getInt64(), kAppStart);
}

TEST_F(AppTest, SecondOpenOnTheSameDatabaseIsRefusedNamingThePid) {
  auto first = OpenApp();
  ASSERT_NE(first, nullptr);
  auto second = App::Open(Options());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find(std::to_string(getpid())), std::string::npos)
      << second.status().message();
  // The first one is unharmed.
  EXPECT_EQ(Say(*first, "alice", "ticket new still works").outcome, Outcome::kOk);
}

TEST_F(AppTest, ReopenAfterCloseKeepsTickets) {
  {
    auto app = OpenApp();
    ASSERT_NE(app, nullptr);
    ASSERT_EQ(Say(*app, "alice", "ticket new first").outcome, Outcome::kOk);
  }
  auto app = OpenApp();
  ASSERT_NE(app, nullptr);
  Reply r = Say(*app, "alice", "ticket new second");
  EXPECT_NE(r.text.find("T-2"), std::string::npos) << r.text;
}

TEST_F(AppTest, BadReloadKeepsTheRunningConfig) {
  auto app = OpenApp();
  ASSERT_NE(app, nullptr);
  const auto generation = app->config().generation();
  const auto before = app->config().Get();

  WriteConfig(std::string(kAppConfig) + "no_such_key: 1\n");
  Status s = app->Reload();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("no_such_key"), std::string::npos) << s.message();
  EXPECT_EQ(app->config().generation(), generation);
  EXPECT_EQ(app->config().Get(), before);
  EXPECT_EQ(Say(*app, "alice", "ticket new after a bad reload").outcome, Outcome::kOk);
}

TEST_F(AppTest, ReloadRefusesAMovedStore) {
  // Without --db the config's own store.path applies.
  WriteConfig(std::string(kAppConfig) + "store:\n  path: " + (dir_ / "a.db").string() + "\n");
  AppOptions options = Options();
  options.db_override.clear();
  auto app = App::Open(options);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const auto generation = (*app)->config().generation();
  WriteConfig(std::string(kAppConfig) + "store:\n  path: " + (dir_ / "b.db").string() + "\n");
  Status s = (*app)->Reload();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ((*app)->config().generation(), generation);
  EXPECT_EQ((*app)->db_path(), (dir_ / "a.db").string());
}

TEST_F(AppTest, ValidReloadRaisesGenerationAndAppliesRoles) {
  auto app = OpenApp();
  ASSERT_NE(app, nullptr);
  ASSERT_EQ(Say(*app, "alice", "ticket new disk full").outcome, Outcome::kOk);
  Reply denied = Say(*app, "bob", "ticket ack T-1");
  EXPECT_EQ(denied.outcome, Outcome::kRefused) << denied.text;
  const auto generation = app->config().generation();

  std::string changed = kAppConfig;
  changed.replace(changed.find("role: member"), std::string("role: member").size(), "role: agent");
  WriteConfig(changed);
  Status s = app->Reload();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(app->config().generation(), generation + 1);
  EXPECT_EQ(app->config().Get()->FindPerson("bob")->role, Role::kAgent);

  Reply acked = Say(*app, "bob", "ticket ack T-1");
  EXPECT_EQ(acked.outcome, Outcome::kOk) << acked.text;
  EXPECT_NE(acked.text.find("T-1"), std::string::npos) << acked.text;
}

TEST_F(AppTest, DuplicateKeyIsRefusedNamingTheLine) {
  WriteConfig(R"(bot:
  log_level: warn
people:
  - id: alice
    role: admin
    role: member
)");
  auto app = App::Open(Options());
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = app.status().message();
  EXPECT_NE(m.find(config_path_ + ":6"), std::string::npos) << m;
  EXPECT_NE(m.find("duplicate key 'role'"), std::string::npos) << m;
  EXPECT_FALSE(fs::exists(db_)) << "a refused config must not create the store";
}

TEST_F(AppTest, NewerDatabaseIsRefused) {
  fs::create_directories(fs::path(db_).parent_path());
  {
    SQLite::Database db(db_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version=" + std::to_string(store::LatestSchemaVersion() + 1));
  }
  auto app = App::Open(Options());
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(app.status().message().find("newer"), std::string::npos) << app.status().message();
  // The refusal released the lock: a later open with a good database is possible.
  fs::remove(db_);
  EXPECT_NE(OpenApp(), nullptr);
}

}  // namespace
}  // namespace opsbot
