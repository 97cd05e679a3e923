#include "adapters/api/api_adapter.h"

#include <charconv>

#include "bot/json_body.h"
#include "bot/json_string.h"
#include "bot/reply.h"

namespace opsbot {
namespace {

constexpr std::int64_t kMessageBodyLimit = 16 * 1024;
constexpr std::size_t kMaxNameBytes = 128;
constexpr std::size_t kApiMaxTextBytes = 8 * 1024;

// Checks `key` of `body`: a string, non-empty when required, at most `max` bytes. Records a field error.
std::string ApiStringField(JsonMember& member, std::string_view key, bool required, std::size_t max,
                           nlohmann::json& errors) {
  if (member.state == JsonMember::kAbsent || member.state == JsonMember::kNull) {
    if (required) errors[key] = "required";
    return "";
  }
  if (member.state != JsonMember::kString) {
    errors[key] = "must be a string";
    return "";
  }
  std::string v = std::move(member.value);
  if (required && v.empty()) errors[key] = "must not be empty";
  if (v.size() > max) errors[key] = "longer than " + std::to_string(max) + " bytes";
  return v;
}

std::optional<Integration> Authorize(const ApiDeps& d, const httplib::Request& req, httplib::Response& res) {
  auto tokens = d.tokens();
  const std::string* authorization = FindHeader(req.headers, "Authorization");
  std::optional<Integration> who =
      tokens && authorization ? tokens->FromAuthorization(*authorization) : std::nullopt;
  if (!who) {
    res.set_header("WWW-Authenticate", "Bearer");
    SendJson(res, 401,
             JsonError("unauthorized", "a valid 'Authorization: Bearer <token>' header is required"));
  }
  return who;
}

std::optional<std::int64_t> PositiveInt(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

void PostMessage(const ApiDeps& d, const httplib::Request& req, httplib::Response& res) {
  auto who = Authorize(d, req, res);
  if (!who) return;
  MessageRequest parsed = ParseMessageRequest(req.body);
  if (!parsed.message) return SendJson(res, parsed.status, parsed.error_body);
  parsed.message->integration = who->name;
  parsed.message->max_role = who->max_role;
  Reply reply = d.handle(*parsed.message);
  SendJson(res, reply.outcome == Outcome::kError ? 503 : 200, ReplyJson(reply));
}

void ListTickets(const ApiDeps& d, const httplib::Request& req, httplib::Response& res) {
  if (!Authorize(d, req, res)) return;
  TicketQuery q;
  nlohmann::json errors = nlohmann::json::object();
  if (req.has_param("filter")) {
    q.filter = req.get_param_value("filter");
    if (q.filter != "not_closed" && q.filter != "open" && q.filter != "all")
      errors["filter"] = "not_closed, open or all";
  }
  if (req.has_param("priority")) {
    auto p = PositiveInt(req.get_param_value("priority"));
    if (!p || *p > 4)
      errors["priority"] = "1 to 4";
    else
      q.priority = static_cast<int>(*p);
  }
  if (req.has_param("tag")) q.tag = req.get_param_value("tag");
  if (req.has_param("assignee")) q.assignee = req.get_param_value("assignee");
  if (req.has_param("cursor")) {
    q.cursor = PositiveInt(req.get_param_value("cursor"));
    if (!q.cursor) errors["cursor"] = "a next_cursor value";
  }
  if (req.has_param("limit")) {
    auto l = PositiveInt(req.get_param_value("limit"));
    if (!l || *l > 200)
      errors["limit"] = "1 to 200";
    else
      q.limit = static_cast<int>(*l);
  }
  if (!errors.empty())
    return SendJson(res, 400, JsonError("invalid_query", "invalid query parameters", errors));
  auto out = d.tickets.List(q);
  if (!out.ok()) {
    bool missing = out.status().code() == StatusCode::kNotFound;
    return SendJson(res, missing ? 404 : 503,
                    JsonError(missing ? "not_found" : "unavailable", out.status().message()));
  }
  SendJson(res, 200, out->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void GetTicket(const ApiDeps& d, const httplib::Request& req, httplib::Response& res) {
  if (!Authorize(d, req, res)) return;
  auto id = PositiveInt(req.matches[1].str());
  if (!id) return SendJson(res, 404, JsonError("not_found", "no such ticket"));
  auto out = d.tickets.Get(*id);
  if (!out.ok()) {
    bool missing = out.status().code() == StatusCode::kNotFound;
    return SendJson(res, missing ? 404 : 503,
                    JsonError(missing ? "not_found" : "unavailable", out.status().message()));
  }
  SendJson(res, 200, out->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

MessageRequest ParseMessageRequest(std::string_view body) {
  MessageRequest out;
  static constexpr std::string_view kNames[] = {"user", "chat", "text", "user_name"};
  JsonMember members[std::size(kNames)];
  if (Status read = ReadJsonMembers(body, kNames, members); !read.ok()) {
    out.status = 400;
    out.error_body = JsonError("bad_request", read.message());
    return out;
  }
  nlohmann::json errors = nlohmann::json::object();
  InboundMessage m;
  m.channel = Channel::kApi;
  m.user = ApiStringField(members[0], kNames[0], true, kMaxNameBytes, errors);
  m.chat = ApiStringField(members[1], kNames[1], false, kMaxNameBytes, errors);
  m.text = ApiStringField(members[2], kNames[2], true, kApiMaxTextBytes, errors);
  m.user_name = ApiStringField(members[3], kNames[3], false, kMaxNameBytes, errors);
  if (!errors.empty()) {
    std::string names;
    for (auto it = errors.begin(); it != errors.end(); ++it)
      names += (names.empty() ? "" : ", ") + it.key();
    out.status = 400;
    out.error_body = JsonError("invalid_fields", "invalid fields: " + names, errors);
    return out;
  }
  out.message = std::move(m);
  return out;
}

// Written directly (bot/json_string.h), keys in the order nlohmann's sorted objects gave them: on one page of
// `ticket list` this is a tenth of what building and dumping a json value cost.
std::string ReplyJson(const Reply& reply) {
  std::string out;
  out.reserve(reply.text.size() + 96);
  out += "{\"command\":";
  AppendJsonStringOrNull(out, reply.command);
  out += ",\"lang\":";
  AppendJsonString(out, LangCode(reply.lang));
  out += ",\"mentions\":";
  AppendJsonStrings(out, reply.mention);
  out += ",\"outcome\":";
  AppendJsonString(out, OutcomeName(reply.outcome));
  out += ",\"reply\":";
  AppendJsonString(out, reply.text);
  out += '}';
  return out;
}

void RegisterApiRoutes(HttpServer& server, ApiDeps deps) {
  auto d = std::make_shared<ApiDeps>(std::move(deps));
  server.Add({"POST", "/api/v1/messages", "/api/v1/messages", kMessageBodyLimit,
              [d](const httplib::Request& req, httplib::Response& res) { PostMessage(*d, req, res); }});
  server.Add({"GET", "/api/v1/tickets", "/api/v1/tickets", 0,
              [d](const httplib::Request& req, httplib::Response& res) { ListTickets(*d, req, res); }});
  server.Add({"GET", R"(/api/v1/tickets/(?:[Tt]-?)?([0-9]{1,15}))", "/api/v1/tickets/:id", 0,
              [d](const httplib::Request& req, httplib::Response& res) { GetTicket(*d, req, res); }});
}

}  // namespace opsbot
