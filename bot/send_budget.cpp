#include "bot/send_budget.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "bot/crypto.h"

namespace opsbot {

double SendLimit::Capacity() const {
  return static_cast<double>(std::clamp(burst, 1, std::max(1, count)));
}

double SendLimit::RatePerMs() const {
  return (std::max(1, count) - Capacity() + 1.0) / static_cast<double>(std::max(1L, window_ms));
}

std::map<std::string, SendLimit> DefaultSendLimits() {
  return {
      {"slack_channel", {1, 1000, 1}},        // about one message per second per channel
      {"dingtalk_app_chat", {20, 60000, 5}},  // the app robot in one conversation (sessionWebhook, OpenAPI)
      {"dingtalk_robot", {20, 60000, 5}},     // a custom group robot: 20 a minute, then blocked 10 minutes
      {"wecom_robot", {20, 60000, 5}},        // a group robot: 20 a minute
      {"wecom_app_member", {30, 60000, 5}},   // the app to one member: 30 a minute, the excess dropped
  };
}

std::string LaneIdOf(std::string_view secret) {
  auto mac = HmacSha256("opsbot send lane", {secret});
  return mac ? HexLower(DigestBytes(*mac)).substr(0, 8) : "00000000";
}

double TokensAt(const BudgetState& state, const SendLimit& limit, EpochMillis now) {
  if (now <= state.at) return state.tokens;
  return std::min(limit.Capacity(), state.tokens + limit.RatePerMs() * static_cast<double>(now - state.at));
}

void SendBudgets::Load(const std::vector<BudgetState>& rows, EpochMillis now) {
  lanes_.clear();
  dirty_.clear();
  for (const BudgetState& row : rows) {
    BudgetState& s = lanes_[row.key] = row;
    s.at = std::min(s.at, now);
    s.blocked_until = std::min(s.blocked_until, now + kMaxBlockMs);
  }
}

void SendBudgets::SetLimits(std::map<std::string, SendLimit> limits) {
  if (limits == limits_) return;
  limits_ = std::move(limits);
  for (auto& [key, s] : lanes_) {
    if (const SendLimit* l = LimitOf(s.limit); l && s.tokens > l->Capacity()) {
      s.tokens = l->Capacity();
      dirty_.insert(key);
    }
  }
}

const SendLimit* SendBudgets::LimitOf(const std::string& name) const {
  auto it = limits_.find(name);
  return it == limits_.end() ? nullptr : &it->second;
}

BudgetState& SendBudgets::Lane(const std::string& key, const std::string& limit) {
  auto [it, added] = lanes_.try_emplace(key);
  BudgetState& s = it->second;
  if (added) {
    s.key = key;
    const SendLimit* l = LimitOf(limit);
    s.tokens = l ? l->Capacity() : 0;
  }
  s.limit = limit;
  dirty_.insert(key);
  return s;
}

double SendBudgets::Tokens(const std::string& key, const std::string& limit, EpochMillis now) const {
  const SendLimit* l = LimitOf(limit);
  if (!l) return std::numeric_limits<double>::infinity();
  auto it = lanes_.find(key);
  return it == lanes_.end() ? l->Capacity() : TokensAt(it->second, *l, now);
}

EpochMillis SendBudgets::UsableAt(const std::string& key, const std::string& limit, EpochMillis now) const {
  auto it = lanes_.find(key);
  EpochMillis at = now;
  // A block is never longer than kMaxBlockMs from now: a clock that was set wrong cannot stall a lane.
  if (it != lanes_.end()) at = std::max(at, std::min(it->second.blocked_until, now + kMaxBlockMs));
  const SendLimit* l = LimitOf(limit);
  if (!l || it == lanes_.end()) return at;
  // Refill runs from now (a stored time ahead of the clock gives no credit, and no stall either); +1 ms
  // so that the whole-millisecond clock is never early.
  double missing = 1.0 - TokensAt(it->second, *l, now);
  if (missing <= 0) return at;
  return std::max(at, now + static_cast<EpochMillis>(std::ceil(missing / l->RatePerMs())) + 1);
}

void SendBudgets::Take(const std::string& key, const std::string& limit, const std::string& destination,
                       EpochMillis now) {
  BudgetState& s = Lane(key, limit);
  if (const SendLimit* l = LimitOf(limit)) s.tokens = TokensAt(s, *l, now) - 1.0;
  s.at = now;  // also when the stored time is ahead of the clock: refill then counts from here
  s.destination = destination;
}

void SendBudgets::Finish(const std::string& key, EpochMillis finished) {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return;
  it->second.at = std::max(it->second.at, finished);  // no refill for the time the send was in flight
  dirty_.insert(key);
}

void SendBudgets::Block(const std::string& key, EpochMillis until, const std::string& error) {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return;
  it->second.blocked_until = std::max(it->second.blocked_until, until);
  it->second.last_error = error;
  dirty_.insert(key);
}

int SendBudgets::Failed(const std::string& key, EpochMillis until, const std::string& error) {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return 0;
  Block(key, until, error);
  return ++it->second.failures;
}

void SendBudgets::Succeeded(const std::string& key) {
  auto it = lanes_.find(key);
  if (it == lanes_.end() || (it->second.failures == 0 && it->second.last_error.empty())) return;
  it->second.failures = 0;
  it->second.last_error.clear();
  dirty_.insert(key);
}

void SendBudgets::MarkDirty(const std::vector<BudgetState>& rows) {
  for (const BudgetState& row : rows)
    dirty_.insert(row.key);
}

std::vector<BudgetState> SendBudgets::TakeDirty() {
  std::vector<BudgetState> out;
  for (const std::string& key : dirty_)
    if (auto it = lanes_.find(key); it != lanes_.end()) out.push_back(it->second);
  dirty_.clear();
  return out;
}

}  // namespace opsbot
