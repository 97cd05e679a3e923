#include "bot/reply_split.h"

#include <string>
#include <string_view>

namespace opsbot {

std::vector<Reply> SplitReplyBytes(const Reply& reply, std::size_t max_bytes) {
  if (reply.text.size() <= max_bytes || max_bytes < 4) return {reply};
  std::vector<Reply> out;
  std::string_view rest = reply.text;
  while (!rest.empty()) {
    std::size_t cut = rest.size();
    if (cut > max_bytes) {
      std::size_t line = rest.rfind('\n', max_bytes);
      if (line != std::string_view::npos && line > 0) {
        cut = line;
      } else {
        cut = max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(rest[cut]) & 0xC0) == 0x80)
          --cut;                        // not inside a UTF-8 sequence
        if (cut == 0) cut = max_bytes;  // not UTF-8 at all: cut anywhere rather than loop
      }
    }
    Reply piece = reply;
    piece.text = std::string(rest.substr(0, cut));
    piece.mention.clear();
    for (const std::string& key : reply.mention)
      if (piece.text.find("@" + key) != std::string::npos) piece.mention.push_back(key);
    out.push_back(std::move(piece));
    rest.remove_prefix(cut);
    if (!rest.empty() && rest.front() == '\n') rest.remove_prefix(1);
  }
  return out;
}

}  // namespace opsbot
