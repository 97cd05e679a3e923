// A platform-neutral Reply as Slack mrkdwn message texts (shared/protocols.md §1.5).
//
// - `&`, `<` and `>` are escaped as `&amp; &lt; &gt;`, and nothing else is.
// - "@key" for each person key in reply.mention becomes `<@U…>` when slack_id_of(key) gives a Slack user id
//   (letters and digits, at most 32); otherwise it stays "@key". A mention is "@key" not preceded by an
//   ASCII letter, digit or '_' (so an e-mail address is not one) and not followed by one, nor by '_' or
//   '-' (nor by a non-ASCII character, when the key ends in one); the longest matching key wins.
// - Text longer than `max_chars` is split into several messages at line boundaries; a single line longer
//   than that at its last space that fits, else between characters — never inside a UTF-8 sequence, an
//   entity or a mention. Lengths count UTF-16 units of the escaped text (what Slack counts, conservatively:
//   an emoji is 2). Parts are trimmed of blank lines at their ends; blank parts are dropped. Bytes that are
//   not UTF-8 become U+FFFD, so every part is valid UTF-8.
//
// Pure functions; thread-safe when slack_id_of is (it is called at most once per key per call).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "bot/reply.h"

namespace opsbot {

// A person key → their Slack user id ("U…"), or "" when they have none.
using SlackIdOf = std::function<std::string(const std::string& person_key)>;

// The default size of one message: Slack's limit for a section block's text, and below the 4,000 that
// chat.postMessage recommends for `text` (it truncates at 40,000).
constexpr std::size_t kSlackMessageChars = 3000;
constexpr std::size_t kSlackTextLimit = 40000;
constexpr std::size_t kSlackMinMessageChars = 64;

// The message texts for `reply`, in order; empty when the text is blank. `max_chars` is clamped to
// [kSlackMinMessageChars, kSlackTextLimit]. An empty slack_id_of leaves every mention as "@key".
std::vector<std::string> RenderSlackReply(const Reply& reply, const SlackIdOf& slack_id_of,
                                          std::size_t max_chars = kSlackMessageChars);

// The same split on the neutral side: one Reply per message, its text the unrendered piece and its
// mention list the keys that piece names (outcome, lang and command copied). Each piece renders to one
// message given the same slack_id_of and max_chars, so the outbox can store one row per Slack message.
// (The pieces render as the whole did, except after a cut inside a line with no space to cut at that
// falls right beside a "@key" glued to a word — "x|@alice" — where the piece alone pings @alice.)
std::vector<Reply> SplitSlackReply(const Reply& reply, const SlackIdOf& slack_id_of,
                                   std::size_t max_chars = kSlackMessageChars);

}  // namespace opsbot
