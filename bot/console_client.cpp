#include "bot/console_client.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace opsbot {

ServerClient::ServerClient(const std::string& base_url, std::string token)
    : client_(std::make_unique<httplib::Client>(base_url)), token_(std::move(token)) {
  client_->set_keep_alive(true);
  client_->set_connection_timeout(5);
  client_->set_read_timeout(30);
}

ServerClient::~ServerClient() = default;

Reply ServerClient::Send(const InboundMessage& msg) {
  nlohmann::json body = {{"user", msg.user}, {"text", msg.text}};
  if (!msg.chat.empty()) body["chat"] = msg.chat;
  httplib::Headers headers = {{"Authorization", "Bearer " + token_}};
  auto res = client_->Post("/api/v1/messages", headers, body.dump(), "application/json");
  if (!res)
    return Reply::Error(Lang::kEn, "cannot reach the opsbot server: " + httplib::to_string(res.error()));
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Reply::Error(Lang::kEn, "the server answered " + std::to_string(res->status));
  if (!j.contains("reply"))
    return Reply::Error(Lang::kEn, j.value("message", std::string("request refused")));
  Reply r;
  r.text = j.value("reply", std::string());
  std::string outcome = j.value("outcome", std::string("error"));
  r.outcome = outcome == "ok" ? Outcome::kOk : outcome == "refused" ? Outcome::kRefused : Outcome::kError;
  r.lang = j.value("lang", std::string("en")) == "zh" ? Lang::kZh : Lang::kEn;
  return r;
}

std::string ServerUrlFromLockHolder(const std::string& what) {
  static const std::string kPrefix = "opsbot serve ";
  if (what.rfind(kPrefix, 0) != 0) return "";
  std::string url = what.substr(kPrefix.size());
  return url.rfind("http://", 0) == 0 ? url : "";
}

}  // namespace opsbot
