// Unit tests for store/ticket_repo.h on a real, migrated SQLite file: the running counts of migration
// 0004 against count(*), and a page's tags.
#include "store/ticket_repo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "store/connection.h"
#include "store/directory_cache.h"
#include "store/migrations.h"
#include "store/schema.h"
#include "tests/support/subprocess.h"

namespace opsbot::store {
namespace {

class TicketRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConnectionOptions o;
    o.path = dir_.File("tickets.db");
    auto c = Connection::Open(o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_ = std::move(c).value();
  }

  void AddPerson() {
    conn_->Exec(
        "INSERT INTO people (id, key, name, created_at, updated_at) VALUES (1, 'alice', 'Alice', 0, 0)");
  }

  std::int64_t Add(const std::string& state, std::vector<std::string> tags = {}, int priority = 3) {
    TicketRow r;
    r.title = "t";
    r.priority = priority;
    r.state = state;
    r.reporter_id = 1;
    r.tags = std::move(tags);
    return TicketRepo(*conn_).Insert(r);
  }

  // Count(f) from the running counts, checked against counting the rows.
  void ExpectCountsMatch() {
    TicketRepo repo(*conn_);
    for (const auto& states : std::vector<std::vector<std::string>>{
             {}, {"open"}, {"open", "acked"}, {"open", "acked", "resolved"}, {"closed"}}) {
      std::string sql = "SELECT count(*) FROM tickets";
      for (std::size_t i = 0; i < states.size(); ++i)
        sql += (i ? ", '" : " WHERE state IN ('") + states[i] + "'";
      if (!states.empty()) sql += ")";
      TicketFilter f;
      f.states = states;
      EXPECT_EQ(repo.Count(f), conn_->db().execAndGet(sql).getInt64()) << sql;
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

// A page holds exactly the tickets in the filter's states, newest first, for every set of states in any
// order: the listing's tests (the partial index's condition alone for every state but closed, ORed
// equalities otherwise) against an IN list.
TEST_F(TicketRepoTest, ListsAndCountsEverySetOfStatesAsAnInListWould) {
  ASSERT_TRUE(Migrate(*conn_).ok());
  AddPerson();
  const std::vector<std::string> all = {"open", "acked", "resolved", "closed"};
  for (int i = 0; i < 24; ++i) {
    const std::int64_t id = Add(all[static_cast<std::size_t>(i * 7 % 4)], {}, 1 + i / 4 % 4);
    if (i % 3 == 0) conn_->Exec("UPDATE tickets SET assignee_id = 1 WHERE id = " + std::to_string(id));
  }
  TicketRepo repo(*conn_);
  // " AND state IN ('open', 'acked')", or nothing for no states.
  const auto state_in = [](const std::vector<std::string>& states) {
    std::string sql;
    for (std::size_t i = 0; i < states.size(); ++i)
      sql += (i ? ", '" : " AND state IN ('") + states[i] + "'";
    return states.empty() ? sql : sql + ")";
  };
  const auto listed_ids = [&repo](const TicketFilter& f) {
    std::vector<std::int64_t> ids;
    for (const TicketRow& r : repo.List(f))
      ids.push_back(r.id);
    return ids;
  };
  const auto selected_ids = [this](const std::string& sql) {
    std::vector<std::int64_t> ids;
    SQLite::Statement q(conn_->db(), sql);
    while (q.executeStep())
      ids.push_back(q.getColumn(0).getInt64());
    return ids;
  };
  for (int mask = 0; mask < 16; ++mask) {
    std::vector<std::string> states;
    for (std::size_t k = 0; k < all.size(); ++k)
      if (mask & (1 << k)) states.push_back(all[k]);
    const std::string in_states = state_in(states);
    for (const bool reversed : {false, true}) {
      TicketFilter f;
      f.states = states;
      if (reversed) std::reverse(f.states.begin(), f.states.end());
      f.limit = 100;
      const std::string sql = "SELECT id FROM tickets WHERE 1" + in_states + " ORDER BY id DESC";
      EXPECT_EQ(listed_ids(f), selected_ids(sql)) << sql;
      // A filtered count takes the same states (and reads tickets_active when closed ones are excluded).
      for (const int priority : {1, 2, 3, 4}) {
        f.priority = priority;
        const std::string count_sql =
            "SELECT count(*) FROM tickets WHERE priority = " + std::to_string(priority) + in_states;
        EXPECT_EQ(repo.Count(f), conn_->db().execAndGet(count_sql).getInt64()) << count_sql;
      }
      // And an assignee's, listed and counted (every third ticket is alice's).
      f.priority.reset();
      f.assignee_id = 1;
      const std::string mine = "FROM tickets WHERE assignee_id = 1" + in_states;
      EXPECT_EQ(listed_ids(f), selected_ids("SELECT id " + mine + " ORDER BY id DESC")) << mine;
      EXPECT_EQ(repo.Count(f), conn_->db().execAndGet("SELECT count(*) " + mine).getInt64()) << mine;
    }
  }
}

TEST_F(TicketRepoTest, RunningCountsFollowInsertsStateChangesAndDeletes) {
  ASSERT_TRUE(Migrate(*conn_).ok());
  AddPerson();
  for (int i = 0; i < 5; ++i)
    Add("open");
  std::int64_t id = Add("open");
  ExpectCountsMatch();

  TicketRepo repo(*conn_);
  TicketRow r = *repo.Get(id);
  r.state = "acked";
  repo.Update(r);
  r.title = "renamed";  // an update that keeps the state
  repo.Update(r);
  r.state = "closed";
  repo.Update(r);
  ExpectCountsMatch();
  TicketFilter open;
  open.states = {"open", "acked"};
  EXPECT_EQ(repo.Count(open), 5);

  conn_->Exec("DELETE FROM ticket_tags; DELETE FROM tickets WHERE id = 1");
  ExpectCountsMatch();
}

TEST_F(TicketRepoTest, TheMigrationCountsTicketsAlreadyThere) {
  for (const Migration& m : Migrations()) {
    if (m.version > 3) break;
    conn_->Exec(m.sql);
    conn_->Exec("PRAGMA user_version=" + std::to_string(m.version));
  }
  AddPerson();
  conn_->Exec(
      "INSERT INTO tickets (title, priority, state, reporter_id, created_at, updated_at) VALUES "
      "('a', 1, 'open', 1, 0, 0), ('b', 1, 'closed', 1, 0, 0), ('c', 1, 'closed', 1, 0, 0)");
  ASSERT_TRUE(Migrate(*conn_).ok());
  ExpectCountsMatch();
  TicketFilter closed;
  closed.states = {"closed"};
  EXPECT_EQ(TicketRepo(*conn_).Count(closed), 2);
}

TEST_F(TicketRepoTest, TheMigrationCopiesTheTagsOfTicketsAlreadyThereOntoTheirRows) {
  for (const Migration& m : Migrations()) {
    if (m.version > 7) break;  // 0008 rewrites the schema's text: only Migrate applies it
    conn_->Exec(m.sql);
    conn_->Exec("PRAGMA user_version=" + std::to_string(m.version));
  }
  AddPerson();
  conn_->Exec(
      "INSERT INTO tickets (id, title, priority, state, reporter_id, created_at, updated_at) VALUES "
      "(1, 'a', 1, 'open', 1, 0, 0), (2, 'b', 1, 'open', 1, 0, 0), (3, 'c', 1, 'closed', 1, 0, 0)");
  conn_->Exec("INSERT INTO ticket_tags (ticket_id, tag) VALUES (1, 'web'), (1, 'DB'), (3, 'db')");
  auto migrated = Migrate(*conn_);
  ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
  EXPECT_EQ(TicketRepo(*conn_).Get(1)->tags, (std::vector<std::string>{"DB", "web"}));
  EXPECT_TRUE(TicketRepo(*conn_).Get(2)->tags.empty());
  EXPECT_EQ(TicketRepo(*conn_).Get(3)->tags, (std::vector<std::string>{"db"}));
  auto page = TicketRepo(*conn_).List(TicketFilter{});
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[2].tags, (std::vector<std::string>{"DB", "web"}));
}

TEST_F(TicketRepoTest, TagsDifferingOnlyInCaseAreOneTagOnTheRowAsInTheirTable) {
  ASSERT_TRUE(Migrate(*conn_).ok());
  AddPerson();
  std::int64_t id = Add("open", {"db", "Web", "DB", "web", "db"});
  EXPECT_EQ(TicketRepo(*conn_).Get(id)->tags, (std::vector<std::string>{"db", "Web"}));  // the first given
  TicketFilter f;
  f.tag = "Db";
  EXPECT_EQ(TicketRepo(*conn_).Count(f), 1);
  TicketRow r = *TicketRepo(*conn_).Get(id);
  r.tags = {"Web", "web"};
  TicketRepo(*conn_).Update(r);
  EXPECT_EQ(TicketRepo(*conn_).Get(id)->tags, (std::vector<std::string>{"Web"}));
  EXPECT_EQ(TicketRepo(*conn_).Count(f), 0);
}

TEST_F(TicketRepoTest, FilteredCountsStillCountRows) {
  ASSERT_TRUE(Migrate(*conn_).ok());
  AddPerson();
  Add("open", {"db"});
  Add("open", {"web"});
  Add("closed", {"db"});
  TicketFilter f;
  f.states = {"open"};
  f.tag = "db";
  EXPECT_EQ(TicketRepo(*conn_).Count(f), 1);
}

TEST_F(TicketRepoTest, AListedPageCarriesEachTicketsOwnTags) {
  ASSERT_TRUE(Migrate(*conn_).ok());
  AddPerson();
  std::int64_t a = Add("open", {"web", "db"});
  std::int64_t b = Add("open");
  std::int64_t c = Add("open", {"net"});
  TicketFilter f;
  f.states = {"open"};
  auto page = TicketRepo(*conn_).List(f);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].id, c);
  EXPECT_EQ(page[0].tags, std::vector<std::string>{"net"});
  EXPECT_EQ(page[1].id, b);
  EXPECT_TRUE(page[1].tags.empty());
  EXPECT_EQ(page[2].id, a);
  EXPECT_EQ(page[2].tags, (std::vector<std::string>{"db", "web"}));
}

TEST_F(TicketRepoTest, AFetchedTicketCarriesItsTagsSorted) {
  ASSERT_TRUE(Migrate(*conn_).ok());
  AddPerson();
  std::int64_t a = Add("open", {"数据库", "web", "DB", "api"});
  std::int64_t b = Add("open");
  auto got = TicketRepo(*conn_).Get(a);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->tags, (std::vector<std::string>{"api", "DB", "web", "数据库"}));
  got = TicketRepo(*conn_).Get(b);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->tags.empty());
}

}  // namespace
}  // namespace opsbot::store

namespace opsbot::store {
namespace {

TEST_F(TicketRepoTest, GetAndListNameTheTicketsPeopleAndChatAsTheyAreInTheUnitOfWork) {
  ASSERT_TRUE(Migrate(*conn_).ok());
  AddPerson();
  conn_->Exec("INSERT INTO people (id, key, name, created_at, updated_at) VALUES (2, 'bob', 'Bob', 0, 0)");
  conn_->Exec("INSERT INTO chats (id, key, name, created_at, updated_at) VALUES (7, 'ops', 'Ops', 0, 0)");
  TicketRow r;
  r.title = "disk full";
  r.priority = 2;
  r.state = "open";
  r.reporter_id = 1;
  r.assignee_id = 2;
  r.chat_id = 7;
  std::int64_t id = TicketRepo(*conn_).Insert(r);
  std::int64_t bare = Add("open");  // nobody assigned, from no chat

  // Units of work as the ReadPool runs them: one transaction each, the statements reset at the end.
  auto in_unit = [this](auto fn) {
    conn_->Step("BEGIN");
    fn();
    conn_->ResetStatements();
    conn_->Step("COMMIT");
    conn_->ResetStatements();
  };
  in_unit([&] {
    auto got = TicketRepo(*conn_).Get(id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->reporter_key, "alice");
    EXPECT_EQ(got->assignee_key, "bob");
    EXPECT_EQ(got->chat_key, "ops");
    auto page = TicketRepo(*conn_).List(TicketFilter{});
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].id, bare);
    EXPECT_EQ(page[0].reporter_key, "alice");
    EXPECT_EQ(page[0].assignee_key, "");
    EXPECT_EQ(page[0].chat_key, "");
    EXPECT_EQ(page[1].assignee_key, "bob");
  });

  // Renamed through another connection: the next unit of work sees the new keys.
  ConnectionOptions o;
  o.path = dir_.File("tickets.db");
  auto other = Connection::Open(o);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  (*other)->Exec("UPDATE people SET key = 'robert' WHERE id = 2");
  (*other)->Exec("UPDATE chats SET key = 'ops-room' WHERE id = 7");
  in_unit([&] {
    auto got = TicketRepo(*conn_).Get(id);
    EXPECT_EQ(got->assignee_key, "robert");
    EXPECT_EQ(got->chat_key, "ops-room");
    EXPECT_EQ(TicketRepo(*conn_).List(TicketFilter{})[1].assignee_key, "robert");
  });
  EXPECT_GT(conn_->directory().stats().hits, 0u);
}

}  // namespace
}  // namespace opsbot::store
