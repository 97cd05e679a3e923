// Unit tests for store/dedupe_repo.h on a real, migrated SQLite file.
#include "store/dedupe_repo.h"

#include <gtest/gtest.h>

#include <memory>

#include "store/connection.h"
#include "store/schema.h"
#include "tests/support/subprocess.h"

namespace opsbot::store {
namespace {

class DedupeRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConnectionOptions o;
    o.path = dir_.File("dedupe.db");
    auto c = Connection::Open(o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_ = std::move(c).value();
    ASSERT_TRUE(Migrate(*conn_).ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(DedupeRepoTest, AKeyIsInsertedOnce) {
  DedupeRepo repo(*conn_);
  EXPECT_TRUE(repo.Insert("slack:event:T1:Ev1", 1000));
  EXPECT_FALSE(repo.Insert("slack:event:T1:Ev1", 2000));
  EXPECT_TRUE(repo.Insert("slack:event:T1:Ev2", 2000));
}

TEST_F(DedupeRepoTest, PruneDeletesOnlyOlderKeys) {
  DedupeRepo repo(*conn_);
  repo.Insert("old", 1000);
  repo.Insert("edge", 5000);
  repo.Insert("new", 9000);
  EXPECT_EQ(repo.Prune(5000), 1);
  EXPECT_TRUE(repo.Insert("old", 9500));    // gone, so it may come again
  EXPECT_FALSE(repo.Insert("edge", 9500));  // kept
  EXPECT_FALSE(repo.Insert("new", 9500));
  EXPECT_EQ(repo.Prune(5000), 0);
}

TEST_F(DedupeRepoTest, FirstWithPrefixFindsOnlyKeysUnderThePrefix) {
  DedupeRepo repo(*conn_);
  repo.Insert("dingtalk:sign:1:abc:msg1", 1000);
  repo.Insert("dingtalk:sign:1:abcd:msg2", 1000);
  repo.Insert("dingtalk:sign:10:abc:msg3", 1000);
  EXPECT_EQ(repo.FirstWithPrefix("dingtalk:sign:1:abc:"), "dingtalk:sign:1:abc:msg1");
  EXPECT_EQ(repo.FirstWithPrefix("dingtalk:sign:1:abcd:"), "dingtalk:sign:1:abcd:msg2");
  EXPECT_EQ(repo.FirstWithPrefix("dingtalk:sign:1:ab:"), std::nullopt);
  EXPECT_EQ(repo.FirstWithPrefix("dingtalk:sign:2:abc:"), std::nullopt);
}

TEST_F(DedupeRepoTest, AOneHolderKeyIsClaimedOnceAndKnowsItsHolder) {
  DedupeRepo repo(*conn_);
  using Claim = DedupeRepo::Claim;
  EXPECT_EQ(repo.ClaimFor("dingtalk:sign:1:abc", "dingtalk:msg:m1", 1000), Claim::kFirst);
  EXPECT_EQ(repo.ClaimFor("dingtalk:sign:1:abc", "dingtalk:msg:m1", 1000), Claim::kSameHolder);
  EXPECT_EQ(repo.ClaimFor("dingtalk:sign:1:abc", "dingtalk:msg:m2", 1000), Claim::kOtherHolder);
  // A key that only starts like the claimed one is another key.
  EXPECT_EQ(repo.ClaimFor("dingtalk:sign:1:ab", "dingtalk:msg:m2", 1000), Claim::kFirst);
}

}  // namespace
}  // namespace opsbot::store
