#include "bot/router.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "bot/arg_parser.h"
#include "bot/directory.h"
#include "bot/text.h"
#include "store/read_pool.h"
#include "store/writer.h"

namespace opsbot {
namespace {

Msg RoleMsg(Role r) {
  switch (r) {
    case Role::kAdmin: return Msg::kRoleAdmin;
    case Role::kAgent: return Msg::kRoleAgent;
    case Role::kMember: return Msg::kRoleMember;
  }
  return Msg::kRoleMember;
}

struct Sender {
  Caller caller;
  ChatRef chat;
};

Reply FailureReply(Lang lang, const Status& s) {
  return Reply::Error(lang, Tr(lang, s.code() == StatusCode::kUnavailable ? Msg::kShuttingDown : Msg::kStoreError));
}

}  // namespace

Lang ChooseLang(const Caller& caller, bool chinese_alias, const ChatRef& chat, Lang fallback) {
  if (caller.language) return *caller.language;
  if (chinese_alias) return Lang::kZh;
  if (chat.language) return *chat.language;
  return fallback;
}

Reply Router::Handle(const InboundMessage& msg) const {
  auto start = std::chrono::steady_clock::now();
  std::string command_id;
  Reply reply = Dispatch(msg, command_id);
  reply.command = command_id;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // One line per command; the message text is not logged (people paste secrets into chats).
  spdlog::info("command={} user={} channel={} chat={} outcome={} ms={:.2f}",
               command_id.empty() ? "-" : command_id, msg.user, ChannelName(msg.channel),
               msg.chat.empty() ? "-" : msg.chat, OutcomeName(reply.outcome), seconds * 1000);
  if (d_.observer) d_.observer(command_id, reply.outcome, seconds);
  return reply;
}

Reply Router::Dispatch(const InboundMessage& msg, std::string& command_id) const {
  std::shared_ptr<const Config> config = d_.config.Get();
  std::vector<std::string> tokens = Tokenize(NormalizeChatText(msg.text));

  // Who is asking, and where. If the store cannot tell us, we deny: the pipeline never guesses a role.
  auto sender = d_.reads.Run<Sender>([&](store::Connection& conn) -> Result<Sender> {
    return Sender{ResolveCaller(conn, msg), ResolveChat(conn, msg)};
  });
  if (!sender.ok()) return FailureReply(config->language, sender.status());
  Caller& caller = sender->caller;
  ChatRef& chat = sender->chat;
  if (!RoleAllows(msg.max_role, caller.role)) caller.role = msg.max_role;

  auto match = d_.registry.Find(tokens);
  if (!match) {
    Lang lang = ChooseLang(caller, ContainsCjk(msg.text), chat, config->language);
    if (tokens.empty()) return Reply::Refused(lang, Tr(lang, Msg::kEmptyMessage));
    return Unknown(tokens, caller, lang);
  }
  const CommandSpec& spec = *match->spec;
  command_id = spec.id;
  Lang lang = ChooseLang(caller, match->chinese_alias, chat, config->language);

  // Authorise before anything else is looked at.
  if (!RoleAllows(caller.role, spec.role)) {
    return Reply::Refused(lang, Tr(lang, Msg::kDenied, spec.name, Tr(lang, RoleMsg(spec.role)),
                                   Tr(lang, RoleMsg(caller.role))));
  }

  auto args = ParseArgs(spec, match->rest, lang);
  if (!args.ok()) {
    std::string text = args.status().message() + "\n" + Tr(lang, Msg::kUsage, UsageLine(spec));
    if (!spec.examples.empty()) text += "\n" + Tr(lang, Msg::kExample, spec.examples.front());
    return Reply::Refused(lang, text);
  }

  std::string zone = !caller.timezone.empty() ? caller.timezone
                     : !chat.timezone.empty() ? chat.timezone
                                              : config->timezone;
  CommandContext ctx{spec, *config, msg, caller, chat, lang, d_.clock.Now(), zone, std::move(args.value())};
  return Execute(ctx);
}

Reply Router::Execute(CommandContext& ctx) const {
  const CommandSpec& spec = ctx.spec;
  if (!spec.mutates) {
    auto r = d_.reads.Run<Reply>([&](store::Connection& conn) -> Result<Reply> { return spec.handler(ctx, conn); });
    return r.ok() ? r.value() : FailureReply(ctx.lang, r.status());
  }
  std::optional<Reply> refusal;
  auto r = d_.writer.Run<Reply>([&](store::Connection& conn) -> Result<Reply> {
    Reply reply = spec.handler(ctx, conn);
    if (reply.outcome == Outcome::kOk) return reply;
    refusal = std::move(reply);
    return Status::Precondition("refused");  // rolls the savepoint back
  });
  if (refusal) return *refusal;
  return r.ok() ? r.value() : FailureReply(ctx.lang, r.status());
}

Reply Router::Unknown(const std::vector<std::string>& tokens, const Caller& caller, Lang lang) const {
  auto allowed = [&](const CommandSpec& s) { return RoleAllows(caller.role, s.role); };
  std::string typed = tokens.size() >= 2 ? tokens[0] + " " + tokens[1] : tokens[0];
  std::string text = Tr(lang, Msg::kUnknownCommand, TruncateUtf8(typed, 40));

  // "ticket foo": the family is known, so suggest a near subcommand or list them all.
  std::vector<const CommandSpec*> family;
  for (const CommandSpec* s : d_.registry.Family(tokens[0]))
    if (allowed(*s)) family.push_back(s);
  if (!family.empty()) {
    std::string names;
    for (const CommandSpec* s : family) {
      std::string word = Tokenize(s->name).back();
      if (tokens.size() >= 2 && EditDistance(tokens[1], word) <= std::min<std::size_t>(2, Utf8Length(word) - 1))
        return Reply::Refused(lang, text + " " + Tr(lang, Msg::kDidYouMean, s->name));
      names += (names.empty() ? "" : ", ") + word;
    }
    return Reply::Refused(lang, text + "\n" + Tr(lang, Msg::kFamilyCommands, tokens[0], names));
  }

  std::optional<std::string> near = d_.registry.Nearest(ToLowerAscii(typed), allowed);
  if (!near && tokens.size() >= 2) near = d_.registry.Nearest(ToLowerAscii(tokens[0]), allowed);
  if (near) text += " " + Tr(lang, Msg::kDidYouMean, *near);
  return Reply::Refused(lang, text + "\n" + Tr(lang, Msg::kEmptyMessage));
}

}  // namespace opsbot
