// The one catalogue of what opsbot says: every message in English and Chinese.
//
// Patterns use fmt's positional fields ({0}, {1}, ...) so the two languages may order them differently.
// messages_test checks that every Msg has both texts with the same fields.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

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

// The message `id` in `lang` with its fields filled. A field the pattern lacks is ignored.
template <typename... A>
std::string Tr(Lang lang, Msg id, A&&... args) {
  std::string_view p = Pattern(lang, id);
  if constexpr (sizeof...(A) == 0) {
    return std::string(p);
  } else {
    try {
      return fmt::format(fmt::runtime(p), std::forward<A>(args)...);
    } catch (const fmt::format_error&) {
      return std::string(p);
    }
  }
}

}  // namespace opsbot
