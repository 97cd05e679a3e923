#include "adapters/dingtalk/dingtalk_sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <nlohmann/json.hpp>
#include "adapters/dingtalk/dingtalk_signature.h"
#include "bot/http_client.h"
#include "bot/send_budget.h"
#include "bot/url_encoding.h"

namespace opsbot {
namespace {

using Kind = DeliveryResult::Kind;
using Json = nlohmann::json;

// "https://host:port/path?query" → ("https://host:port", "/path?query").
std::pair<std::string, std::string> SplitUrl(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

// A robot webhook's answer: {"errcode":0,"errmsg":"ok"}.
DeliveryResult FromErrcode(int http_status, const std::string& body) {
  if (http_status == 429 || http_status >= 500)
    return Delivery(Kind::kRetry, "http " + std::to_string(http_status));
  Json j = Json::parse(body, nullptr, false);
  if (http_status != 200 || !j.is_object() || !j.contains("errcode") || !j["errcode"].is_number_integer())
    return Delivery(Kind::kGiveUp, "http " + std::to_string(http_status));
  long code = j["errcode"].get<long>();
  std::string name = "errcode " + std::to_string(code);
  if (code == 0) return Delivery(Kind::kDelivered, "");
  if (code == 130101) {  // send too fast: DingTalk blocks the robot for a while
    DeliveryResult r = Delivery(Kind::kRetry, name);
    r.rate_limited = true;  // the worker waits outbox.rate_limit_wait (a minute)
    return r;
  }
  if (code == -1) return Delivery(Kind::kRetry, name);  // system busy
  return Delivery(Kind::kGiveUp, name);                 // 460101 too long, 310000 keywords/sign, ...
}

// The text with each mentioned person's "@key" as "@<staffId>", and the ids for `at.atUserIds`.
std::pair<std::string, std::vector<std::string>> WithMentions(
    const Reply& reply, const std::function<std::string(const std::string&)>& id_of) {
  std::string text = reply.text;
  std::vector<std::string> ids;
  for (const std::string& key : reply.mention) {
    std::string id = id_of ? id_of(key) : "";
    if (id.empty()) continue;
    ids.push_back(id);
    std::string from = "@" + key, to = "@" + id;
    bool found = false;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
      found = true;
    }
    if (!found) text += " " + to;  // a ping needs the id in the text too
  }
  return {text, ids};
}

std::string Title(const std::string& text) {
  std::string first = text.substr(0, text.find('\n'));
  return first.size() > 60 ? first.substr(0, 60) : first;  // a notification preview, not the message
}

}  // namespace

bool DingTalkSender::SessionUsable(const OutboundMessage& message, EpochMillis now) {
  // A sessionWebhook a minute from its end is treated as gone: the send must not race its expiry.
  return !message.response_url.empty() &&
         (message.response_url_expires == 0 || now + 60000 < message.response_url_expires);
}

std::vector<SendRoute> DingTalkSender::Routes(const OutboundMessage& message) {
  std::vector<SendRoute> routes;
  if (message.reply.text.empty()) return routes;
  const EpochMillis now = o_.clock ? o_.clock->NowMillis() : 0;
  const std::string app_lane = "dingtalk:app:" + message.channel;
  const bool app = o_.app_key && !o_.app_key().empty();
  const bool ping = !message.reply.mention.empty();
  if (SessionUsable(message, now)) routes.push_back({"session", "", app_lane, "dingtalk_app_chat", 0});
  // Robots come before the OpenAPI for a ping (it cannot @ anyone) or with the app off; otherwise after
  // it, as overflow when the app's budget in the chat is spent.
  if (message.channel.rfind("group:", 0) == 0 && o_.robots_for) {
    for (const DingTalkRobot& robot : o_.robots_for(message.channel.substr(6))) {
      std::string id = LaneIdOf(robot.access_token);
      routes.push_back({"robot", id, "dingtalk:robot:" + id, "dingtalk_robot", ping || !app ? 1 : 3});
    }
  }
  // A ping that has a way to land is never sent by the OpenAPI, which would drop it.
  if (app && (!ping || routes.empty())) routes.push_back({"openapi", "", app_lane, "dingtalk_app_chat", 2});
  std::stable_sort(routes.begin(), routes.end(),
                   [](const SendRoute& a, const SendRoute& b) { return a.tier < b.tier; });
  return routes;
}

DeliveryResult DingTalkSender::Send(const OutboundMessage& message, const SendRoute& route) {
  if (message.reply.text.empty()) return Delivery(Kind::kGiveUp, "no_text");
  const bool app = o_.app_key && !o_.app_key().empty();
  if (route.via == "session") {
    DeliveryResult r = PostWebhook(message.response_url, message);
    // A ping falls back to the OpenAPI (which cannot @ anyone) only when no robot could carry it: the
    // OutboxWorker fails over to a robot.
    const bool ping_has_robot = !message.reply.mention.empty() && message.channel.rfind("group:", 0) == 0 &&
                                o_.robots_for && !o_.robots_for(message.channel.substr(6)).empty();
    if (r.kind != Kind::kGiveUp || !app || ping_has_robot) return r;
    spdlog::warn("dingtalk: the sessionWebhook for {} refused the message ({}); sending by the OpenAPI",
                 message.destination, r.error);
    return PostOpenApi(message);
  }
  if (route.via == "robot") return PostRobot(message, route.id);
  if (route.via == "openapi") return PostOpenApi(message);
  return Delivery(Kind::kGiveUp, "no app credentials and no custom robot for the chat");
}

DeliveryResult DingTalkSender::PostRobot(const OutboundMessage& message, const std::string& robot_id) {
  const EpochMillis now = o_.clock ? o_.clock->NowMillis() : 0;
  std::vector<DingTalkRobot> robots = o_.robots_for && message.channel.size() > 6
                                          ? o_.robots_for(message.channel.substr(6))
                                          : std::vector<DingTalkRobot>{};
  for (const DingTalkRobot& robot : robots) {
    if (LaneIdOf(robot.access_token) != robot_id) continue;
    std::string url = o_.oapi_base + "/robot/send?access_token=" + FormUrlEncode(robot.access_token);
    if (!robot.secret.empty()) {
      std::string ts = std::to_string(now);
      url += "&timestamp=" + ts + "&sign=" + DingTalkSignForUrl(robot.secret, ts);
    }
    return PostWebhook(url, message);
  }
  return Delivery(Kind::kGiveUp, "the chat's custom robot is no longer configured");
}

std::unique_ptr<httplib::Client> DingTalkSender::Client(const std::string& scheme_host_port) const {
  return NewHttpClient(scheme_host_port, {o_.timeout_ms, o_.timeout_ms, o_.timeout_ms, o_.ca_cert_file, {}});
}

DeliveryResult DingTalkSender::PostWebhook(const std::string& url, const OutboundMessage& message) {
  auto [text, ids] = WithMentions(message.reply, o_.dingtalk_id_of);
  Json body = {{"msgtype", "markdown"},
               {"markdown", {{"title", Title(message.reply.text)}, {"text", text}}},
               {"at", {{"atUserIds", ids}, {"isAtAll", false}}}};
  auto [base, path] = SplitUrl(url);
  auto res = Client(base)->Post(path.c_str(), body.dump(-1, ' ', false, Json::error_handler_t::replace),
                                "application/json; charset=utf-8");
  if (!res) return TransportFailure(res.error());
  return FromErrcode(res->status, res->body);
}

Result<std::string> DingTalkSender::AccessToken() {
  const EpochMillis now = o_.clock ? o_.clock->NowMillis() : 0;
  {
    std::lock_guard lock(mu_);
    if (!token_.empty() && now < token_until_) return token_;
  }
  Json body = {{"appKey", o_.app_key ? o_.app_key() : ""},
               {"appSecret", o_.app_secret ? o_.app_secret() : ""}};
  auto res = Client(o_.api_base)->Post("/v1.0/oauth2/accessToken", body.dump(), "application/json");
  if (!res) return Status::Unavailable("accessToken: transport_" + httplib::to_string(res.error()));
  Json j = Json::parse(res->body, nullptr, false);
  if (res->status != 200 || !j.is_object() || !j.contains("accessToken") || !j["accessToken"].is_string())
    return Status::Denied("accessToken: http " + std::to_string(res->status));
  long long expire_s = j.value("expireIn", 7200LL);
  std::lock_guard lock(mu_);
  token_ = j["accessToken"].get<std::string>();
  token_until_ = now + (expire_s > 600 ? expire_s - 300 : expire_s / 2) * 1000;  // refreshed 5 min early
  return token_;
}

DeliveryResult DingTalkSender::PostOpenApi(const OutboundMessage& message) {
  auto token = AccessToken();
  if (!token.ok()) {
    return Delivery(token.status().code() == StatusCode::kPermissionDenied ? Kind::kReauth : Kind::kRetry,
                    token.status().message());
  }
  Json param = {{"title", Title(message.reply.text)}, {"text", message.reply.text}};
  Json body = {{"robotCode", o_.app_key ? o_.app_key() : ""},
               {"msgKey", "sampleMarkdown"},
               {"msgParam", param.dump(-1, ' ', false, Json::error_handler_t::replace)}};
  std::string path;
  if (message.channel.rfind("group:", 0) == 0) {
    body["openConversationId"] = message.channel.substr(6);
    path = "/v1.0/robot/groupMessages/send";
  } else if (message.channel.rfind("user:", 0) == 0) {
    body["userIds"] = {message.channel.substr(5)};
    path = "/v1.0/robot/oToMessages/batchSend";
  } else {
    return Delivery(Kind::kGiveUp, "no group or user to send to");
  }
  httplib::Headers headers = {{"x-acs-dingtalk-access-token", *token}};
  auto res = Client(o_.api_base)->Post(path.c_str(), headers, body.dump(), "application/json");
  if (!res) return TransportFailure(res.error());
  if (res->status == 200) return Delivery(Kind::kDelivered, "");
  Json j = Json::parse(res->body, nullptr, false);
  std::string code = j.is_object() && j.contains("code") && j["code"].is_string()
                         ? j["code"].get<std::string>()
                         : "http " + std::to_string(res->status);
  if (res->status == 401 || res->status == 403 || code == "InvalidAuthentication") {
    std::lock_guard lock(mu_);
    token_.clear();
    return Delivery(Kind::kReauth, code);
  }
  if (res->status == 429 || res->status >= 500 || code.find("Throttling") != std::string::npos)
    return Delivery(Kind::kRetry, code);
  return Delivery(Kind::kGiveUp, code);
}

}  // namespace opsbot
