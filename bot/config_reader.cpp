#include "bot/config_reader.h"

#include "bot/config_platform_sections.h"
#include "bot/config_server_sections.h"
#include "bot/text.h"

#include <date/tz.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bot/config_loader.h"

namespace opsbot {
namespace {

std::map<int, SlaTarget> DefaultSla() {
  return {{1, {15 * kMinute, 4 * kHour}},
          {2, {30 * kMinute, 8 * kHour}},
          {3, {4 * kHour, 3 * kDay}},
          {4, {1 * kDay, 14 * kDay}}};
}

// An id people type after '@' or '#': no spaces (ASCII, NBSP, ideographic), no '@', no '#'.
bool ValidId(const std::string& id) {
  if (id.empty()) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    if (c <= 0x20 || c == 0x7F || c == '@' || c == '#') return false;
    if (c == 0xC2 && i + 1 < id.size() && static_cast<unsigned char>(id[i + 1]) == 0xA0) return false;
    if (id.compare(i, 3, "\xE3\x80\x80") == 0) return false;
  }
  return true;
}

bool IsAlnum(char c) {
  return IsAsciiDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// A platform id: a first letter from `prefixes`, then letters and digits.
bool ValidPlatformId(const std::string& s, std::string_view prefixes) {
  return s.size() >= 2 && prefixes.find(s[0]) != std::string_view::npos &&
         std::all_of(s.begin(), s.end(), IsAlnum);
}

bool ValidMobile(const std::string& s) {
  const std::size_t start = !s.empty() && s[0] == '+' ? 1 : 0;
  return s.size() > start &&
         std::all_of(s.begin() + static_cast<std::ptrdiff_t>(start), s.end(), IsAsciiDigit);
}

bool KnownTimeZone(const std::string& name) {
  if (name.empty()) return false;
  try {
    date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// Walks a parsed document into a Config, checking every field and reference.
class ConfigReader {
 public:
  ConfigReader(YamlWalker& w, Config& c) : w_(w), c_(c) {}

  void Read(const YamlField& root) {
    auto top = w_.AsMap(root, {"bot", "store", "people", "teams", "chats", "admin_chat", "sla", "assignment",
                               "slack", "dingtalk", "wecom", "http", "api", "outbox"});
    if (!top) return;
    ReadBot(Section(*top, "bot", {"name", "language", "timezone", "log_level"}));
    ReadStore(Section(*top, "store", {"path", "synchronous"}));
    ReadPeople(top->Get("people"));
    ReadTeams(top->Get("teams"));
    ReadChats(top->Get("chats"));
    if (auto s = w_.Value(*top, "admin_chat")) {
      if (const ChatConfig* chat = c_.FindChat(s->text)) {
        c_.admin_chat = chat->id;
      } else {
        w_.Error(*s, "unknown chat " + YamlWalker::Quote(*s) + " (declare it under chats)");
      }
    }
    ReadSla(Section(*top, "sla", {"p1", "p2", "p3", "p4"}));
    ReadAssignment(top->Get("assignment"));
    ReadSlackSection(*top, w_, c_.slack, c_.notices);
    ReadDingTalkSection(*top, w_, c_.chats, c_.dingtalk, c_.notices);
    ReadWeComSection(*top, w_, c_.chats, c_.wecom, c_.notices);
    ReadHttpSection(*top, w_, c_.http);
    ReadApiSection(*top, w_, c_.api);
    ReadOutboxSection(*top, w_, c_.outbox);
  }

 private:
  std::optional<YamlMap> Section(const YamlMap& m, std::string_view key,
                                 std::initializer_list<std::string_view> known) {
    std::optional<YamlField> f = m.Get(key);
    if (!f) return std::nullopt;
    return w_.AsMap(*f, known);
  }

  void String(const YamlMap& m, std::string_view key, std::string* out) {
    if (auto s = w_.Value(m, key)) *out = s->text;
  }

  std::optional<Lang> Language(const YamlMap& m) {
    auto s = w_.Value(m, "language");
    if (!s) return std::nullopt;
    std::optional<Lang> lang = ParseLang(s->text);
    if (!lang) w_.Error(*s, "unknown language " + YamlWalker::Quote(*s) + " (expected en or zh)");
    return lang;
  }

  void TimeZone(const YamlMap& m, std::string* out) {
    auto s = w_.Value(m, "timezone");
    if (!s) return;
    if (KnownTimeZone(s->text)) {
      *out = s->text;
    } else {
      w_.Error(*s,
               "unknown time zone " + YamlWalker::Quote(*s) + " (expected an IANA name like Asia/Shanghai)");
    }
  }

  // A platform handle that must be unique across `kind` (people or chats).
  void Handle(const YamlMap& m, std::string_view key, std::string_view label, std::string_view prefixes,
              const std::string& owner, std::string* out) {
    auto s = w_.Value(m, key);
    if (!s) return;
    if (!prefixes.empty() && !ValidPlatformId(s->text, prefixes)) {
      w_.Error(*s, "invalid " + std::string(label) + " " + YamlWalker::Quote(*s) +
                       " (must start with one of '" + std::string(prefixes) + "', then letters and digits)");
      return;
    }
    if (s->text.empty()) {
      w_.Error(*s, "must not be empty");
      return;
    }
    const std::string slot = std::string(label) + "\n" + s->text;
    auto [it, inserted] = handles_.emplace(slot, owner);
    if (!inserted) {
      w_.Error(*s,
               std::string(label) + " " + YamlWalker::Quote(*s) + " is already used by '" + it->second + "'");
      return;
    }
    *out = s->text;
  }

  // Reads `id`: required, well-formed. Returns std::nullopt when it is missing or bad.
  std::optional<YamlScalar> Id(const YamlMap& m) {
    auto s = w_.Required(m, "id");
    if (s && !ValidId(s->text)) {
      w_.Error(*s, "invalid id " + YamlWalker::Quote(*s) + " (no spaces, '@' or '#')");
      return std::nullopt;
    }
    return s;
  }

  void ReadBot(const std::optional<YamlMap>& m) {
    if (!m) return;
    String(*m, "name", &c_.bot_name);
    if (auto lang = Language(*m)) c_.language = *lang;
    TimeZone(*m, &c_.timezone);
    if (auto s = w_.Value(*m, "log_level")) {
      static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error"};
      if (std::find(std::begin(kLevels), std::end(kLevels), s->text) != std::end(kLevels)) {
        c_.log_level = s->text;
      } else {
        w_.Error(*s, "unknown log level " + YamlWalker::Quote(*s) +
                         " (expected trace, debug, info, warn or error)");
      }
    }
  }

  void ReadStore(const std::optional<YamlMap>& m) {
    if (!m) return;
    if (auto s = w_.Value(*m, "path")) {
      if (s->text.empty()) {
        w_.Error(*s, "must not be empty");
      } else {
        c_.store.path = s->text;
      }
    }
    if (auto s = w_.Value(*m, "synchronous")) {
      if (s->text == "full" || s->text == "normal") {
        c_.store.synchronous_full = s->text == "full";
      } else {
        w_.Error(*s, "unknown synchronous mode " + YamlWalker::Quote(*s) + " (expected full or normal)");
      }
    }
  }

  void ReadPeople(const std::optional<YamlField>& field) {
    if (!field) return;
    std::vector<std::string> paths;  // parallel to c_.people
    for (const YamlField& item : w_.AsList(*field)) {
      auto m = w_.AsMap(item, {"id", "name", "role", "timezone", "language", "slack", "dingtalk", "wecom"});
      if (!m) continue;
      PersonConfig p;
      auto id = Id(*m);
      if (id) p.id = id->text;
      p.name = p.id;
      String(*m, "name", &p.name);
      if (auto s = w_.Value(*m, "role")) {
        if (auto role = ParseRole(s->text)) {
          p.role = *role;
        } else {
          w_.Error(*s, "unknown role " + YamlWalker::Quote(*s) + " (expected admin, agent or member)");
        }
      }
      TimeZone(*m, &p.timezone);
      p.language = Language(*m);
      Handle(*m, "slack", "Slack user id", "UW", p.id, &p.slack_user_id);
      Handle(*m, "wecom", "WeCom userid", "", p.id, &p.wecom_userid);
      if (auto dingtalk = Section(*m, "dingtalk", {"staff_id", "mobile"})) {
        Handle(*dingtalk, "staff_id", "DingTalk staff_id", "", p.id, &p.dingtalk_staff_id);
        if (auto s = w_.Value(*dingtalk, "mobile")) {
          if (ValidMobile(s->text)) {
            p.dingtalk_mobile = s->text;
          } else {
            w_.Error(*s, "invalid mobile " + YamlWalker::Quote(*s) + " (digits, optionally a leading '+')");
          }
        }
      }
      if (!id) continue;
      if (const PersonConfig* prev = c_.FindPerson(p.id)) {
        const auto index = static_cast<std::size_t>(prev - c_.people.data());
        w_.Error(*id, "duplicate person id " + YamlWalker::Quote(*id) + " (first at " + paths[index] + ")");
        continue;
      }
      paths.push_back(item.path);
      c_.people.push_back(std::move(p));
    }
  }

  void ReadTeams(const std::optional<YamlField>& field) {
    if (!field) return;
    for (const YamlField& item : w_.AsList(*field)) {
      auto m = w_.AsMap(item, {"id", "name", "members"});
      if (!m) continue;
      TeamConfig t;
      auto id = Id(*m);
      if (id) t.id = id->text;
      t.name = t.id;
      String(*m, "name", &t.name);
      if (auto members = m->Get("members")) {
        for (const YamlField& entry : w_.AsList(*members)) {
          auto s = w_.AsScalar(entry);
          if (!s) continue;
          if (!s->unset_var.empty()) {
            w_.Error(*s, s->unset_var + " is not set");
          } else if (const PersonConfig* person = c_.FindPerson(s->text)) {
            if (std::find(t.members.begin(), t.members.end(), person->id) != t.members.end()) {
              w_.Error(*s, "'" + person->id + "' is listed twice");
            } else {
              t.members.push_back(person->id);
            }
          } else {
            w_.Error(*s, "unknown person " + YamlWalker::Quote(*s) + " (declare them under people)");
          }
        }
      }
      if (!id) continue;
      if (c_.FindTeam(t.id)) {
        w_.Error(*id, "duplicate team id " + YamlWalker::Quote(*id));
        continue;
      }
      c_.teams.push_back(std::move(t));
    }
  }

  void ReadChats(const std::optional<YamlField>& field) {
    if (!field) return;
    for (const YamlField& item : w_.AsList(*field)) {
      auto m = w_.AsMap(item, {"id", "name", "language", "timezone", "slack", "dingtalk", "wecom"});
      if (!m) continue;
      ChatConfig chat;
      auto id = Id(*m);
      if (id) chat.id = id->text;
      chat.name = chat.id;
      String(*m, "name", &chat.name);
      chat.language = Language(*m);
      TimeZone(*m, &chat.timezone);
      Handle(*m, "slack", "Slack channel id", "CGD", chat.id, &chat.slack_channel_id);
      Handle(*m, "dingtalk", "DingTalk openConversationId", "", chat.id, &chat.dingtalk_conversation_id);
      Handle(*m, "wecom", "WeCom chatid", "", chat.id, &chat.wecom_chat_id);
      if (!id) continue;
      if (c_.FindChat(chat.id)) {
        w_.Error(*id, "duplicate chat id " + YamlWalker::Quote(*id));
        continue;
      }
      c_.chats.push_back(std::move(chat));
    }
  }

  // A target duration, or "none" for no target (0).
  void SlaDuration(const YamlMap& m, std::string_view key, std::int64_t* out) {
    auto s = w_.Value(m, key);
    if (!s) return;
    if (s->text == "none") {
      *out = 0;
    } else if (auto seconds = ParseDurationSeconds(s->text)) {
      *out = *seconds;
    } else {
      w_.Error(*s, "bad duration " + YamlWalker::Quote(*s) +
                       " (expected e.g. 30s, 15m, 4h, 3d, 1w, 1h30m or none)");
    }
  }

  void ReadSla(const std::optional<YamlMap>& m) {
    if (!m) return;
    for (const auto& [key, field] : m->entries) {
      auto targets = w_.AsMap(field, {"ack", "resolve"});
      if (!targets) continue;
      SlaTarget& t = c_.sla[key[1] - '0'];
      SlaDuration(*targets, "ack", &t.ack_seconds);
      SlaDuration(*targets, "resolve", &t.resolve_seconds);
      if (t.ack_seconds > 0 && t.resolve_seconds > 0 && t.ack_seconds > t.resolve_seconds) {
        w_.Error(field.path, field.line, "the ack target is longer than the resolve target");
      }
    }
  }

  void ReadAssignment(const std::optional<YamlField>& field) {
    if (!field) return;
    for (const YamlField& item : w_.AsList(*field)) {
      auto m = w_.AsMap(item, {"when", "assign", "team"});
      if (!m) continue;
      AssignmentRule rule;
      bool ok = true;
      auto when = Section(*m, "when", {"tag", "chat"});
      if (!m->Get("when")) {
        w_.Error(YamlWalker::Join(m->path, "when"), m->line,
                 "missing required key 'when' (a tag and/or a chat)");
        ok = false;
      } else if (when) {
        String(*when, "tag", &rule.tag);
        if (auto s = w_.Value(*when, "chat")) {
          if (const ChatConfig* chat = c_.FindChat(s->text)) {
            rule.chat = chat->id;
          } else {
            w_.Error(*s, "unknown chat " + YamlWalker::Quote(*s) + " (declare it under chats)");
            ok = false;
          }
        }
        if (ok && rule.tag.empty() && rule.chat.empty()) {
          w_.Error(when->path, when->line, "needs a tag or a chat to match");
        }
      }
      auto person = w_.Value(*m, "assign");
      auto team = w_.Value(*m, "team");
      if (person && team) {
        w_.Error(m->path, m->line, "has both 'assign' and 'team'; give exactly one");
      } else if (!person && !team) {
        w_.Error(m->path, m->line, "needs 'assign' (a person) or 'team'");
      } else if (person) {
        if (const PersonConfig* p = c_.FindPerson(person->text)) {
          rule.person = p->id;
        } else {
          w_.Error(*person, "unknown person " + YamlWalker::Quote(*person) + " (declare them under people)");
        }
      } else if (const TeamConfig* t = c_.FindTeam(team->text)) {
        rule.team = t->id;
      } else {
        w_.Error(*team, "unknown team " + YamlWalker::Quote(*team) + " (declare it under teams)");
      }
      c_.assignment.push_back(std::move(rule));
    }
  }

  YamlWalker& w_;
  Config& c_;
  std::map<std::string, std::string> handles_;  // "label\nvalue" -> owner id
};

}  // namespace

void ReadConfigDocument(const YamlField& root, YamlWalker& walker, Config& config) {
  config.sla = DefaultSla();
  ConfigReader(walker, config).Read(root);
}

}  // namespace opsbot
