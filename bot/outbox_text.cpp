#include "bot/outbox_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "bot/messages.h"
#include "bot/outbound.h"
#include "bot/text.h"

namespace opsbot {

std::string DigestText(const std::vector<Reply>& items, std::int64_t digest_id, Lang lang,
                       std::size_t max_bytes) {
  std::string full = Tr(lang, Msg::kOutboxDigestHeader, items.size());
  for (const Reply& r : items)
    full += "\n\n" + r.text;
  if (full.size() <= max_bytes) return full;
  // Too much for one message: the first line of as many as fit, those that ping first, shown in order,
  // then the command that lists them all. Room is kept for the header and that last line.
  constexpr std::size_t kLineChars = 80;
  std::string more = Tr(lang, Msg::kOutboxDigestMore, items.size(), digest_id);
  std::size_t room = max_bytes > more.size() + 200 ? max_bytes - more.size() - 200 : 0;
  std::vector<std::string> lines(items.size());
  std::vector<bool> shown(items.size(), false);
  std::size_t used = 0, count = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (shown[i] || (pass == 0 && items[i].mention.empty())) continue;
      std::string first = items[i].text.substr(0, items[i].text.find('\n'));
      std::string line = "• " + TruncateUtf8(first, kLineChars);
      if (used + line.size() + 1 > room) continue;
      used += line.size() + 1;
      lines[i] = std::move(line);
      shown[i] = true;
      ++count;
    }
  }
  std::string text = Tr(lang, Msg::kOutboxDigestTopHeader, items.size(), count);
  for (std::size_t i = 0; i < items.size(); ++i)
    if (shown[i]) text += "\n" + lines[i];
  if (count == items.size()) return text + "\n" + Tr(lang, Msg::kOutboxDigestInFull, digest_id);
  return text + "\n" + Tr(lang, Msg::kOutboxDigestMore, items.size() - count, digest_id);
}

std::string OutboxPreview(const std::string& payload_json, std::size_t max_chars) {
  std::string text = payload_json;
  auto j = nlohmann::json::parse(payload_json, nullptr, false);
  if (auto m = OutboundMessage::FromJson(j)) text = m->reply.text;
  std::replace(text.begin(), text.end(), '\n', ' ');
  return TruncateUtf8(text, max_chars);
}

}  // namespace opsbot
