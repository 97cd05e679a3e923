#include "adapters/slack/slack_render.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

#include "adapters/slack/slack_text.h"

namespace opsbot {
namespace {

constexpr std::size_t kMaxSlackIdChars = 32;

// One indivisible piece of the text: a code point, an escaped character, or a whole mention.
struct Atom {
  std::size_t raw_begin, raw_end;  // in reply.text
  std::size_t out_begin, out_end;  // in the rendered buffer
  std::size_t units;               // UTF-16 units of the rendered form
  bool space = false;
  bool newline = false;
};

struct Rendered {
  std::string out;
  std::vector<Atom> atoms;
};

bool IsWordByte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsSlackUserId(std::string_view id) {
  if (id.empty() || id.size() > kMaxSlackIdChars) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

// The mentionable keys with their Slack ids, longest key first.
std::vector<std::pair<std::string, std::string>> MentionTable(const Reply& reply,
                                                              const SlackIdOf& slack_id_of) {
  std::vector<std::pair<std::string, std::string>> table;
  if (!slack_id_of) return table;
  std::map<std::string, std::string> seen;
  for (const std::string& key : reply.mention) {
    if (key.empty() || seen.count(key)) continue;
    std::string id = slack_id_of(key);
    seen[key] = id;
    if (IsSlackUserId(id)) table.emplace_back(key, id);
  }
  std::stable_sort(table.begin(), table.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return table;
}

// The entry of `table` whose "@key" starts at text[at] (text[at] == '@'), or nullptr.
const std::pair<std::string, std::string>* MentionAt(
    std::string_view text, std::size_t at, const std::vector<std::pair<std::string, std::string>>& table) {
  if (at > 0 && IsWordByte(text[at - 1])) return nullptr;
  for (const auto& entry : table) {
    const std::string& key = entry.first;
    if (text.compare(at + 1, key.size(), key) != 0) continue;
    std::size_t after = at + 1 + key.size();
    if (after < text.size()) {
      char next = text[after];
      bool key_ends_ascii = static_cast<unsigned char>(key.back()) < 0x80;
      if (IsWordByte(next) || next == '-') continue;
      if (static_cast<unsigned char>(next) >= 0x80 && !key_ends_ascii) continue;
    }
    return &entry;
  }
  return nullptr;
}

Rendered Render(const Reply& reply, const SlackIdOf& slack_id_of) {
  const std::string_view text = reply.text;
  const auto table = MentionTable(reply, slack_id_of);
  Rendered r;
  r.out.reserve(text.size() + text.size() / 8);
  r.atoms.reserve(text.size());
  std::size_t i = 0;
  auto add = [&r](std::size_t raw_begin, std::size_t raw_end, std::string_view out,
                  std::size_t units) -> Atom& {
    std::size_t b = r.out.size();
    r.out += out;
    r.atoms.push_back({raw_begin, raw_end, b, r.out.size(), units});
    return r.atoms.back();
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '@' && !table.empty()) {
      if (const auto* m = MentionAt(text, i, table)) {
        std::string mention = "<@" + m->second + ">";
        add(i, i + 1 + m->first.size(), mention, mention.size());
        i += 1 + m->first.size();
        continue;
      }
    }
    switch (c) {
      case '&':
        add(i, i + 1, "&amp;", 5);
        ++i;
        continue;
      case '<':
        add(i, i + 1, "&lt;", 4);
        ++i;
        continue;
      case '>':
        add(i, i + 1, "&gt;", 4);
        ++i;
        continue;
      case '\r':
        add(i, i + 1, "", 0);
        ++i;
        continue;
      case '\n':
        add(i, i + 1, "\n", 1).newline = true;
        ++i;
        continue;
      case ' ':
      case '\t':
        add(i, i + 1, text.substr(i, 1), 1).space = true;
        ++i;
        continue;
      default:
        break;
    }
    std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      add(i, i + 1, "\xEF\xBF\xBD", 1);  // U+FFFD
      ++i;
    } else {
      add(i, i + n, text.substr(i, n), n == 4 ? 2 : 1);  // 4-byte sequences are surrogate pairs in UTF-16
      i += n;
    }
  }
  return r;
}

// Splits atoms into parts, each a range [first, second) of atoms of at most max units.
std::vector<std::pair<std::size_t, std::size_t>> Split(const std::vector<Atom>& atoms, std::size_t max) {
  std::vector<std::size_t> prefix(atoms.size() + 1, 0);  // prefix[k]: units of atoms [0, k)
  for (std::size_t k = 0; k < atoms.size(); ++k)
    prefix[k + 1] = prefix[k] + atoms[k].units;
  auto units = [&prefix](std::size_t b, std::size_t e) { return prefix[e] - prefix[b]; };

  std::vector<std::pair<std::size_t, std::size_t>> parts;
  bool open = false;
  std::size_t cur_b = 0, cur_e = 0;
  std::size_t lb = 0;
  while (lb <= atoms.size()) {
    std::size_t le = lb;
    while (le < atoms.size() && !atoms[le].newline)
      ++le;
    // The line [lb, le); atoms[le], if any, is its newline.
    if (open && units(cur_b, le) <= max) {
      cur_e = le;
    } else {
      if (open) parts.emplace_back(cur_b, cur_e);
      std::size_t pos = lb;
      while (units(pos, le) > max) {
        std::size_t e = pos + 1;  // at least one atom, even one longer than max
        while (e < le && units(pos, e + 1) <= max)
          ++e;
        std::size_t s = e;  // break after the last space that fits, dropping it
        while (s > pos + 1 && !atoms[s - 1].space)
          --s;
        if (s > pos + 1 && e < le) {
          parts.emplace_back(pos, s - 1);
          pos = s;
        } else {
          parts.emplace_back(pos, e);
          pos = e;
        }
      }
      open = true;
      cur_b = pos;
      cur_e = le;
    }
    lb = le + 1;
  }
  if (open) parts.emplace_back(cur_b, cur_e);

  // Trim blank lines at both ends of each part (and trailing spaces); drop blank parts.
  std::vector<std::pair<std::size_t, std::size_t>> kept;
  for (auto [b, e] : parts) {
    while (b < e && (atoms[b].newline || atoms[b].units == 0))
      ++b;
    while (e > b && (atoms[e - 1].newline || atoms[e - 1].space || atoms[e - 1].units == 0))
      --e;
    bool blank = std::all_of(atoms.begin() + static_cast<std::ptrdiff_t>(b),
                             atoms.begin() + static_cast<std::ptrdiff_t>(e),
                             [](const Atom& a) { return a.space || a.newline || a.units == 0; });
    if (!blank) kept.emplace_back(b, e);
  }
  return kept;
}

std::size_t ClampMax(std::size_t max_chars) {
  return std::clamp(max_chars, kSlackMinMessageChars, kSlackTextLimit);
}

}  // namespace

std::vector<std::string> RenderSlackReply(const Reply& reply, const SlackIdOf& slack_id_of,
                                          std::size_t max_chars) {
  Rendered r = Render(reply, slack_id_of);
  std::vector<std::string> out;
  for (auto [b, e] : Split(r.atoms, ClampMax(max_chars)))
    out.push_back(r.out.substr(r.atoms[b].out_begin, r.atoms[e - 1].out_end - r.atoms[b].out_begin));
  return out;
}

std::vector<Reply> SplitSlackReply(const Reply& reply, const SlackIdOf& slack_id_of, std::size_t max_chars) {
  Rendered r = Render(reply, slack_id_of);
  auto parts = Split(r.atoms, ClampMax(max_chars));
  std::vector<Reply> out;
  for (auto [b, e] : parts) {
    Reply piece = reply;
    piece.text = reply.text.substr(r.atoms[b].raw_begin, r.atoms[e - 1].raw_end - r.atoms[b].raw_begin);
    piece.mention.clear();
    for (const std::string& key : reply.mention)
      if (!key.empty() && piece.text.find("@" + key) != std::string::npos) piece.mention.push_back(key);
    // A piece cut from a longer line may read differently alone (a cut right before "@key" makes it a
    // mention): split such a piece again, on its own terms. Each round has shorter pieces, so this ends.
    if (parts.size() > 1 && RenderSlackReply(piece, slack_id_of, max_chars).size() > 1) {
      for (Reply& sub : SplitSlackReply(piece, slack_id_of, max_chars))
        out.push_back(std::move(sub));
      continue;
    }
    out.push_back(std::move(piece));
  }
  return out;
}

}  // namespace opsbot
