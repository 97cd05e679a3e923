// WeComSender: delivers outbox messages to WeCom (企业微信) (shared/protocols.md §3.3–§3.4).
//
// Routes, per message (Routes; the OutboxWorker picks one by its send budget, in tier order):
//   tier 0 "response_url": the smart bot's response_url, for a group or its 1:1 chat, while it is unexpired
//      and not yet used by this process: markdown, each mentioned person as "<@userid>". WeCom lets it be
//      used once within an hour, so after one success it is never posted to again; a refusal makes the
//      OutboxWorker fail over to the next route. A group message that mentions someone skips it when the
//      group has a robot: the robot's markdown documents "<@userid>" as a ping; the smart bot's is reported
//      not to render it (wecom-cli#103). Lane "wecom:response_url:<channel>", unlimited.
//   tier 1, "user:<userid>"  → "app": the self-built app's message/send (POST
//                         /cgi-bin/message/send?access_token=..), msgtype text, touser, agentid; no inline @
//                         (none is needed in a 1:1 chat). The access token (GET /cgi-bin/gettoken) is cached
//                         until 5 min before expires_in, and dropped on a token error. Lane
//                         "wecom:app:<userid>" (limit wecom_app_member: 30 a minute, the excess dropped).
//           "group:<chatid>" → "robot": each of the chat's group robots (POST /cgi-bin/webhook/send?key=KEY,
//                         the keys from robot_keys_for(chatid)): markdown with "<@userid>" mentions. Each
//                         robot is its own lane ("wecom:robot:<LaneIdOf(key)>", limit wecom_robot).
// Classification of the JSON answer (WeCom answers HTTP 200 with an errcode):
//   0 → delivered; 45009 / 45033 (frequency limits) → retry, rate_limited (the outbox waits a minute); -1
//   (busy), HTTP 429/5xx, a transport failure → retry; 40014 / 42001 / 40001 / 40082 (invalid or expired
//   token) → reauth (the token is dropped); 81013 (no valid recipient), 40058 (too long), 93000 (bad webhook
//   key), errcode 0 with `invaliduser`, and any other errcode or 4xx → give up.
// Thread-safe; every call bounded by the timeouts. Secrets and tokens are never logged nor put in errors.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "bot/outbound.h"
#include "bot/reply_split.h"
#include "bot/status.h"

namespace opsbot {

struct WeComSenderOptions {
  std::string api_base = "https://qyapi.weixin.qq.com";
  std::function<std::string()> corp_id;     // read at each call: a reload rotates them
  std::function<std::string()> app_secret;  // secret: never logged
  std::function<long()> agent_id;
  // A group's chatid → its robots' webhook keys (secret); empty when the chat has none.
  std::function<std::vector<std::string>(const std::string& chat_id)> robot_keys_for;
  // Person key → WeCom userid, for mentions; may be empty.
  std::function<std::string(const std::string& person_key)> wecom_id_of;
  const Clock* clock = nullptr;
  int timeout_ms = 5000;
  std::string ca_cert_file = "/etc/ssl/certs/ca-certificates.crt";
};

// A 1:1 message is app text (2,048 bytes at most); a group's is markdown (4,096 bytes, the robot's limit,
// assumed for the response_url too). A piece stays under each, leaving room for the "<@userid>" a mention
// adds — and a group's long reply rarely needs a second message, which its one-use response_url cannot carry.
constexpr std::size_t kWeComTextBytes = 1800;
constexpr std::size_t kWeComMarkdownBytes = 3800;

// `reply` as one Reply per WeCom message (SplitReplyBytes at the limit above).
inline std::vector<Reply> SplitWeComReply(const Reply& reply, bool group) {
  return SplitReplyBytes(reply, group ? kWeComMarkdownBytes : kWeComTextBytes);
}

class WeComSender final : public Sender {
 public:
  explicit WeComSender(WeComSenderOptions options) : o_(std::move(options)) {}
  std::vector<SendRoute> Routes(const OutboundMessage& message) override;
  using Sender::Send;
  DeliveryResult Send(const OutboundMessage& message, const SendRoute& route) override;

 private:
  bool ResponseUrlUsable(const OutboundMessage& message, EpochMillis now);
  std::vector<std::string> RobotKeys(const OutboundMessage& message) const;
  DeliveryResult PostAppMessage(const OutboundMessage& message);
  DeliveryResult PostResponseUrl(const OutboundMessage& message);
  DeliveryResult PostRobot(const OutboundMessage& message, const std::string& robot_id);
  Result<std::string> AccessToken();

  WeComSenderOptions o_;
  std::mutex fetch_mu_;  // held while fetching a token; taken before mu_
  std::mutex mu_;
  std::string token_;            // guarded by mu_
  EpochMillis token_until_ = 0;  // guarded by mu_
  // response_url → when to forget it (its expiry); guarded by mu_; pruned of expired ones. Claimed before
  // the post, so two threads never both use one.
  std::map<std::string, EpochMillis> used_response_urls_;
};

}  // namespace opsbot
