// The Slack front door: POST /slack/events (Events API) and POST /slack/commands (slash commands).
//
// Order for every request: verify X-Slack-Signature over the raw body (shared/protocols.md §1.2) before
// anything looks at it — forged, stale, malformed or missing → 401 with a log line, never a command; then
// parse; then hand the message to the Router with its dedupe key (event_id / trigger_id), so a redelivery
// or a replay inside the window is dropped with 200. Events answer 200 at once with an empty body, their
// reply going through the outbox (threaded under the message that asked); slash commands answer in the
// HTTP response, visible to the channel. A store failure answers 503, so Slack delivers again.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "bot/http_server.h"
#include "bot/message.h"
#include "bot/reply.h"

namespace opsbot {

struct SlackRouteDeps {
  // The current signing secret; empty while Slack is off (the routes then answer 404 as if absent).
  std::function<std::string()> signing_secret;
  std::function<Reply(const InboundMessage&)> handle;  // the Router
  // A reply as Slack mrkdwn, for the slash-command response (mentions as <@U…>).
  std::function<std::string(const Reply&)> render;
  const Clock& clock;
  // Fills what Slack says of a sender the store does not know (SlackUserDirectory); may be empty.
  std::function<void(InboundMessage&)> describe_user = nullptr;
  // The hosts a slash command's response_url may be on (slack.response_url_hosts); empty function: any.
  std::function<std::vector<std::string>()> response_url_hosts = nullptr;
};

void RegisterSlackRoutes(HttpServer& server, SlackRouteDeps deps);

}  // namespace opsbot
