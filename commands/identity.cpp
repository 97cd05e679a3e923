// whoami; bind <platform|code>; unbind <platform>
#include "commands/identity.h"

#include <nlohmann/json.hpp>

#include <random>

#include "bot/directory.h"
#include "bot/text.h"
#include "bot/time_format.h"
#include "commands/command_audit.h"
#include "store/bind_code_repo.h"
#include "store/person_repo.h"
#include "store/ticket_repo.h"

namespace opsbot {
namespace {

// One chat platform as `bind` knows it: its name in commands, its handle column and config field.
struct Platform {
  const char* id;  // "slack", "dingtalk", "wecom"
  Channel channel;
  store::HandleKind kind;
  std::string store::PersonRow::*handle;
  std::string PersonConfig::*declared;
  Msg name;
  std::vector<std::string> words;  // what a user may type for it
};

const std::vector<Platform>& Platforms() {
  static const std::vector<Platform> kPlatforms = {
      {"slack",
       Channel::kSlack,
       store::HandleKind::kSlack,
       &store::PersonRow::slack_user_id,
       &PersonConfig::slack_user_id,
       Msg::kPlatformSlack,
       {"slack"}},
      {"dingtalk",
       Channel::kDingTalk,
       store::HandleKind::kDingTalk,
       &store::PersonRow::dingtalk_staff_id,
       &PersonConfig::dingtalk_staff_id,
       Msg::kPlatformDingTalk,
       {"dingtalk", "钉钉"}},
      {"wecom",
       Channel::kWeCom,
       store::HandleKind::kWeCom,
       &store::PersonRow::wecom_userid,
       &PersonConfig::wecom_userid,
       Msg::kPlatformWeCom,
       {"wecom", "企业微信", "企微", "wxwork"}},
  };
  return kPlatforms;
}

const Platform* PlatformNamed(const std::string& word) {
  const std::string w = ToLowerAscii(word);
  for (const Platform& p : Platforms())
    for (const std::string& s : p.words)
      if (w == s) return &p;
  return nullptr;
}

const Platform* PlatformOf(Channel c) {
  for (const Platform& p : Platforms())
    if (p.channel == c) return &p;
  return nullptr;
}

bool IsCode(const std::string& s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The config's entry for the person with `key`, if declared.
const PersonConfig* Declared(const Config& config, const std::string& key) {
  for (const PersonConfig& p : config.people)
    if (ToLowerAscii(p.id) == ToLowerAscii(key)) return &p;
  return nullptr;
}

// Whether the config declares `handle` as `row`'s handle on `p`.
bool DeclaresHandle(const Config& config, const store::PersonRow& row, const Platform& p,
                    const std::string& handle) {
  const PersonConfig* d = row.from_config ? Declared(config, row.key) : nullptr;
  return d && !((*d).*p.declared).empty() && (*d).*p.declared == handle;
}

bool HasAnyHandle(const store::PersonRow& row) {
  for (const Platform& p : Platforms())
    if (!(row.*p.handle).empty()) return true;
  return false;
}

nlohmann::json Handles(const store::PersonRow& row) {
  nlohmann::json j = nlohmann::json::object();
  for (const Platform& p : Platforms())
    j[p.id] = row.*p.handle;
  return j;
}

Reply Whoami(CommandContext& ctx, store::Connection& conn) {
  std::optional<store::PersonRow> row;
  if (ctx.caller.person_id != 0) row = store::PersonRepo(conn).ById(ctx.caller.person_id);
  std::string text = row ? ctx.T(Msg::kWhoami, row->key, row->name, ctx.T(RoleMsg(ctx.caller.role)))
                         : ctx.T(Msg::kWhoamiNew, ctx.caller.key);
  for (const Platform& p : Platforms()) {
    std::string handle = row ? (*row).*p.handle : (ctx.message.channel == p.channel ? ctx.message.user : "");
    text +=
        "\n" + ctx.T(Msg::kWhoamiHandle, ctx.T(p.name), handle.empty() ? ctx.T(Msg::kWhoamiNone) : handle);
  }
  return Reply::Ok(ctx.lang, text + "\n" + ctx.T(Msg::kWhoamiHint));
}

// `bind <platform>`: a fresh code for the caller, to be said on `target`.
Reply GiveCode(CommandContext& ctx, store::Connection& conn, const Platform& here, const Platform& target) {
  if (&here == &target) return ctx.Refuse(Msg::kBindSamePlatform, ctx.T(here.name));
  store::BindCodeRow code;
  code.person_id = EnsurePerson(conn, ctx.caller, ctx.message, ctx.now);
  code.platform = target.id;
  code.created_at = ctx.now;
  code.expires_at = ctx.now + kBindCodeSeconds;
  std::random_device rd;
  std::uniform_int_distribution<int> digits(0, 999999);
  store::BindCodeRepo codes(conn);
  do {
    code.code = fmt::format("{:06d}", digits(rd));
  } while (!codes.Insert(code));
  AuditCommand(ctx, conn, "person.bind_code", "person", code.person_id, "",
               nlohmann::json{{"platform", target.id}, {"expires_at", code.expires_at}}.dump());
  return ctx.Ok(Msg::kBindCodeGiven, code.code, FormatDuration(kBindCodeSeconds, ctx.lang),
                ctx.T(target.name));
}

// `bind <code>` on `here`: links the caller's account here to the code's person.
Reply UseCode(CommandContext& ctx, store::Connection& conn, const Platform& here, const std::string& text) {
  store::BindCodeRepo codes(conn);
  auto code = codes.Find(text);
  if (!code || code->used_at || code->expires_at <= ctx.now) return ctx.Refuse(Msg::kBindBadCode);
  if (code->platform != here.id) {
    const Platform* target = PlatformNamed(code->platform);
    return ctx.Refuse(Msg::kBindWrongPlatform, target ? ctx.T(target->name) : code->platform);
  }
  store::PersonRepo people(conn);
  auto owner = people.ById(code->person_id);
  if (!owner) return ctx.Refuse(Msg::kBindBadCode);
  const std::string& handle = ctx.message.user;
  auto holder = people.ByHandle(here.kind, handle);
  if (holder && holder->id == owner->id) {
    codes.MarkUsed(code->code, ctx.now);
    return ctx.Ok(Msg::kBindAlready, ctx.T(here.name), handle, owner->key);
  }
  // The config wins on what it declares: neither the owner's declared handle nor a declared holder moves.
  const std::string& owner_handle = (*owner).*here.handle;
  if (!owner_handle.empty() && DeclaresHandle(ctx.config, *owner, here, owner_handle))
    return ctx.Refuse(Msg::kBindDeclared, ctx.T(here.name), owner_handle, owner->key);
  if (holder && holder->from_config && owner->from_config && holder->role != owner->role) {
    return ctx.Refuse(Msg::kBindRolesDiffer, owner->key, ctx.T(RoleMsg(*ParseRole(owner->role))), holder->key,
                      ctx.T(RoleMsg(*ParseRole(holder->role))));
  }
  if (holder && DeclaresHandle(ctx.config, *holder, here, handle))
    return ctx.Refuse(Msg::kBindDeclared, ctx.T(here.name), handle, holder->key);

  codes.MarkUsed(code->code, ctx.now);
  // From here on the caller speaks as the owner: the audit rows name them.
  ctx.caller.person_id = owner->id;
  ctx.caller.key = owner->key;
  if (holder) {
    store::PersonRow was = *holder;
    (*holder).*here.handle = "";
    people.Update(*holder, ctx.now);
    AuditCommand(ctx, conn, "person.unbind", "person", holder->id, Handles(was).dump(),
                 Handles(*holder).dump(), "moved to @" + owner->key);
    // A row opsbot made for that account alone, now without one, was the owner all along: its tickets
    // become theirs, each with a history line.
    if (!holder->from_config && !HasAnyHandle(*holder)) {
      for (std::int64_t id : store::TicketRepo(conn).MovePerson(holder->id, owner->id, ctx.now))
        AuditCommand(
            ctx, conn, "ticket.assign", "ticket", id, nlohmann::json{{"assignee", holder->key}}.dump(),
            nlohmann::json{{"assignee", owner->key}}.dump(), "bind: @" + holder->key + " is @" + owner->key);
    }
  }
  store::PersonRow before = *owner;
  (*owner).*here.handle = handle;
  people.Update(*owner, ctx.now);
  AuditCommand(ctx, conn, "person.bind", "person", owner->id, Handles(before).dump(), Handles(*owner).dump());
  return ctx.Ok(Msg::kBindDone, ctx.T(here.name), handle, owner->key);
}

Reply Bind(CommandContext& ctx, store::Connection& conn) {
  const Platform* here = PlatformOf(ctx.message.channel);
  if (!here) return ctx.Refuse(Msg::kBindNotFromChat);
  const std::string arg = TrimAscii(ctx.args.text);
  if (IsCode(arg)) {
    if (!ctx.message.chat.empty()) {
      // Said in a group, the code is no longer secret: anyone there could say it first. It is burned.
      store::BindCodeRepo codes(conn);
      auto code = codes.Find(arg);
      if (code && !code->used_at && code->expires_at > ctx.now) {
        codes.MarkUsed(arg, ctx.now);
        AuditCommand(ctx, conn, "person.bind_code_burned", "person", code->person_id, "", "");
      }
      return ctx.Ok(Msg::kBindBurned);
    }
    return UseCode(ctx, conn, *here, arg);
  }
  const Platform* target = PlatformNamed(arg);
  if (!target) return ctx.Refuse(Msg::kBindUnknownPlatform, TruncateUtf8(arg, 40));
  if (!ctx.message.chat.empty()) return ctx.Refuse(Msg::kBindDirectOnly);
  return GiveCode(ctx, conn, *here, *target);
}

Reply Unbind(CommandContext& ctx, store::Connection& conn) {
  const Platform* target = PlatformNamed(TrimAscii(ctx.args.text));
  if (!target) return ctx.Refuse(Msg::kBindUnknownPlatform, TruncateUtf8(ctx.args.text, 40));
  if (ctx.message.channel == target->channel) return ctx.Refuse(Msg::kUnbindSpeaking, ctx.T(target->name));
  store::PersonRepo people(conn);
  auto row = ctx.caller.person_id != 0 ? people.ById(ctx.caller.person_id) : std::nullopt;
  if (!row || ((*row).*target->handle).empty()) return ctx.Refuse(Msg::kUnbindNone, ctx.T(target->name));
  const std::string handle = (*row).*target->handle;
  if (DeclaresHandle(ctx.config, *row, *target, handle))
    return ctx.Refuse(Msg::kUnbindDeclared, ctx.T(target->name));
  store::PersonRow before = *row;
  (*row).*target->handle = "";
  people.Update(*row, ctx.now);
  AuditCommand(ctx, conn, "person.unbind", "person", row->id, Handles(before).dump(), Handles(*row).dump());
  return ctx.Ok(Msg::kUnbindDone, ctx.T(target->name), handle);
}

}  // namespace

Status RegisterIdentityCommands(CommandRegistry& registry) {
  CommandSpec whoami;
  whoami.id = "whoami";
  whoami.name = "whoami";
  whoami.aliases = {"我是谁"};
  whoami.role = Role::kMember;
  whoami.summary = Msg::kSumWhoami;
  whoami.examples = {"whoami", "我是谁"};
  whoami.handler = Whoami;
  if (Status s = registry.Add(std::move(whoami)); !s.ok()) return s;

  CommandSpec bind;
  bind.id = "bind";
  bind.name = "bind";
  bind.aliases = {"绑定"};
  bind.args = {{ArgKind::kText, "platform|code", true, {}}};
  bind.role = Role::kMember;
  bind.mutates = true;
  bind.summary = Msg::kSumBind;
  bind.examples = {"bind wecom", "绑定 钉钉", "bind 123456"};
  bind.handler = Bind;
  if (Status s = registry.Add(std::move(bind)); !s.ok()) return s;

  CommandSpec unbind;
  unbind.id = "unbind";
  unbind.name = "unbind";
  unbind.aliases = {"解绑", "解除绑定"};
  unbind.args = {{ArgKind::kText, "platform", true, {}}};
  unbind.role = Role::kMember;
  unbind.mutates = true;
  unbind.summary = Msg::kSumUnbind;
  unbind.examples = {"unbind slack", "解绑 企业微信"};
  unbind.handler = Unbind;
  return registry.Add(std::move(unbind));
}

}  // namespace opsbot
