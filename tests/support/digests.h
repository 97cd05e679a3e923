// Digests, seen from outside: for e2e tests that follow numbered messages through an outbox whose heads
// carried the messages queued behind them (bot/outbox_worker.h, MergeQueued), and that check a fake
// platform's view of a send limit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/opsbot_env.h"

namespace opsbot::testing {

// One message that left through the outbox: a delivered row that no digest carried (its head), with the
// rows it carried (itself first, then those whose digest_of names it), in id order.
struct SentHead {
  std::int64_t id = 0;
  std::vector<std::int64_t> rows;
  std::vector<std::string> texts;  // each row's reply text, in the same order
};

// The delivered heads to `destination`, in id order (the order they were sent: a destination has one head).
std::vector<SentHead> DeliveredHeads(const OpsbotEnv& env, const std::string& destination);

// The numbers of `pattern`'s first group in `texts`, in order.
std::vector<long> Numbers(const std::vector<std::string>& texts, const std::string& pattern);

// The most of `times_ms` inside one window [t, t + window_ms) — what a platform enforcing "count per
// window" counts.
int MaxInWindow(std::vector<long long> times_ms, long window_ms);

// Whether `sub` appears in `seq` in order (not necessarily contiguous).
bool IsSubsequence(const std::vector<long>& sub, const std::vector<long>& seq);

}  // namespace opsbot::testing
