#include "bot/config.h"

#include <string_view>

namespace opsbot {
namespace {

char LowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

}  // namespace

const PersonConfig* Config::FindPerson(const std::string& id) const {
  for (const PersonConfig& p : people) {
    if (EqualsIgnoringAsciiCase(p.id, id)) return &p;
  }
  return nullptr;
}

const ChatConfig* Config::FindChat(const std::string& id) const {
  for (const ChatConfig& c : chats) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const TeamConfig* Config::FindTeam(const std::string& id) const {
  for (const TeamConfig& t : teams) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

}  // namespace opsbot
