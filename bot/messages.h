// The one catalogue of what opsbot says: every message in English and Chinese.
//
// Patterns use fmt's positional fields ({0}, {1}, ...) so the two languages may order them differently.
// messages_test checks that every Msg has both texts with the same fields.
#pragma once

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "bot/lang.h"
#include "bot/role.h"

namespace opsbot {

enum class Msg : int {
  // Router and pipeline
  kEmptyMessage,
  kUnknownCommand,
  kDidYouMean,
  kFamilyCommands,
  kDenied,
  kUsage,
  kExample,
  kArgMissing,
  kArgUnexpected,
  kArgBadTicketId,
  kArgTwice,
  kArgBadPage,
  kStoreError,
  kShuttingDown,
  kRoleAdmin,
  kRoleAgent,
  kRoleMember,
  // help
  kHelpHeader,
  kHelpFooter,
  kHelpAliases,
  kHelpNeeds,
  kHelpExamples,
  kHelpUnknown,
  kSumHelp,
  // tickets: summaries
  kSumTicketNew,
  kSumTicketList,
  kSumTicketShow,
  kSumTicketAssign,
  kSumTicketUnassign,
  kSumTicketAck,
  kSumTicketComment,
  kSumTicketResolve,
  kSumTicketClose,
  kSumTicketReopen,
  kSumTicketPriority,
  kSumTicketEdit,
  kSumTicketTag,
  // tickets: states and fields
  kStateOpen,
  kStateAcked,
  kStateResolved,
  kStateClosed,
  kNobody,
  kNone,
  // tickets: replies
  kTicketCreated,
  kTicketAssignedExplicit,
  kTicketAssignedByRule,
  kTicketUnassignedNew,
  kTicketNotFound,
  kUnknownPerson,
  kTitleTooLong,
  kTicketAssigned,
  kTicketAssignedNotice,
  kTicketAlreadyAssigned,
  kTicketUnassigned,
  kTicketNotAssigned,
  kTicketAcked,
  kTicketCommented,
  kTicketResolved,
  kTicketClosed,
  kTicketReopened,
  kTicketPriority,
  kTicketPrioritySame,
  kTicketEdited,
  kTicketTagged,
  kTicketTagsUnchanged,
  kTicketNoTagChange,
  kTransitionRefused,
  kVerbAck,
  kVerbResolve,
  kVerbClose,
  kVerbReopen,
  kHintReopen,
  kHintResolveFirst,
  kHintAckOrResolve,
  kTicketIsClosed,
  // tickets: list and show
  kListHeader,
  kFilterDefault,
  kShowSla,
  kListEmpty,
  kListNextPage,
  kListPageBeyond,
  kShowTitle,
  kShowState,
  kShowPriority,
  kShowAssignee,
  kShowReporter,
  kShowTags,
  kShowChat,
  kShowCreated,
  kShowHistory,
  // SLA
  kSlaAckDue,
  kSlaAckBreached,
  kSlaAckMet,
  kSlaAckMissed,
  kSlaResolveDue,
  kSlaResolveBreached,
  kSlaResolveMet,
  kSlaResolveMissed,
  // history lines
  kHistNew,
  kHistAssign,
  kHistUnassign,
  kHistAck,
  kHistComment,
  kHistResolve,
  kHistClose,
  kHistReopen,
  kHistPriority,
  kHistEdit,
  kHistTag,
  // durations
  kDurDays,
  kDurHours,
  kDurMinutes,
  kDurSeconds,
  // outbox
  kSumOutbox,
  kSumOutboxRetry,
  kOutboxHeader,
  kOutboxPlatform,
  kOutboxOldest,
  kOutboxEmpty,
  kOutboxDeadHeader,
  kOutboxDeadLine,
  kOutboxDeadMore,
  kOutboxRetryHint,
  kOutboxBadId,
  kOutboxNotFound,
  kOutboxNotDead,
  kOutboxStatePending,
  kOutboxStateDelivered,
  kOutboxRetried,
  kOutboxDeadAnnounce,
  kOutboxByDestination,
  kOutboxNextSend,
  kOutboxDigestHeader,
  kOutboxDigestTopHeader,
  kOutboxDigestMore,
  kOutboxDigestInFull,
  kOutboxBudgets,
  kOutboxBudgetLine,
  kOutboxBudgetBlocked,
  kSumDigest,
  kDigestBadId,
  kDigestNotFound,
  kDigestNotHere,
  kDigestHeader,
  kDigestPageMore,
  // identity
  kSumWhoami,
  kSumBind,
  kSumUnbind,
  kWhoami,
  kWhoamiNew,
  kWhoamiHandle,
  kWhoamiNone,
  kWhoamiHint,
  kPlatformSlack,
  kPlatformDingTalk,
  kPlatformWeCom,
  kBindNotFromChat,
  kBindDirectOnly,
  kBindUnknownPlatform,
  kBindSamePlatform,
  kBindCodeGiven,
  kBindBadCode,
  kBindWrongPlatform,
  kBindBurned,
  kBindDone,
  kBindAlready,
  kBindDeclared,
  kBindRolesDiffer,
  kUnbindDone,
  kUnbindNone,
  kUnbindDeclared,
  kUnbindSpeaking,
  kNotPinged,
  kCount  // not a message
};

// The name of a role ("admin", "管理员").
Msg RoleMsg(Role r);

// The pattern for `id` in `lang`.
std::string_view Pattern(Lang lang, Msg id);

namespace detail {

// One field of a message as text: a string as it is, an integer in decimal (what fmt writes for both).
class FieldText {
 public:
  explicit FieldText(std::string_view s) : text_(s) {}
  template <typename I, typename = std::enable_if_t<std::is_integral_v<I>>>
  explicit FieldText(I n)
      : length_(static_cast<int>(std::to_chars(digits_, digits_ + sizeof digits_, n).ptr - digits_)) {}
  std::string_view view() const { return length_ < 0 ? text_ : std::string_view(digits_, length_); }

 private:
  std::string_view text_;
  char digits_[24];
  int length_ = -1;
};

// Fields Tr fills without fmt: strings and integers other than char and bool (which fmt writes its own way).
template <typename A, typename T = std::remove_cvref_t<A>>
constexpr bool kSimpleField = std::is_convertible_v<const T&, std::string_view> ||
                              (std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>);

// `pattern` with each {N} replaced by fields[N]; nullopt when it holds anything else (a brace escaped, a
// format spec, a field past the end), which is left to fmt. A tenth of fmt's cost on a page of `ticket list`.
std::optional<std::string> Substitute(std::string_view pattern, const std::string_view* fields,
                                      std::size_t count);
// The same, appended to `out`; false, with `out` as it was, where Substitute gives nullopt.
bool SubstituteInto(std::string& out, std::string_view pattern, const std::string_view* fields,
                    std::size_t count);

// Views of the fields Tr fills without fmt, alive while `texts` is.
template <std::size_t N>
std::array<std::string_view, N> FieldViews(const FieldText (&texts)[N]) {
  std::array<std::string_view, N> views;
  for (std::size_t i = 0; i < N; ++i)
    views[i] = texts[i].view();
  return views;
}

}  // namespace detail

// The message `id` in `lang` with its fields filled. A field the pattern lacks is ignored.
template <typename... A>
std::string Tr(Lang lang, Msg id, A&&... args) {
  std::string_view p = Pattern(lang, id);
  if constexpr (sizeof...(A) == 0) {
    return std::string(p);
  } else {
    if constexpr ((detail::kSimpleField<A> && ...)) {
      const detail::FieldText texts[] = {detail::FieldText(args)...};
      if (auto out = detail::Substitute(p, detail::FieldViews(texts).data(), sizeof...(A)))
        return std::move(*out);
    }
    try {
      return fmt::format(fmt::runtime(p), std::forward<A>(args)...);
    } catch (const fmt::format_error&) {
      return std::string(p);
    }
  }
}

// Tr(lang, id, args...) appended to `out`, without a string of its own where the fields are simple: for text
// made of many messages, like a page of tickets. No field may view `out` itself (an append may move it).
template <typename... A>
void AppendTr(std::string& out, Lang lang, Msg id, A&&... args) {
  if constexpr (sizeof...(A) > 0 && (detail::kSimpleField<A> && ...)) {
    const detail::FieldText texts[] = {detail::FieldText(args)...};
    if (detail::SubstituteInto(out, Pattern(lang, id), detail::FieldViews(texts).data(), sizeof...(A)))
      return;
  }
  out += Tr(lang, id, std::forward<A>(args)...);
}

}  // namespace opsbot
