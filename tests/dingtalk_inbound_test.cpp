// Unit tests for adapters/dingtalk/dingtalk_inbound.h, on bodies shaped as in shared/protocols.md §2.1.
#include "adapters/dingtalk/dingtalk_inbound.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace opsbot
