// The generic JSON chat adapter and the read API, for any system that can send JSON.
//
//   POST /api/v1/messages      {"user":"alice","chat":"ops-room","text":"ticket new ..."}
//                              →
//                              {"reply":"...","outcome":"ok","command":"ticket.new","lang":"en","mentions":[]}
//   GET  /api/v1/tickets ?filter=not_closed|open|all&priority=1..4&tag=db&assignee=bob&limit=N&cursor=ID GET
//   /api/v1/tickets/T-n   one ticket with its history
//
// Every route needs "Authorization: Bearer <token>"; the token names the integration (recorded in audit
// rows) and the highest role it may act with. Errors are JSON: 400 (malformed, too deep, missing or
// mistyped fields, named), 401 (bad or missing token), 404, 503 (store failure or shutting down).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bot/api_tokens.h"
#include "bot/http_server.h"
#include "bot/message.h"
#include "bot/reply.h"
#include "bot/ticket_queries.h"

namespace opsbot {

struct ApiDeps {
  std::function<std::shared_ptr<const ApiTokens>()> tokens;  // the current tokens (they change on reload)
  std::function<Reply(const InboundMessage&)> handle;        // the Router
  TicketQueries& tickets;
};

void RegisterApiRoutes(HttpServer& server, ApiDeps deps);

// A validated POST /api/v1/messages body, or the HTTP status and JSON error body explaining why not.
struct MessageRequest {
  std::optional<InboundMessage> message;
  int status = 200;
  std::string error_body;
};
MessageRequest ParseMessageRequest(std::string_view body);

// The JSON body of a reply, as POST /api/v1/messages answers it.
std::string ReplyJson(const Reply& reply);

}  // namespace opsbot
