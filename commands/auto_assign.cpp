#include "commands/auto_assign.h"

#include <algorithm>

#include "bot/text.h"
#include "store/person_repo.h"
#include "store/round_robin_repo.h"

namespace opsbot {
namespace {

bool Matches(const AssignmentRule& rule, const std::vector<std::string>& tags, const std::string& chat_key) {
  if (!rule.tag.empty() && std::none_of(tags.begin(), tags.end(),
                                        [&](const std::string& t) { return EqualsIgnoreCase(t, rule.tag); }))
    return false;
  if (!rule.chat.empty() && !EqualsIgnoreCase(rule.chat, chat_key)) return false;
  return !rule.tag.empty() || !rule.chat.empty();
}

std::string Describe(const AssignmentRule& rule) {
  std::string when;
  if (!rule.tag.empty()) when += "#" + rule.tag;
  if (!rule.chat.empty()) when += (when.empty() ? "" : " ") + rule.chat;
  return rule.team.empty() ? when : when + " → " + rule.team;
}

std::optional<PersonRef> NextInTeam(const TeamConfig& team, store::Connection& conn) {
  if (team.members.empty()) return std::nullopt;
  store::RoundRobinRepo rr(conn);
  std::size_t start = 0;
  if (auto last = rr.Last(team.id)) {
    // Members are config person ids, which are the keys of their rows: one look-up of the last assignee,
    // then their last place in the list by key, from the end.
    if (auto p = store::PersonRepo(conn).ById(*last)) {
      for (std::size_t i = team.members.size(); i-- > 0;) {
        if (EqualsIgnoreCase(team.members[i], p->key)) {
          start = i + 1;
          break;
        }
      }
    }
  }
  for (std::size_t k = 0; k < team.members.size(); ++k) {
    auto p = FindPersonByMention(conn, team.members[(start + k) % team.members.size()]);
    if (!p) continue;
    rr.SetLast(team.id, p->id);
    return p;
  }
  return std::nullopt;
}

}  // namespace

std::optional<AutoAssignment> AutoAssign(const Config& config, store::Connection& conn,
                                         const std::vector<std::string>& tags, const std::string& chat_key) {
  for (const AssignmentRule& rule : config.assignment) {
    if (!Matches(rule, tags, chat_key)) continue;
    std::optional<PersonRef> who;
    if (!rule.person.empty()) {
      who = FindPersonByMention(conn, rule.person);
    } else if (const TeamConfig* team = config.FindTeam(rule.team)) {
      who = NextInTeam(*team, conn);
    }
    if (who) return AutoAssignment{*who, Describe(rule)};
  }
  return std::nullopt;
}

}  // namespace opsbot
