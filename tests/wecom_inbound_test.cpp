// Unit tests for adapters/wecom/wecom_inbound.h: the envelopes and the decrypted app XML and smart-bot JSON.
#include "adapters/wecom/wecom_inbound.h"

#include <gtest/gtest.h>

#include <string>

namespace opsbot {
namespace {

// Vector T2b's plaintext (shared/protocols.md §4).
const char* kT2bXml =
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></"
    "FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></"
    "MsgType>\n<Content><![CDATA["
    "hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";

TEST(WeComInboundTest, TheAppsTextMessageBecomesACommandFromItsSender) {
  auto in = ParseWeComAppMessage(kT2bXml);
  ASSERT_TRUE(in.ok()) << in.status().message();
  ASSERT_EQ(in->kind, WeComInbound::kMessage);
  EXPECT_FALSE(in->group);
  EXPECT_EQ(in->message.channel, Channel::kWeCom);
  EXPECT_EQ(in->message.user, "mycreate");
  EXPECT_EQ(in->message.chat, "");
  EXPECT_EQ(in->message.text, "hello");
  EXPECT_EQ(in->message.dedupe_key, "wecom:msg:4561255354251345929");
  EXPECT_EQ(in->message.platform_language, Lang::kZh);
}

TEST(WeComInboundTest, TheAppsEventsPicturesAndEmptyTextsAreIgnored) {
  auto event = ParseWeComAppMessage(
      "<xml><FromUserName>u1</FromUserName><MsgType>event</MsgType><Event>enter_agent</Event></xml>");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->kind, WeComInbound::kIgnored);
  auto image = ParseWeComAppMessage(
      "<xml><FromUserName>u1</FromUserName><MsgType>image</MsgType><MsgId>1</MsgId></xml>");
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->kind, WeComInbound::kIgnored);
  EXPECT_EQ(image->ignore_reason, "a image message");
  auto blank = ParseWeComAppMessage(
      "<xml><FromUserName>u1</FromUserName><MsgType>text</MsgType><MsgId>1</MsgId><Content>  "
      "</Content></xml>");
  ASSERT_TRUE(blank.ok());
  EXPECT_EQ(blank->kind, WeComInbound::kIgnored);
}

TEST(WeComInboundTest, AppXmlThatIsNotAMessageIsAnError) {
  for (const char* xml :
       {"", "not xml", "<xml>", "<other><FromUserName>u</FromUserName></other>",
        "<xml><MsgType>text</MsgType><MsgId>1</MsgId><Content>x</Content></xml>",
        "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>x</Content></xml>",
        "<!DOCTYPE x [<!ENTITY e SYSTEM "
        "\"file:///etc/passwd\">]><xml><FromUserName>&e;</FromUserName></xml>"}) {
    auto in = ParseWeComAppMessage(xml);
    EXPECT_FALSE(in.ok() && in->kind == WeComInbound::kMessage) << xml;
  }
  std::string long_id = "<xml><FromUserName>" + std::string(300, 'u') + "</FromUserName></xml>";
  EXPECT_FALSE(ParseWeComAppMessage(long_id).ok());
}

TEST(WeComInboundTest, EnvelopesGiveTheirCiphertext) {
  auto xml = WeComXmlEnvelope(
      "<xml><ToUserName><![CDATA[wx1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>");
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(*xml, "abc+/=");
  auto json = WeComJsonEnvelope(R"({"encrypt":"abc+/="})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, "abc+/=");
  for (const char* bad : {"", "<xml></xml>", "<xml><Encrypt></Encrypt></xml>", "{\"encrypt\":1}"})
    EXPECT_FALSE(WeComXmlEnvelope(bad).ok() && WeComJsonEnvelope(bad).ok()) << bad;
  EXPECT_FALSE(WeComJsonEnvelope(R"({"encrypt":""})").ok());
  EXPECT_FALSE(WeComJsonEnvelope(std::string(100, '[') + std::string(100, ']')).ok());
}

TEST(WeComInboundTest, TheSmartBotsGroupMessageLosesItsOwnMention) {
  auto in = ParseWeComBotMessage(R"({"msgid":"m1","aibotid":"aib","chatid":"wr1","chattype":"group",
    "from":{"userid":"zhangsan"},"response_url":"https://qyapi.weixin.qq.com/cgi-bin/aibot/response?x=1",
    "msgtype":"text","text":{"content":"@RobotA 建单 磁盘满 p1 @李四"}})");
  ASSERT_TRUE(in.ok()) << in.status().message();
  ASSERT_EQ(in->kind, WeComInbound::kMessage);
  EXPECT_TRUE(in->group);
  EXPECT_EQ(in->chat_id, "wr1");
  EXPECT_EQ(in->response_url, "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?x=1");
  EXPECT_EQ(in->message.user, "zhangsan");
  EXPECT_EQ(in->message.chat, "wr1");
  EXPECT_EQ(in->message.text, "建单 磁盘满 p1 @李四");
  EXPECT_EQ(in->message.dedupe_key, "wecom:bot:m1");
}

TEST(WeComInboundTest, TheSmartBotsOtherMessagesAreIgnoredAndBrokenOnesRefused) {
  auto only_mention = ParseWeComBotMessage(
      R"({"msgid":"m1","chatid":"wr1","chattype":"group","from":{"userid":"u"},"msgtype":"text","text":{"content":"@RobotA"}})");
  ASSERT_TRUE(only_mention.ok());
  EXPECT_EQ(only_mention->kind, WeComInbound::kIgnored);
  auto image =
      ParseWeComBotMessage(R"({"msgid":"m1","chattype":"single","from":{"userid":"u"},"msgtype":"image"})");
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->kind, WeComInbound::kIgnored);
  for (const char* bad :
       {"", "[]", R"({"chattype":"single","from":{"userid":"u"},"msgtype":"text","text":{"content":"x"}})",
        R"({"msgid":"m1","chattype":"single","msgtype":"text","text":{"content":"x"}})",
        R"({"msgid":"m1","chattype":"group","from":{"userid":"u"},"msgtype":"text","text":{"content":"x"}})",
        R"({"msgid":"m1","chattype":"single","from":"u","msgtype":"text","text":{"content":"x"}})",
        R"({"msgid":"m1","chattype":"single","from":{"userid":"u"},"msgtype":"text","text":"x"})",
        R"({"msgid":7,"chattype":"single","from":{"userid":"u"},"msgtype":"text","text":{"content":"x"}})"})
    EXPECT_FALSE(ParseWeComBotMessage(bad).ok()) << bad;
}

}  // namespace
}  // namespace opsbot
