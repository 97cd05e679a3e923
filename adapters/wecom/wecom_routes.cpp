#include "adapters/wecom/wecom_routes.h"

#include <spdlog/spdlog.h>

#include <map>

#include "adapters/wecom/wecom_crypto.h"
#include "adapters/wecom/wecom_inbound.h"
#include "bot/crypto.h"
#include "bot/json_body.h"
#include "bot/url_encoding.h"
#include "bot/url_host.h"

namespace opsbot {
namespace {

constexpr std::int64_t kWeComBodyLimit = 64 * 1024;
constexpr int kWeComAnswerWithinMs = 4000;           // WeCom waits 5 s, then sends again
constexpr EpochMillis kResponseUrlLifeMs = 3600000;  // the smart bot's response_url works for an hour
constexpr std::uint64_t kWeComWindowSeconds = 3600;

// The app (XML, receive id = corp id) or the smart bot (JSON, receive id "").
enum class Part { kApp, kBot };

struct Keys {
  bool enabled = false;
  std::string token;
  std::optional<WeComKey> key;
  std::string receive_id;
};

Keys KeysOf(const WeComConfig& c, Part part) {
  if (part == Part::kApp) return {c.app_enabled, c.token, ParseEncodingAesKey(c.aes_key), c.corp_id};
  return {c.bot_enabled, c.bot_token, ParseEncodingAesKey(c.bot_aes_key), ""};
}

const char* PathOf(Part part) {
  return part == Part::kApp ? "/wecom/callback" : "/wecom/bot/callback";
}

// The query string's parameters, decoded once with '+' kept (httplib's own decoding turns it into a space).
std::map<std::string, std::string> Query(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  auto q = req.target.find('?');
  if (q == std::string::npos) return out;
  auto pairs = ParseFormUrlEncoded(std::string_view(req.target).substr(q + 1), PlusIs::kPlus);
  if (!pairs.ok()) return out;  // the signature check then fails as "missing"
  for (auto& [name, value] : *pairs)
    out.emplace(std::move(name), std::move(value));
  return out;
}

// Verifies the signature over `encrypt`, that its signed timestamp is within an hour of `now` (WeCom
// documents no window; an hour allows its retries and clock skew, and keeps a captured request from being
// replayed once its dedupe key is pruned), and opens it; on failure answers and returns nullopt.
std::optional<std::string> Open(const Keys& k, Part part, const std::map<std::string, std::string>& q,
                                const std::string& encrypt, EpochSeconds now, httplib::Response& res) {
  auto get = [&q](const char* name) {
    auto it = q.find(name);
    return it == q.end() ? std::string() : it->second;
  };
  SignatureCheck check =
      VerifyWeComSignature(k.token, get("timestamp"), get("nonce"), encrypt, get("msg_signature"));
  if (check == SignatureCheck::kOk) {
    auto ts = ParseDecimal(get("timestamp"));
    if (!ts || AbsDiff(*ts, now) > kWeComWindowSeconds) check = SignatureCheck::kStale;
  }
  if (check != SignatureCheck::kOk) {
    spdlog::warn("wecom: refused {} ({} signature)", PathOf(part), SignatureCheckName(check));
    SendJson(res, 401, JsonError("invalid_request", "invalid request signature"));
    return std::nullopt;
  }
  auto plain =
      k.key ? WeComDecrypt(*k.key, encrypt, k.receive_id) : Result<std::string>(Status::Invalid("no key"));
  if (!plain.ok()) {
    spdlog::warn("wecom: refused {} (cannot decrypt: {})", PathOf(part), plain.status().message());
    SendJson(res, 400, JsonError("bad_request", "cannot decrypt the message"));
    return std::nullopt;
  }
  return std::move(plain).value();
}

void Verify(const WeComRouteDeps& d, Part part, const httplib::Request& req, httplib::Response& res) {
  Keys k = KeysOf(d.config(), part);
  if (!k.enabled) return SendJson(res, 404, JsonError("not_found", "WeCom is not configured"));
  auto q = Query(req);
  auto plain = Open(k, part, q, q["echostr"], d.clock.Now(), res);
  if (!plain) return;
  res.status = 200;
  res.set_content(*plain, "text/plain; charset=utf-8");  // the bare plaintext: no quotes, no newline
}

void Receive(const WeComRouteDeps& d, Part part, const httplib::Request& req, httplib::Response& res) {
  const WeComConfig c = d.config();
  Keys k = KeysOf(c, part);
  if (!k.enabled) return SendJson(res, 404, JsonError("not_found", "WeCom is not configured"));
  auto encrypt = part == Part::kApp ? WeComXmlEnvelope(req.body) : WeComJsonEnvelope(req.body);
  if (!encrypt.ok()) return SendJson(res, 400, JsonError("bad_request", encrypt.status().message()));
  auto plain = Open(k, part, Query(req), *encrypt, d.clock.Now(), res);
  if (!plain) return;
  auto in = part == Part::kApp ? ParseWeComAppMessage(*plain) : ParseWeComBotMessage(*plain);
  if (!in.ok()) return SendJson(res, 400, JsonError("bad_request", in.status().message()));
  if (in->kind == WeComInbound::kIgnored) {
    spdlog::debug("wecom: ignored a callback ({})", in->ignore_reason);
    res.status = 200;  // an empty body: received, nothing to say
    return;
  }

  InboundMessage& m = in->message;
  m.reply_via_outbox = true;
  m.reply_platform = "wecom";
  m.reply_channel = in->group ? "group:" + in->chat_id : "user:" + m.user;
  if (UrlOnHosts(in->response_url, c.response_url_hosts)) {
    m.reply_url = in->response_url;
    m.reply_url_expires = d.clock.NowMillis() + kResponseUrlLifeMs;
  } else if (!in->response_url.empty()) {
    // Not logged: the URL carries a one-use credential.
    spdlog::warn("wecom: a response_url off the allow-list was ignored (wecom.response_url_hosts)");
  }
  m.answer_within_ms = kWeComAnswerWithinMs;
  Reply reply = d.handle(m);
  if (reply.outcome == Outcome::kError) return SendJson(res, 503, JsonError("unavailable", "try again"));
  if (reply.outcome == Outcome::kDuplicate)
    spdlog::info("wecom: dropped a message already handled ({})", m.dedupe_key);
  res.status = 200;
}

}  // namespace

void RegisterWeComRoutes(HttpServer& server, WeComRouteDeps deps) {
  auto d = std::make_shared<WeComRouteDeps>(std::move(deps));
  for (Part part : {Part::kApp, Part::kBot}) {
    server.Add(
        {"GET", PathOf(part), PathOf(part), 0,
         [d, part](const httplib::Request& req, httplib::Response& res) { Verify(*d, part, req, res); }});
    server.Add(
        {"POST", PathOf(part), PathOf(part), kWeComBodyLimit,
         [d, part](const httplib::Request& req, httplib::Response& res) { Receive(*d, part, req, res); }});
  }
}

}  // namespace opsbot
