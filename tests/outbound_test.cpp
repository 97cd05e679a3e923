#include "bot/outbound.h"

#include <gtest/gtest.h>

namespace opsbot {
namespace {

OutboundMessage Sample() {
  OutboundMessage m;
  m.platform = "dingtalk";
  m.destination = "dingtalk:group:cid\"1";
  m.channel = "group:cid\"1";
  m.thread = "1700000000.000100";
  m.response_url = "https://oapi.dingtalk.com/robot/sendBySession?session=abc&x=\\";
  m.response_url_expires = 1695289035996;
  m.reply = Reply::Ok(Lang::kZh, "已创建工单 T-7 [P3]\n@张伟 · 受理剩余 4小时");
  m.reply.command = "ticket.new";
  m.reply.mention = {"zhangwei", "bob"};
  m.reply.whole = true;
  return m;
}

// The payload nlohmann wrote before ToJson wrote it itself: rows queued by an older opsbot read the same.
TEST(OutboundTest, ToJsonIsTheObjectNlohmannWrote) {
  OutboundMessage m = Sample();
  nlohmann::json j = {{"platform", m.platform},
                      {"destination", m.destination},
                      {"channel", m.channel},
                      {"thread", m.thread},
                      {"response_url", m.response_url},
                      {"text", m.reply.text},
                      {"response_url_expires", m.response_url_expires},
                      {"mentions", m.reply.mention},
                      {"lang", "zh"},
                      {"command", m.reply.command},
                      {"whole", true}};
  EXPECT_EQ(m.ToJson(), j.dump());
}

TEST(OutboundTest, ToJsonReadsBack) {
  OutboundMessage m = Sample();
  auto back = OutboundMessage::FromJson(nlohmann::json::parse(m.ToJson()));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->platform, m.platform);
  EXPECT_EQ(back->destination, m.destination);
  EXPECT_EQ(back->channel, m.channel);
  EXPECT_EQ(back->thread, m.thread);
  EXPECT_EQ(back->response_url, m.response_url);
  EXPECT_EQ(back->response_url_expires, m.response_url_expires);
  EXPECT_EQ(back->reply.text, m.reply.text);
  EXPECT_EQ(back->reply.mention, m.reply.mention);
  EXPECT_EQ(back->reply.lang, Lang::kZh);
  EXPECT_EQ(back->reply.command, m.reply.command);
  EXPECT_TRUE(back->reply.whole);
}

// A text cut inside a character (it should not be, but) is stored with U+FFFD, not refused mid-command.
TEST(OutboundTest, InvalidUtf8IsReplacedNotThrown) {
  OutboundMessage m = Sample();
  m.reply.text = "磁盘\xE6\xBB";
  auto back = OutboundMessage::FromJson(nlohmann::json::parse(m.ToJson()));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->reply.text, "磁盘\xEF\xBF\xBD");
}

}  // namespace
}  // namespace opsbot
