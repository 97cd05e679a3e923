// Unit tests for adapters/dingtalk/dingtalk_inbound.h, on bodies shaped as in shared/protocols.md §2.1.
#include "adapters/dingtalk/dingtalk_inbound.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/support/dom_string.h"

namespace opsbot {
namespace {

nlohmann::json GroupMessage() {
  return {
      {"msgtype", "text"},
      {"text", {{"content", " ticket assign T-1 @张三 "}}},
      {"msgId", "msgABC"},
      {"createAt", 1577262236757},
      {"conversationType", "2"},
      {"conversationId", "cidGroup=="},
      {"conversationTitle", "运维群"},
      {"senderId", "$:LWCP_v1:$abc"},
      {"senderNick", "李华"},
      {"senderCorpId", "dingcorp"},
      {"senderStaffId", "lihua01"},
      {"chatbotUserId", "$:LWCP_v1:$bot"},
      {"robotCode", "dingappkey"},
      {"isInAtList", true},
      {"atUsers",
       {{{"dingtalkId", "$:LWCP_v1:$bot"}}, {{"dingtalkId", "$:LWCP_v1:$zs"}, {"staffId", "zhangsan01"}}}},
      {"sessionWebhook", "https://oapi.dingtalk.com/robot/sendBySession?session=xyz"},
      {"sessionWebhookExpiredTime", 1577267636757}};
}

// The reading the parser must give, written against nlohmann's DOM (what ParseDingTalkCallback did before
// it read with the SAX parser): "" for absent or null strings, errors for other types and long values, in
// the parser's order of checks. Returns the error's message, or the fields read joined by '|'.
std::string ReadWithDom(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return "the body is not a JSON object";
  std::string err;
  auto str = [&err](const nlohmann::json& o, const char* key, std::size_t max = 256) {
    return testing::DomString(o, key, max, err);
  };
  std::vector<std::string> f;  // msgId, conversationType, conversationId, msgtype, senderStaffId, senderId,
                               // senderNick, chatbotUserId, robotCode, sessionWebhook
  for (const char* key : {"msgId", "conversationType", "conversationId", "msgtype", "senderStaffId",
                          "senderId", "senderNick", "chatbotUserId", "robotCode"})
    f.push_back(str(j, key));
  f.push_back(str(j, "sessionWebhook", 2048));
  if (!err.empty()) return err;
  std::string out;
  for (const auto& v : f)
    out += v + "|";
  if (f[0].empty()) return "no msgId";
  if (f[1] != "1" && f[1] != "2") return "conversationType must be \"1\" (1:1) or \"2\" (group)";
  if (f[2].empty()) return "no conversationId";
  if (f[4].empty() && f[5].empty()) return "no senderStaffId or senderId";
  if (auto it = j.find("sessionWebhookExpiredTime"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer()) return "field 'sessionWebhookExpiredTime' must be an integer";
    out += std::to_string(it->get<std::int64_t>());
  }
  out += "|";
  if (auto it = j.find("atUsers"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return "field 'atUsers' must be an array";
    for (const auto& u : *it) {
      if (!u.is_object()) return "atUsers holds a non-object";
      std::string staff = str(u, "staffId"), ding = str(u, "dingtalkId");
      if (!err.empty()) return err;
      if (!staff.empty() && (f[7].empty() || ding != f[7])) out += staff + ",";
    }
  }
  if (f[3] != "text") return out + "|ignored";
  auto text = j.find("text");
  if (text == j.end() || !text->is_object()) return "a text message needs a 'text' object";
  std::string content = str(*text, "content", 16 * 1024);
  return err.empty() ? out + "|" + content : err;
}

// The same fields as ParseDingTalkCallback read them.
std::string ReadWithParser(const std::string& body) {
  auto in = ParseDingTalkCallback(body);
  if (!in.ok()) return in.status().message();
  const InboundMessage& m = in->message;
  std::string out = in->msg_id + "|" + (in->group ? "2" : "1") + "|" + in->conversation_id + "|";
  std::string staff_ids;
  for (const auto& id : in->at_staff_ids)
    staff_ids += id + ",";
  out += in->robot_code + "|" + in->session_webhook + "|" + std::to_string(in->session_webhook_expires) +
         "|" + staff_ids;
  if (in->kind == DingTalkInbound::kIgnored && in->ignore_reason != "an empty text") return out + "|ignored";
  return out + "|" + (in->kind == DingTalkInbound::kMessage ? m.user + "|" + m.user_name : "");
}

// The DOM's reading in the shape ReadWithParser gives, so the two compare as strings.
std::string DomInParserShape(const std::string& body) {
  std::string dom = ReadWithDom(body);
  if (dom.find('|') == std::string::npos) return dom;  // an error
  std::vector<std::string> f;
  std::size_t start = 0;
  for (std::size_t bar; (bar = dom.find('|', start)) != std::string::npos; start = bar + 1)
    f.push_back(dom.substr(start, bar - start));
  f.push_back(dom.substr(start));
  // f: msgId, conversationType, conversationId, msgtype, staff, senderId, nick, chatbot, robotCode, webhook,
  // expires, at staff ids, content or "ignored"
  std::string out = f[0] + "|" + f[1] + "|" + f[2] + "|" + f[8] + "|" + f[9] + "|" +
                    (f[10].empty() ? "0" : f[10]) + "|" + f[11];
  if (f[12] == "ignored") return out + "|ignored";
  const std::string content = f[12];
  const bool blank = content.find_first_not_of(" \t\r\n") == std::string::npos;
  return out + "|" + (blank ? "" : (!f[4].empty() ? f[4] : f[5]) + "|" + f[6]);
}

TEST(DingTalkInbound, AGroupMessageWithAMention) {
  auto in = ParseDingTalkCallback(GroupMessage().dump());
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->kind, DingTalkInbound::kMessage);
  EXPECT_TRUE(in->group);
  EXPECT_EQ(in->robot_code, "dingappkey");
  EXPECT_EQ(in->session_webhook, "https://oapi.dingtalk.com/robot/sendBySession?session=xyz");
  EXPECT_EQ(in->session_webhook_expires, 1577267636757);
  EXPECT_EQ(in->at_staff_ids, std::vector<std::string>{"zhangsan01"});
  const InboundMessage& m = in->message;
  EXPECT_EQ(m.channel, Channel::kDingTalk);
  EXPECT_EQ(m.user, "lihua01");
  EXPECT_EQ(m.user_name, "李华");
  EXPECT_EQ(m.chat, "cidGroup==");
  EXPECT_EQ(m.text, "ticket assign T-1 @zhangsan01");
  EXPECT_EQ(m.dedupe_key, "dingtalk:msg:msgABC");
  EXPECT_EQ(m.platform_language, Lang::kZh);
}

// A staffId the command parser would not read back as one token (a space, an ideographic space, a control
// character in it) does not stand for its person in the text: the "@Nick" word stays as typed, and the words
// after it still get their own people's ids. Found by the dingtalk_parsers fuzzer: "zhangsan01" with trailing
// spaces left the text untrimmed, and an id with a space inside would split the command.
TEST(DingTalkInbound, AStaffIdThatIsNotOneTokenLeavesItsMentionAsTyped) {
  nlohmann::json j = GroupMessage();
  j["text"]["content"] = "ticket new disk full @张三 @李四 @王五 @赵六 @钱七";
  j["atUsers"] = {{{"dingtalkId", "$:LWCP_v1:$bot"}},
                  {{"dingtalkId", "a"}, {"staffId", "zhangsan01   "}},
                  {{"dingtalkId", "b"}, {"staffId", "li si"}},
                  {{"dingtalkId", "c"}, {"staffId", "wang\u3000wu"}},
                  {{"dingtalkId", "d"}, {"staffId", "zhao\nliu"}},
                  {{"dingtalkId", "e"}, {"staffId", "qian07"}}};
  auto in = ParseDingTalkCallback(j.dump());
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_EQ(in->kind, DingTalkInbound::kMessage);
  EXPECT_EQ(in->at_staff_ids.size(), 5u);
  EXPECT_EQ(in->message.text, "ticket new disk full @张三 @李四 @王五 @赵六 @qian07");
}

TEST(DingTalkInbound, ADirectMessageHasNoChatAndAnOutsiderIsNamedBySenderId) {
  auto j = GroupMessage();
  j["conversationType"] = "1";
  j.erase("senderStaffId");
  j["text"]["content"] = "建单 磁盘满 p1";
  j.erase("atUsers");
  auto in = ParseDingTalkCallback(j.dump());
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->group);
  EXPECT_EQ(in->message.chat, "");
  EXPECT_EQ(in->message.user, "$:LWCP_v1:$abc");
  EXPECT_EQ(in->message.text, "建单 磁盘满 p1");
}

TEST(DingTalkInbound, OtherMessageTypesAndEmptyTextAreIgnored) {
  auto j = GroupMessage();
  j["msgtype"] = "picture";
  auto in = ParseDingTalkCallback(j.dump());
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->kind, DingTalkInbound::kIgnored);
  EXPECT_EQ(in->ignore_reason, "a picture message");
  j = GroupMessage();
  j["text"]["content"] = "   ";
  in = ParseDingTalkCallback(j.dump());
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->kind, DingTalkInbound::kIgnored);
}

TEST(DingTalkInbound, BodiesDingTalkDoesNotSendAreRefused) {
  EXPECT_FALSE(ParseDingTalkCallback("not json").ok());
  EXPECT_FALSE(ParseDingTalkCallback("[]").ok());
  std::vector<std::function<void(nlohmann::json&)>> breaks = {
      [](auto& j) { j.erase("msgId"); },
      [](auto& j) { j["conversationType"] = "3"; },
      [](auto& j) { j.erase("conversationId"); },
      [](auto& j) {
        j.erase("senderStaffId");
        j.erase("senderId");
      },
      [](auto& j) { j["msgId"] = 42; },
      [](auto& j) { j["text"] = "a string"; },
      [](auto& j) { j["text"]["content"] = std::string(20000, 'x'); },
      [](auto& j) { j["senderStaffId"] = std::string(300, 'x'); },
      [](auto& j) { j["atUsers"] = "x"; },
      [](auto& j) { j["atUsers"] = nlohmann::json::array({1}); },
      [](auto& j) { j["sessionWebhookExpiredTime"] = "soon"; },
  };
  for (std::size_t i = 0; i < breaks.size(); ++i) {
    auto j = GroupMessage();
    breaks[i](j);
    EXPECT_FALSE(ParseDingTalkCallback(j.dump()).ok()) << "break " << i;
  }
}

// Each member of a callback given every kind of JSON value, and given twice (the last counts), is read as
// the DOM read it: the same error, or the same fields.
TEST(DingTalkInbound, ReadsEveryShapeOfEveryMemberAsTheDomDid) {
  const std::vector<std::string> values = {
      "null",
      "42",
      "-7",
      "18446744073709551615",
      "18446744073709551616",  // past 64 bits: simdjson refuses it, and nlohmann reads a double
      "-9223372036854775809",
      "\"\\udc00\"",  // lone surrogates: both refuse them
      "\"\\ud800\\u1234\"",
      "1.5",
      "true",
      "\"\"",
      "\"1\"",
      "\"2\"",
      "\"text\"",
      "\"$:LWCP_v1:$bot\"",
      "\"" + std::string(300, 'x') + "\"",
      "[]",
      "[1]",
      "[{}]",
      "{}",
      R"([{"staffId":"zs","dingtalkId":"d1"},{"staffId":null},{"dingtalkId":"$:LWCP_v1:$bot","staffId":"bot"}])",
      R"([{"staffId":{"deep":[1,{"staffId":"x"}]}}])",
      R"([{"staffId":"a","staffId":"b"}])",
      R"({"content":" hi "})",
      R"({"content":"ticket new x","content":7})",
      R"({"content":{"content":"x"}})",
      R"({"msgId":"nested","content":"  "})"};
  const nlohmann::json message = GroupMessage();
  const std::string base = message.dump();
  std::vector<std::string> keys = {"text", "atUsers", "extra"};
  for (auto it = message.begin(); it != message.end(); ++it)
    keys.push_back(it.key());
  int compared = 0;
  for (const auto& key : keys) {
    for (const auto& v : values) {
      const std::string member = "\"" + key + "\":" + v;
      for (const std::string& body : {"{" + member + "," + base.substr(1),  // given first: overridden
                                      base.substr(0, base.size() - 1) + "," + member + "}"}) {  // given last
        EXPECT_EQ(ReadWithParser(body), DomInParserShape(body)) << body;
        ++compared;
      }
    }
  }
  for (const std::string& body :
       std::vector<std::string>{"", "{", "{}", "[]", "\"x\"", "1", "{} x", "{\"msgId\":\"\xff\"}", base + " ",
                                // simdjson refuses these two; nlohmann reads them
                                "\xEF\xBB\xBF" + base, "{\"n\":18446744073709551616," + base.substr(1)}) {
    EXPECT_EQ(ReadWithParser(body), DomInParserShape(body)) << body;
  }
  EXPECT_GT(compared, 500);
}

}  // namespace
}  // namespace opsbot
