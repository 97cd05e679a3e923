#include "adapters/wecom/wecom_sender.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>
#include "bot/http_client.h"
#include "bot/send_budget.h"
#include "bot/url_encoding.h"

namespace opsbot {
namespace {

using Kind = DeliveryResult::Kind;
using Json = nlohmann::json;

constexpr EpochMillis kUnsaidUrlLifeMs = 7200000;  // a response_url with no expiry is remembered 2 h

std::unique_ptr<httplib::Client> Client(const WeComSenderOptions& o, const std::string& scheme_host_port) {
  return NewHttpClient(scheme_host_port, {o.timeout_ms, o.timeout_ms, o.timeout_ms, o.ca_cert_file, {}});
}

// "https://host:port/path?query" → ("https://host:port", "/path?query"); nullopt unless the URL is https,
// or http to this machine (test fakes), with a plain host (no userinfo, no odd characters).
std::optional<std::pair<std::string, std::string>> ResponseUrlParts(const std::string& url) {
  bool https = url.rfind("https://", 0) == 0;
  if (!https && url.rfind("http://", 0) != 0) return std::nullopt;
  for (unsigned char c : url)
    if (c <= ' ' || c >= 0x7f) return std::nullopt;
  std::size_t start = url.find("://") + 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::string host = authority.substr(0, authority.find(':'));
  if (host.empty() || authority.find('@') != std::string::npos) return std::nullopt;
  if (!https && host != "127.0.0.1" && host != "localhost") return std::nullopt;
  std::string path = end == std::string::npos ? "/" : url.substr(end);
  if (path.front() != '/') path = "/" + path;
  return std::make_pair(url.substr(0, start + authority.size()), path);
}

bool IsFrequencyLimit(long code) {
  return code == 45009 || code == 45033;
}
bool IsTokenError(long code) {
  return code == 40014 || code == 42001 || code == 40001 || code == 40082;
}

// A WeCom answer (HTTP 200 with {"errcode":..}) classified as the header says; `json` gets the parsed body.
DeliveryResult FromAnswer(int http_status, const std::string& body, Json* json = nullptr) {
  if (http_status == 429 || http_status >= 500)
    return Delivery(Kind::kRetry, "http " + std::to_string(http_status));
  Json j = Json::parse(body, nullptr, false);
  if (http_status != 200 || !j.is_object() || !j.contains("errcode") || !j["errcode"].is_number_integer())
    return Delivery(Kind::kGiveUp, "http " + std::to_string(http_status));
  long code = j["errcode"].get<long>();
  if (json) *json = std::move(j);
  std::string name = "errcode " + std::to_string(code);
  if (code == 0) return Delivery(Kind::kDelivered, "");
  if (IsFrequencyLimit(code)) {
    DeliveryResult r = Delivery(Kind::kRetry, name);
    r.rate_limited = true;  // the worker waits outbox.rate_limit_wait (a minute)
    return r;
  }
  if (code == -1) return Delivery(Kind::kRetry, name);  // system busy
  if (IsTokenError(code)) return Delivery(Kind::kReauth, name);
  return Delivery(Kind::kGiveUp, name);  // 81013 no recipient, 40058 too long, 93000 bad key, ...
}

// A failed gettoken as a delivery result: a refusal of the credentials asks for reauth, the rest is retried.
DeliveryResult FromTokenStatus(const Status& status) {
  if (status.code() == StatusCode::kPermissionDenied) return Delivery(Kind::kReauth, status.message());
  DeliveryResult r = Delivery(Kind::kRetry, status.message());
  const std::string& m = status.message();
  for (const char* limited : {"errcode 45009", "errcode 45033"})
    if (m.size() >= std::strlen(limited) &&
        m.compare(m.size() - std::strlen(limited), std::string::npos, limited) == 0)
      r.rate_limited = true;  // the worker waits outbox.rate_limit_wait (a minute)
  return r;
}

bool IsKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Markdown for a group: each mentioned person's "@key" as "<@userid>" (one pass, the longest key matching a
// whole word), and " <@userid>" appended for a person with a userid whom the text does not name. A "<@" in
// the text itself is defused.
std::string MarkdownWithMentions(const Reply& reply,
                                 const std::function<std::string(const std::string&)>& id_of) {
  std::vector<std::pair<std::string, std::string>> people;  // key, userid
  for (const std::string& key : reply.mention) {
    std::string id = id_of && !key.empty() ? id_of(key) : "";
    if (!id.empty()) people.emplace_back(key, id);
  }
  std::vector<bool> named(people.size(), false);
  const std::string& text = reply.text;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t best = people.size();
    if (text[i] == '@') {
      for (std::size_t p = 0; p < people.size(); ++p) {
        const std::string& key = people[p].first;
        std::size_t after = i + 1 + key.size();
        if (text.compare(i + 1, key.size(), key) != 0 || (after < text.size() && IsKeyChar(text[after])))
          continue;
        if (best == people.size() || key.size() > people[best].first.size()) best = p;
      }
    }
    if (best == people.size()) {
      // A "<@" already in the text (a ticket title, a comment) would ping whoever it names: a zero-width
      // space keeps it as it looks, without the ping. Only the people the reply mentions are pinged.
      if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '@')
        out += "<\u200b";
      else
        out += text[i];
      ++i;
      continue;
    }
    out += "<@" + people[best].second + ">";
    named[best] = true;
    i += 1 + people[best].first.size();
  }
  for (std::size_t p = 0; p < people.size(); ++p)
    if (!named[p]) out += " <@" + people[p].second + ">";
  return out;
}

std::string Markdown(const std::string& content) {
  Json body = {{"msgtype", "markdown"}, {"markdown", {{"content", content}}}};
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

bool WeComSender::ResponseUrlUsable(const OutboundMessage& message, EpochMillis now) {
  if (message.response_url.empty()) return false;
  // One a minute from its end is treated as gone: the send must not race its expiry.
  if (message.response_url_expires != 0 && now + 60000 >= message.response_url_expires) return false;
  if (!ResponseUrlParts(message.response_url)) return false;
  std::lock_guard lock(mu_);
  auto used = used_response_urls_.find(message.response_url);
  return used == used_response_urls_.end() || used->second <= now;
}

std::vector<std::string> WeComSender::RobotKeys(const OutboundMessage& message) const {
  if (!o_.robot_keys_for || message.channel.rfind("group:", 0) != 0) return {};
  return o_.robot_keys_for(message.channel.substr(6));
}

std::vector<SendRoute> WeComSender::Routes(const OutboundMessage& message) {
  std::vector<SendRoute> routes;
  const bool to_user = message.channel.rfind("user:", 0) == 0;
  if (message.reply.text.empty() || message.channel.size() <= (to_user ? 5u : 6u)) return routes;
  if (!to_user && message.channel.rfind("group:", 0) != 0) return routes;
  const std::vector<std::string> keys = RobotKeys(message);
  // A ping goes through the group's robot when it has one: its markdown documents "<@userid>" as a mention,
  // which the smart bot's replies are reported not to render (WecomTeam/wecom-cli#103).
  const bool ping = !to_user && !message.reply.mention.empty() && !keys.empty();
  const EpochMillis now = o_.clock ? o_.clock->NowMillis() : 0;
  if (!ping && ResponseUrlUsable(message, now))
    routes.push_back({"response_url", "", "wecom:response_url:" + message.channel, "", 0});
  if (to_user && o_.corp_id && !o_.corp_id().empty())
    routes.push_back({"app", "", "wecom:app:" + message.channel.substr(5), "wecom_app_member", 1});
  for (const std::string& key : keys) {
    std::string id = LaneIdOf(key);
    routes.push_back({"robot", id, "wecom:robot:" + id, "wecom_robot", 1});
  }
  return routes;
}

DeliveryResult WeComSender::Send(const OutboundMessage& message, const SendRoute& route) {
  if (message.reply.text.empty()) return Delivery(Kind::kGiveUp, "no_text");
  const bool to_user = message.channel.rfind("user:", 0) == 0;
  if (route.via == "response_url") {
    DeliveryResult r = PostResponseUrl(message);
    if (r.kind != Kind::kDelivered && r.error.empty()) r.error = "response_url not usable";
    if (r.kind != Kind::kDelivered && !r.maybe_delivered)
      spdlog::warn("wecom: the response_url for {} did not take the message ({})", message.destination,
                   r.error);
    return r;
  }
  if (route.via == "app") return PostAppMessage(message);
  if (route.via == "robot") return PostRobot(message, route.id);
  if (to_user) return Delivery(Kind::kGiveUp, "the WeCom app is off");
  if (message.channel.rfind("group:", 0) != 0 || message.channel.size() == 6)
    return Delivery(Kind::kGiveUp, "no group or user to send to");
  return Delivery(Kind::kGiveUp, "no robot webhook for the chat");
}

// An empty error in a non-delivered result: the response_url was not tried (used, expired or not allowed).
DeliveryResult WeComSender::PostResponseUrl(const OutboundMessage& message) {
  const std::string& url = message.response_url;
  const EpochMillis now = o_.clock ? o_.clock->NowMillis() : 0;
  // One a minute from its end is treated as gone: the send must not race its expiry.
  if (message.response_url_expires != 0 && now + 60000 >= message.response_url_expires)
    return Delivery(Kind::kGiveUp, "");
  auto parts = ResponseUrlParts(url);
  if (!parts) {
    spdlog::warn("wecom: the response_url for {} is not https; not used", message.destination);
    return Delivery(Kind::kGiveUp, "");
  }
  {
    // Claimed before the post, so that two threads never both use it.
    std::lock_guard lock(mu_);
    std::erase_if(used_response_urls_, [now](const auto& used) { return used.second <= now; });
    EpochMillis forget_at =
        message.response_url_expires != 0 ? message.response_url_expires : now + kUnsaidUrlLifeMs;
    if (!used_response_urls_.emplace(url, forget_at).second) return Delivery(Kind::kGiveUp, "");
  }
  auto res = Client(o_, parts->first)
                 ->Post(parts->second.c_str(), Markdown(MarkdownWithMentions(message.reply, o_.wecom_id_of)),
                        "application/json; charset=utf-8");
  DeliveryResult r = res ? FromAnswer(res->status, res->body) : TransportFailure(res.error());
  if (!res && !r.maybe_delivered) {
    std::lock_guard lock(mu_);
    used_response_urls_.erase(url);  // it never reached WeCom: still good for a later message
  }
  return r;
}

DeliveryResult WeComSender::PostRobot(const OutboundMessage& message, const std::string& robot_id) {
  std::string key;
  for (const std::string& k : RobotKeys(message))
    if (LaneIdOf(k) == robot_id) key = k;
  if (key.empty()) return Delivery(Kind::kGiveUp, "the chat's group robot is no longer configured");
  std::string path = "/cgi-bin/webhook/send?key=" + FormUrlEncode(key);
  auto res = Client(o_, o_.api_base)
                 ->Post(path.c_str(), Markdown(MarkdownWithMentions(message.reply, o_.wecom_id_of)),
                        "application/json; charset=utf-8");
  if (!res) return TransportFailure(res.error());
  return FromAnswer(res->status, res->body);
}

Result<std::string> WeComSender::AccessToken() {
  const EpochMillis now = o_.clock ? o_.clock->NowMillis() : 0;
  auto cached = [&]() -> std::optional<std::string> {
    std::lock_guard lock(mu_);
    if (!token_.empty() && now < token_until_) return token_;
    return std::nullopt;
  };
  if (auto t = cached()) return *t;
  // One fetch at a time: the outbox's threads must not all call gettoken when the token runs out (WeCom
  // blocks callers that ask too often). A thread that waited here finds the token the first one fetched.
  std::lock_guard fetching(fetch_mu_);
  if (auto t = cached()) return *t;
  std::string path = "/cgi-bin/gettoken?corpid=" + FormUrlEncode(o_.corp_id ? o_.corp_id() : "") +
                     "&corpsecret=" + FormUrlEncode(o_.app_secret ? o_.app_secret() : "");
  auto res = Client(o_, o_.api_base)->Get(path.c_str());
  if (!res) return Status::Unavailable("gettoken: transport_" + httplib::to_string(res.error()));
  if (res->status == 429 || res->status >= 500)
    return Status::Unavailable("gettoken: http " + std::to_string(res->status));
  Json j = Json::parse(res->body, nullptr, false);
  if (res->status != 200 || !j.is_object())
    return Status::Denied("gettoken: http " + std::to_string(res->status));
  long code = j.contains("errcode") && j["errcode"].is_number_integer() ? j["errcode"].get<long>() : 0;
  if (code == -1 || IsFrequencyLimit(code))
    return Status::Unavailable("gettoken: errcode " + std::to_string(code));
  if (code != 0) return Status::Denied("gettoken: errcode " + std::to_string(code));  // 40013, 40001, ...
  if (!j.contains("access_token") || !j["access_token"].is_string() ||
      j["access_token"].get<std::string>().empty())
    return Status::Unavailable("gettoken: no access_token");
  long long expire_s = 7200;
  if (j.contains("expires_in") && j["expires_in"].is_number_integer())
    expire_s = j["expires_in"].get<long long>();
  std::lock_guard lock(mu_);
  token_ = j["access_token"].get<std::string>();
  token_until_ = now + (expire_s > 600 ? expire_s - 300 : expire_s / 2) * 1000;  // refreshed 5 min early
  return token_;
}

DeliveryResult WeComSender::PostAppMessage(const OutboundMessage& message) {
  std::string user = message.channel.substr(5);
  if (user.empty()) return Delivery(Kind::kGiveUp, "no group or user to send to");
  if (!o_.corp_id || o_.corp_id().empty()) return Delivery(Kind::kGiveUp, "the WeCom app is off");
  auto token = AccessToken();
  if (!token.ok()) return FromTokenStatus(token.status());
  Json body = {{"touser", user},
               {"msgtype", "text"},
               {"agentid", o_.agent_id ? o_.agent_id() : 0L},
               {"text", {{"content", message.reply.text}}},
               {"enable_duplicate_check", 0}};
  std::string path = "/cgi-bin/message/send?access_token=" + FormUrlEncode(*token);
  auto res = Client(o_, o_.api_base)
                 ->Post(path.c_str(), body.dump(-1, ' ', false, Json::error_handler_t::replace),
                        "application/json; charset=utf-8");
  if (!res) return TransportFailure(res.error());
  Json answer;
  DeliveryResult r = FromAnswer(res->status, res->body, &answer);
  if (r.kind == Kind::kReauth) {
    std::lock_guard lock(mu_);
    if (token_ == *token) token_.clear();  // not one another thread fetched since
  }
  // errcode 0 yet the person was not reached (left the company, outside the app's visibility).
  if (r.kind == Kind::kDelivered && answer.contains("invaliduser") && answer["invaliduser"].is_string() &&
      !answer["invaliduser"].get<std::string>().empty())
    return Delivery(Kind::kGiveUp, "invaliduser");
  return r;
}

}  // namespace opsbot
