#include "adapters/slack/slack_routes.h"

#include <spdlog/spdlog.h>

#include "adapters/slack/slack_inbound.h"
#include "adapters/slack/slack_signature.h"
#include "bot/json_body.h"
#include "bot/json_string.h"
#include "bot/url_host.h"

namespace opsbot {
namespace {

constexpr std::int64_t kSlackBodyLimit = 64 * 1024;

// Checks the signature; answers 401 (or 404 while Slack is off) and returns false when it does not hold.
bool Verified(const SlackRouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  std::string secret = d.signing_secret();
  if (secret.empty()) {
    SendJson(res, 404, JsonError("not_found", "Slack is not configured"));
    return false;
  }
  SignatureCheck check =
      VerifySlackSignature(secret, HeaderValue(req.headers, "X-Slack-Request-Timestamp"),
                           HeaderValue(req.headers, "X-Slack-Signature"), req.body, d.clock.Now());
  if (check == SignatureCheck::kOk) return true;
  spdlog::warn("slack: refused {} ({} signature)", req.path, SignatureCheckName(check));
  SendJson(res, 401, JsonError("invalid_request", "invalid request signature"));
  return false;
}

void Events(const SlackRouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  if (!Verified(d, req, res)) return;
  // Slack also sends ssl_check as a form to the request URL.
  if (req.body.rfind("ssl_check=", 0) == 0 || req.body.find("&ssl_check=1") != std::string::npos) {
    res.status = 200;
    return;
  }
  auto in = ParseSlackEvent(req.body);
  if (!in.ok()) return SendJson(res, 400, JsonError("bad_request", in.status().message()));
  switch (in->kind) {
    case SlackInbound::kUrlVerification:
      return SendJson(res, 200, nlohmann::json({{"challenge", in->challenge}}).dump());
    case SlackInbound::kSslCheck:
    case SlackInbound::kIgnored:
      spdlog::debug("slack: ignored event ({})", in->ignore_reason);
      res.status = 200;
      return;
    case SlackInbound::kMessage:
      break;
  }
  if (d.describe_user) d.describe_user(in->message);
  Reply reply = d.handle(in->message);
  if (reply.outcome == Outcome::kError) return SendJson(res, 503, JsonError("unavailable", "try again"));
  if (reply.outcome == Outcome::kDuplicate)
    spdlog::info("slack: dropped a request already handled ({})", in->dedupe_key);
  res.status = 200;
}

void Commands(const SlackRouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  if (!Verified(d, req, res)) return;
  auto in = ParseSlackCommand(req.body);
  if (!in.ok()) return SendJson(res, 400, JsonError("bad_request", in.status().message()));
  if (in->kind != SlackInbound::kMessage) {
    res.status = 200;
    return;
  }
  std::string& url = in->message.reply_url;
  if (!url.empty() && d.response_url_hosts && !UrlOnHosts(url, d.response_url_hosts())) {
    // Not logged: the URL carries a one-use credential. A late reply then goes to the channel.
    spdlog::warn("slack: a response_url off the allow-list was ignored (slack.response_url_hosts)");
    url.clear();
  }
  if (d.describe_user) d.describe_user(in->message);
  Reply reply = d.handle(in->message);
  if (reply.outcome == Outcome::kError) return SendJson(res, 503, JsonError("unavailable", "try again"));
  if (reply.outcome == Outcome::kDuplicate) {
    spdlog::info("slack: dropped a request already handled ({})", in->dedupe_key);
    res.status = 200;
    return;
  }
  if (reply.outcome == Outcome::kLate) {  // an empty 200 acknowledges; the reply follows at response_url
    res.status = 200;
    return;
  }
  std::string body = "{\"response_type\":\"in_channel\",\"text\":";
  AppendJsonString(body, d.render(reply));
  body += '}';
  SendJson(res, 200, body);
}

}  // namespace

void RegisterSlackRoutes(HttpServer& server, SlackRouteDeps deps) {
  auto d = std::make_shared<SlackRouteDeps>(std::move(deps));
  server.Add({"POST", "/slack/events", "/slack/events", kSlackBodyLimit,
              [d](const httplib::Request& req, httplib::Response& res) { Events(*d, req, res); }});
  server.Add({"POST", "/slack/commands", "/slack/commands", kSlackBodyLimit,
              [d](const httplib::Request& req, httplib::Response& res) { Commands(*d, req, res); }});
}

}  // namespace opsbot
