// Unit tests for bot/text.h: chat text normalisation, tokens, UTF-8 helpers, edit distance.
#include "bot/text.h"

#include <gtest/gtest.h>

namespace opsbot {
namespace {

TEST(NormalizeChatText, FullWidthAsciiBecomesAscii) {
  // ＠ (U+FF20), ＃ (U+FF03), Ｐ (U+FF30), １ (U+FF11), ｚ (U+FF5A), ！ (U+FF01), ～ (U+FF5E).
  EXPECT_EQ(NormalizeChatText("＠alice ＃db Ｐ１"), "@alice #db P1");
  EXPECT_EQ(NormalizeChatText("！ｚ～"), "!z~");
}

TEST(NormalizeChatText, LeavesOtherTextAlone) {
  EXPECT_EQ(NormalizeChatText("ticket new 磁盘满 p1"), "ticket new 磁盘满 p1");
  // Full-width CJK punctuation outside U+FF01–FF5E stays as it is.
  EXPECT_EQ(NormalizeChatText("磁盘满。"), "磁盘满。");
}

TEST(NormalizeChatText, UnicodeSpacesBecomeAsciiSpace) {
  EXPECT_EQ(NormalizeChatText("建单\u3000磁盘满"), "建单 磁盘满");  // ideographic space
  EXPECT_EQ(NormalizeChatText("a\u00A0b\u2003c"), "a b c");         // no-break space, em space
  EXPECT_EQ(NormalizeChatText("a\tb\nc\rd"), "a b c d");
}

TEST(NormalizeChatText, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(NormalizeChatText("a\xFF"
                              "b"),
            "a\uFFFDb");
  // A truncated three-byte sequence: each stray byte is replaced on its own.
  EXPECT_EQ(NormalizeChatText("x\xE7\xA3"), "x\uFFFD\uFFFD");
  // An overlong encoding of '/' is not accepted as '/'.
  EXPECT_EQ(NormalizeChatText("\xC0\xAF"), "\uFFFD\uFFFD");
  // A UTF-16 surrogate encoded in UTF-8 is invalid.
  EXPECT_EQ(NormalizeChatText("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");
}

TEST(NormalizeChatText, DropsControlAndZeroWidthCharacters) {
  EXPECT_EQ(NormalizeChatText("a\x01"
                              "b\x1B[31mc\x7F"),
            "ab[31mc");
  EXPECT_EQ(NormalizeChatText("\uFEFFticket\u200Bnew"), "ticketnew");
  // C1 controls (U+0080–U+009F) are control characters too; U+009B is a terminal CSI.
  EXPECT_EQ(NormalizeChatText("a\u009B31mb\u0085c"), "a31mbc");
}

TEST(Tokenize, SplitsOnRunsOfAsciiWhitespace) {
  EXPECT_EQ(Tokenize("  ticket   new\tdisk \n full "),
            (std::vector<std::string>{"ticket", "new", "disk", "full"}));
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize(" \t\n ").empty());
  // The ideographic space is not ASCII whitespace: it only splits after NormalizeChatText.
  EXPECT_EQ(Tokenize("建单\u3000磁盘满").size(), 1u);
  EXPECT_EQ(Tokenize(NormalizeChatText("建单\u3000磁盘满")), (std::vector<std::string>{"建单", "磁盘满"}));
}

TEST(Join, JoinsFromAnIndex) {
  std::vector<std::string> parts = {"a", "b", "c"};
  EXPECT_EQ(Join(parts, " "), "a b c");
  EXPECT_EQ(Join(parts, ", ", 1), "b, c");
  EXPECT_EQ(Join(parts, " ", 3), "");
}

TEST(Utf8, DecodeEncodeRoundTripAndLength) {
  const std::string s = "T-1 磁盘满 😀";
  auto cps = DecodeUtf8(s);
  ASSERT_EQ(cps.size(), 9u);
  EXPECT_EQ(cps[4], U'磁');
  EXPECT_EQ(cps[8], U'\U0001F600');
  EXPECT_EQ(EncodeUtf8(cps), s);
  EXPECT_EQ(Utf8Length(s), 9u);
  EXPECT_EQ(Utf8Length("\xFF\xFE"), 2u);  // invalid bytes count one each
}

TEST(EqualsIgnoreCase, AsciiOnly) {
  EXPECT_TRUE(EqualsIgnoreCase("Ticket", "tICKET"));
  EXPECT_FALSE(EqualsIgnoreCase("ticket", "tickets"));
  EXPECT_EQ(ToLowerAscii("P1 磁盘 ÄB"), "p1 磁盘 Äb");
}

TEST(EditDistance, CountsEditsOverCodePoints) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("tiket list", "ticket list"), 1u);
  // One CJK character is one edit, not three bytes.
  EXPECT_EQ(EditDistance("建单", "建"), 1u);
  EXPECT_EQ(EditDistance("查看工单", "查看工作"), 1u);
  EXPECT_EQ(EditDistance("建单", "解决"), 2u);
}

TEST(EditDistance, IgnoresAsciiCase) {
  EXPECT_EQ(EditDistance("TICKET", "ticket"), 0u);
  EXPECT_EQ(EditDistance("Ticket New", "ticket now"), 1u);
}

TEST(TruncateUtf8, CutsOnCodePointsWithEllipsis) {
  EXPECT_EQ(TruncateUtf8("磁盘已满请处理", 3), "磁盘已…");
  EXPECT_EQ(TruncateUtf8("磁盘已满", 4), "磁盘已满");  // fits: unchanged, no ellipsis
  EXPECT_EQ(TruncateUtf8("abcdef", 2), "ab…");
  EXPECT_EQ(TruncateUtf8("磁盘", 0), "…");
  // The result is always valid UTF-8: no CJK character is split.
  EXPECT_EQ(Utf8Length(TruncateUtf8("磁盘已满请处理", 5)), 6u);
}

TEST(ContainsCjk, DetectsIdeographs) {
  EXPECT_TRUE(ContainsCjk("建单"));
  EXPECT_TRUE(ContainsCjk("help 帮助"));
  EXPECT_TRUE(ContainsCjk("\U00020000"));  // CJK Extension B
  EXPECT_FALSE(ContainsCjk("ticket new"));
  EXPECT_FALSE(ContainsCjk(""));
  EXPECT_FALSE(ContainsCjk("？！。"));    // CJK punctuation is not an ideograph
  EXPECT_FALSE(ContainsCjk("かなカナ"));  // kana is not an ideograph
}

}  // namespace
}  // namespace opsbot
