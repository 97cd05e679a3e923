#include "bot/router.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "bot/arg_parser.h"
#include "bot/directory.h"
#include "bot/outbound.h"
#include "bot/text.h"
#include "store/dedupe_repo.h"
#include "store/outbox_repo.h"
#include "store/person_repo.h"
#include "store/read_pool.h"
#include "store/writer.h"

namespace opsbot {
namespace {

Reply FailureReply(Lang lang, const Status& s) {
  return Reply::Error(lang,
                      Tr(lang, s.code() == StatusCode::kUnavailable ? Msg::kShuttingDown : Msg::kStoreError));
}

// Inserts the request's dedupe key; false when it was there already (a redelivery or a replay).
bool FirstTime(store::Connection& conn, const InboundMessage& msg, EpochMillis now) {
  return msg.dedupe_key.empty() || store::DedupeRepo(conn).Insert(msg.dedupe_key, now);
}

// Whether msg.one_use_key is free (it is then recorded) or already carried this very request.
bool OneUseKeyFits(store::Connection& conn, const InboundMessage& msg, EpochMillis now) {
  return msg.one_use_key.empty() || store::DedupeRepo(conn).ClaimFor(msg.one_use_key, msg.dedupe_key, now) !=
                                        store::DedupeRepo::Claim::kOtherHolder;
}

// For a reply going to `platform`: one line per mentioned person who has no account there, saying they were
// named but not pinged, and how they can fix it. Empty when everyone can be pinged.
std::string NotPingedNote(store::Connection& conn, const std::string& platform, const Reply& reply) {
  std::string store::PersonRow::*handle = platform == "slack"      ? &store::PersonRow::slack_user_id
                                          : platform == "dingtalk" ? &store::PersonRow::dingtalk_staff_id
                                          : platform == "wecom"    ? &store::PersonRow::wecom_userid
                                                                   : nullptr;
  if (!handle) return "";
  Msg name = platform == "slack"      ? Msg::kPlatformSlack
             : platform == "dingtalk" ? Msg::kPlatformDingTalk
                                      : Msg::kPlatformWeCom;
  std::string note;
  store::PersonRepo people(conn);
  for (const std::string& key : reply.mention) {
    auto p = people.ByKey(key);
    if (p && ((*p).*handle).empty())
      note += "\n" + Tr(reply.lang, Msg::kNotPinged, p->key, Tr(reply.lang, name), platform);
  }
  return note;
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
  std::optional<CommandRegistry::Match> match = d_.registry.Find(tokens);
  if (match) command_id = match->spec->id;
  Lang lang = msg.platform_language.value_or(config->language);  // until the pipeline knows better

  // A read: one read transaction, from resolving the caller to the reply.
  const bool recorded = !msg.dedupe_key.empty() || msg.reply_via_outbox;
  if (!recorded && !(match && match->spec->mutates)) {
    auto r = d_.reads.Run<Reply>([&](store::Connection& conn) -> Result<Reply> {
      return Answer(msg, tokens, match, *config, conn, lang);
    });
    return r.ok() ? std::move(r).value() : FailureReply(lang, r.status());
  }

  // Everything else is one piece of the Writer's batch: the dedupe key, the command in a savepoint of
  // its own (a refusal rolls its changes back, while the key and the queued reply still commit) and the
  // reply queued for the platform. The reply is returned only after the batch committed. The job owns
  // copies of what the work reads, since a caller with a deadline may stop waiting before it runs.
  auto job = std::make_shared<WriteJob>();
  job->msg = msg;
  job->tokens = std::move(tokens);
  job->match = std::move(match);
  job->config = config;
  job->lang = lang;
  std::future<Reply> result = job->reply.get_future();
  d_.writer.Submit([this, job](store::Connection& conn) { return RunWriteJob(*job, conn); },
                   [this, job](const Status& s) { FinishWriteJob(*job, s); });
  if (msg.answer_within_ms > 0 &&
      result.wait_for(std::chrono::milliseconds(msg.answer_within_ms)) == std::future_status::timeout) {
    int waiting = WriteJob::kWaiting;
    if (job->state.compare_exchange_strong(waiting, WriteJob::kLate)) {
      spdlog::warn("command={} not committed within {} ms: its reply goes through the outbox", command_id,
                   msg.answer_within_ms);
      return Reply{Outcome::kLate, lang, "", {}, command_id, {}};
    }
  }
  return result.get();
}

Status Router::RunWriteJob(WriteJob& job, store::Connection& conn) const {
  const InboundMessage& msg = job.msg;
  const EpochMillis now = d_.clock.NowMillis();
  if (!OneUseKeyFits(conn, msg, now)) {
    job.replayed = true;
    return Status::Ok();
  }
  if (!FirstTime(conn, msg, now)) {
    job.duplicate = true;
    return Status::Ok();
  }
  conn.Step("SAVEPOINT command");
  job.answer = Answer(msg, job.tokens, job.match, *job.config, conn, job.lang);
  if (job.match) job.answer->command = job.match->spec->id;  // kept in a queued reply's stored payload too
  if (job.answer->outcome != Outcome::kOk) conn.Step("ROLLBACK TO command");
  conn.Step("RELEASE command");
  // Decided here, inside the transaction: the reply goes back to a caller still waiting, or else into the
  // outbox with the change. After this point the caller no longer gives up.
  int waiting = WriteJob::kWaiting;
  job.late = !job.state.compare_exchange_strong(waiting, WriteJob::kAnswering);
  if (msg.reply_via_outbox || job.late) EnqueueReply(conn, msg, *job.answer, now);
  if (job.answer->outcome == Outcome::kOk)
    for (const Notice& notice : job.answer->notices)
      EnqueueNotice(conn, notice, now);
  return Status::Ok();
}

void Router::FinishWriteJob(WriteJob& job, const Status& committed) const {
  const InboundMessage& msg = job.msg;
  Reply reply;
  if (!committed.ok()) {
    reply = FailureReply(job.lang, committed);
    int waiting = WriteJob::kWaiting;
    if (!job.state.compare_exchange_strong(waiting, WriteJob::kAnswering) && waiting == WriteJob::kLate)
      spdlog::error("command={} failed after its caller stopped waiting; nothing was changed: {}",
                    job.match ? job.match->spec->id : "-", committed.message());
  } else if (job.duplicate || job.replayed) {
    reply = Reply{job.replayed ? Outcome::kReplayed : Outcome::kDuplicate,
                  job.lang,
                  "",
                  {},
                  job.match ? job.match->spec->id : "",
                  {}};
  } else {
    reply = std::move(*job.answer);
    bool queued =
        msg.reply_via_outbox || job.late || (reply.outcome == Outcome::kOk && !reply.notices.empty());
    if (queued && d_.on_enqueued) d_.on_enqueued();
  }
  job.reply.set_value(std::move(reply));
}

Reply Router::Answer(const InboundMessage& msg, const std::vector<std::string>& tokens,
                     const std::optional<CommandRegistry::Match>& match, const Config& config,
                     store::Connection& conn, Lang& lang) const {
  // Who is asking, and where. A store failure throws and fails the whole message: never a guessed role.
  Caller caller = ResolveCaller(conn, msg);
  ChatRef chat = ResolveChat(conn, msg);
  if (!RoleAllows(msg.max_role, caller.role)) caller.role = msg.max_role;

  if (!match) {
    lang = ChooseLang(caller, ContainsCjk(msg.text), chat, msg.platform_language.value_or(config.language));
    if (tokens.empty()) return Reply::Refused(lang, Tr(lang, Msg::kEmptyMessage));
    return Unknown(tokens, caller, lang);
  }
  const CommandSpec& spec = *match->spec;
  lang = ChooseLang(caller, match->chinese_alias, chat, msg.platform_language.value_or(config.language));

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
                                              : config.timezone;
  CommandContext ctx{spec, config, msg, caller, chat, lang, d_.clock.Now(), zone, std::move(args.value())};
  return spec.handler(ctx, conn);
}

void Router::EnqueueReply(store::Connection& conn, const InboundMessage& msg, const Reply& reply,
                          EpochMillis now) const {
  if (reply.text.empty()) return;
  OutboundMessage out;
  out.platform = msg.reply_platform;
  out.destination = msg.reply_platform + ":" + msg.reply_channel;
  out.channel = msg.reply_channel;
  out.thread = msg.reply_thread;
  out.response_url = msg.reply_url;
  out.response_url_expires = msg.reply_url_expires;
  out.reply = reply;
  EnqueueSplit(conn, std::move(out), now);
}

void Router::EnqueueNotice(store::Connection& conn, const Notice& notice, EpochMillis now) const {
  OutboundMessage out;
  out.platform = notice.platform;
  out.channel = notice.channel;
  out.destination = notice.platform + ":" + notice.channel;
  out.reply = Reply::Ok(notice.lang, notice.text);
  out.reply.mention = notice.mention;
  EnqueueSplit(conn, std::move(out), now);
}

void Router::EnqueueSplit(store::Connection& conn, OutboundMessage out, EpochMillis now) const {
  out.reply.notices.clear();
  out.reply.text += NotPingedNote(conn, out.platform, out.reply);
  std::vector<Reply> pieces = d_.split ? d_.split(out, out.reply) : std::vector<Reply>{out.reply};
  store::OutboxRepo repo(conn);
  for (const Reply& piece : pieces) {
    out.reply = piece;
    repo.Enqueue(out.destination, out.platform, out.ToJson(), now);
  }
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
      if (tokens.size() >= 2 &&
          EditDistance(tokens[1], word) <= std::min<std::size_t>(2, Utf8Length(word) - 1))
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
