// Unit tests for adapters/wecom/wecom_inbound.h: the envelopes and the decrypted app XML and smart-bot JSON.
#include "adapters/wecom/wecom_inbound.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "bot/json_body.h"
#include "tests/support/dom_string.h"

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

// A reading of a smart-bot message in one line: its error, or what it holds.
std::string Summary(const Result<WeComInbound>& in) {
  if (!in.ok()) return in.status().message();
  const std::string head =
      in->msg_id + "|" + in->chat_id + "|" + (in->group ? "group" : "single") + "|" + in->response_url + "|";
  if (in->kind == WeComInbound::kIgnored) return head + "ignored:" + in->ignore_reason;
  return head + in->message.user + "|message:" + in->message.text;
}

// ParseWeComBotMessage as it was written against nlohmann's DOM, before it read with simdjson (JsonDom).
std::string BotMessageByDom(const std::string& body) {
  if (JsonNestingDepth(body, 32) > 32) return "JSON nested deeper than 32 levels";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    return std::string("malformed JSON: ") + e.what();
  }
  if (!j.is_object()) return "the body must be a JSON object";
  std::string err;
  auto str = [&err](const nlohmann::json& o, const char* key, std::size_t max) {
    return testing::DomString(o, key, max, err);
  };
  const std::string msgid = str(j, "msgid", 256), chatid = str(j, "chatid", 256),
                    chattype = str(j, "chattype", 256), msgtype = str(j, "msgtype", 256),
                    url = str(j, "response_url", 2048);
  if (!err.empty()) return err;
  std::string user;
  if (auto from = j.find("from"); from != j.end() && !from->is_null()) {
    if (!from->is_object()) return "field 'from' must be an object";
    user = str(*from, "userid", 256);
    if (!err.empty()) return err;
  }
  if (msgid.empty()) return "no msgid";
  if (user.empty()) return "no from.userid";
  const bool group = chattype == "group";
  if (group && chatid.empty()) return "a group message without chatid";
  const std::string head = msgid + "|" + chatid + "|" + (group ? "group" : "single") + "|" + url + "|";
  if (msgtype != "text") return head + "ignored:a " + (msgtype.empty() ? "typeless" : msgtype) + " message";
  auto text = j.find("text");
  if (text == j.end() || !text->is_object()) return "a text message needs a 'text' object";
  std::string content = str(*text, "content", 16 * 1024);
  if (!err.empty()) return err;
  const auto first = content.find_first_not_of(" \t\r\n");
  content = first == std::string::npos
                ? ""
                : content.substr(first, content.find_last_not_of(" \t\r\n") - first + 1);
  if (!content.empty() && content[0] == '@') {
    const auto space = content.find_first_of(" \t\n");
    content = space == std::string::npos ? "" : content.substr(content.find_first_not_of(" \t\r\n", space));
  }
  return head + (content.empty() ? "ignored:an empty text" : user + "|message:" + content);
}

// Each member of a smart-bot message given every kind of JSON value, first or last (the last of duplicate
// keys counts), reads as it did with the DOM: the same error, or the same message.
TEST(WeComInboundTest, TheSmartBotsMessageReadsAsTheDomReadIt) {
  const std::string base =
      R"({"msgid":"m1","aibotid":"aib","chatid":"wr1","chattype":"group","from":{"userid":"u1"},)"
      R"("response_url":"https://qyapi.weixin.qq.com/r","msgtype":"text","text":{"content":"@bot ticket list"}})";
  const std::vector<std::string> values = {"null",
                                           "7",
                                           "18446744073709551616",
                                           "1.5",
                                           "true",
                                           "\"\"",
                                           "\"x\"",
                                           "\"group\"",
                                           "\"text\"",
                                           "\"" + std::string(300, 'y') + "\"",
                                           "[]",
                                           "{}",
                                           R"({"userid":"u2","userid":"u3"})",
                                           R"({"userid":5})",
                                           R"({"content":"  @bot   ticket new x "})",
                                           R"({"content":[1]})",
                                           "-9223372036854775809",
                                           "\"\\udc00\"",
                                           "\"\\ud800\\u1234\"",
                                           std::string(31, '[') + std::string(31, ']'),
                                           std::string(31, '[') + "1" + std::string(31, ']'),
                                           std::string(32, '[') + "1" + std::string(32, ']')};
  int compared = 0;
  for (const char* key :
       {"msgid", "chatid", "chattype", "msgtype", "response_url", "from", "text", "extra"}) {
    for (const auto& v : values) {
      const std::string member = "\"" + std::string(key) + "\":" + v;
      for (const std::string& body :
           {"{" + member + "," + base.substr(1), base.substr(0, base.size() - 1) + "," + member + "}"}) {
        EXPECT_EQ(Summary(ParseWeComBotMessage(body)), BotMessageByDom(body)) << body;
        ++compared;
      }
    }
  }
  for (const std::string& body :
       {std::string(""), std::string("{"), std::string("[]"), std::string("\"x\""), std::string("{} x"),
        std::string("{\"msgid\":\"\xff\"}"), "\xEF\xBB\xBF" + base}) {
    EXPECT_EQ(Summary(ParseWeComBotMessage(body)), BotMessageByDom(body)) << body;
  }
  EXPECT_EQ(Summary(ParseWeComBotMessage(base)),
            "m1|wr1|group|https://qyapi.weixin.qq.com/r|u1|message:ticket list");
  EXPECT_GT(compared, 200);
}

}  // namespace
}  // namespace opsbot
