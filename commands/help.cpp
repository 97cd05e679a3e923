#include "commands/help.h"

#include "bot/arg_parser.h"
#include "bot/text.h"

namespace opsbot {
namespace {

// The name a reader of `lang` types: the first Chinese alias in Chinese, else the English name.
std::string DisplayName(const CommandSpec& s, Lang lang) {
  if (lang == Lang::kZh) {
    for (const auto& a : s.aliases)
      if (ContainsCjk(a)) return a;
  }
  return s.name;
}

std::string Overview(const CommandRegistry& registry, const CommandContext& ctx) {
  std::string text = ctx.T(Msg::kHelpHeader, ctx.T(RoleMsg(ctx.caller.role)));
  for (const CommandSpec* s : registry.All()) {
    if (!RoleAllows(ctx.caller.role, s->role)) continue;
    std::string usage = UsageLine(*s);
    if (ctx.lang == Lang::kZh) {
      std::string zh = DisplayName(*s, ctx.lang);
      if (zh != s->name) usage = zh + usage.substr(s->name.size()) + "  (" + s->name + ")";
    }
    text += "\n• " + usage + " — " + ctx.T(s->summary);
  }
  return text + "\n" + ctx.T(Msg::kHelpFooter);
}

std::string Detail(const CommandSpec& s, const CommandContext& ctx) {
  std::string text = ctx.T(Msg::kUsage, UsageLine(s)) + "\n" + ctx.T(s.summary);
  if (!s.aliases.empty()) text += "\n" + ctx.T(Msg::kHelpAliases, Join(s.aliases, ", "));
  text += "\n" + ctx.T(Msg::kHelpNeeds, ctx.T(RoleMsg(s.role)));
  if (!s.examples.empty()) {
    text += "\n" + ctx.T(Msg::kHelpExamples);
    for (const auto& e : s.examples)
      text += "\n  " + e;
  }
  return text;
}

Reply Help(const CommandRegistry& registry, CommandContext& ctx) {
  auto tokens = Tokenize(ctx.args.text);
  if (tokens.empty()) return Reply::Ok(ctx.lang, Overview(registry, ctx));
  auto match = registry.Find(tokens);
  if (match && match->rest.empty() && RoleAllows(ctx.caller.role, match->spec->role))
    return Reply::Ok(ctx.lang, Detail(*match->spec, ctx));
  if (tokens.size() == 1) {
    std::string text;
    for (const CommandSpec* s : registry.Family(tokens[0])) {
      if (!RoleAllows(ctx.caller.role, s->role)) continue;
      text += (text.empty() ? "" : "\n") + ("• " + UsageLine(*s) + " — " + ctx.T(s->summary));
    }
    if (!text.empty()) return Reply::Ok(ctx.lang, text + "\n" + ctx.T(Msg::kHelpFooter));
  }
  return ctx.Refuse(Msg::kHelpUnknown, ctx.args.text);
}

}  // namespace

Status RegisterHelpCommand(CommandRegistry& registry) {
  CommandSpec s;
  s.id = "help";
  s.name = "help";
  s.aliases = {"帮助", "?", "？"};
  s.args = {{ArgKind::kText, "command", false, {}}};
  s.role = Role::kMember;
  s.summary = Msg::kSumHelp;
  s.examples = {"help ticket new", "帮助 建单"};
  const CommandRegistry* reg = &registry;
  s.handler = [reg](CommandContext& ctx, store::Connection&) { return Help(*reg, ctx); };
  return registry.Add(std::move(s));
}

}  // namespace opsbot
