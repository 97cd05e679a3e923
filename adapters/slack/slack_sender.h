// SlackSender: delivers outbox messages to Slack — chat.postMessage with the bot token, or a slash
// command's response_url — and says what each attempt came to (shared/protocols.md §1.4).
//
// Splitting happens before enqueue: a Reply longer than one Slack message is stored as one outbox row per
// message (Split below), so each row is one HTTP call that is paced, ordered and retried on its own, and a
// retry never repeats parts that were already delivered. Should a row still render to several messages
// (enqueued without Split, or a config reload changed a mention's length), Send posts them in order and
// stops at the first failure — a later retry then repeats the parts before it.
//
// Classification of one attempt:
//   HTTP 200 + ok:true                                        → kDelivered
//   HTTP 429 (Retry-After: seconds → retry_after_ms)            → kRetry
//   HTTP 5xx, 408, a connection or TLS failure                  → kRetry (504: maybe_delivered)
//   no answer after the request was written (read timeout)     → kRetry, maybe_delivered
//   ok:false ratelimited, rate_limited, internal_error, fatal_error, service_unavailable, request_timeout
//                                                              → kRetry
//   ok:false invalid_auth, not_authed, token_revoked, token_expired, account_inactive; HTTP 401, 403, 407
//                                                              → kReauth
//   any other ok:false (channel_not_found, not_in_channel, is_archived, msg_too_long, no_text, ...) or 4xx
//                                                              → kGiveUp
//   HTTP 200 whose body is not Slack's JSON                    → kRetry, maybe_delivered
// A response_url answers 2xx on success; when it has expired or been used up (404, 410, expired_url,
// used_url) the message falls back to chat.postMessage in its channel.
//
// TLS: server certificates are verified against ca_cert_file; an optional HTTP(S) proxy (CONNECT for
// https) with basic auth. Every call is bounded by the connect, write and read timeouts.
// The bot token is sent only to api_base and is never logged; the response_url gets no Authorization.
// Thread-safe: Send may be called from several threads at once (connections to api_base are pooled and
// kept alive, one per call in flight). slack_id_of must be thread-safe.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/slack/slack_render.h"
#include "bot/http_client.h"
#include "bot/outbound.h"
#include "bot/status.h"

namespace opsbot {

struct SlackSenderOptions {
  std::string api_base = "https://slack.com/api";  // http:// only for tests against a fake
  std::string bot_token;                           // xoxb-…; secret: never logged
  // When set, the token to use now (read at each call, so a config reload rotates it); else bot_token.
  std::function<std::string()> current_bot_token;
  HttpProxy proxy;
  int connect_timeout_ms = 5000;
  int write_timeout_ms = 10000;
  int read_timeout_ms = 10000;
  std::string ca_cert_file = "/etc/ssl/certs/ca-certificates.crt";
  SlackIdOf slack_id_of;  // person key → Slack user id, for <@U…> mentions; may be empty
  std::size_t max_chars = kSlackMessageChars;
};

// What users.info says of a Slack user (shared/protocols.md §1.5).
struct SlackUser {
  std::string handle;     // user.name, e.g. "roadrunner"
  std::string real_name;  // user.real_name; may be empty
  std::string locale;     // IETF tag, e.g. "zh-CN" (asked with include_locale); may be empty
  std::string timezone;   // IANA name, e.g. "Asia/Shanghai"; may be empty
};

// What the chat.postMessage (or response_url) answer means. `retry_after` is the Retry-After header.
DeliveryResult ClassifySlackResponse(int http_status, std::string_view retry_after, std::string_view body);
DeliveryResult ClassifySlackTransportError(httplib::Error error);

class SlackSender final : public Sender {
 public:
  // Refuses (kInvalidArgument) an api_base that is not http(s)://host[:port][/path], an empty bot_token,
  // a proxy without a port.
  static Result<std::unique_ptr<SlackSender>> Create(SlackSenderOptions options);
  ~SlackSender() override;

  // One route: chat.postMessage on the channel's lane ("slack:<channel>", limit slack_channel), or the
  // message's response_url (unlimited lane).
  std::vector<SendRoute> Routes(const OutboundMessage& message) override;
  using Sender::Send;
  DeliveryResult Send(const OutboundMessage& message, const SendRoute& route) override;

  // users.info?user=…&include_locale=true (bot scope users:read), bounded by `timeout_ms` in all. An
  // error names Slack's error code (user_not_found, missing_scope, …) or the transport failure.
  Result<SlackUser> LookUpUser(const std::string& user_id, int timeout_ms);
  // `message` as one message per Slack message (see the top of this file), in order; empty when blank.
  std::vector<OutboundMessage> Split(const OutboundMessage& message) const;

 private:
  struct Base {
    std::string scheme_host_port;  // "https://slack.com:443"
    std::string path;              // "/api"; "" for the root
  };
  SlackSender(SlackSenderOptions options, Base api);

  static std::optional<Base> ParseBase(std::string_view url);
  std::unique_ptr<httplib::Client> NewClient(const Base& base) const;
  std::unique_ptr<httplib::Client> TakeApiClient();
  void ReturnApiClient(std::unique_ptr<httplib::Client> client);

  DeliveryResult PostMessage(const OutboundMessage& message, const std::string& text);
  DeliveryResult PostResponseUrl(const OutboundMessage& message, const std::string& text);
  std::string BotToken() const;

  const SlackSenderOptions options_;
  const Base api_;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;  // guarded by mu_
};

}  // namespace opsbot
