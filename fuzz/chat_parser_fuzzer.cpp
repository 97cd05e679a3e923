// libFuzzer target: the chat-text front door, as Router::Dispatch and Router::Unknown walk it.
//
//   NormalizeChatText → Tokenize → CommandRegistry::Find → ParseArgs (both languages) → UsageLine,
//   and for text that names no command: Family, EditDistance and Nearest on the first tokens.
//
// Besides "no crash, no leak, no UB", it checks a few invariants that must hold for every input and
// abort()s when one does not, so libFuzzer keeps the input. Run it with scripts/fuzz.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bot/arg_parser.h"
#include "bot/command_registry.h"
#include "bot/text.h"
#include "commands/register_all.h"

namespace {

using opsbot::Args;
using opsbot::CommandRegistry;
using opsbot::CommandSpec;
using opsbot::Lang;

void Check(bool ok) {
  if (!ok) std::abort();
}

const CommandRegistry& Registry() {
  static const CommandRegistry* registry = [] {
    auto* r = new CommandRegistry();
    Check(opsbot::RegisterAllCommands(*r).ok());
    return r;
  }();
  return *registry;
}

bool HasReplacement(const std::vector<char32_t>& cps) {
  for (char32_t cp : cps)
    if (cp == 0xFFFD) return true;
  return false;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// NormalizeChatText's promises: valid UTF-8 (no new U+FFFD), no control characters, and a fixed point.
void CheckNormalized(std::string_view input, const std::string& norm) {
  std::vector<char32_t> cps = opsbot::DecodeUtf8(norm);
  Check(opsbot::EncodeUtf8(cps) == norm);  // valid UTF-8 re-encodes to itself
  if (!HasReplacement(opsbot::DecodeUtf8(input))) Check(!HasReplacement(cps));
  for (char32_t cp : cps) {
    Check(cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F));
    Check(!(cp >= 0xFF01 && cp <= 0xFF5E) && cp != 0x3000);  // full-width forms and ideographic space folded
  }
  Check(opsbot::NormalizeChatText(norm) == norm);
  Check(opsbot::Utf8Length(norm) <= opsbot::Utf8Length(input));
}

void CheckTokens(const std::string& norm, const std::vector<std::string>& tokens) {
  std::size_t bytes = 0;
  for (const std::string& t : tokens) {
    Check(!t.empty());
    for (char c : t)
      Check(!IsAsciiSpace(c));
    bytes += t.size();
  }
  Check(bytes <= norm.size());
  Check(opsbot::Tokenize(opsbot::Join(tokens, " ")) == tokens);
}

// ParseArgs depends on the language only for its messages: the outcome and the values are the same.
void CheckArgs(const CommandSpec& spec, const std::vector<std::string>& rest) {
  auto en = opsbot::ParseArgs(spec, rest, Lang::kEn);
  auto zh = opsbot::ParseArgs(spec, rest, Lang::kZh);
  Check(en.ok() == zh.ok());
  if (!en.ok()) {
    Check(!en.status().message().empty() && !zh.status().message().empty());
    return;
  }
  const Args& a = en.value();
  const Args& b = zh.value();
  Check(a.ticket == b.ticket && a.priority == b.priority && a.tags_add == b.tags_add &&
        a.tags_remove == b.tags_remove && a.mention == b.mention && a.choice == b.choice &&
        a.page == b.page && a.text == b.text);
  if (a.ticket) Check(*a.ticket > 0);
  if (a.priority) Check(*a.priority >= 1 && *a.priority <= 4);
  if (a.page) Check(*a.page >= 1 && *a.page <= 1000000);
  if (a.mention) Check(!a.mention->empty());
  for (const auto& t : a.tags_add)
    Check(!t.empty());
  for (const auto& t : a.tags_remove)
    Check(!t.empty());
}

// A command was found: its arguments are parsed (Router::Dispatch). Returns false when none was.
bool CheckMatch(const std::vector<std::string>& tokens) {
  const CommandRegistry& registry = Registry();
  auto match = registry.Find(tokens);
  if (!match) return false;
  Check(match->spec != nullptr);
  Check(registry.ById(match->spec->id) == match->spec);
  Check(match->rest.size() <= tokens.size());
  CheckArgs(*match->spec, match->rest);
  std::string usage = opsbot::UsageLine(*match->spec);
  Check(usage.compare(0, match->spec->name.size(), match->spec->name) == 0);
  return true;
}

// What Router::Unknown does with text that names no command.
void CheckSuggestions(const std::vector<std::string>& tokens) {
  const CommandRegistry& registry = Registry();
  const std::string& t0 = tokens[0];
  std::string typed = tokens.size() >= 2 ? t0 + " " + tokens[1] : t0;
  Check(opsbot::Utf8Length(opsbot::TruncateUtf8(typed, 40)) <= 41);

  // "ticket foo": a known family gets a near subcommand or the list of them, not a registry-wide search.
  auto family = registry.Family(t0);
  for (const CommandSpec* s : family) {
    std::string word = opsbot::Tokenize(s->name).back();
    if (tokens.size() >= 2 &&
        opsbot::EditDistance(tokens[1], word) <= std::min<std::size_t>(2, opsbot::Utf8Length(word) - 1))
      return;
  }
  if (!family.empty()) return;
  auto all = [](const CommandSpec&) { return true; };
  auto near = registry.Nearest(opsbot::ToLowerAscii(typed), all);
  if (near) Check(opsbot::EditDistance(opsbot::ToLowerAscii(typed), *near) <= 3);
  if (!near && tokens.size() >= 2) (void)registry.Nearest(opsbot::ToLowerAscii(t0), all);
}

// EditDistance is a metric, case-insensitive for ASCII. Bounded sizes keep the fuzzer fast.
void CheckEditDistance(const std::vector<std::string>& tokens) {
  if (tokens.size() >= 2 && tokens[0].size() <= 256 && tokens[1].size() <= 256) {
    const std::string& t0 = tokens[0];
    const std::string& t1 = tokens[1];
    std::size_t d = opsbot::EditDistance(t0, t1);
    Check(d == opsbot::EditDistance(t1, t0));
    Check(d <= std::max(opsbot::Utf8Length(t0), opsbot::Utf8Length(t1)));
    Check(opsbot::EditDistance(t0, t0) == 0);
    Check(opsbot::EditDistance(t0, opsbot::ToLowerAscii(t0)) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Registry();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string norm = opsbot::NormalizeChatText(input);
  CheckNormalized(input, norm);
  std::vector<std::string> tokens = opsbot::Tokenize(norm);
  CheckTokens(norm, tokens);
  for (const std::string& t : tokens) {
    if (auto id = opsbot::ParseTicketId(t)) Check(*id > 0);
  }
  (void)opsbot::ContainsCjk(input);
  if (!tokens.empty() && !CheckMatch(tokens)) CheckSuggestions(tokens);
  CheckEditDistance(tokens);
  return 0;
}
