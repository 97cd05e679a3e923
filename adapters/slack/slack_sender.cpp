#include "adapters/slack/slack_sender.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <utility>

namespace opsbot {
namespace {

using Kind = DeliveryResult::Kind;

constexpr std::size_t kMaxIdleClients = 8;
constexpr long kMaxRetryAfterMs = 24L * 3600 * 1000;

// Retry-After in seconds (Slack's form) → milliseconds; nullopt for anything else (an HTTP date).
std::optional<long> RetryAfterMs(std::string_view v) {
  while (!v.empty() && v.front() == ' ')
    v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ')
    v.remove_suffix(1);
  if (v.empty() || v.size() > 9) return std::nullopt;
  long s = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (ec != std::errc() || p != v.data() + v.size() || s < 0) return std::nullopt;
  return std::min(s * 1000, kMaxRetryAfterMs);
}

Kind KindOfErrorCode(std::string_view code) {
  static constexpr std::string_view kRetry[] = {"ratelimited", "rate_limited",        "internal_error",
                                                "fatal_error", "service_unavailable", "request_timeout"};
  static constexpr std::string_view kReauth[] = {"invalid_auth", "not_authed", "token_revoked",
                                                 "token_expired", "account_inactive"};
  if (std::find(std::begin(kRetry), std::end(kRetry), code) != std::end(kRetry)) return Kind::kRetry;
  if (std::find(std::begin(kReauth), std::end(kReauth), code) != std::end(kReauth)) return Kind::kReauth;
  return Kind::kGiveUp;
}

// `error` of a {"ok":false,"error":...} body; "" when the body is not that.
std::string OkFalseCode(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean() || j["ok"].get<bool>()) return "";
  return j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "unknown_error";
}

bool IsExpiredResponseUrl(int status, std::string_view body) {
  return status == 404 || status == 410 || body.find("expired_url") != std::string_view::npos ||
         body.find("used_url") != std::string_view::npos;
}

std::string JsonBody(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

DeliveryResult ClassifySlackResponse(int http_status, std::string_view retry_after, std::string_view body) {
  const std::string http = "http_" + std::to_string(http_status);
  DeliveryResult r;
  if (http_status == 429) {
    r = Delivery(Kind::kRetry, http);
  } else if (http_status >= 500) {
    r = Delivery(Kind::kRetry, http, /*maybe_delivered=*/http_status == 504);
  } else if (http_status == 408) {
    r = Delivery(Kind::kRetry, http);
  } else if (http_status == 401 || http_status == 403 || http_status == 407) {
    r = Delivery(Kind::kReauth, http);
  } else if (http_status < 200 || http_status >= 300) {
    r = Delivery(Kind::kGiveUp, http);
  } else {
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean())
      return Delivery(Kind::kRetry, "bad_response", /*maybe_delivered=*/true);
    if (j["ok"].get<bool>()) return Delivery(Kind::kDelivered, "");
    std::string code =
        j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "unknown_error";
    r = Delivery(KindOfErrorCode(code), code);
  }
  if (r.kind == Kind::kRetry) r.retry_after_ms = RetryAfterMs(retry_after);
  return r;
}

DeliveryResult ClassifySlackTransportError(httplib::Error error) {
  std::string name = "transport_" + httplib::to_string(error);
  switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
    case httplib::Error::BindIPAddress:
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
    case httplib::Error::Write:  // a request not written whole is not one Slack can act on
      return Delivery(Kind::kRetry, name);
    default:  // Read (no answer in time), Canceled, Compression, Unknown: it may have been posted
      return Delivery(Kind::kRetry, name, /*maybe_delivered=*/true);
  }
}

Result<std::unique_ptr<SlackSender>> SlackSender::Create(SlackSenderOptions options) {
  std::optional<Base> api = ParseBase(options.api_base);
  if (!api || api->path.find_first_of("?#") != std::string::npos)
    return Status::Invalid("slack api_base must be http(s)://host[:port][/path], not '" + options.api_base +
                           "'");
  if (options.bot_token.empty() && !options.current_bot_token)
    return Status::Invalid("slack bot_token is empty");
  if (!options.proxy.host.empty() && (options.proxy.port <= 0 || options.proxy.port > 65535))
    return Status::Invalid("slack proxy needs a port in 1..65535");
  return std::unique_ptr<SlackSender>(new SlackSender(std::move(options), std::move(*api)));
}

SlackSender::SlackSender(SlackSenderOptions options, Base api)
    : options_(std::move(options)), api_(std::move(api)) {}

SlackSender::~SlackSender() = default;

std::optional<SlackSender::Base> SlackSender::ParseBase(std::string_view url) {
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  std::string_view scheme = url.substr(0, sep);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(sep + 3);
  std::size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  if (authority.empty() || authority.find_first_of("@ \\") != std::string_view::npos) return std::nullopt;
  Base b;
  b.scheme_host_port = std::string(scheme) + "://" + std::string(authority);
  b.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  if (!b.path.empty() && b.path.front() != '/') b.path = "/" + b.path;  // "host?x" → "/?x"
  while (!b.path.empty() && b.path.back() == '/')
    b.path.pop_back();
  return b;
}

std::unique_ptr<httplib::Client> SlackSender::NewClient(const Base& base) const {
  return NewHttpClient(base.scheme_host_port,
                       {options_.connect_timeout_ms, options_.write_timeout_ms, options_.read_timeout_ms,
                        options_.ca_cert_file, options_.proxy});
}

std::unique_ptr<httplib::Client> SlackSender::TakeApiClient() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto cli = std::move(idle_.back());
      idle_.pop_back();
      return cli;
    }
  }
  auto cli = NewClient(api_);
  cli->set_keep_alive(true);
  return cli;
}

void SlackSender::ReturnApiClient(std::unique_ptr<httplib::Client> client) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleClients) idle_.push_back(std::move(client));
}

std::vector<SendRoute> SlackSender::Routes(const OutboundMessage& message) {
  if (!message.response_url.empty())
    return {{"response_url", "", "slack:response_url:" + message.destination, "", 0}};
  if (message.channel.empty()) return {};
  return {{"chat", "", "slack:" + message.channel, "slack_channel", 0}};
}

DeliveryResult SlackSender::Send(const OutboundMessage& message, const SendRoute& /*route*/) {
  if (message.channel.empty() && message.response_url.empty())
    return Delivery(Kind::kGiveUp, "no channel and no response_url");
  std::vector<std::string> parts = RenderSlackReply(message.reply, options_.slack_id_of, options_.max_chars);
  if (parts.empty()) return Delivery(Kind::kGiveUp, "no_text");
  if (parts.size() > 1)
    spdlog::warn(
        "slack: a message to {} renders to {} Slack messages; posting them in order (enqueue it Split)",
        message.destination, parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    DeliveryResult r =
        message.response_url.empty() ? PostMessage(message, parts[i]) : PostResponseUrl(message, parts[i]);
    if (r.kind != Kind::kDelivered) {
      if (parts.size() > 1)
        r.error = "part " + std::to_string(i + 1) + "/" + std::to_string(parts.size()) + ": " + r.error;
      return r;
    }
  }
  return Delivery(Kind::kDelivered, "");
}

DeliveryResult SlackSender::PostMessage(const OutboundMessage& message, const std::string& text) {
  if (message.channel.empty()) return Delivery(Kind::kGiveUp, "no channel");
  nlohmann::json body = {{"channel", message.channel}, {"text", text}, {"mrkdwn", true}};
  if (!message.thread.empty()) body["thread_ts"] = message.thread;
  httplib::Headers headers = {{"Authorization", "Bearer " + BotToken()}};
  auto cli = TakeApiClient();
  auto res = cli->Post((api_.path + "/chat.postMessage").c_str(), headers, JsonBody(body),
                       "application/json; charset=utf-8");
  if (!res) return ClassifySlackTransportError(res.error());  // the connection is dropped with the client
  DeliveryResult r = ClassifySlackResponse(res->status, res->get_header_value("Retry-After"), res->body);
  ReturnApiClient(std::move(cli));
  return r;
}

DeliveryResult SlackSender::PostResponseUrl(const OutboundMessage& message, const std::string& text) {
  std::optional<Base> url = ParseBase(message.response_url);
  if (!url) {
    if (!message.channel.empty()) return PostMessage(message, text);
    return Delivery(Kind::kGiveUp, "bad response_url");
  }
  nlohmann::json body = {{"response_type", "in_channel"}, {"text", text}};
  auto cli = NewClient(*url);  // one-shot: a response_url is used a few times at most
  auto res = cli->Post(url->path.empty() ? "/" : url->path.c_str(), JsonBody(body),
                       "application/json; charset=utf-8");
  if (!res) return ClassifySlackTransportError(res.error());
  bool expired = false;
  if (res->status >= 200 && res->status < 300) {
    std::string code = OkFalseCode(res->body);  // some answer JSON, some a bare "ok"
    if (code.empty()) return Delivery(Kind::kDelivered, "");
    if (code != "expired_url" && code != "used_url") return Delivery(KindOfErrorCode(code), code);
    expired = true;
  } else {
    expired = IsExpiredResponseUrl(res->status, res->body);
  }
  if (!expired) return ClassifySlackResponse(res->status, res->get_header_value("Retry-After"), res->body);
  if (!message.channel.empty()) return PostMessage(message, text);
  return Delivery(Kind::kGiveUp, "response_url expired");
}

std::string SlackSender::BotToken() const {
  return options_.current_bot_token ? options_.current_bot_token() : options_.bot_token;
}

Result<SlackUser> SlackSender::LookUpUser(const std::string& user_id, int timeout_ms) {
  auto cli = NewHttpClient(api_.scheme_host_port, {timeout_ms, options_.write_timeout_ms, timeout_ms,
                                                   options_.ca_cert_file, options_.proxy});
  std::string path =
      api_.path + "/users.info?include_locale=true&user=" + httplib::detail::encode_query_param(user_id);
  auto res = cli->Get(path.c_str(), {{"Authorization", "Bearer " + BotToken()}});
  if (!res) return Status::Unavailable("users.info: " + httplib::to_string(res.error()));
  auto j = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (res->status != 200 || !j.is_object())
    return Status::Unavailable("users.info: HTTP " + std::to_string(res->status));
  if (!j.value("ok", false) || !j.contains("user") || !j["user"].is_object())
    return Status::NotFound("users.info: " + (j.contains("error") && j["error"].is_string()
                                                  ? j["error"].get<std::string>()
                                                  : std::string("unknown_error")));
  const nlohmann::json& u = j["user"];
  auto text = [&](const char* key) {
    return u.contains(key) && u[key].is_string() ? u[key].get<std::string>() : std::string();
  };
  return SlackUser{text("name"), text("real_name"), text("locale"), text("tz")};
}

std::vector<OutboundMessage> SlackSender::Split(const OutboundMessage& message) const {
  std::vector<OutboundMessage> out;
  for (Reply& piece : SplitSlackReply(message.reply, options_.slack_id_of, options_.max_chars)) {
    OutboundMessage m = message;
    m.reply = std::move(piece);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace opsbot
