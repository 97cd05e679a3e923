#include "adapters/slack/slack_render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "adapters/slack/slack_text.h"

namespace opsbot {
namespace {

using ::testing::ElementsAre;

const std::map<std::string, std::string> kIds = {
    {"alice", "U0ALICE"}, {"al", "U0AL"}, {"张三", "U0ZHANG"}, {"bad", "U1><!channel"}, {"nobody", ""}};

std::string IdOf(const std::string& key) {
  auto it = kIds.find(key);
  return it == kIds.end() ? "" : it->second;
}

Reply R(std::string text, std::vector<std::string> mention = {}) {
  Reply r = Reply::Ok(Lang::kEn, std::move(text));
  r.mention = std::move(mention);
  return r;
}

std::vector<std::string> Render(const Reply& r, std::size_t max = kSlackMessageChars) {
  return RenderSlackReply(r, IdOf, max);
}

// UTF-16 units, as the renderer counts them.
std::size_t Units(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = Utf8SequenceLength(s, i);
    n += len == 4 ? 2 : 1;
    i += len == 0 ? 1 : len;
  }
  return n;
}

TEST(SlackRenderTest, EscapesOnlyAmpersandAndAngleBrackets) {
  EXPECT_THAT(Render(R("a & b <c> *d* _e_ \"f\" 'g' `h`")),
              ElementsAre("a &amp; b &lt;c&gt; *d* _e_ \"f\" 'g' `h`"));
  // Text that looks like Slack markup stays text.
  EXPECT_THAT(Render(R("<!channel> <@U123>")), ElementsAre("&lt;!channel&gt; &lt;@U123&gt;"));
}

TEST(SlackRenderTest, MentionsBecomeSlackIdsWhereKnown) {
  EXPECT_THAT(Render(R("T-1 assigned to @alice, cc @bob.", {"alice", "bob"})),
              ElementsAre("T-1 assigned to <@U0ALICE>, cc @bob."));
  EXPECT_THAT(Render(R("@alice", {"alice"})), ElementsAre("<@U0ALICE>"));
  // Only the keys the Reply lists.
  EXPECT_THAT(Render(R("@alice", {})), ElementsAre("@alice"));
  // No Slack id, or one that is not an id: left as "@key".
  EXPECT_THAT(Render(R("@nobody @bad", {"nobody", "bad"})), ElementsAre("@nobody @bad"));
  // An empty function leaves every mention alone.
  EXPECT_THAT(RenderSlackReply(R("@alice", {"alice"}), SlackIdOf()), ElementsAre("@alice"));
}

TEST(SlackRenderTest, MentionBoundaries) {
  // An e-mail address is not a mention; a longer word is not this key; the longest key wins.
  EXPECT_THAT(Render(R("mail bob@alice.com or @alicex or @al or @alice", {"al", "alice"})),
              ElementsAre("mail bob@alice.com or @alicex or <@U0AL> or <@U0ALICE>"));
  EXPECT_THAT(Render(R("@alice_b @alice-b (@alice) @alice:", {"alice"})),
              ElementsAre("@alice_b @alice-b (<@U0ALICE>) <@U0ALICE>:"));
  EXPECT_THAT(Render(R("请@张三 处理，@alice处理", {"张三", "alice"})),
              ElementsAre("请<@U0ZHANG> 处理，<@U0ALICE>处理"));
  EXPECT_THAT(Render(R("@张三丰", {"张三"})), ElementsAre("@张三丰"));
}

TEST(SlackRenderTest, ShortTextIsOneMessageAndBlankIsNone) {
  EXPECT_THAT(Render(R("line 1\nline 2\n")), ElementsAre("line 1\nline 2"));
  EXPECT_TRUE(Render(R("")).empty());
  EXPECT_TRUE(Render(R(" \n\n  \n")).empty());
}

TEST(SlackRenderTest, LongTextSplitsAtLineBoundaries) {
  std::string text;
  for (int i = 0; i < 400; ++i)
    text += "T-" + std::to_string(i) + " open p2 disk full on db-" + std::to_string(i) + "\n";
  auto parts = Render(R(text));
  ASSERT_GT(parts.size(), 1u);
  std::string joined;
  for (const auto& p : parts) {
    EXPECT_LE(Units(p), kSlackMessageChars);
    EXPECT_NE(p.front(), '\n');
    EXPECT_NE(p.back(), '\n');
    joined += p + "\n";
  }
  EXPECT_EQ(joined, text);  // every line, whole, in order
}

TEST(SlackRenderTest, ALongLineSplitsAtSpacesThenAnywhere) {
  std::string words;
  for (int i = 0; i < 100; ++i)
    words += "word" + std::to_string(i) + " ";
  auto parts = Render(R(words), 64);
  ASSERT_GT(parts.size(), 1u);
  for (const auto& p : parts) {
    EXPECT_LE(Units(p), 64u);
    EXPECT_NE(p.front(), ' ');
    EXPECT_NE(p.back(), ' ');
  }
  std::string nospace(200, 'x');
  auto cut = Render(R(nospace), 64);
  EXPECT_THAT(cut, ElementsAre(std::string(64, 'x'), std::string(64, 'x'), std::string(64, 'x'),
                               std::string(8, 'x')));
}

TEST(SlackRenderTest, NeverSplitsInsideUtf8EntitiesOrMentions) {
  std::string cjk;
  for (int i = 0; i < 5000; ++i)
    cjk += "磁";
  auto parts = Render(R(cjk));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(Units(parts[0]), 3000u);
  EXPECT_TRUE(IsValidUtf8(parts[0]) && IsValidUtf8(parts[1]));

  std::string emoji;
  for (int i = 0; i < 40; ++i)
    emoji += "😀";  // 2 UTF-16 units each
  auto emoji_parts = Render(R(emoji), 64);
  ASSERT_EQ(emoji_parts.size(), 2u);
  EXPECT_EQ(Units(emoji_parts[0]), 64u);
  EXPECT_EQ(Units(emoji_parts[1]), 16u);
  EXPECT_TRUE(IsValidUtf8(emoji_parts[0]) && IsValidUtf8(emoji_parts[1]));

  for (const auto& p : Render(R(std::string(100, '&')), 64)) {
    EXPECT_EQ(p.size() % 5, 0u);  // whole "&amp;"s
    EXPECT_LE(p.size(), 64u);
  }

  std::string mentions;
  for (int i = 0; i < 30; ++i)
    mentions += "@alice ";
  auto mention_parts = Render(R(mentions, {"alice"}), 64);
  EXPECT_EQ(mention_parts.size(), 6u);  // 5 whole mentions (54 units) per message
  for (std::string p : mention_parts) {
    EXPECT_LE(p.size(), 64u);
    for (auto at = p.find("<@U0ALICE>"); at != std::string::npos; at = p.find("<@U0ALICE>"))
      p.erase(at, 10);
    EXPECT_EQ(p.find_first_not_of(' '), std::string::npos) << p;  // nothing but whole mentions
  }
}

TEST(SlackRenderTest, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_THAT(Render(R("a\xFF"
                       "b\xE4\xB8")),
              ElementsAre("a\xEF\xBF\xBD"
                          "b\xEF\xBF\xBD\xEF\xBF\xBD"));
}

TEST(SlackRenderTest, MaxCharsIsClamped) {
  std::string text(100, 'x');
  EXPECT_EQ(Render(R(text), 1).size(), 2u);  // at least kSlackMinMessageChars (64) per message
  EXPECT_EQ(Render(R(std::string(50000, 'y')), 1000000).size(), 2u);  // at most 40,000
}

TEST(SlackRenderTest, SplitGivesOneReplyPerMessage) {
  std::string text;
  for (int i = 0; i < 30; ++i)
    text += "line " + std::to_string(i) + " for @alice & @bob\n";
  Reply reply = R(text, {"alice", "bob"});
  reply.command = "ticket.list";
  auto rendered = Render(reply, 200);
  auto pieces = SplitSlackReply(reply, IdOf, 200);
  ASSERT_EQ(pieces.size(), rendered.size());
  ASSERT_GT(pieces.size(), 1u);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    auto again = Render(pieces[i], 200);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0], rendered[i]);
    EXPECT_EQ(pieces[i].command, "ticket.list");
    EXPECT_THAT(pieces[i].mention, ElementsAre("alice", "bob"));
  }
  auto one = SplitSlackReply(R("short @bob", {"alice", "bob"}), IdOf);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_THAT(one[0].mention, ElementsAre("bob"));
}

TEST(SlackRenderTest, SplitPiecesReadTheSameAlone) {
  // A hard cut right before "@alice" in "x@alice": alone, the next piece reads it as a mention (the one
  // case where a piece's rendering differs), and it still is one message.
  std::string text = std::string(64, 'x') + "@alice " + std::string(60, 'y');
  Reply reply = R(text, {"alice"});
  for (const Reply& piece : SplitSlackReply(reply, IdOf, 64)) {
    auto again = Render(piece, 64);
    EXPECT_EQ(again.size(), 1u) << piece.text;
  }
}

}  // namespace
}  // namespace opsbot
