#include "bot/outbox_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "bot/messages.h"
#include "bot/outbox_metrics.h"
#include "bot/outbox_text.h"
#include "bot/text.h"
#include "store/dedupe_repo.h"
#include "store/read_pool.h"
#include "store/send_budget_repo.h"
#include "store/writer.h"

namespace opsbot {

// One row's send: the row, its parsed message, what the platform said and when the send finished.
struct OutboxWorker::Attempt {
  store::OutboxRow row;
  std::optional<OutboundMessage> message;
  std::vector<SendRoute> routes;     // what the Sender offered
  SendRoute route;                   // the one taken (empty when there were none)
  std::vector<std::int64_t> merged;  // the rows behind `row` that `message` carries too (a digest)
  DeliveryResult result;
  EpochMillis finished = 0;
};

// What to write for one Attempt, computed before the write.
struct OutboxWorker::Decision {
  enum class Kind { kDelivered, kReschedule, kDead } kind = Kind::kReschedule;
  std::int64_t id = 0;
  std::string platform;
  int attempts = 0;
  EpochMillis at = 0;    // when it was decided (the end of the send)
  EpochMillis when = 0;  // delivered: next_send_at; reschedule: due_at
  std::string error;
  const char* outcome = "retry";     // the deliveries_total label; null: not an attempt (a wait)
  std::vector<std::int64_t> merged;  // delivered with it (a digest)
  std::string lane;                  // delivered: the lane it went out on
};

namespace {

DeliveryResult Failure(DeliveryResult::Kind kind, std::string error) {
  DeliveryResult r;
  r.kind = kind;
  r.error = std::move(error);
  return r;
}

}  // namespace

OutboxWorker::OutboxWorker(Deps deps, Options options)
    : d_(std::move(deps)),
      o_(std::move(options)),
      metrics_(d_.metrics, d_.reads, d_.clock, Platforms()),
      rng_(std::random_device{}()),
      budgets_(o_.limits),
      // Room for 4 destinations' full queues (~2,300 messages: a few MB); past it, parsing is as it was
      // without it.
      payloads_(4 * static_cast<std::size_t>(std::max(1, o_.digest_max) + std::max(1, o_.batch))) {}

Job OutboxWorker::AsJob() {
  return Job{"outbox", [this] { return NextDue(); }, [this](EpochMillis now) { Run(now); }};
}

std::vector<std::string> OutboxWorker::Platforms() const {
  std::vector<std::string> out;
  for (const auto& [platform, sender] : d_.senders)
    if (sender) out.push_back(platform);
  return out;
}

std::optional<EpochMillis> OutboxWorker::NextDue() {
  // Only platforms this process can send to: a message for a platform that is off here (no credentials,
  // or a console without them) stays pending for a process that can deliver it, instead of dying.
  const std::vector<std::string> platforms = Platforms();
  if (platforms.empty()) return std::max(next_housekeeping_at_, paused_until_);
  auto r = d_.reads.Run<std::optional<EpochMillis>>(
      [&](store::Connection& conn) -> Result<std::optional<EpochMillis>> {
        return store::OutboxRepo(conn).NextDue(platforms);
      });
  EpochMillis next = next_housekeeping_at_;
  if (!r.ok()) {
    spdlog::error("outbox: cannot read when the next message is due: {}", r.status().ToString());
  } else if (r.value()) {
    next = std::min(next, *r.value());
  }
  return std::max(next, paused_until_);
}

void OutboxWorker::Pause(EpochMillis now) {
  paused_until_ = now + o_.store_failure_pause_ms;
}

void OutboxWorker::Run(EpochMillis now) {
  if (now < paused_until_) return;
  if (!d_.writer.running()) return Pause(now);  // shutting down: a send could not be recorded
  if (now >= next_housekeeping_at_) Housekeep(now);
  const std::vector<std::string> platforms = Platforms();
  if (platforms.empty()) return;
  if (!budgets_loaded_ && !LoadBudgets()) return Pause(now);
  if (d_.limits) budgets_.SetLimits(d_.limits());
  std::vector<Decision> decisions;  // the heads that wait for a budget, then every attempt's outcome
  payloads_.BeginRun();
  auto loaded =
      d_.reads.Run<std::vector<Attempt>>([&](store::Connection& conn) -> Result<std::vector<Attempt>> {
        store::OutboxRepo repo(conn);
        std::vector<Attempt> out;
        decisions.clear();
        for (auto& row : repo.Ready(now, o_.batch, platforms)) {
          Attempt a;
          a.message = payloads_.Get(row.id, row.payload);
          a.row = std::move(row);
          auto sender = d_.senders.find(a.row.platform);
          Sender* platform = sender != d_.senders.end() ? sender->second : nullptr;
          // Routes are asked for the message as it will go: a digest's pings decide where it can go. A head
          // with no way to go alone (a group without a robot) is not merged: the digest would go nowhere
          // either, and the queue behind it, read for nothing, would be read again for the next head.
          if (a.message && platform) a.routes = platform->Routes(*a.message);
          if (!platform || !a.routes.empty()) MergeQueued(repo, a);
          if (a.message && platform && !a.merged.empty()) a.routes = platform->Routes(*a.message);
          if (!a.routes.empty()) {
            auto chosen = ChooseRoute(budgets_, a.routes, now);
            if (!chosen) {  // every route's budget is spent: wait for the first to come back, uncounted
              Decision wait;
              wait.id = a.row.id;
              wait.platform = a.row.platform;
              wait.attempts = a.row.attempts;
              wait.at = now;
              wait.when = NextUsable(budgets_, a.routes, nullptr, now);
              wait.error = "waiting for the send budget of " + a.routes.front().lane;
              wait.outcome = nullptr;
              decisions.push_back(std::move(wait));
              continue;
            }
            a.route = a.routes[*chosen];
            budgets_.Take(a.route.lane, a.route.limit, a.row.destination, now);
          }
          out.push_back(std::move(a));
        }
        return out;
      });
  if (!loaded.ok()) {
    spdlog::error("outbox: cannot load ready messages: {}", loaded.status().ToString());
    return Pause(now);
  }
  std::vector<Attempt>& attempts = loaded.value();
  if (attempts.empty() && decisions.empty()) return;
  // The tokens about to be spent are stored before the sends: a crash during them must not give a
  // restarted process a budget the platform has already seen used.
  if (!attempts.empty() && !StoreBudgets()) return Pause(now);
  SendAll(attempts);

  for (const Attempt& a : attempts)
    if (!a.route.lane.empty()) budgets_.Finish(a.route.lane, a.finished);
  for (const Attempt& a : attempts)
    decisions.push_back(Decide(a));
  const std::vector<BudgetState> budgets = budgets_.TakeDirty();
  auto written = d_.writer.Run<bool>([&](store::Connection& conn) -> Result<bool> {
    store::OutboxRepo repo(conn);
    for (const Decision& d : decisions) {
      switch (d.kind) {
        case Decision::Kind::kDelivered:
          repo.MarkDelivered(d.id, d.at, d.when, d.lane);
          for (std::int64_t id : d.merged)
            repo.MarkCarried(id, d.id, d.at);
          break;
        case Decision::Kind::kReschedule:
          repo.Reschedule(d.id, d.attempts, d.when, d.error, d.at);
          break;
        case Decision::Kind::kDead:
          repo.MarkDead(d.id, d.attempts, d.error, d.at);
          break;
      }
    }
    store::SendBudgetRepo(conn).Upsert(budgets);
    Announce(repo, now);
    return true;
  });
  if (!written.ok()) {
    budgets_.MarkDirty(budgets);  // stored with the next write
    // The rows stay pending and are sent again after the pause: at least once, never lost.
    spdlog::error("outbox: cannot record {} delivery outcomes: {}", decisions.size(),
                  written.status().ToString());
    return Pause(now);
  }
  for (const Decision& d : decisions) {
    if (!d.outcome) {  // a wait for a budget, not an attempt
      metrics_.budget_waits.With({d.platform}).Inc();
      continue;
    }
    metrics_.deliveries.With({d.platform, d.outcome}).Inc();
    if (!d.merged.empty()) metrics_.deliveries.With({d.platform, "merged"}).Inc(d.merged.size());
    if (d.kind == Decision::Kind::kDead) metrics_.deliveries.With({d.platform, "dead"}).Inc();
  }
}

void OutboxWorker::MergeQueued(store::OutboxRepo& repo, Attempt& a) {
  auto budget = o_.digest_bytes_by_platform.find(a.row.platform);
  if (!a.message || a.message->reply.whole || budget == o_.digest_bytes_by_platform.end() ||
      budget->second == 0 || o_.digest_max < 2)
    return;
  OutboundMessage& digest = *a.message;
  std::vector<Reply> items = {digest.reply};
  for (const store::OutboxRow& row : repo.PendingAfter(a.row.destination, a.row.id, o_.digest_max - 1)) {
    const std::optional<OutboundMessage>& next = payloads_.Get(row.id, row.payload);
    // Only what reads right in one message: the same chat and thread, and nothing meant to be read whole.
    if (!next || next->reply.whole || next->channel != digest.channel || next->thread != digest.thread) break;
    for (const std::string& key : next->reply.mention)
      if (std::find(digest.reply.mention.begin(), digest.reply.mention.end(), key) ==
          digest.reply.mention.end())
        digest.reply.mention.push_back(key);  // a ping inside a digest still pings
    items.push_back(next->reply);
    a.merged.push_back(row.id);
  }
  if (a.merged.empty()) return;
  digest.reply.text = DigestText(items, a.row.id, digest.reply.lang, budget->second);
}

void OutboxWorker::SendAll(std::vector<Attempt>& attempts) {
  // Ready gives one row per destination, so the threads never send to one destination at once.
  std::size_t threads = std::min<std::size_t>(std::max(1, o_.parallel), attempts.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < attempts.size();)
      SendOne(attempts[i]);
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t)
    pool.emplace_back(work);
  work();
  for (auto& t : pool)
    t.join();
}

void OutboxWorker::SendOne(Attempt& a) {
  auto sender = d_.senders.find(a.row.platform);
  if (!a.message) {
    a.result = Failure(DeliveryResult::Kind::kGiveUp, "unreadable payload");
  } else if (sender == d_.senders.end() || sender->second == nullptr) {
    a.result = Failure(DeliveryResult::Kind::kRetry, "no sender for platform " + a.row.platform);
  } else {
    try {
      a.result = sender->second->Send(*a.message, a.route);
    } catch (const std::exception& e) {
      a.result = Failure(DeliveryResult::Kind::kRetry, std::string("sender threw: ") + e.what());
    }
  }
  a.finished = d_.clock.NowMillis();
}

OutboxWorker::Decision OutboxWorker::Decide(const Attempt& a) {
  Decision d;
  d.id = a.row.id;
  d.platform = a.row.platform;
  d.at = a.finished;
  d.error = a.result.error;
  d.outcome = DeliveryOutcomeLabel(a.result.kind);
  const std::string& lane = a.route.lane;
  if (a.result.kind == DeliveryResult::Kind::kDelivered) {
    d.kind = Decision::Kind::kDelivered;
    d.merged = a.merged;
    d.lane = lane;
    d.when = Delivered(budgets_, a.routes, a.route, a.finished, PaceMs(a.row.platform));
    return d;
  }
  if (d.error.empty()) d.error = d.outcome;
  if (a.result.maybe_delivered)
    spdlog::warn("outbox: message {} to {} may have arrived before failing ({}); a retry may duplicate it",
                 d.id, a.row.destination, d.error);
  const Failover f =
      AfterFailedSend(budgets_, o_, {a.routes, a.route, a.result, d.error, a.row.attempts, a.finished}, rng_);
  d.attempts = f.attempts;
  d.when = f.due_at;
  d.kind = f.next == Failover::Next::kDead ? Decision::Kind::kDead : Decision::Kind::kReschedule;
  switch (f.next) {
    case Failover::Next::kOtherRoute:
      spdlog::warn("outbox: message {} to {} refused by {} ({}); trying another way", d.id, a.row.destination,
                   lane, d.error);
      break;
    case Failover::Next::kThrottled:
      spdlog::warn("outbox: message {} to {}: {} is throttled ({}); next try in {} ms", d.id,
                   a.row.destination, lane, d.error, d.when - a.finished);
      break;
    case Failover::Next::kOtherRouteNow:
      spdlog::warn("outbox: message {} to {} failed by {} ({}); sending it another way", d.id,
                   a.row.destination, lane, d.error);
      break;
    case Failover::Next::kDead:
      spdlog::error("outbox: message {} to {} is dead after {} attempts: {}", d.id, a.row.destination,
                    d.attempts, d.error);
      break;
    case Failover::Next::kRetry:
      spdlog::warn("outbox: message {} to {} failed (attempt {} of {}): {}; next try in {} ms", d.id,
                   a.row.destination, d.attempts, o_.max_attempts, d.error, d.when - a.finished);
      break;
  }
  return d;
}

bool OutboxWorker::LoadBudgets() {
  auto rows =
      d_.reads.Run<std::vector<BudgetState>>([](store::Connection& conn) -> Result<std::vector<BudgetState>> {
        return store::SendBudgetRepo(conn).All();
      });
  if (!rows.ok()) {
    spdlog::error("outbox: cannot load the send budgets: {}", rows.status().ToString());
    return false;
  }
  budgets_.Load(rows.value(), d_.clock.NowMillis());
  budgets_loaded_ = true;
  return true;
}

bool OutboxWorker::StoreBudgets() {
  const std::vector<BudgetState> budgets = budgets_.TakeDirty();
  if (budgets.empty()) return true;
  auto r = d_.writer.Run<bool>([&](store::Connection& conn) -> Result<bool> {
    store::SendBudgetRepo(conn).Upsert(budgets);
    return true;
  });
  if (r.ok()) return true;
  budgets_.MarkDirty(budgets);
  spdlog::error("outbox: cannot store the send budgets; nothing is sent for now: {}", r.status().ToString());
  return false;
}

long OutboxWorker::BackoffMs(int attempts, double u) const {
  return opsbot::BackoffMs(o_, attempts, u);
}

void OutboxWorker::Housekeep(EpochMillis now) {
  next_housekeeping_at_ = now + o_.housekeeping_every_ms;
  const EpochMillis before = now - o_.retention_ms;
  int rows = 0, keys = 0;
  auto r = d_.writer.Run<bool>([&](store::Connection& conn) -> Result<bool> {
    store::OutboxRepo repo(conn);
    rows = repo.PruneDelivered(before);
    keys = store::DedupeRepo(conn).Prune(before);
    store::SendBudgetRepo(conn).Prune(before);
    Announce(repo, now);
    return true;
  });
  if (!r.ok()) {
    spdlog::error("outbox: housekeeping failed: {}", r.status().ToString());
  } else if (rows > 0 || keys > 0) {
    spdlog::info("outbox: pruned {} delivered messages and {} dedupe keys", rows, keys);
  }
}

void OutboxWorker::Announce(store::OutboxRepo& repo, EpochMillis now) const {
  if (!o_.admin_route) return;
  const OutboundMessage& route = *o_.admin_route;
  for (const store::OutboxRow& dead : repo.DeadUnannounced()) {
    // A message to the admins' chat that died is not announced there again: that could loop.
    if (dead.destination != route.destination) {
      OutboundMessage m = route;
      m.reply = Reply::Ok(route.reply.lang,
                          Tr(route.reply.lang, Msg::kOutboxDeadAnnounce, dead.id, dead.destination,
                             dead.attempts, dead.last_error, OutboxPreview(dead.payload)));
      m.reply.command = "outbox.dead";
      repo.Enqueue(m.destination, m.platform, m.ToJson(), now);
    }
    repo.MarkAnnounced(dead.id);
  }
}

Status OutboxWorker::RetryDead(std::int64_t id) {
  const EpochMillis now = d_.clock.NowMillis();
  auto r = d_.writer.Run<bool>([&](store::Connection& conn) -> Result<bool> {
    store::OutboxRepo repo(conn);
    auto row = repo.Get(id);
    if (!row) return Status::NotFound("no outbox message " + std::to_string(id));
    if (!repo.Retry(id, now))
      return Status::Precondition("outbox message " + std::to_string(id) + " is " + row->state);
    return true;
  });
  if (!r.ok()) return r.status();
  Wake();
  return Status::Ok();
}

void OutboxWorker::Wake() {
  if (d_.wake) d_.wake();
}

long OutboxWorker::PaceMs(const std::string& platform) const {
  auto it = o_.pace_ms_by_platform.find(platform);
  return it == o_.pace_ms_by_platform.end() ? o_.default_pace_ms : it->second;
}

}  // namespace opsbot
