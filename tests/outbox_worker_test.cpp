// Unit tests for bot/outbox_worker.h: a real Writer and ReadPool on a temp SQLite file, a FakeClock, the
// JobRunner's RunDue, and a fake Sender that scripts each destination's results and records every send.
#include "bot/outbox_worker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <thread>

#include "bot/arg_parser.h"
#include "bot/command_registry.h"
#include "bot/job_runner.h"
#include "commands/digest.h"
#include "commands/outbox.h"
#include "store/audit_repo.h"
#include "store/connection.h"
#include "store/dedupe_repo.h"
#include "store/read_pool.h"
#include "store/schema.h"
#include "store/writer.h"
#include "tests/support/subprocess.h"

namespace opsbot {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr EpochMillis kDayMs = 24L * 3600 * 1000;

DeliveryResult Result_(DeliveryResult::Kind kind, std::string error = "",
                       std::optional<long> retry_after = {}) {
  DeliveryResult r;
  r.kind = kind;
  r.error = std::move(error);
  r.retry_after_ms = retry_after;
  return r;
}
const auto kOk = DeliveryResult::Kind::kDelivered;
const auto kRetry = DeliveryResult::Kind::kRetry;
const auto kGiveUp = DeliveryResult::Kind::kGiveUp;

// Answers each destination's (or route lane's) scripted results in order, then its fallback (delivered
// unless set). A destination has one unlimited route unless SetRoutes gives it others.
class FakeSender : public Sender {
 public:
  struct Sent {
    std::string destination;
    std::string text;
    EpochMillis at;
    std::vector<std::string> mention;
    std::string lane;
  };
  explicit FakeSender(const Clock& clock) : clock_(clock) {}

  void Script(const std::string& destination, std::vector<DeliveryResult> results) {
    std::lock_guard lock(mu_);
    for (auto& r : results)
      scripts_[destination].push_back(std::move(r));
  }
  void Fallback(const std::string& destination, DeliveryResult r) {
    std::lock_guard lock(mu_);
    fallback_[destination] = std::move(r);
  }
  void set_delay(std::chrono::milliseconds d) { delay_ = d; }

  void SetRoutes(const std::string& destination, std::vector<SendRoute> routes) {
    std::lock_guard lock(mu_);
    routes_[destination] = std::move(routes);
  }
  // Routes for a message that pings (as a DingTalk chat's robots are, and not its OpenAPI).
  void SetPingRoutes(const std::string& destination, std::vector<SendRoute> routes) {
    std::lock_guard lock(mu_);
    ping_routes_[destination] = std::move(routes);
  }
  std::vector<SendRoute> Routes(const OutboundMessage& m) override {
    std::lock_guard lock(mu_);
    if (!m.reply.mention.empty() && ping_routes_.count(m.destination)) return ping_routes_[m.destination];
    auto it = routes_.find(m.destination);
    if (it != routes_.end()) return it->second;
    return {{"fake", "", "fake:" + m.destination, "", 0}};
  }
  using Sender::Send;
  DeliveryResult Send(const OutboundMessage& m, const SendRoute& route) override {
    DeliveryResult r = Result_(kOk);
    {
      std::lock_guard lock(mu_);
      sent_.push_back({m.destination, m.reply.text, clock_.NowMillis(), m.reply.mention, route.lane});
      if (++in_flight_[m.destination] > 1) overlapped_ = true;
      auto& q = scripts_.count(route.lane) ? scripts_[route.lane] : scripts_[m.destination];
      if (!q.empty()) {
        r = q.front();
        q.pop_front();
      } else if (fallback_.count(m.destination)) {
        r = fallback_[m.destination];
      }
    }
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    std::lock_guard lock(mu_);
    --in_flight_[m.destination];
    return r;
  }

  std::vector<Sent> SentTo(const std::string& destination) {
    std::lock_guard lock(mu_);
    std::vector<Sent> out;
    for (const auto& s : sent_)
      if (s.destination == destination) out.push_back(s);
    return out;
  }
  std::vector<Sent> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }
  bool overlapped() {
    std::lock_guard lock(mu_);
    return overlapped_;
  }

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, std::deque<DeliveryResult>> scripts_;
  std::map<std::string, DeliveryResult> fallback_;
  std::map<std::string, std::vector<SendRoute>> routes_;
  std::map<std::string, std::vector<SendRoute>> ping_routes_;
  std::map<std::string, int> in_flight_;
  std::vector<Sent> sent_;
  bool overlapped_ = false;
  std::chrono::milliseconds delay_{0};
};

class OutboxWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.path = dir_.File("outbox.db");
    db_.synchronous = store::Synchronous::kNormal;
    auto conn = store::Connection::Open(db_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(store::Migrate(**conn).ok());
    writer_ = std::make_unique<store::Writer>(std::move(conn).value(), store::Writer::Options{});
    reads_ = std::make_unique<store::ReadPool>(db_, 4);
  }

  // Digests off: most tests follow single messages (the Digest tests turn them on).
  OutboxWorker::Options Defaults() {
    OutboxWorker::Options o;
    o.pace_ms_by_platform = {{"slack", 1000}};
    o.digest_bytes_by_platform.clear();
    return o;
  }

  OutboundMessage AdminRoute() {
    OutboundMessage m;
    m.platform = "slack";
    m.destination = "slack:CADMIN";
    m.channel = "CADMIN";
    return m;
  }

  void Start(OutboxWorker::Options options) {
    runner_ = std::make_unique<JobRunner>(clock_);
    worker_ = std::make_unique<OutboxWorker>(
        OutboxWorker::Deps{
            *writer_, *reads_, clock_, metrics_, {{"slack", &sender_}}, [this] { ++wakes_; }, {}},
        std::move(options));
    runner_->Add(worker_->AsJob());
  }

  std::int64_t Enqueue(const std::string& destination, const std::string& text,
                       std::vector<std::string> mention = {}, const std::string& thread = "") {
    OutboundMessage m;
    m.platform = "slack";
    m.destination = destination;
    m.channel = destination.substr(destination.find(':') + 1);
    m.thread = thread;
    m.reply.text = text;
    m.reply.mention = std::move(mention);
    return EnqueueRaw(destination, m.ToJson());
  }
  std::int64_t EnqueueRaw(const std::string& destination, const std::string& payload) {
    auto id = writer_->Run<std::int64_t>([&](store::Connection& c) -> Result<std::int64_t> {
      return store::OutboxRepo(c).Enqueue(destination, "slack", payload, clock_.NowMillis());
    });
    EXPECT_TRUE(id.ok());
    return id.ok() ? id.value() : 0;
  }

  // Moves the fake clock from due time to due time, running the due jobs, for `span` ms from now.
  void Drive(EpochMillis span) {
    const EpochMillis until = clock_.NowMillis() + span;
    for (int i = 0; i < 10000; ++i) {
      auto next = runner_->NextDue();
      if (!next || *next > until) break;
      if (*next > clock_.NowMillis()) clock_.AdvanceMillis(*next - clock_.NowMillis());
      runner_->RunDue();
    }
    if (clock_.NowMillis() < until) clock_.AdvanceMillis(until - clock_.NowMillis());
  }

  store::OutboxRow Row(std::int64_t id) {
    auto r = reads_->Run<store::OutboxRow>([&](store::Connection& c) -> Result<store::OutboxRow> {
      auto row = store::OutboxRepo(c).Get(id);
      if (!row) return Status::NotFound("no row");
      return *row;
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : store::OutboxRow{};
  }

  testing::TempDir dir_;
  store::ConnectionOptions db_;
  FakeClock clock_{1'700'000'000};
  MetricsRegistry metrics_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<store::ReadPool> reads_;
  FakeSender sender_{clock_};
  int wakes_ = 0;
  std::unique_ptr<OutboxWorker> worker_;
  std::unique_ptr<JobRunner> runner_;
};

TEST_F(OutboxWorkerTest, OrderPerDestinationIsKeptAndThePaceNeverExceeded) {
  Start(Defaults());
  for (int i = 1; i <= 5; ++i)
    Enqueue("slack:A", "a" + std::to_string(i));
  for (int i = 1; i <= 3; ++i)
    Enqueue("slack:B", "b" + std::to_string(i));
  Drive(10 * 60 * 1000);

  for (const auto& [dest, n, prefix] : {std::tuple{"slack:A", 5, "a"}, std::tuple{"slack:B", 3, "b"}}) {
    auto sent = sender_.SentTo(dest);
    ASSERT_EQ(sent.size(), static_cast<std::size_t>(n)) << dest;
    for (int i = 0; i < n; ++i)
      EXPECT_EQ(sent[i].text, prefix + std::to_string(i + 1));
    for (int i = 1; i < n; ++i)
      EXPECT_GE(sent[i].at - sent[i - 1].at, 1000) << dest << " send " << i;
  }
  // The two destinations interleave: each paces on its own, so B is done before A is.
  auto all = sender_.sent();
  EXPECT_EQ(all[0].destination, "slack:A");
  EXPECT_EQ(all[1].destination, "slack:B");
  EXPECT_EQ(all[2].destination, "slack:A");
  EXPECT_EQ(all[3].destination, "slack:B");
  EXPECT_LT(sender_.SentTo("slack:B").back().at, sender_.SentTo("slack:A").back().at);
  EXPECT_EQ(sender_.SentTo("slack:A").back().at - all[0].at, 4 * 1001);  // paced (+1 ms), not slower
}

TEST_F(OutboxWorkerTest, RetriesBackOffExponentiallyWithinTheJitter) {
  auto o = Defaults();
  o.jitter = 0.2;
  Start(o);
  sender_.Script("slack:A", {Result_(kRetry, "timeout"), Result_(kRetry, "timeout"),
                             Result_(kRetry, "timeout"), Result_(kRetry, "timeout"), Result_(kOk)});
  auto id = Enqueue("slack:A", "hello");
  Enqueue("slack:A", "after");  // held back until the first is delivered
  Drive(60 * 60 * 1000);

  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 6u);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sent[i].text, "hello");
  EXPECT_EQ(sent[5].text, "after");
  for (int i = 1; i <= 4; ++i) {
    double base = 1000.0 * (1 << (i - 1));
    EXPECT_GE(sent[i].at - sent[i - 1].at, static_cast<EpochMillis>(base * 0.8) - 1) << "retry " << i;
    EXPECT_LE(sent[i].at - sent[i - 1].at, static_cast<EpochMillis>(base * 1.2) + 1) << "retry " << i;
  }
  auto row = Row(id);
  EXPECT_EQ(row.state, "delivered");
  EXPECT_EQ(row.attempts, 5);
}

TEST_F(OutboxWorkerTest, BackoffDoublesUpToTheMaximum) {
  auto o = Defaults();
  o.backoff_base_ms = 1000;
  o.backoff_max_ms = 300000;
  o.jitter = 0.2;
  Start(o);
  EXPECT_EQ(worker_->BackoffMs(1, 0), 1000);
  EXPECT_EQ(worker_->BackoffMs(2, 0), 2000);
  EXPECT_EQ(worker_->BackoffMs(3, -1), 3200);
  EXPECT_EQ(worker_->BackoffMs(3, 1), 4800);
  EXPECT_EQ(worker_->BackoffMs(20, 0), 300000);
  EXPECT_EQ(worker_->BackoffMs(1000, 0), 300000);
}

TEST_F(OutboxWorkerTest, RetryAfterIsHonoured) {
  Start(Defaults());
  sender_.Script("slack:A",
                 {Result_(kRetry, "ratelimited", 30000), Result_(kRetry, "ratelimited", 10), Result_(kOk)});
  Enqueue("slack:A", "hello");
  Drive(10 * 60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].at - sent[0].at, 30000);  // Retry-After is longer than the backoff
  EXPECT_GE(sent[2].at - sent[1].at, 1600);   // the backoff (2 s ± 20%) is longer than Retry-After
}

TEST_F(OutboxWorkerTest, TooFastWaitsTheRateLimitWaitAndDoesNotCountTowardsMaxAttempts) {
  auto o = Defaults();
  o.max_attempts = 2;
  o.rate_limited_wait_ms = 60000;
  Start(o);
  DeliveryResult too_fast = Result_(kRetry, "errcode 130101");
  too_fast.rate_limited = true;
  // Throttled four times (longer than max_attempts tries), then delivered: never dead.
  sender_.Script("slack:T", {too_fast, too_fast, too_fast, too_fast, Result_(kOk)});
  auto id = Enqueue("slack:T", "hello");
  Drive(30 * 60 * 1000);
  auto sent = sender_.SentTo("slack:T");
  ASSERT_EQ(sent.size(), 5u);
  for (std::size_t i = 1; i < sent.size(); ++i)
    EXPECT_GE(sent[i].at - sent[i - 1].at, 60000) << i;  // the wait, not the 1-s backoff
  EXPECT_EQ(Row(id).state, "delivered");
}

TEST_F(OutboxWorkerTest, MessagesQueuedBehindThePaceGoOutAsOneDigestInOrderWithTheirPings) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 30000}};
  o.digest_bytes_by_platform = {{"slack", 1000}};
  Start(o);
  Enqueue("slack:A", "first");
  Drive(0);  // alone: nothing queued behind it
  std::vector<std::int64_t> ids;
  for (int i = 1; i <= 4; ++i)
    ids.push_back(Enqueue("slack:A", "notice " + std::to_string(i),
                          i == 3 ? std::vector<std::string>{"bob"} : std::vector<std::string>{}));
  Drive(60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].text, "first");
  EXPECT_EQ(
      sent[1].text,
      "4 messages, in order (they queued behind the chat's rate limit):\n\nnotice 1\n\nnotice 2\n\nnotice "
      "3\n\nnotice 4");
  EXPECT_EQ(sent[1].mention, std::vector<std::string>{"bob"});
  for (std::int64_t id : ids)
    EXPECT_EQ(Row(id).state, "delivered") << id;
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("opsbot_outbox_deliveries_total{platform=\"slack\",outcome=\"merged\"} 3\n"));
}

// A `digest` page queued behind the pace goes out alone and in full: the digest in front of it stops before
// it, and what queued after it makes a digest of its own.
TEST_F(OutboxWorkerTest, AReplyMeantToBeReadWholeIsNeverMergedIntoADigest) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 30000}};
  o.digest_bytes_by_platform = {{"slack", 1000}};
  Start(o);
  Enqueue("slack:A", "first");
  Drive(0);
  Enqueue("slack:A", "notice 1");
  Enqueue("slack:A", "notice 2");
  OutboundMessage page;
  page.platform = "slack";
  page.destination = "slack:A";
  page.channel = "A";
  page.reply.text = "Digest 7: messages 1-2 of 2\n[1] notice x\n[2] notice y";
  page.reply.whole = true;
  auto page_id = EnqueueRaw("slack:A", page.ToJson());
  Enqueue("slack:A", "notice 3");
  Enqueue("slack:A", "notice 4");
  Drive(5 * 60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[0].text, "first");
  EXPECT_THAT(sent[1].text, HasSubstr("notice 1\n\nnotice 2"));
  EXPECT_EQ(sent[2].text, page.reply.text);
  EXPECT_THAT(sent[3].text, HasSubstr("notice 3\n\nnotice 4"));
  EXPECT_EQ(Row(page_id).state, "delivered");
}

TEST_F(OutboxWorkerTest, ADigestTooBigListsFirstLinesAndStopsAtAnotherThreadAndAFailedOneKeepsAllQueued) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 30000}};
  o.digest_bytes_by_platform = {{"slack", 400}};
  Start(o);
  sender_.Script("slack:A", {Result_(kOk), Result_(kRetry, "http 503")});
  Enqueue("slack:A", "first");
  Drive(0);
  auto a = Enqueue("slack:A", "alert a\n" + std::string(150, 'a'));
  auto b = Enqueue("slack:A", "alert b\n" + std::string(150, 'b'));
  auto c = Enqueue("slack:A", "alert c\n" + std::string(150, 'c'));  // together over 400 bytes
  Enqueue("slack:A", "in a thread", {}, "1700.1");
  Drive(10 * 60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[1].text, sent[2].text);  // the failed digest is sent again whole, after its backoff
  EXPECT_LE(sent[2].text.size(), 400u);
  EXPECT_THAT(sent[2].text, HasSubstr("• alert a\n• alert b\n• alert c\n"));
  EXPECT_THAT(sent[2].text, Not(HasSubstr("aaaa")));
  EXPECT_THAT(sent[2].text, HasSubstr("`digest " + std::to_string(a) + "`"));
  EXPECT_EQ(sent[3].text, "in a thread");  // alone: the thread's message does not merge with it
  for (auto id : {b, c}) {
    EXPECT_EQ(Row(id).state, "delivered");
    auto carried = reads_->Run<std::vector<store::OutboxRow>>(
        [&](store::Connection& conn) -> Result<std::vector<store::OutboxRow>> {
          return store::OutboxRepo(conn).Carried(a, 0, 10);
        });
    ASSERT_TRUE(carried.ok());
    ASSERT_EQ(carried.value().size(), 3u);
    EXPECT_EQ(carried.value()[2].id, c);
  }
}

TEST_F(OutboxWorkerTest, QueuesWhoseHeadsDieOneAfterAnotherHaveEachMessageParsedOnce) {
  // Each head is refused for good; the next head then merges the same queue again (a digest is tried
  // whole). Three such queues at once: every stored message is still parsed once, not once per head.
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 0}};
  o.digest_bytes_by_platform = {{"slack", 4000}};
  Start(o);
  const std::vector<std::string> chats = {"slack:A", "slack:B", "slack:C"};
  for (const auto& chat : chats) {
    sender_.Fallback(chat, Result_(kGiveUp, "channel_not_found"));
    for (int i = 0; i < 30; ++i)
      Enqueue(chat, "alert " + std::to_string(i));
  }
  Drive(60 * 60 * 1000);
  for (const auto& chat : chats)
    EXPECT_EQ(sender_.SentTo(chat).size(), 30u) << chat;  // every head was tried, each once
  EXPECT_EQ(worker_->PayloadsParsed(), 90u);  // without the cache: 30 + 29 + ... + 1 = 465 per queue
}

// A chat opsbot has no way to reach (a WeCom group without a robot): each head dies alone, without the queue
// behind it read and merged into a digest that would go nowhere either.
TEST_F(OutboxWorkerTest, AHeadWithNoRouteIsNotMergedAndDiesAlone) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 0}};
  o.digest_bytes_by_platform = {{"slack", 4000}};
  Start(o);
  sender_.SetRoutes("slack:A", {});
  sender_.Fallback("slack:A", Result_(kGiveUp, "no robot webhook for the chat"));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(Enqueue("slack:A", "alert " + std::to_string(i)));
  Drive(60 * 60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(sent[i].text, "alert " + std::to_string(i));
    EXPECT_EQ(Row(ids[i]).state, "dead");
  }
}

TEST_F(OutboxWorkerTest, ALaneSendsNoMoreThanItsBudgetInAnyWindowAndTheRestWaitsAsDigests) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 0}};
  o.limits = {{"robot", {20, 6000, 5}}};
  o.digest_bytes_by_platform = {{"slack", 4000}};
  Start(o);
  sender_.SetRoutes("slack:A", {{"robot", "1", "robot:1", "robot", 0}});
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 500; ++i) {
    ids.push_back(Enqueue("slack:A", "notice " + std::to_string(i)));
    if (i % 50 == 0) Drive(100);
  }
  Drive(120 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_FALSE(sent.empty());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    std::size_t in_window = 0;
    for (std::size_t k = i; k < sent.size() && sent[k].at < sent[i].at + 6000; ++k)
      ++in_window;
    EXPECT_LE(in_window, 20u) << "from send " << i;
  }
  for (auto id : ids)
    EXPECT_EQ(Row(id).state, "delivered") << id;
  // Every notice once, in order, across the digests.
  std::string all;
  for (const auto& m : sent)
    all += m.text + "\n";
  std::size_t at = 0;
  for (int i = 0; i < 500; ++i) {
    std::size_t found = all.find("notice " + std::to_string(i) + "\n", at);
    ASSERT_NE(found, std::string::npos) << i;
    at = found;
  }
  EXPECT_LT(sent.size(), 100u);
  std::smatch waits;
  std::string metrics = metrics_.Render();
  ASSERT_TRUE(std::regex_search(
      metrics, waits, std::regex("opsbot_outbox_budget_waits_total\\{platform=\"slack\"\\} (\\d+)")))
      << metrics;
  EXPECT_GT(std::stoi(waits[1].str()), 0);
  EXPECT_THAT(metrics, HasSubstr("opsbot_send_lanes_blocked{platform=\"slack\"} 0\n"));
}

TEST_F(OutboxWorkerTest, AThrottledRobotIsSkippedForTheOtherAndTheLoadIsShared) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 0}};
  o.limits = {{"robot", {20, 60000, 5}}};
  o.rate_limited_wait_ms = 600000;
  Start(o);
  sender_.SetRoutes("slack:A",
                    {{"robot", "1", "robot:1", "robot", 1}, {"robot", "2", "robot:2", "robot", 1}});
  for (int i = 0; i < 6; ++i) {
    Enqueue("slack:A", "n" + std::to_string(i));
    Drive(10);
  }
  std::map<std::string, int> by_lane;
  for (const auto& m : sender_.SentTo("slack:A"))
    ++by_lane[m.lane];
  EXPECT_EQ(by_lane["robot:1"], 3);
  EXPECT_EQ(by_lane["robot:2"], 3);

  DeliveryResult limited = Result_(kRetry, "errcode 130101");
  limited.rate_limited = true;
  sender_.Script("robot:1", {limited});
  sender_.Script("robot:2", {Result_(kRetry, "http 502"), Result_(kRetry, "http 502")});
  auto id = Enqueue("slack:A", "after");
  Drive(10);
  auto sent = sender_.SentTo("slack:A");
  // Whichever robot took it first failed; the other took it at once, uncounted.
  ASSERT_GE(sent.size(), 8u);
  EXPECT_EQ(sent.back().text, "after");
  EXPECT_NE(sent[sent.size() - 1].lane, sent[sent.size() - 2].lane);
  EXPECT_EQ(Row(id).state, "pending");  // robot 2 fails once more; robot 1 is blocked for 10 minutes
  Drive(60 * 1000);
  EXPECT_EQ(Row(id).state, "delivered");
  EXPECT_EQ(sender_.SentTo("slack:A").back().lane, "robot:2");
}

TEST_F(OutboxWorkerTest, ADigestGoesByARouteThatCanCarryThePingsItHolds) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 30000}};
  o.digest_bytes_by_platform = {{"slack", 4000}};
  Start(o);
  sender_.SetRoutes("slack:A", {{"api", "", "api:A", "", 0}});
  sender_.SetPingRoutes("slack:A", {{"robot", "1", "robot:1", "", 0}});
  Enqueue("slack:A", "first");
  Drive(0);
  Enqueue("slack:A", "quiet");
  Enqueue("slack:A", "assigned to @bob", {"bob"});
  Drive(60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].lane, "api:A");
  EXPECT_EQ(sent[1].lane, "robot:1");  // the head does not ping; the digest does
  EXPECT_EQ(sent[1].mention, std::vector<std::string>{"bob"});
}

TEST_F(OutboxWorkerTest, ARouteThatRefusesHandsTheMessageToAnotherAndOneEveryRouteRefusesDies) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 0}};
  o.limits = {{"robot", {20, 60000, 1}}};
  Start(o);
  sender_.SetRoutes("slack:A",
                    {{"robot", "1", "robot:1", "robot", 1}, {"robot", "2", "robot:2", "robot", 1}});
  Enqueue("slack:A", "warm robot 2 up");  // robot 1 (first); then robot 2 is the fuller one
  Drive(10);
  sender_.Script("robot:2", {Result_(kGiveUp, "errcode 93000")});  // robot 2's key was revoked
  auto id = Enqueue("slack:A", "second");  // robot 2 (robot 1 has no token yet): refused
  Drive(10);
  EXPECT_EQ(Row(id).state, "pending");  // not dead: robot 1 takes it once it has a token
  Drive(60 * 1000);
  EXPECT_EQ(Row(id).state, "delivered");
  EXPECT_EQ(sender_.SentTo("slack:A").back().lane, "robot:1");

  sender_.Script("robot:1", {Result_(kGiveUp, "errcode 460101")});
  sender_.Script("robot:2", {Result_(kGiveUp, "errcode 460101")});
  auto too_long = Enqueue("slack:A", "far too long");
  Drive(5 * 60 * 1000);
  EXPECT_EQ(Row(too_long).state, "dead");  // each route tried once
  EXPECT_EQ(Row(too_long).attempts, 2);
}

TEST_F(OutboxWorkerTest, InAStormTwoRobotsTakeTurnsAtEvenGaps) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 0}};
  o.limits = {{"robot", {20, 60000, 5}}};  // past the burst, a token every 3.75 s per robot
  o.digest_bytes_by_platform = {{"slack", 4000}};
  Start(o);
  sender_.SetRoutes("slack:A",
                    {{"robot", "1", "robot:1", "robot", 1}, {"robot", "2", "robot:2", "robot", 1}});
  for (int i = 0; i < 400; ++i) {
    Enqueue("slack:A", "notice " + std::to_string(i));
    Drive(150);  // a notice every 150 ms for a minute
  }
  Drive(60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_GT(sent.size(), 20u);
  std::map<std::string, int> by_lane;
  for (std::size_t i = 10; i < sent.size(); ++i) {  // past the two bursts
    ++by_lane[sent[i].lane];
    EXPECT_NE(sent[i].lane, sent[i - 1].lane) << i;
    EXPECT_GE(sent[i].at - sent[i - 1].at, 1870) << i;  // 3.75 s / 2
  }
  EXPECT_LE(std::abs(by_lane["robot:1"] - by_lane["robot:2"]), 1);
}

TEST_F(OutboxWorkerTest, ABudgetSpentBeforeARestartIsStillSpentAfterIt) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 0}};
  o.limits = {{"robot", {2, 60000, 2}}};
  o.digest_bytes_by_platform.clear();
  Start(o);
  sender_.SetRoutes("slack:A", {{"robot", "1", "robot:1", "robot", 0}});
  for (int i = 0; i < 3; ++i)
    Enqueue("slack:A", "n" + std::to_string(i));
  Drive(10);
  EXPECT_EQ(sender_.SentTo("slack:A").size(), 2u);
  Start(o);  // a new worker on the same store
  Drive(10);
  EXPECT_EQ(sender_.SentTo("slack:A").size(), 2u);
  Drive(60 * 1000);
  EXPECT_EQ(sender_.SentTo("slack:A").size(), 3u);
}

TEST_F(OutboxWorkerTest, GiveUpIsDeadAtOnceAndAnnouncedOnce) {
  auto o = Defaults();
  o.admin_route = AdminRoute();
  Start(o);
  sender_.Script("slack:A", {Result_(kGiveUp, "channel_not_found")});
  auto id = Enqueue("slack:A", "lost words");
  Drive(60 * 1000);

  auto row = Row(id);
  EXPECT_EQ(row.state, "dead");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "channel_not_found");
  EXPECT_TRUE(row.announced);
  EXPECT_EQ(sender_.SentTo("slack:A").size(), 1u);
  auto admin = sender_.SentTo("slack:CADMIN");
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_THAT(admin[0].text, HasSubstr("#" + std::to_string(id)));
  EXPECT_THAT(admin[0].text, HasSubstr("slack:A"));
  EXPECT_THAT(admin[0].text, HasSubstr("channel_not_found"));
  EXPECT_THAT(admin[0].text, HasSubstr("lost words"));

  Drive(30 * 60 * 1000);  // housekeeping runs again: no second announcement
  EXPECT_EQ(sender_.SentTo("slack:CADMIN").size(), 1u);
}

TEST_F(OutboxWorkerTest, ADeadAnnouncementIsNotAnnouncedAgain) {
  auto o = Defaults();
  o.admin_route = AdminRoute();
  Start(o);
  sender_.Script("slack:A", {Result_(kGiveUp, "channel_not_found")});
  sender_.Fallback("slack:CADMIN", Result_(kGiveUp, "not_in_channel"));
  Enqueue("slack:A", "x");
  Drive(30 * 60 * 1000);
  EXPECT_EQ(sender_.SentTo("slack:A").size(), 1u);
  EXPECT_EQ(sender_.SentTo("slack:CADMIN").size(), 1u);  // the announcement died; it is not announced
}

TEST_F(OutboxWorkerTest, MaxAttemptsMakesItDeadAndCounted) {
  auto o = Defaults();
  o.max_attempts = 3;
  Start(o);
  sender_.Fallback("slack:A", Result_(kRetry, "http 503"));
  auto id = Enqueue("slack:A", "x");
  Enqueue("slack:A", "y");  // the next one goes once the head is dead
  Drive(60 * 60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_EQ(sent[2].text, "x");
  EXPECT_EQ(sent[3].text, "y");
  auto row = Row(id);
  EXPECT_EQ(row.state, "dead");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.last_error, "http 503");
  std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_deliveries_total{platform=\"slack\",outcome=\"dead\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_deliveries_total{platform=\"slack\",outcome=\"retry\"} 6\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_dead{platform=\"slack\"} 2\n"));
}

TEST_F(OutboxWorkerTest, AnUnreadablePayloadIsDeadAtOnce) {
  Start(Defaults());
  auto id = EnqueueRaw("slack:A", "not json");
  Drive(60 * 1000);
  EXPECT_TRUE(sender_.sent().empty());
  EXPECT_EQ(Row(id).state, "dead");
  EXPECT_EQ(Row(id).last_error, "unreadable payload");
}

TEST_F(OutboxWorkerTest, RetryDeadPutsItBackAndItIsDelivered) {
  Start(Defaults());
  sender_.Script("slack:A", {Result_(kGiveUp, "channel_not_found")});
  auto id = Enqueue("slack:A", "again");
  Drive(60 * 1000);
  ASSERT_EQ(Row(id).state, "dead");

  EXPECT_EQ(worker_->RetryDead(id + 100).code(), StatusCode::kNotFound);
  int wakes = wakes_;
  ASSERT_TRUE(worker_->RetryDead(id).ok());
  EXPECT_EQ(wakes_, wakes + 1);
  EXPECT_EQ(worker_->RetryDead(id).code(), StatusCode::kFailedPrecondition);  // pending now
  Drive(60 * 1000);
  EXPECT_EQ(Row(id).state, "delivered");
  EXPECT_EQ(sender_.SentTo("slack:A").size(), 2u);
}

TEST_F(OutboxWorkerTest, PruneRemovesOldDeliveredRowsAndDedupeKeysButNotPendingOnes) {
  auto o = Defaults();
  o.retention_ms = 7 * kDayMs;
  Start(o);
  auto delivered = Enqueue("slack:A", "old");
  Drive(60 * 1000);
  ASSERT_EQ(Row(delivered).state, "delivered");
  auto pending = Enqueue("slack:B", "waiting");
  ASSERT_TRUE(writer_
                  ->Run<bool>([&](store::Connection& c) -> Result<bool> {
                    store::DedupeRepo(c).Insert("slack:event:old", clock_.NowMillis());
                    store::OutboxRepo(c).Reschedule(pending, 1, clock_.NowMillis() + 30 * kDayMs, "x",
                                                    clock_.NowMillis());
                    return true;
                  })
                  .ok());
  clock_.AdvanceMillis(6 * kDayMs);
  runner_->RunDue();
  EXPECT_EQ(Row(delivered).state, "delivered");  // younger than the retention
  clock_.AdvanceMillis(2 * kDayMs);
  auto recent = Enqueue("slack:C", "recent");
  runner_->RunDue();

  auto gone = reads_->Run<bool>(
      [&](store::Connection& c) -> Result<bool> { return !store::OutboxRepo(c).Get(delivered).has_value(); });
  EXPECT_TRUE(gone.ok() && gone.value());
  EXPECT_EQ(Row(pending).state, "pending");
  EXPECT_EQ(Row(recent).state, "delivered");
  auto key_free = writer_->Run<bool>([&](store::Connection& c) -> Result<bool> {
    return store::DedupeRepo(c).Insert("slack:event:old", clock_.NowMillis());
  });
  EXPECT_TRUE(key_free.ok() && key_free.value());
}

TEST_F(OutboxWorkerTest, OneDestinationIsNeverSentToTwiceAtOnce) {
  auto o = Defaults();
  o.parallel = 4;
  o.pace_ms_by_platform = {{"slack", 0}};
  Start(o);
  sender_.set_delay(std::chrono::milliseconds(2));
  for (int i = 0; i < 40; ++i)
    Enqueue("slack:D" + std::to_string(i % 8), "m" + std::to_string(i));
  Drive(60 * 1000);
  EXPECT_EQ(sender_.sent().size(), 40u);
  EXPECT_FALSE(sender_.overlapped());
  for (int d = 0; d < 8; ++d) {
    auto sent = sender_.SentTo("slack:D" + std::to_string(d));
    ASSERT_EQ(sent.size(), 5u);
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(sent[i].text, "m" + std::to_string(d + 8 * i));
  }
}

TEST_F(OutboxWorkerTest, NothingIsSentWhileTheWriterCannotRecordIt) {
  auto o = Defaults();
  o.store_failure_pause_ms = 5000;
  Start(o);
  Enqueue("slack:A", "x");
  writer_->Stop();
  const EpochMillis now = clock_.NowMillis();
  EXPECT_EQ(runner_->RunDue(), 1);
  EXPECT_TRUE(sender_.sent().empty());
  EXPECT_EQ(runner_->NextDue(), now + 5000);  // paused: the runner does not spin
  EXPECT_EQ(runner_->RunDue(), 0);
}

TEST_F(OutboxWorkerTest, MetricsExposeTheFamilies) {
  Start(Defaults());
  Enqueue("slack:A", "one");
  Enqueue("slack:A", "two");
  Drive(0);  // only the first goes now; the second waits for the pace
  clock_.AdvanceMillis(500);
  std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE opsbot_outbox_deliveries_total counter\n"));
  EXPECT_THAT(text,
              HasSubstr("opsbot_outbox_deliveries_total{platform=\"slack\",outcome=\"delivered\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_deliveries_total{platform=\"slack\",outcome=\"give_up\"} 0\n"));
  EXPECT_THAT(text,
              HasSubstr("# TYPE opsbot_outbox_pending gauge\nopsbot_outbox_pending{platform=\"slack\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_oldest_pending_seconds{platform=\"slack\"} 0.5\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_dead{platform=\"slack\"} 0\n"));
}

// The admin commands `outbox` and `outbox retry`, run as the Router runs them (a mutating spec on the
// Writer, the others on a read connection), over the same store the worker delivers from.
class OutboxCommandsTest : public OutboxWorkerTest {
 protected:
  void SetUp() override {
    OutboxWorkerTest::SetUp();
    ASSERT_TRUE(RegisterOutboxCommands(registry_).ok());
    ASSERT_TRUE(RegisterDigestCommand(registry_).ok());
  }

  Reply Command(const std::string& id, const std::vector<std::string>& tokens, Lang lang = Lang::kEn,
                Role role = Role::kAdmin) {
    const CommandSpec* spec = registry_.ById(id);
    EXPECT_NE(spec, nullptr) << id;
    if (!spec) return {};
    auto args = ParseArgs(*spec, tokens, lang);
    if (!args.ok()) return Reply::Refused(lang, args.status().message());
    Caller caller;
    caller.key = "root";
    caller.role = role;
    CommandContext ctx{*spec, config_, message_, caller, ChatRef{}, lang, clock_.Now(), "UTC", args.value()};
    auto run = [&](store::Connection& c) -> Result<Reply> { return spec->handler(ctx, c); };
    auto r = spec->mutates ? writer_->Run<Reply>(run) : reads_->Run<Reply>(run);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : Reply{};
  }

  CommandRegistry registry_;
  Config config_;
  InboundMessage message_;
};

TEST_F(OutboxCommandsTest, TheSpecsAreAdminOnlyWithChineseAliases) {
  auto found = registry_.Find({"重发", "12"});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->spec->id, "outbox.retry");
  EXPECT_EQ(found->spec->role, Role::kAdmin);
  EXPECT_TRUE(found->spec->mutates);
  found = registry_.Find({"发件箱"});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->spec->id, "outbox");
  EXPECT_EQ(found->spec->role, Role::kAdmin);
  EXPECT_EQ(registry_.Find({"outbox", "retry", "3"})->spec->id, "outbox.retry");
}

TEST_F(OutboxCommandsTest, OutboxListsCountsAndDeadMessages) {
  Start(Defaults());
  EXPECT_THAT(Command("outbox", {}).text, HasSubstr("The outbox is empty"));

  sender_.Script("slack:A", {Result_(kGiveUp, "channel_not_found")});
  auto dead = Enqueue("slack:A", "lost words");
  Drive(0);
  Enqueue("slack:B", "waiting");
  clock_.Advance(90);

  Reply r = Command("outbox", {});
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_THAT(r.text, HasSubstr("slack: 1 pending, 1 dead"));
  EXPECT_THAT(r.text, HasSubstr("oldest waiting 1m"));
  EXPECT_THAT(r.text, HasSubstr("#" + std::to_string(dead) +
                                " → slack:A · attempts: 1 · channel_not_found · lost words"));
  EXPECT_THAT(r.text, HasSubstr("outbox retry <id>"));
  // Per destination too: slack:B waits, slack:A holds the dead one.
  EXPECT_THAT(r.text, HasSubstr("By destination"));
  EXPECT_THAT(r.text, HasSubstr("  slack:B: 1 pending, 0 dead · oldest waiting 1m"));
  EXPECT_THAT(r.text, HasSubstr("  slack:A: 0 pending, 1 dead"));
  EXPECT_LT(r.text.find("  slack:B:"), r.text.find("  slack:A:"));  // the most pending first
  EXPECT_THAT(Command("outbox", {}, Lang::kZh).text, HasSubstr("slack：待发送 1 条，发送失败 1 条"));
}

TEST_F(OutboxCommandsTest, ADestinationWaitingForItsPaceSaysWhenItMaySendAgain) {
  auto o = Defaults();
  o.pace_ms_by_platform["slack"] = 30000;
  Start(o);
  Enqueue("slack:A", "first");
  Drive(0);  // delivered: slack:A may send again in 30 s
  Enqueue("slack:A", "second");
  clock_.AdvanceMillis(10000);
  EXPECT_THAT(Command("outbox", {}).text,
              HasSubstr("slack:A: 1 pending, 0 dead · oldest waiting 10s · may send again in 20s"));
}

TEST_F(OutboxCommandsTest, DigestPagesThroughEveryCarriedMessageForAMemberOfThatChatOnly) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 30000}};
  o.digest_bytes_by_platform = {{"slack", 600}};
  Start(o);
  Enqueue("slack:A", "first");
  Drive(0);
  std::int64_t head = 0;
  for (int i = 0; i < 120; ++i) {
    auto id = Enqueue("slack:A", "notice " + std::to_string(i) + "\n" + std::string(40, 'x'));
    if (i == 0) head = id;
  }
  Drive(60 * 1000);
  auto sent = sender_.SentTo("slack:A");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_THAT(sent[1].text, HasSubstr("`digest " + std::to_string(head) + "`"));

  const std::string id = std::to_string(head);
  EXPECT_EQ(Command("digest", {id}, Lang::kEn, Role::kMember).outcome, Outcome::kRefused);  // not in slack:A
  message_.channel = Channel::kSlack;
  message_.chat = "A";
  Reply page = Command("digest", {id}, Lang::kEn, Role::kMember);
  ASSERT_EQ(page.outcome, Outcome::kOk) << page.text;
  EXPECT_THAT(page.text, HasSubstr("Digest #" + id + " carried 120 messages to slack:A; 1–"));
  EXPECT_THAT(page.text, HasSubstr("[1] notice 0 xxxx"));
  EXPECT_LE(page.text.size(), 3400u);
  EXPECT_TRUE(page.whole);  // never merged into a digest itself
  EXPECT_THAT(page.text, HasSubstr("More: `digest " + id + " "));
  Reply last = Command("digest", {id, "120"}, Lang::kEn, Role::kMember);
  EXPECT_THAT(last.text, HasSubstr("[120] notice 119 "));
  EXPECT_THAT(last.text, Not(HasSubstr("More:")));
  EXPECT_THAT(Command("digest", {id}, Lang::kZh, Role::kMember).text, HasSubstr("合并消息 " + id));

  EXPECT_EQ(Command("digest", {"x"}).outcome, Outcome::kRefused);
  EXPECT_THAT(Command("digest", {std::to_string(head + 1)}).text, HasSubstr("no digest"));
  EXPECT_EQ(Command("digest", {id, "0"}).outcome, Outcome::kRefused);
}

TEST_F(OutboxCommandsTest, OutboxShowsTheSendBudgetLeftOnEachLaneOfADestination) {
  auto o = Defaults();
  o.pace_ms_by_platform = {{"slack", 0}};
  o.limits = {{"robot", {20, 60000, 5}}};
  o.rate_limited_wait_ms = 600000;
  config_.outbox.limits = o.limits;
  Start(o);
  sender_.SetRoutes("slack:A", {{"robot", "1", "robot:1", "robot", 0}});
  DeliveryResult limited = Result_(kRetry, "errcode 130101");
  limited.rate_limited = true;
  sender_.Script("robot:1", {Result_(kOk), Result_(kOk), limited});
  for (int i = 0; i < 3; ++i) {
    Enqueue("slack:A", "n" + std::to_string(i));
    Drive(10);
  }
  Reply r = Command("outbox", {});
  EXPECT_THAT(r.text, HasSubstr("slack:A: 1 pending, 0 dead"));
  EXPECT_THAT(
      r.text,
      HasSubstr("    robot:1 (slack:A): 2 of 5 left, limit 20 per 1m · blocked for 10m (errcode 130101)"));
  EXPECT_THAT(r.text, HasSubstr("Send budgets"));
}

TEST_F(OutboxCommandsTest, RetryPutsADeadMessageBackWithAnAuditRow) {
  Start(Defaults());
  sender_.Script("slack:A", {Result_(kGiveUp, "channel_not_found")});
  auto id = Enqueue("slack:A", "again");
  Drive(0);
  ASSERT_EQ(Row(id).state, "dead");

  EXPECT_EQ(Command("outbox.retry", {"abc"}).outcome, Outcome::kRefused);
  EXPECT_THAT(Command("outbox.retry", {std::to_string(id + 100)}).text, HasSubstr("no outbox message"));
  Reply r = Command("outbox.retry", {"#" + std::to_string(id)});
  EXPECT_EQ(r.outcome, Outcome::kOk) << r.text;
  EXPECT_THAT(r.text, HasSubstr("queued to be sent again"));
  Reply again = Command("outbox.retry", {std::to_string(id)}, Lang::kZh);
  EXPECT_EQ(again.outcome, Outcome::kRefused);
  EXPECT_THAT(again.text, HasSubstr("正在等待发送"));

  auto audit = reads_->Run<std::vector<store::AuditRow>>(
      [&](store::Connection& c) -> Result<std::vector<store::AuditRow>> {
        return store::AuditRepo(c).ForEntity("outbox", id);
      });
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->at(0).action, "outbox.retry");
  EXPECT_EQ(audit->at(0).actor, "root");

  Drive(60 * 1000);
  EXPECT_EQ(Row(id).state, "delivered");
  EXPECT_EQ(sender_.SentTo("slack:A").size(), 2u);
}

}  // namespace
}  // namespace opsbot
