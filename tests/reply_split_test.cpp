#include "bot/reply_split.h"

#include <gtest/gtest.h>

#include <string>

namespace opsbot {
namespace {

TEST(SplitReplyBytes, CutsAtLineEndsUnderTheLimitAndKeepsEachPiecesMentions) {
  Reply r;
  r.text = "T-1 assigned to @bob\n" + std::string(30, 'x') + "\nT-2 for @carol";
  r.mention = {"bob", "carol"};
  auto pieces = SplitReplyBytes(r, 40);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].text, "T-1 assigned to @bob");
  EXPECT_EQ(pieces[0].mention, std::vector<std::string>{"bob"});
  EXPECT_EQ(pieces[1].text, std::string(30, 'x'));
  EXPECT_TRUE(pieces[1].mention.empty());
  EXPECT_EQ(pieces[2].mention, std::vector<std::string>{"carol"});
  EXPECT_EQ(SplitReplyBytes(r, 1000).size(), 1u);
}

TEST(SplitReplyBytes, ALongLineIsCutOnAUtf8Boundary) {
  Reply r;
  r.text = std::string(5, 'a') + "磁盘满磁盘满";  // 5 + 18 bytes, no line end
  auto pieces = SplitReplyBytes(r, 10);
  std::string joined;
  for (const Reply& p : pieces) {
    EXPECT_LE(p.text.size(), 10u);
    joined += p.text;
  }
  EXPECT_EQ(joined, r.text);
  EXPECT_EQ(pieces[0].text, "aaaaa磁");  // 8 bytes: the next character would not fit whole
}

TEST(SplitReplyBytes, BytesThatAreNotUtf8StillEndTheSplit) {
  Reply r;
  r.text = std::string(25, '\x80');
  auto pieces = SplitReplyBytes(r, 10);
  EXPECT_EQ(pieces.size(), 3u);
}

}  // namespace
}  // namespace opsbot
