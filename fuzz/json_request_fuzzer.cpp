// libFuzzer target: the JSON front door of POST /api/v1/messages.
//
//   ParseMessageRequest(body) → a message (200) or a status and a JSON error body (400);
//   ParseJsonObject and JsonNestingDepth, which every JSON route uses before looking at a body;
//   ReadJsonMembers' simdjson reading and JsonDom, each held to nlohmann's verdict and reading.
//
// Besides "no crash, no leak, no UB, no stack exhaustion", it checks invariants that must hold for every
// input and abort()s when one does not, so libFuzzer keeps the input. Run it with scripts/fuzz.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/api/api_adapter.h"
#include "bot/json_body.h"
#include "bot/json_dom.h"
#include "bot/text.h"

namespace {

constexpr int kMaxDepth = 32;  // ParseJsonObject's default, which ParseMessageRequest uses

void Check(bool ok) {
  if (!ok) std::abort();
}

// JsonNestingDepth counts exactly up to its limit and stops one past it.
void CheckDepth(std::string_view body) {
  int full = opsbot::JsonNestingDepth(body, 1 << 30);
  Check(full >= 0);
  for (int limit : {0, 1, 2, kMaxDepth})
    Check(opsbot::JsonNestingDepth(body, limit) == std::min(full, limit + 1));
}

void CheckParseJsonObject(std::string_view body) {
  auto parsed = opsbot::ParseJsonObject(body);
  if (parsed.ok()) {
    Check(parsed->is_object());
    Check(opsbot::JsonNestingDepth(body, kMaxDepth) <= kMaxDepth);
    // What we accepted serialises, and the serialisation is accepted again.
    std::string again = parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    Check(opsbot::ParseJsonObject(again).ok());
    return;
  }
  Check(!parsed.status().message().empty());
  // Refused for depth, or because the library refuses it too, or because it is not an object.
  if (opsbot::JsonNestingDepth(body, kMaxDepth) <= kMaxDepth) {
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    Check(j.is_discarded() || !j.is_object());
  }
}

// nlohmann's DOM of `body`, or discarded (malformed; also 1e400, which nlohmann refuses as out of range).
nlohmann::json NlohmannDom(std::string_view body) {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

// The first reading of ReadJsonMembers takes only what nlohmann takes, and reads each member as its DOM does.
void CheckSimdjsonMembers(std::string_view body, const nlohmann::json& dom) {
  constexpr std::string_view kNames[] = {"user", "chat", "text"};
  opsbot::JsonMember members[3];
  if (!opsbot::detail::ReadJsonMembersBySimdjson(body, kNames, members)) return;
  Check(dom.is_object());
  for (int i = 0; i < 3; ++i) {
    auto it = dom.find(std::string(kNames[i]));
    const opsbot::JsonMember& m = members[i];
    if (it == dom.end()) {
      Check(m.state == opsbot::JsonMember::kAbsent);
    } else if (it->is_null()) {
      Check(m.state == opsbot::JsonMember::kNull);
    } else if (it->is_string()) {
      Check(m.state == opsbot::JsonMember::kString && m.value == it->get<std::string>());
    } else {
      Check(m.state == opsbot::JsonMember::kOther);
    }
  }
}

// JsonDom accepts what nlohmann accepts, up to its depth limit, and refuses the rest in ParseJsonObject's
// words.
void CheckJsonDom(std::string_view body, const nlohmann::json& dom) {
  const opsbot::JsonDom parsed(body);
  const bool shallow =
      opsbot::JsonNestingDepth(body, opsbot::JsonDom::kMaxDepth) <= opsbot::JsonDom::kMaxDepth;
  Check(parsed.ok() == (shallow && !dom.is_discarded()));
  if (!parsed.ok()) {
    const std::string& e = parsed.error();
    Check(e.starts_with("malformed JSON: [json.exception.") || e.starts_with("JSON nested deeper than "));
  }
  if (parsed.ok() && dom.is_object()) {
    simdjson::dom::object o;
    Check(parsed.root().get_object().get(o) == simdjson::SUCCESS);
    // Every member nlohmann holds is there, with the value of the last of its duplicates.
    for (auto it = dom.begin(); it != dom.end(); ++it) {
      auto v = opsbot::LastMember(o, it.key());
      Check(v.has_value());
      std::string_view s;
      if (it->is_string()) Check(v->get_string().get(s) == simdjson::SUCCESS && s == it->get<std::string>());
      // Whole numbers as nlohmann tells them (a DingTalk callback's sessionWebhookExpiredTime must be one).
      const auto type = v->type();
      Check(it->is_number_integer() ==
            (type == simdjson::dom::element_type::INT64 || type == simdjson::dom::element_type::UINT64));
    }
  }
}

void CheckMessageRequest(std::string_view body) {
  opsbot::MessageRequest r = opsbot::ParseMessageRequest(body);
  if (r.message) {
    Check(r.status == 200 && r.error_body.empty());
    const opsbot::InboundMessage& m = *r.message;
    Check(m.channel == opsbot::Channel::kApi);
    Check(!m.user.empty() && m.user.size() <= 128);
    Check(!m.text.empty() && m.text.size() <= 8 * 1024);
    Check(m.chat.size() <= 128 && m.user_name.size() <= 128);
    Check(opsbot::ParseJsonObject(body).ok());
    // The text goes on to the chat parser; chat_parser_fuzzer covers what follows.
    (void)opsbot::Tokenize(opsbot::NormalizeChatText(m.text));
    return;
  }
  Check(r.status == 400);
  Check(!r.error_body.empty());
  auto err = nlohmann::json::parse(r.error_body, nullptr, /*allow_exceptions=*/false);
  Check(!err.is_discarded() && err.is_object());
  Check(err.contains("error") && err["error"].is_string());
  Check(err.contains("message") && err["message"].is_string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  CheckDepth(body);
  CheckParseJsonObject(body);
  const nlohmann::json dom = NlohmannDom(body);  // iterative: no input exhausts the stack
  CheckSimdjsonMembers(body, dom);
  CheckJsonDom(body, dom);
  CheckMessageRequest(body);
  return 0;
}
