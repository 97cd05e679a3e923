#include "bot/config_sync.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "bot/config_loader.h"
#include "store/audit_repo.h"
#include "store/chat_repo.h"
#include "store/connection.h"
#include "store/person_repo.h"
#include "store/schema.h"

namespace opsbot {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kSyncNow = 1700000000;

const char* kBase = R"(
people:
  - id: alice
    name: Alice Wang
    role: admin
    timezone: Asia/Shanghai
    language: en
    slack: U0ALICE
  - id: bob
    name: Bob Li
    role: member
    wecom: bob.li
chats:
  - id: ops-room
    name: Ops room
    slack: C0OPS
)";

Config Parse(const std::string& yaml) {
  ConfigLoad load = LoadConfigText(yaml, "sync.yaml", [](const std::string&) { return std::nullopt; });
  EXPECT_TRUE(load.errors.empty()) << FormatConfigErrors("sync.yaml", load.errors);
  return load.config ? *load.config : Config{};
}

class ConfigSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("opsbot_config_sync_test_" + std::to_string(getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    store::ConnectionOptions options;
    options.path = (dir_ / "sync.db").string();
    auto conn = store::Connection::Open(options);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
    auto migrated = store::Migrate(*conn_);
    ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
  }
  void TearDown() override {
    conn_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs the sync in one transaction, as the Writer does.
  SyncCounts Sync(const Config& config, std::int64_t now = kSyncNow) {
    conn_->Exec("BEGIN IMMEDIATE");
    SyncCounts counts = SyncConfigToStore(*conn_, config, now);
    conn_->ResetStatements();
    conn_->Exec("COMMIT");
    return counts;
  }

  std::int64_t SyncAudits() {
    return conn_->db().execAndGet("SELECT count(*) FROM audit WHERE action = 'config.sync'").getInt64();
  }
  std::int64_t AuditsFor(const std::string& entity, std::int64_t id) {
    return static_cast<std::int64_t>(store::AuditRepo(*conn_).ForEntity(entity, id).size());
  }
  store::PersonRow Person(const std::string& key) {
    auto p = store::PersonRepo(*conn_).ByKey(key);
    EXPECT_TRUE(p.has_value()) << key;
    return p.value_or(store::PersonRow{});
  }

  fs::path dir_;
  std::unique_ptr<store::Connection> conn_;
};

TEST_F(ConfigSyncTest, DeclaredPeopleAndChatsAreInsertedWithAnAuditRowEach) {
  SyncCounts counts = Sync(Parse(kBase));
  EXPECT_EQ(counts.people_changed, 2);
  EXPECT_EQ(counts.chats_changed, 1);

  store::PersonRow alice = Person("alice");
  EXPECT_EQ(alice.name, "Alice Wang");
  EXPECT_EQ(alice.role, "admin");
  EXPECT_EQ(alice.timezone, "Asia/Shanghai");
  EXPECT_EQ(alice.language, "en");
  EXPECT_EQ(alice.slack_user_id, "U0ALICE");
  EXPECT_TRUE(alice.from_config);
  store::PersonRow bob = Person("BOB");  // keys compare case-insensitively
  EXPECT_EQ(bob.role, "member");
  EXPECT_EQ(bob.wecom_userid, "bob.li");
  EXPECT_TRUE(bob.from_config);

  auto chat = store::ChatRepo(*conn_).ByKey("ops-room");
  ASSERT_TRUE(chat.has_value());
  EXPECT_EQ(chat->slack_channel_id, "C0OPS");
  EXPECT_TRUE(chat->from_config);

  EXPECT_EQ(SyncAudits(), 3);
  auto rows = store::AuditRepo(*conn_).ForEntity("person", alice.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action, "config.sync");
  EXPECT_EQ(rows[0].at, kSyncNow);
  EXPECT_EQ(rows[0].before, "");
  EXPECT_NE(rows[0].after.find("U0ALICE"), std::string::npos) << rows[0].after;
  EXPECT_EQ(AuditsFor("chat", chat->id), 1);
}

TEST_F(ConfigSyncTest, SameConfigAgainChangesNothing) {
  Config config = Parse(kBase);
  Sync(config);
  const std::int64_t audits = SyncAudits();
  SyncCounts again = Sync(config, kSyncNow + 60);
  EXPECT_EQ(again.people_changed, 0);
  EXPECT_EQ(again.chats_changed, 0);
  EXPECT_EQ(SyncAudits(), audits);
  EXPECT_EQ(conn_->db()
                .execAndGet("SELECT count(*) FROM people WHERE updated_at != " + std::to_string(kSyncNow))
                .getInt(),
            0);
}

TEST_F(ConfigSyncTest, PersonRemovedFromConfigKeepsRowAsMember) {
  Sync(Parse(kBase));
  const std::int64_t alice_id = Person("alice").id;
  const std::int64_t audits = SyncAudits();

  SyncCounts counts = Sync(Parse(R"(
people:
  - id: bob
    name: Bob Li
    role: member
    wecom: bob.li
chats:
  - id: ops-room
    name: Ops room
    slack: C0OPS
)"));
  EXPECT_EQ(counts.people_changed, 1);
  EXPECT_EQ(counts.chats_changed, 0);
  store::PersonRow alice = Person("alice");
  EXPECT_EQ(alice.id, alice_id);
  EXPECT_EQ(alice.role, "member");
  EXPECT_FALSE(alice.from_config);
  EXPECT_EQ(alice.slack_user_id, "U0ALICE");  // handles stay: a platform may still know her by them
  EXPECT_EQ(SyncAudits(), audits + 1);
  EXPECT_EQ(AuditsFor("person", alice_id), 2);

  // Declaring her again brings her back as admin with from_config=1.
  Sync(Parse(kBase));
  alice = Person("alice");
  EXPECT_EQ(alice.id, alice_id);
  EXPECT_EQ(alice.role, "admin");
  EXPECT_TRUE(alice.from_config);
}

TEST_F(ConfigSyncTest, DeclaredHandleIsTakenFromAnotherRow) {
  // Someone met on Slack before the config named them.
  store::PersonRow met;
  met.key = "slack:U1";
  met.name = "someone";
  met.slack_user_id = "U1";
  met.wecom_userid = "met.wecom";
  const std::int64_t met_id = store::PersonRepo(*conn_).Insert(met, kSyncNow - 100);

  SyncCounts counts = Sync(Parse(R"(
people:
  - id: alice
    role: agent
    slack: U1
)"));
  EXPECT_EQ(counts.people_changed, 1);
  store::PersonRow alice = Person("alice");
  EXPECT_EQ(alice.slack_user_id, "U1");
  auto by_handle = store::PersonRepo(*conn_).ByHandle(store::HandleKind::kSlack, "U1");
  ASSERT_TRUE(by_handle.has_value());
  EXPECT_EQ(by_handle->key, "alice");

  auto old = store::PersonRepo(*conn_).ById(met_id);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->slack_user_id, "");
  EXPECT_EQ(old->wecom_userid, "met.wecom");  // only the contested handle moves
  EXPECT_FALSE(old->from_config);
  // The row that lost its handle changed too, so it has its own audit row.
  auto audits = store::AuditRepo(*conn_).ForEntity("person", met_id);
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0].action, "config.sync");
  EXPECT_NE(audits[0].before.find("\"slack\":\"U1\""), std::string::npos) << audits[0].before;
  EXPECT_NE(audits[0].after.find("\"slack\":\"\""), std::string::npos) << audits[0].after;
}

TEST_F(ConfigSyncTest, DeclaredChatIdIsTakenFromAnotherRow) {
  store::ChatRow met;
  met.key = "slack:C1";
  met.name = "C1";
  met.slack_channel_id = "C1";
  const std::int64_t met_id = store::ChatRepo(*conn_).Insert(met, kSyncNow - 100);

  Sync(Parse(R"(
chats:
  - id: ops-room
    slack: C1
)"));
  auto by_handle = store::ChatRepo(*conn_).ByHandle(store::ChatHandleKind::kSlack, "C1");
  ASSERT_TRUE(by_handle.has_value());
  EXPECT_EQ(by_handle->key, "ops-room");
  auto old = store::ChatRepo(*conn_).ById(met_id);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->slack_channel_id, "");
  EXPECT_EQ(AuditsFor("chat", met_id), 1);
}

TEST_F(ConfigSyncTest, SwappedHandlesBetweenDeclaredPeople) {
  Sync(Parse(R"(
people:
  - {id: alice, slack: U0AAA}
  - {id: bob, slack: U0BBB}
)"));
  SyncCounts counts = Sync(Parse(R"(
people:
  - {id: alice, slack: U0BBB}
  - {id: bob, slack: U0AAA}
)"));
  EXPECT_EQ(counts.people_changed, 2);
  EXPECT_EQ(Person("alice").slack_user_id, "U0BBB");
  EXPECT_EQ(Person("bob").slack_user_id, "U0AAA");
}

TEST_F(ConfigSyncTest, RoleChangeInConfigUpdatesTheRow) {
  Sync(Parse(kBase));
  const std::int64_t bob_id = Person("bob").id;
  std::string changed = kBase;
  changed.replace(changed.find("role: member"), std::string("role: member").size(), "role: agent");
  SyncCounts counts = Sync(Parse(changed), kSyncNow + 10);
  EXPECT_EQ(counts.people_changed, 1);
  EXPECT_EQ(counts.chats_changed, 0);
  store::PersonRow bob = Person("bob");
  EXPECT_EQ(bob.id, bob_id);
  EXPECT_EQ(bob.role, "agent");
  auto audits = store::AuditRepo(*conn_).ForEntity("person", bob_id);
  ASSERT_EQ(audits.size(), 2u);
  EXPECT_NE(audits[1].before.find("\"member\""), std::string::npos) << audits[1].before;
  EXPECT_NE(audits[1].after.find("\"agent\""), std::string::npos) << audits[1].after;
  EXPECT_EQ(audits[1].at, kSyncNow + 10);
}

}  // namespace
}  // namespace opsbot
