// Unit tests for store/directory_cache.h on a real, migrated SQLite file with two connections, as the Writer
// and a ReadPool lease hold them: a memoised look-up answers from memory, and never after a change to people
// or chats, whichever connection made it, committed or rolled back.
#include "store/directory_cache.h"

#include <gtest/gtest.h>

#include <memory>

#include "store/chat_repo.h"
#include "store/connection.h"
#include "store/person_repo.h"
#include "store/schema.h"
#include "store/writer.h"
#include "tests/support/subprocess.h"

namespace opsbot::store {
namespace {

class DirectoryCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConnectionOptions o;
    o.path = dir_.File("directory.db");
    auto w = Connection::Open(o);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    writer_ = std::move(w).value();
    ASSERT_TRUE(Migrate(*writer_).ok());
    o.read_only = true;
    auto r = Connection::Open(o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    reader_ = std::move(r).value();
    PersonRow alice;
    alice.key = "alice";
    alice.name = "Alice";
    alice.slack_user_id = "U0ALICE";
    alice_id_ = PersonRepo(*writer_).Insert(alice, 0);
    writer_->ResetStatements();
  }

  static PersonRow Bob() {
    PersonRow bob;
    bob.key = "bob";
    bob.name = "Bob";
    bob.slack_user_id = "U0BOB";
    return bob;
  }

  // One unit of work on `conn`, as the ReadPool runs one: a snapshot, then the statements reset.
  std::optional<PersonRow> Unit(Connection& conn, const std::string& slack_id) {
    conn.Step("BEGIN");
    auto row = PersonRepo(conn).ByHandle(HandleKind::kSlack, slack_id);
    conn.ResetStatements();
    conn.Step("COMMIT");
    conn.ResetStatements();
    return row;
  }

  testing::TempDir dir_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<Connection> reader_;
  std::int64_t alice_id_ = 0;
};

TEST_F(DirectoryCacheTest, ARepeatedLookUpIsAnsweredFromMemoryInTheNextUnitOfWork) {
  auto first = Unit(*reader_, "U0ALICE");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->key, "alice");
  EXPECT_EQ(reader_->directory().stats().misses, 1u);
  auto second = Unit(*reader_, "U0ALICE");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, alice_id_);
  EXPECT_EQ(reader_->directory().stats().hits, 1u);
  EXPECT_EQ(reader_->directory().stats().misses, 1u);
}

TEST_F(DirectoryCacheTest, AChangeCommittedByAnotherConnectionIsSeenInTheNextUnitOfWork) {
  ASSERT_EQ(Unit(*reader_, "U0ALICE")->role, "member");
  EXPECT_FALSE(Unit(*reader_, "U0BOB"));  // nobody, remembered

  auto alice = PersonRepo(*writer_).ById(alice_id_);
  alice->role = "admin";
  PersonRepo(*writer_).Update(*alice, 1);
  PersonRepo(*writer_).Insert(Bob(), 1);
  writer_->ResetStatements();

  EXPECT_EQ(Unit(*reader_, "U0ALICE")->role, "admin");
  auto found = Unit(*reader_, "U0BOB");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key, "bob");
}

TEST_F(DirectoryCacheTest, AChangeByAnotherWritingConnectionIsSeenByTheWritersMemoToo) {
  // Another process (a sqlite3 shell, say): only the triggers' version tells the writer.
  ConnectionOptions o;
  o.path = dir_.File("directory.db");
  auto other = Connection::Open(o);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_EQ(Unit(*writer_, "U0ALICE")->name, "Alice");
  (*other)->Exec("UPDATE people SET name = 'Alice Wang' WHERE slack_user_id = 'U0ALICE'");
  EXPECT_EQ(Unit(*writer_, "U0ALICE")->name, "Alice Wang");
  (*other)->Exec("DELETE FROM people WHERE slack_user_id = 'U0ALICE'");
  EXPECT_FALSE(Unit(*writer_, "U0ALICE"));
}

TEST_F(DirectoryCacheTest, OutsideATransactionNothingIsRemembered) {
  ASSERT_TRUE(PersonRepo(*reader_).ByHandle(HandleKind::kSlack, "U0ALICE"));
  ASSERT_TRUE(PersonRepo(*reader_).ByHandle(HandleKind::kSlack, "U0ALICE"));
  EXPECT_EQ(reader_->directory().stats().hits, 0u);
  EXPECT_EQ(reader_->directory().entries(), 0u);
}

TEST_F(DirectoryCacheTest, AKeyLongerThanItsBoundIsLookedUpEachTime) {
  std::string mention(DirectoryCache::kMaxKeyBytes + 1, 'x');
  EXPECT_FALSE(Unit(*reader_, mention));
  EXPECT_FALSE(Unit(*reader_, mention));
  EXPECT_EQ(reader_->directory().entries(), 0u);
  EXPECT_EQ(reader_->directory().stats().bypassed, 2u);
}

TEST_F(DirectoryCacheTest, AChatChangeAlsoInvalidatesThePeople) {
  ASSERT_TRUE(Unit(*reader_, "U0ALICE"));
  ChatRow chat;
  chat.key = "ops";
  chat.name = "Ops";
  chat.slack_channel_id = "C0OPS";
  ChatRepo(*writer_).Insert(chat, 0);
  writer_->ResetStatements();
  ASSERT_TRUE(Unit(*reader_, "U0ALICE"));
  EXPECT_EQ(reader_->directory().stats().misses, 2u);
  EXPECT_EQ(reader_->directory().stats().hits, 0u);
  reader_->Step("BEGIN");
  auto found = ChatRepo(*reader_).ByHandle(ChatHandleKind::kSlack, "C0OPS");
  reader_->ResetStatements();
  reader_->Step("COMMIT");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key, "ops");
}

TEST_F(DirectoryCacheTest, ItsOwnChangeIsSeenAtOnceInsideTheSameUnitOfWork) {
  writer_->Step("BEGIN IMMEDIATE");
  EXPECT_FALSE(PersonRepo(*writer_).ByHandle(HandleKind::kSlack, "U0BOB"));
  std::int64_t bob_id = PersonRepo(*writer_).Insert(Bob(), 0);
  auto found = PersonRepo(*writer_).ByHandle(HandleKind::kSlack, "U0BOB");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, bob_id);
  EXPECT_GE(writer_->directory().stats().bypassed, 1u);
  writer_->ResetStatements();
  writer_->Step("COMMIT");
}

TEST_F(DirectoryCacheTest, AChangeRolledBackToItsSavepointLeavesNothingRemembered) {
  // The Writer's batch: each piece of work in a savepoint, the statements reset after each.
  writer_->Step("BEGIN IMMEDIATE");
  writer_->Step("SAVEPOINT work");
  PersonRepo(*writer_).Insert(Bob(), 0);
  ASSERT_TRUE(PersonRepo(*writer_).ByHandle(HandleKind::kSlack, "U0BOB"));
  writer_->ResetStatements();
  writer_->Step("ROLLBACK TO work");
  writer_->Step("RELEASE work");

  writer_->Step("SAVEPOINT work");
  EXPECT_FALSE(PersonRepo(*writer_).ByHandle(HandleKind::kSlack, "U0BOB"));
  ASSERT_TRUE(PersonRepo(*writer_).ByHandle(HandleKind::kSlack, "U0ALICE"));
  writer_->ResetStatements();
  writer_->Step("RELEASE work");
  writer_->Step("COMMIT");
  writer_->ResetStatements();
  EXPECT_FALSE(Unit(*writer_, "U0BOB"));
}

TEST_F(DirectoryCacheTest, AWholeBatchRolledBackLeavesNothingRemembered) {
  // A later piece of work in the batch remembers an earlier one's person; then the COMMIT fails.
  writer_->Step("BEGIN IMMEDIATE");
  PersonRepo(*writer_).Insert(Bob(), 0);
  writer_->ResetStatements();
  ASSERT_TRUE(PersonRepo(*writer_).ByHandle(HandleKind::kSlack, "U0BOB"));
  writer_->ResetStatements();
  writer_->Exec("ROLLBACK");
  EXPECT_FALSE(Unit(*writer_, "U0BOB"));
  EXPECT_FALSE(Unit(*reader_, "U0BOB"));
}

TEST_F(DirectoryCacheTest, ThroughTheWriterAFailedPieceOfWorkLeavesNothingRemembered) {
  Writer writer(std::move(writer_), Writer::Options{});
  auto bob_seen = [](Connection& conn) -> Result<bool> {
    return PersonRepo(conn).ByHandle(HandleKind::kSlack, "U0BOB").has_value();
  };
  ASSERT_FALSE(*writer.Run<bool>(bob_seen));  // remembered: nobody
  auto failed = writer.Run<bool>([&](Connection& conn) -> Result<bool> {
    PersonRepo(conn).Insert(Bob(), 0);
    EXPECT_TRUE(*bob_seen(conn));
    return Status::Internal("the piece of work fails after its look-up");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_FALSE(*writer.Run<bool>(bob_seen));
  auto added = writer.Run<bool>([&](Connection& conn) -> Result<bool> {
    PersonRepo(conn).Insert(Bob(), 0);
    return true;
  });
  ASSERT_TRUE(added.ok());
  EXPECT_TRUE(*writer.Run<bool>(bob_seen));
  EXPECT_TRUE(Unit(*reader_, "U0BOB"));
}

TEST_F(DirectoryCacheTest, ItKeepsAtMostItsBoundOfRows) {
  for (std::size_t i = 0; i < DirectoryCache::kMaxEntries + 10; ++i)
    EXPECT_FALSE(Unit(*reader_, "U0NOBODY" + std::to_string(i)));
  EXPECT_EQ(reader_->directory().stats().misses, DirectoryCache::kMaxEntries + 10);
  EXPECT_LE(reader_->directory().entries(), DirectoryCache::kMaxEntries);
  auto again = Unit(*reader_, "U0ALICE");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->key, "alice");
}

}  // namespace
}  // namespace opsbot::store
