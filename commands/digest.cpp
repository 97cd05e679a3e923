// digest <id> [from]
#include "commands/digest.h"

#include <sstream>

#include "bot/outbox_text.h"
#include "bot/text.h"
#include "commands/outbox.h"
#include "store/outbox_repo.h"

namespace opsbot {
namespace {

constexpr std::size_t kPageBytes = 3000;  // a page stays one chat message on every platform
constexpr std::size_t kItemChars = 1000;  // one carried message, at most
constexpr int kPageMax = 50;

// The digest went to the chat this was asked in.
bool AskedWhereItWent(const InboundMessage& m, const std::string& destination) {
  if (!m.reply_platform.empty() && destination == m.reply_platform + ":" + m.reply_channel) return true;
  if (m.chat.empty()) return false;
  const std::string platform = ChannelName(m.channel);
  return destination == platform + ":" + m.chat || destination == platform + ":group:" + m.chat;
}

Reply ShowDigest(CommandContext& ctx, store::Connection& conn) {
  std::istringstream words(ctx.args.text);
  std::string id_word, from_word, extra;
  words >> id_word >> from_word >> extra;
  auto id = ParseOutboxId(id_word);
  auto from = from_word.empty() ? std::optional<std::int64_t>(1) : ParseOutboxId(from_word);
  if (!id || !from || !extra.empty()) return ctx.Refuse(Msg::kDigestBadId);
  store::OutboxRepo repo(conn);
  const int total = repo.CarriedCount(*id);
  auto head = repo.Get(*id);
  if (total == 0 || !head) return ctx.Refuse(Msg::kDigestNotFound, *id);
  if (ctx.caller.role != Role::kAdmin && !AskedWhereItWent(ctx.message, head->destination))
    return ctx.Refuse(Msg::kDigestNotHere, *id);
  const int offset = static_cast<int>(std::min<std::int64_t>(*from, total)) - 1;
  std::string body;
  int shown = 0;
  for (const store::OutboxRow& row : repo.Carried(*id, offset, kPageMax)) {
    std::string item = "[" + std::to_string(offset + shown + 1) + "] " +
                       TruncateUtf8(OutboxPreview(row.payload, kItemChars * 4), kItemChars);
    if (shown > 0 && body.size() + item.size() > kPageBytes) break;
    body += "\n" + item;
    ++shown;
  }
  std::string text =
      ctx.T(Msg::kDigestHeader, *id, total, head->destination, offset + 1, offset + shown) + body;
  if (offset + shown < total) text += "\n" + ctx.T(Msg::kDigestPageMore, *id, offset + shown + 1);
  Reply page = Reply::Ok(ctx.lang, text);
  page.whole = true;  // queued behind a spent budget, it must not become a first line in the next digest
  return page;
}

}  // namespace

Status RegisterDigestCommand(CommandRegistry& registry) {
  CommandSpec spec;
  spec.id = "digest";
  spec.name = "digest";
  spec.aliases = {"摘要"};
  spec.args = {{ArgKind::kText, "id [from]", true, {}}};
  spec.role = Role::kMember;
  spec.summary = Msg::kSumDigest;
  spec.examples = {"digest 123", "digest 123 41", "摘要 123"};
  spec.handler = ShowDigest;
  return registry.Add(std::move(spec));
}

}  // namespace opsbot
