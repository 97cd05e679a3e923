#include "adapters/dingtalk/dingtalk_routes.h"

#include <spdlog/spdlog.h>

#include "adapters/dingtalk/dingtalk_inbound.h"
#include "adapters/dingtalk/dingtalk_signature.h"
#include "bot/json_body.h"
#include "bot/url_host.h"

namespace opsbot {
namespace {

constexpr std::int64_t kDingTalkBodyLimit = 64 * 1024;
constexpr int kDingTalkAnswerWithinMs = 2500;

void Refuse(httplib::Response& res, const std::string& why) {
  spdlog::warn("dingtalk: refused /dingtalk/callback ({})", why);
  SendJson(res, 401, JsonError("invalid_request", "invalid request signature"));
}

void Callback(const DingTalkRouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  DingTalkConfig c = d.config();
  if (!c.enabled) return SendJson(res, 404, JsonError("not_found", "DingTalk is not configured"));
  const std::string ts(HeaderValue(req.headers, "timestamp")), sign(HeaderValue(req.headers, "sign"));
  SignatureCheck check = VerifyDingTalkSignature(c.app_secret, ts, sign, d.clock.NowMillis(), c.window_ms);
  if (check != SignatureCheck::kOk) return Refuse(res, std::string(SignatureCheckName(check)) + " signature");
  auto in = ParseDingTalkCallback(req.body);
  if (!in.ok()) return SendJson(res, 400, JsonError("bad_request", in.status().message()));
  if (in->robot_code != c.app_key) return Refuse(res, "robotCode is not this app's");
  const std::string pair = "dingtalk:sign:" + ts + ":" + sign;
  if (in->kind == DingTalkInbound::kIgnored) {
    // Nothing to do, but the pair is still spent on this message, so it cannot carry another body later.
    auto use = d.claim(pair, "dingtalk:msg:" + in->msg_id);
    if (!use.ok()) return SendJson(res, 503, JsonError("unavailable", "try again"));
    if (*use == SignatureUse::kOtherMessage)
      return Refuse(res, "a signature already used for another message");
    spdlog::debug("dingtalk: ignored a callback ({})", in->ignore_reason);
    return SendJson(res, 200, "{}");
  }

  InboundMessage& m = in->message;
  m.one_use_key = pair;  // claimed in the command's own transaction
  m.reply_via_outbox = true;
  m.reply_platform = "dingtalk";
  m.reply_channel = in->group ? "group:" + in->conversation_id : "user:" + m.user;
  if (UrlOnHosts(in->session_webhook, c.session_webhook_hosts)) {
    m.reply_url = in->session_webhook;
    m.reply_url_expires = in->session_webhook_expires;
  } else if (!in->session_webhook.empty()) {
    spdlog::warn(
        "dingtalk: a sessionWebhook off the allow-list was ignored (dingtalk.session_webhook_hosts)");
  }
  m.answer_within_ms = kDingTalkAnswerWithinMs;
  Reply reply = d.handle(m);
  if (reply.outcome == Outcome::kError) return SendJson(res, 503, JsonError("unavailable", "try again"));
  if (reply.outcome == Outcome::kReplayed) return Refuse(res, "a signature already used for another message");
  if (reply.outcome == Outcome::kDuplicate)
    spdlog::info("dingtalk: dropped a message already handled ({})", m.dedupe_key);
  SendJson(res, 200, "{}");
}

}  // namespace

void RegisterDingTalkRoutes(HttpServer& server, DingTalkRouteDeps deps) {
  auto d = std::make_shared<DingTalkRouteDeps>(std::move(deps));
  server.Add({"POST", "/dingtalk/callback", "/dingtalk/callback", kDingTalkBodyLimit,
              [d](const httplib::Request& req, httplib::Response& res) { Callback(*d, req, res); }});
}

}  // namespace opsbot
