#include "bot/messages.h"

#include <array>
#include <cstring>

namespace opsbot {
namespace {

struct Entry {
  Msg id;
  const char* en;
  const char* zh;
};

// Keep in the order of the Msg enum; messages_test checks order, completeness and fields.
constexpr Entry kCatalogue[] = {
    {Msg::kEmptyMessage, "Say 'help' to see what I can do.", "输入「帮助」查看我能做什么。"},
    {Msg::kUnknownCommand, "Unknown command '{0}'.", "未知命令「{0}」。"},
    {Msg::kDidYouMean, "Did you mean '{0}'?", "您是不是想输入「{0}」？"},
    {Msg::kFamilyCommands, "'{0}' commands: {1}. Type 'help {0}' for more.",
     "「{0}」相关命令：{1}。输入「帮助 {0}」了解更多。"},
    {Msg::kDenied, "You may not run '{0}': it needs the {1} role, and you are a {2}.",
     "您无权执行「{0}」：需要{1}角色，您的角色是{2}。"},
    {Msg::kUsage, "Usage: {0}", "用法：{0}"},
    {Msg::kExample, "Example: {0}", "示例：{0}"},
    {Msg::kArgMissing, "Missing {0}.", "缺少{0}。"},
    {Msg::kArgUnexpected, "Unexpected '{0}'.", "无法识别的参数「{0}」。"},
    {Msg::kArgBadTicketId, "'{0}' is not a ticket id (like T-12).", "「{0}」不是工单编号（例如 T-12）。"},
    {Msg::kArgTwice, "{0} is given more than once.", "{0}只能指定一次。"},
    {Msg::kArgBadPage, "'{0}' is not a page number.", "「{0}」不是有效的页码。"},
    {Msg::kStoreError, "Sorry, that failed inside opsbot and nothing was changed. The error is logged.",
     "抱歉，opsbot 内部出错，未做任何更改，错误已记录。"},
    {Msg::kShuttingDown, "opsbot is shutting down, so nothing was changed. Try again in a moment.",
     "opsbot 正在停止，未做任何更改，请稍后重试。"},
    {Msg::kRoleAdmin, "admin", "管理员"},
    {Msg::kRoleAgent, "agent", "处理人"},
    {Msg::kRoleMember, "member", "成员"},
    {Msg::kHelpHeader, "Commands you can run (as {0}):", "您可以使用的命令（角色：{0}）："},
    {Msg::kHelpFooter, "Type 'help <command>' for details, e.g. 'help ticket new'.",
     "输入「帮助 <命令>」查看详情，例如「帮助 建单」。"},
    {Msg::kHelpAliases, "Also: {0}", "别名：{0}"},
    {Msg::kHelpNeeds, "Needs the {0} role.", "需要{0}角色。"},
    {Msg::kHelpExamples, "Examples:", "示例："},
    {Msg::kHelpUnknown, "No command '{0}' that you can run. Type 'help' for the list.",
     "没有您可以使用的命令「{0}」。输入「帮助」查看列表。"},
    {Msg::kSumHelp, "Show the commands you can run, or how to use one.", "查看可用命令，或某个命令的用法。"},
    {Msg::kSumTicketNew, "Open a ticket.", "新建工单。"},
    {Msg::kSumTicketList, "List tickets (default: not closed, newest first).",
     "列出工单（默认：未关闭，最新在前）。"},
    {Msg::kSumTicketShow, "Show a ticket with its SLA and history.", "查看工单详情、SLA 与历史。"},
    {Msg::kSumTicketAssign, "Assign a ticket to someone.", "指派工单给某人。"},
    {Msg::kSumTicketUnassign, "Remove a ticket's assignee.", "取消工单的指派。"},
    {Msg::kSumTicketAck, "Acknowledge a ticket: you are on it.", "受理工单：表示您正在处理。"},
    {Msg::kSumTicketComment, "Add a comment to a ticket.", "给工单添加备注。"},
    {Msg::kSumTicketResolve, "Resolve a ticket (stops its SLA clocks).", "解决工单（停止 SLA 计时）。"},
    {Msg::kSumTicketClose, "Close a resolved ticket.", "关闭已解决的工单。"},
    {Msg::kSumTicketReopen, "Reopen a resolved or closed ticket.", "重新打开已解决或已关闭的工单。"},
    {Msg::kSumTicketPriority, "Change a ticket's priority.", "修改工单优先级。"},
    {Msg::kSumTicketEdit, "Change a ticket's title.", "修改工单标题。"},
    {Msg::kSumTicketTag, "Add (#tag) or remove (-#tag) tags.", "添加（#标签）或移除（-#标签）标签。"},
    {Msg::kStateOpen, "open", "待受理"},
    {Msg::kStateAcked, "acked", "处理中"},
    {Msg::kStateResolved, "resolved", "已解决"},
    {Msg::kStateClosed, "closed", "已关闭"},
    {Msg::kNobody, "nobody", "无人"},
    {Msg::kNone, "none", "无"},
    {Msg::kTicketCreated, "Created T-{0} [P{1}]: {2}", "已创建工单 T-{0} [P{1}]：{2}"},
    {Msg::kTicketAssignedExplicit, "Assigned to @{0}.", "已指派给 @{0}。"},
    {Msg::kTicketAssignedByRule, "Assigned to @{0} by rule ({1}).", "按规则（{1}）指派给 @{0}。"},
    {Msg::kTicketUnassignedNew, "Not assigned yet: an agent can take it with 'ticket ack T-{0}'.",
     "尚未指派：处理人可发送「接单 T-{0}」受理。"},
    {Msg::kTicketNotFound, "T-{0} does not exist.", "工单 T-{0} 不存在。"},
    {Msg::kUnknownPerson, "I don't know @{0}.", "找不到用户 @{0}。"},
    {Msg::kTitleTooLong, "The title is too long ({0} characters; at most {1}).",
     "标题过长（{0} 字，最多 {1} 字）。"},
    {Msg::kTicketAssigned, "T-{0} is now assigned to @{1}.", "T-{0} 已指派给 @{1}。"},
    {Msg::kTicketAssignedNotice, "@{2}: T-{0} \"{1}\" is yours now (assigned by @{3}).",
     "@{2}：工单 T-{0}「{1}」已指派给你（由 @{3} 指派）。"},
    {Msg::kTicketAlreadyAssigned, "T-{0} is already assigned to @{1}.", "T-{0} 已经指派给 @{1}。"},
    {Msg::kTicketUnassigned, "T-{0} is no longer assigned to @{1}.", "T-{0} 已取消指派给 @{1}。"},
    {Msg::kTicketNotAssigned, "T-{0} is not assigned to anyone.", "T-{0} 当前未指派给任何人。"},
    {Msg::kTicketAcked, "T-{0} acked by @{1}.", "T-{0} 已由 @{1} 受理。"},
    {Msg::kTicketCommented, "Comment added to T-{0}.", "已给 T-{0} 添加备注。"},
    {Msg::kTicketResolved, "T-{0} resolved.", "T-{0} 已解决。"},
    {Msg::kTicketClosed, "T-{0} closed.", "T-{0} 已关闭。"},
    {Msg::kTicketReopened, "T-{0} reopened.", "T-{0} 已重新打开。"},
    {Msg::kTicketPriority, "T-{0} priority: P{1} → P{2}.", "T-{0} 优先级：P{1} → P{2}。"},
    {Msg::kTicketPrioritySame, "T-{0} is already P{1}.", "T-{0} 已经是 P{1}。"},
    {Msg::kTicketEdited, "T-{0} title: {1}", "T-{0} 标题已改为：{1}"},
    {Msg::kTicketTagged, "T-{0} tags: {1}", "T-{0} 标签：{1}"},
    {Msg::kTicketTagsUnchanged, "T-{0} tags unchanged: {1}", "T-{0} 标签未变：{1}"},
    {Msg::kTicketNoTagChange, "Say which tags to add (#tag) or remove (-#tag).",
     "请指定要添加（#标签）或移除（-#标签）的标签。"},
    {Msg::kTransitionRefused, "T-{0} is {1}: it cannot be {2}.", "T-{0} 当前为「{1}」，不能{2}。"},
    {Msg::kVerbAck, "acked", "受理"},
    {Msg::kVerbResolve, "resolved", "解决"},
    {Msg::kVerbClose, "closed", "关闭"},
    {Msg::kVerbReopen, "reopened", "重新打开"},
    {Msg::kHintReopen, "Reopen it first: ticket reopen T-{0}", "请先重新打开：重开 T-{0}"},
    {Msg::kHintResolveFirst, "Resolve it first: ticket resolve T-{0}", "请先解决：解决 T-{0}"},
    {Msg::kHintAckOrResolve, "It is still being worked on.", "工单仍在处理中。"},
    {Msg::kTicketIsClosed, "T-{0} is closed. Reopen it first: ticket reopen T-{0}",
     "T-{0} 已关闭，请先重新打开：重开 T-{0}"},
    {Msg::kListHeader, "Tickets ({1}): {0}, page {2} of {3}", "工单（{1}）：共 {0} 个，第 {2}/{3} 页"},
    {Msg::kFilterDefault, "not closed", "未关闭"},
    {Msg::kShowSla, "SLA: {0}", "SLA：{0}"},
    {Msg::kListEmpty, "No tickets match ({0}).", "没有符合条件的工单（{0}）。"},
    {Msg::kListNextPage, "Next page: {0}", "下一页：{0}"},
    {Msg::kListPageBeyond, "There is no page {0}: {1} tickets make {2} pages.",
     "没有第 {0} 页：共 {1} 个工单，{2} 页。"},
    {Msg::kShowTitle, "T-{0} [P{1}] {2}", "T-{0} [P{1}] {2}"},
    {Msg::kShowState, "State: {0}", "状态：{0}"},
    {Msg::kShowPriority, "Priority: P{0}", "优先级：P{0}"},
    {Msg::kShowAssignee, "Assignee: {0}", "处理人：{0}"},
    {Msg::kShowReporter, "Reporter: @{0}", "报告人：@{0}"},
    {Msg::kShowTags, "Tags: {0}", "标签：{0}"},
    {Msg::kShowChat, "Chat: {0}", "群聊：{0}"},
    {Msg::kShowCreated, "Opened: {0}", "创建时间：{0}"},
    {Msg::kShowHistory, "History:", "历史："},
    {Msg::kSlaAckDue, "ack due in {0}", "受理剩余 {0}"},
    {Msg::kSlaAckBreached, "ack SLA breached {0} ago", "受理已超时 {0}"},
    {Msg::kSlaAckMet, "acked in {0}", "用时 {0} 受理"},
    {Msg::kSlaAckMissed, "acked in {0}, {1} late", "用时 {0} 受理，超时 {1}"},
    {Msg::kSlaResolveDue, "resolve due in {0}", "解决剩余 {0}"},
    {Msg::kSlaResolveBreached, "resolve SLA breached {0} ago", "解决已超时 {0}"},
    {Msg::kSlaResolveMet, "resolved within SLA", "在 SLA 内解决"},
    {Msg::kSlaResolveMissed, "resolved {0} late", "解决超时 {0}"},
    {Msg::kHistNew, "{0} @{1} opened it: {2}", "{0} @{1} 创建：{2}"},
    {Msg::kHistAssign, "{0} @{1} assigned it to @{2}", "{0} @{1} 指派给 @{2}"},
    {Msg::kHistUnassign, "{0} @{1} unassigned @{2}", "{0} @{1} 取消指派 @{2}"},
    {Msg::kHistAck, "{0} @{1} acked it", "{0} @{1} 受理"},
    {Msg::kHistComment, "{0} @{1}: {2}", "{0} @{1}：{2}"},
    {Msg::kHistResolve, "{0} @{1} resolved it{2}", "{0} @{1} 解决{2}"},
    {Msg::kHistClose, "{0} @{1} closed it{2}", "{0} @{1} 关闭{2}"},
    {Msg::kHistReopen, "{0} @{1} reopened it{2}", "{0} @{1} 重新打开{2}"},
    {Msg::kHistPriority, "{0} @{1} changed priority P{2} → P{3}", "{0} @{1} 修改优先级 P{2} → P{3}"},
    {Msg::kHistEdit, "{0} @{1} changed the title to: {2}", "{0} @{1} 修改标题为：{2}"},
    {Msg::kHistTag, "{0} @{1} set tags: {2}", "{0} @{1} 设置标签：{2}"},
    {Msg::kDurDays, "{0}d", "{0}天"},
    {Msg::kDurHours, "{0}h", "{0}小时"},
    {Msg::kDurMinutes, "{0}m", "{0}分钟"},
    {Msg::kDurSeconds, "{0}s", "{0}秒"},
    {Msg::kSumOutbox, "Show the outbox: pending and dead messages per platform.",
     "查看发件箱：各平台待发送和发送失败的消息。"},
    {Msg::kSumOutboxRetry, "Send a dead outbox message again.", "重新发送一条发送失败的消息。"},
    {Msg::kOutboxHeader, "Outbox:", "发件箱："},
    {Msg::kOutboxPlatform, "{0}: {1} pending, {2} dead", "{0}：待发送 {1} 条，发送失败 {2} 条"},
    {Msg::kOutboxOldest, "oldest waiting {0}", "最早一条已等待 {0}"},
    {Msg::kOutboxEmpty, "The outbox is empty: nothing pending, nothing dead.",
     "发件箱为空：没有待发送或发送失败的消息。"},
    {Msg::kOutboxDeadHeader, "Dead messages (newest first):", "发送失败的消息（最新在前）："},
    {Msg::kOutboxDeadLine, "#{0} → {1} · attempts: {2} · {3} · {4}",
     "#{0} → {1} · 已尝试 {2} 次 · {3} · {4}"},
    {Msg::kOutboxDeadMore, "… and {0} more.", "……另有 {0} 条。"},
    {Msg::kOutboxRetryHint, "Send one again with 'outbox retry <id>'.", "输入「重发 <编号>」重新发送。"},
    {Msg::kOutboxBadId, "'{0}' is not an outbox message id (like 12).", "「{0}」不是消息编号（例如 12）。"},
    {Msg::kOutboxNotFound, "There is no outbox message #{0}.", "没有编号为 #{0} 的消息。"},
    {Msg::kOutboxNotDead, "Outbox message #{0} is {1}, not dead: there is nothing to retry.",
     "消息 #{0} {1}，并未发送失败，无需重发。"},
    {Msg::kOutboxStatePending, "pending", "正在等待发送"},
    {Msg::kOutboxStateDelivered, "delivered", "已送达"},
    {Msg::kOutboxRetried, "Outbox message #{0} to {1} is queued to be sent again.",
     "消息 #{0}（发往 {1}）已重新排队发送。"},
    {Msg::kOutboxDeadAnnounce,
     "opsbot could not deliver message #{0} to {1} after {2} attempts ({3}): {4}\n"
     "Send it again with 'outbox retry {0}'.",
     "opsbot 向 {1} 发送消息 #{0} 失败，已尝试 {2} 次（{3}）：{4}\n输入「重发 {0}」可重新发送。"},
    {Msg::kOutboxByDestination,
     "By destination (the most pending first):", "按发送目标（待发送最多的在前）："},
    {Msg::kOutboxNextSend, "may send again in {0}", "{0}后可再发送"},
    {Msg::kOutboxDigestHeader, "{0} messages, in order (they queued behind the chat's rate limit):",
     "{0} 条消息，按顺序（因群消息频率限制而合并）："},
    {Msg::kOutboxDigestTopHeader,
     "{0} messages queued behind the chat's rate limit; the first lines of {1} of them, in order:",
     "{0} 条消息因群消息频率限制而合并；按顺序列出其中 {1} 条的首行："},
    {Msg::kOutboxDigestMore, "…and {0} more: say `digest {1}` to see every message.",
     "……另有 {0} 条：发送 `摘要 {1}` 查看全部消息。"},
    {Msg::kOutboxDigestInFull, "Say `digest {0}` to see each message in full.",
     "发送 `摘要 {0}` 查看每条消息的全文。"},
    {Msg::kOutboxBudgets, "Send budgets (per robot, app and channel):", "发送额度（按机器人、应用和频道）："},
    {Msg::kOutboxBudgetLine, "{0} ({1}): {2} of {3} left, limit {4} per {5}",
     "{0}（{1}）：剩余 {2}/{3}，限额每 {5} {4} 条"},
    {Msg::kOutboxBudgetBlocked, "blocked for {0} ({1})", "暂停 {0}（{1}）"},
    {Msg::kSumDigest, "Show every message a digest carried.", "查看一条合并消息所包含的全部消息。"},
    {Msg::kDigestBadId, "Say which digest, e.g. `digest 123` (the number is in the digest's last line).",
     "请指明合并消息编号，例如 `摘要 123`（编号在合并消息的最后一行）。"},
    {Msg::kDigestNotFound,
     "There is no digest #{0} (digests are kept as long as delivered messages: outbox.retention).",
     "没有编号为 {0} 的合并消息（合并消息的保留时间与已发送消息相同：outbox.retention）。"},
    {Msg::kDigestNotHere, "Digest #{0} went to another chat: ask there, or ask an admin.",
     "合并消息 {0} 发往另一个群：请在那里查看，或请管理员查看。"},
    {Msg::kDigestHeader, "Digest #{0} carried {1} messages to {2}; {3}–{4}:",
     "合并消息 {0} 共包含发往 {2} 的 {1} 条消息；第 {3}–{4} 条："},
    {Msg::kDigestPageMore, "More: `digest {0} {1}`.", "更多：`摘要 {0} {1}`。"},
    {Msg::kSumWhoami, "Show how opsbot knows you on each platform.", "查看 opsbot 在各平台上如何识别你。"},
    {Msg::kSumBind,
     "Link your account on another platform: 'bind <slack|dingtalk|wecom>' in a direct message, then say the "
     "code there.",
     "绑定你在另一平台的账号：在私聊中发送「绑定 <slack|dingtalk|wecom>」，再到该平台私聊说出验证码。"},
    {Msg::kSumUnbind, "Unlink your account on a platform.", "解除你在某个平台的账号绑定。"},
    {Msg::kWhoami, "You are @{0} ({1}), {2}.", "你是 @{0}（{1}），角色：{2}。"},
    {Msg::kWhoamiNew, "You are new here: a member, @{0} from your first change on.",
     "你是新用户：成员，首次操作后名为 @{0}。"},
    {Msg::kWhoamiHandle, "{0}: {1}", "{0}：{1}"},
    {Msg::kWhoamiNone, "not linked", "未绑定"},
    {Msg::kWhoamiHint, "Link another account with 'bind <platform>' in a direct message.",
     "在私聊中发送「绑定 <平台>」可绑定其他平台的账号。"},
    {Msg::kPlatformSlack, "Slack", "Slack"},
    {Msg::kPlatformDingTalk, "DingTalk", "钉钉"},
    {Msg::kPlatformWeCom, "WeCom", "企业微信"},
    {Msg::kBindNotFromChat, "Accounts are linked from a chat platform: Slack, DingTalk or WeCom.",
     "只能在聊天平台（Slack、钉钉或企业微信）上绑定账号。"},
    {Msg::kBindDirectOnly, "Say 'bind' to opsbot in a direct message, not in a group.",
     "请在与 opsbot 的私聊中发送「绑定」，不要在群里发送。"},
    {Msg::kBindUnknownPlatform, "'{0}' is neither a platform (slack, dingtalk, wecom) nor a six-digit code.",
     "「{0}」既不是平台（slack、dingtalk、wecom），也不是六位验证码。"},
    {Msg::kBindSamePlatform, "You are on {0} already: ask for a code for another platform.",
     "你已经在{0}上：请为另一个平台申请验证码。"},
    {Msg::kBindCodeGiven,
     "Your code is {0}. Within {1}, say 'bind {0}' to opsbot in a direct message on {2}. It works once.",
     "你的验证码是 {0}。请在 {1}内到{2}私聊 opsbot 发送「绑定 {0}」。验证码只能使用一次。"},
    {Msg::kBindBadCode,
     "There is no such code, or it expired or was used. Ask for a new one with 'bind <platform>'.",
     "验证码不存在、已过期或已使用。请发送「绑定 <平台>」重新获取。"},
    {Msg::kBindWrongPlatform, "That code is for {0}: say it to opsbot in a direct message there.",
     "该验证码需在{0}上使用：请到{0}私聊 opsbot 发送。"},
    {Msg::kBindBurned,
     "That code was said in a group, so it is no longer secret and no longer works. Ask for a new one in a "
     "direct message.",
     "验证码已在群里公开，已作废。请在私聊中重新获取。"},
    {Msg::kBindDone, "Linked: your {0} account {1} is now @{2}.", "绑定成功：你的{0}账号 {1} 现在是 @{2}。"},
    {Msg::kBindAlready, "Your {0} account {1} is @{2} already.", "你的{0}账号 {1} 已经是 @{2}。"},
    {Msg::kBindDeclared,
     "The {0} account {1} is declared in the config for @{2}: ask an admin to change the config.",
     "{0}账号 {1} 已在配置中指定给 @{2}：请联系管理员修改配置。"},
    {Msg::kBindRolesDiffer,
     "@{0} ({1}) and @{2} ({3}) are both declared in the config, with different roles: ask an admin to merge "
     "them there.",
     "@{0}（{1}）和 @{2}（{3}）都在配置中声明且角色不同：请联系管理员在配置中合并。"},
    {Msg::kUnbindDone, "Unlinked your {0} account {1}.", "已解除你的{0}账号 {1} 的绑定。"},
    {Msg::kUnbindNone, "You have no {0} account linked.", "你没有绑定{0}账号。"},
    {Msg::kUnbindDeclared, "Your {0} account is declared in the config: ask an admin to change it there.",
     "你的{0}账号在配置中指定：请联系管理员修改配置。"},
    {Msg::kUnbindSpeaking, "You are speaking from your {0} account: unlink it from another platform.",
     "你正在使用{0}账号发言：请在其他平台上解除它的绑定。"},
    {Msg::kNotPinged,
     "@{0} was named but not pinged: opsbot knows no {1} account of theirs (they can link one with 'bind "
     "{2}').",
     "@{0} 未被提醒：opsbot 不知道其{1}账号（本人可发送「绑定 {2}」绑定）。"},
};

static_assert(std::size(kCatalogue) == static_cast<std::size_t>(Msg::kCount),
              "every Msg needs exactly one catalogue entry");

}  // namespace

Msg RoleMsg(Role r) {
  switch (r) {
    case Role::kAdmin:
      return Msg::kRoleAdmin;
    case Role::kAgent:
      return Msg::kRoleAgent;
    case Role::kMember:
      return Msg::kRoleMember;
  }
  return Msg::kRoleMember;
}

namespace detail {

bool SubstituteInto(std::string& out, std::string_view pattern, const std::string_view* fields,
                    std::size_t count) {
  const std::size_t start = out.size();
  auto fail = [&out, start] {
    out.resize(start);
    return false;
  };
  const char* p = pattern.data();
  const std::size_t n = pattern.size();
  std::size_t i = 0;
  while (i < n) {
    const void* brace = std::memchr(p + i, '{', n - i);
    std::size_t open = brace ? static_cast<std::size_t>(static_cast<const char*>(brace) - p) : n;
    if (std::memchr(p + i, '}', open - i)) return fail();  // a lone '}' (fmt's "}}" included)
    out.append(p + i, open - i);
    if (open == n) break;
    std::size_t field = 0, k = open + 1;
    while (k < n && k < open + 4 && p[k] >= '0' && p[k] <= '9')
      field = field * 10 + static_cast<std::size_t>(p[k++] - '0');
    if (k == open + 1 || k >= n || p[k] != '}' || field >= count) return fail();
    out.append(fields[field]);
    i = k + 1;
  }
  return true;
}

std::optional<std::string> Substitute(std::string_view pattern, const std::string_view* fields,
                                      std::size_t count) {
  std::string out;
  out.reserve(pattern.size() + 32);
  if (!SubstituteInto(out, pattern, fields, count)) return std::nullopt;
  return out;
}

}  // namespace detail

std::string_view Pattern(Lang lang, Msg id) {
  auto i = static_cast<std::size_t>(id);
  if (i >= std::size(kCatalogue) || kCatalogue[i].id != id) return "?";
  return lang == Lang::kZh ? kCatalogue[i].zh : kCatalogue[i].en;
}

}  // namespace opsbot
