// SendBudgets: a token bucket per send lane — each robot, each app and chat, each channel — set to the
// platform's published limit, so that opsbot never sends faster than the platform takes.
//
// A limit reads "count messages per window" (DingTalk and WeCom robots: 20 a minute). A lane's bucket holds
// at most `burst` tokens (a quiet chat gets its first few answers at once) and refills at (count - burst + 1)
// / window; a send takes a token, and the bucket does not refill while the lane has a send in flight (Take ..
// Finish). Together these keep the bound exact whatever the platform's clock and the sends' latency: the
// platform sees at most `count` messages of one lane in any window. (Proof: take the earliest-started send S
// among those the platform saw in a window [a, a+W). At S's start the bucket held at most `burst`; the refill
// is paused while S was in flight, which covers everything before a; so the sends seen in the window took at
// most burst + rate·T tokens with T < W, which is below count + 1.) A lane the platform throttled or that
// keeps failing is blocked until a time (Block, Failed), and the worker routes around it.
//
// The state is a value the OutboxWorker keeps on its runner thread, loads from the store at start and writes
// back (Dirty) in the same transaction as the delivery outcomes, so a restart does not refill a bucket.
// Units: epoch milliseconds. Not thread-safe: one owner.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bot/clock.h"

namespace opsbot {

// "count per window", with the burst a quiet lane may send at once (1 ≤ burst ≤ count).
struct SendLimit {
  int count = 20;
  long window_ms = 60000;
  int burst = 5;

  double Capacity() const;
  double RatePerMs() const;  // (count - capacity + 1) / window
  bool operator==(const SendLimit&) const = default;
};

// The default limits, by name (what SendRoute::limit refers to), from shared/protocols.md.
std::map<std::string, SendLimit> DefaultSendLimits();

// One lane's bucket as stored (table send_budgets).
struct BudgetState {
  std::string key;          // e.g. "dingtalk:robot:1a2b3c4d"
  std::string limit;        // the SendLimit's name, e.g. "dingtalk_robot"
  std::string destination;  // the destination it last carried a message for (for `outbox`)
  double tokens = 0;        // at `at`
  EpochMillis at = 0;       // tokens counted up to here; refill resumes from it
  EpochMillis blocked_until = 0;
  int failures = 0;  // failed sends in a row (not counting "too fast")
  std::string last_error;
};

// The longest a lane is held blocked, however far ahead its stored blocked_until lies.
constexpr EpochMillis kMaxBlockMs = 3600 * 1000;

// An id for a lane keyed by a secret (a robot's webhook key), safe to store and show: 8 hex digits of an
// HMAC of it.
std::string LaneIdOf(std::string_view secret);

class SendBudgets {
 public:
  explicit SendBudgets(std::map<std::string, SendLimit> limits) : limits_(std::move(limits)) {}

  // Replaces the state with stored rows (at start). Times ahead of `now` (a clock that was set wrong when
  // they were stored) are brought back to now, blocks to at most kMaxBlockMs from it.
  void Load(const std::vector<BudgetState>& rows, EpochMillis now);

  // Tokens `key` has at `now` (a lane never used: its full burst). An unknown limit: unlimited.
  double Tokens(const std::string& key, const std::string& limit, EpochMillis now) const;
  // The earliest time ≥ now at which `key` may send: not blocked and at least one token.
  EpochMillis UsableAt(const std::string& key, const std::string& limit, EpochMillis now) const;
  bool Usable(const std::string& key, const std::string& limit, EpochMillis now) const {
    return UsableAt(key, limit, now) <= now;
  }

  // A send on `key` starts at `now`: takes a token. Refill pauses until Finish.
  void Take(const std::string& key, const std::string& limit, const std::string& destination,
            EpochMillis now);
  // The send that Take started ended at `finished`; refill resumes from then.
  void Finish(const std::string& key, EpochMillis finished);
  // The platform said "too fast": no send on `key` before `until`.
  void Block(const std::string& key, EpochMillis until, const std::string& error);
  // A send on `key` failed: failures + 1, blocked until `until`. Returns the new failure count.
  int Failed(const std::string& key, EpochMillis until, const std::string& error);
  // A send on `key` was delivered: failures back to 0.
  void Succeeded(const std::string& key);

  // The lanes changed since the last call, as rows to store.
  std::vector<BudgetState> TakeDirty();
  // Rows TakeDirty gave that could not be stored: given again by the next TakeDirty.
  void MarkDirty(const std::vector<BudgetState>& rows);

  const std::map<std::string, SendLimit>& limits() const { return limits_; }
  // New limits (a reload): each lane keeps its tokens, capped at its new capacity.
  void SetLimits(std::map<std::string, SendLimit> limits);

 private:
  const SendLimit* LimitOf(const std::string& name) const;
  BudgetState& Lane(const std::string& key, const std::string& limit);

  std::map<std::string, SendLimit> limits_;
  std::map<std::string, BudgetState> lanes_;
  std::set<std::string> dirty_;
};

// Tokens of a stored lane at `now` under `limit` (a refill since state.at, capped at the capacity).
double TokensAt(const BudgetState& state, const SendLimit& limit, EpochMillis now);

}  // namespace opsbot
