// Tests for bot/router.h's deadline (InboundMessage::answer_within_ms) through the real App on a real store:
// a command that has not committed in time answers Outcome::kLate at once and its reply goes through the
// outbox, in the command's own transaction; one that commits in time answers in the reply and queues nothing.
// Exactly one of the two carries each reply.
#include "bot/router.h"

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>

#include "bot/app.h"
#include "bot/outbound.h"
#include "store/writer.h"
#include "tests/support/opsbot_env.h"

namespace opsbot {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr EpochSeconds kRouterTestStart = 1700000000;

const char* kRouterTestConfig = R"(bot:
  log_level: warn
  language: en
people:
  - {id: alice, name: Alice, role: admin, slack: U0ALICE}
chats:
  - {id: ops, name: Ops, slack: C0OPS}
)";

// Holds the App's writer busy with a piece of work of its own until released, as a slow disk or a long
// batch would: what is submitted meanwhile waits in the queue.
class WriterHold {
 public:
  explicit WriterHold(store::Writer& writer) {
    writer.Submit(
        [this](store::Connection&) {
          entered_.set_value();
          release_.get_future().wait();
          return Status::Ok();
        },
        [this](const Status&) { done_.set_value(); });
  }
  ~WriterHold() { Release(); }
  bool WaitEntered() { return entered_.get_future().wait_for(30s) == std::future_status::ready; }
  void Release() {
    if (released_) return;
    released_ = true;
    release_.set_value();
    done_.get_future().wait();
  }

 private:
  std::promise<void> entered_, release_, done_;
  bool released_ = false;
};

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AppOptions o;
    o.config_path = env_.config_path();
    o.db_override = env_.db_path();
    o.what = "router test";
    o.clock = &clock_;
    auto app = App::Open(o);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(app).value();
  }
  void TearDown() override { app_.reset(); }

  // A Slack slash command, as slack_inbound builds it: answered within `within_ms`, or else through the
  // outbox to the channel.
  static InboundMessage SlashCommand(const std::string& text, int within_ms) {
    InboundMessage m;
    m.channel = Channel::kSlack;
    m.user = "U0ALICE";
    m.user_name = "alice";
    m.chat = "C0OPS";
    m.text = text;
    m.max_role = Role::kAdmin;
    m.reply_platform = "slack";
    m.reply_channel = "C0OPS";
    m.answer_within_ms = within_ms;
    return m;
  }
  // Waits until everything submitted to the writer so far has committed (its queue is first in, first out).
  void DrainWriter() {
    auto r = app_->writer().Run<int>([](store::Connection&) -> Result<int> { return 0; });
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::int64_t Count(const std::string& sql) { return env_.Count(sql); }
  std::vector<OutboundMessage> Queued() {
    auto db = env_.Db();
    SQLite::Statement q(*db, "SELECT payload FROM outbox ORDER BY id");
    std::vector<OutboundMessage> out;
    while (q.executeStep()) {
      auto m = OutboundMessage::FromJson(nlohmann::json::parse(q.getColumn(0).getString(), nullptr, false));
      EXPECT_TRUE(m.has_value()) << q.getColumn(0).getString();
      if (m) out.push_back(*m);
    }
    return out;
  }

  testing::OpsbotEnv env_{kRouterTestConfig};
  FakeClock clock_{kRouterTestStart};
  std::unique_ptr<App> app_;
};

TEST_F(RouterTest, ACommandNotCommittedInTimeAnswersLateAndItsReplyGoesThroughTheOutbox) {
  WriterHold hold(app_->writer());
  ASSERT_TRUE(hold.WaitEntered());

  auto start = std::chrono::steady_clock::now();
  auto answer = std::async(std::launch::async, [&] {
    return app_->router().Handle(SlashCommand("ticket new Disk full on db-3 p2", 100));
  });
  if (answer.wait_for(10s) != std::future_status::ready) {
    hold.Release();  // let Handle return, so the test fails instead of hanging
    FAIL() << "Handle waited for the held writer past its 100-ms deadline";
  }
  auto waited = std::chrono::steady_clock::now() - start;
  Reply late = answer.get();
  EXPECT_EQ(late.outcome, Outcome::kLate) << late.text;
  EXPECT_EQ(late.command, "ticket.new");
  EXPECT_TRUE(late.text.empty()) << "the late answer carries no reply: " << late.text;
  EXPECT_GE(waited, 100ms);
  EXPECT_EQ(Count("SELECT count(*) FROM tickets"), 0) << "nothing is committed while the writer is held";

  hold.Release();
  DrainWriter();
  // The command went on after its caller left: the ticket and its reply committed together.
  EXPECT_EQ(Count("SELECT count(*) FROM tickets"), 1);
  std::vector<OutboundMessage> queued = Queued();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].platform, "slack");
  EXPECT_EQ(queued[0].destination, "slack:C0OPS");
  EXPECT_THAT(queued[0].reply.text, HasSubstr("T-1"));
  EXPECT_THAT(queued[0].reply.text, HasSubstr("Disk full on db-3"));
  EXPECT_EQ(Count("SELECT count(*) FROM audit WHERE action = 'ticket.new'"), 1);
}

TEST_F(RouterTest, ACommandCommittedInTimeAnswersInTheReplyAndQueuesNothing) {
  Reply in_time = app_->router().Handle(SlashCommand("ticket new Disk full on db-3 p2", 5000));
  EXPECT_EQ(in_time.outcome, Outcome::kOk) << in_time.text;
  EXPECT_THAT(in_time.text, HasSubstr("T-1"));
  EXPECT_EQ(Count("SELECT count(*) FROM tickets"), 1);
  EXPECT_TRUE(Queued().empty()) << "the reply went back to the caller; the outbox must not carry it too";
}

TEST_F(RouterTest, AReadNotAnsweredInTimeStillAnswersWhenItIsNotQueued) {
  // A read with no dedupe key and no outbox reply runs on a read connection, beside a held writer: the
  // deadline does not apply to it and it answers in full.
  WriterHold hold(app_->writer());
  ASSERT_TRUE(hold.WaitEntered());
  Reply list = app_->router().Handle(SlashCommand("ticket list", 100));
  EXPECT_EQ(list.outcome, Outcome::kOk) << list.text;
  EXPECT_FALSE(list.text.empty());
  hold.Release();
  DrainWriter();
  EXPECT_TRUE(Queued().empty());
}

}  // namespace
}  // namespace opsbot
