// App: the composition root. Wires config, store, writer, commands and router together, explicitly.
//
// Lifetime: Open() loads and validates the config, takes the database lock (refusing while another
// opsbot holds it), migrates, registers every command (a duplicate aborts), starts the Writer and the
// Checkpointer, and syncs the config's people and chats into the store. Stop() (also run by the
// destructor) commits what is queued and refuses new work. Thread-safe after Open: router() may be used
// from many threads; Reload() from one (the signal watcher).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "adapters/dingtalk/dingtalk_routes.h"
#include "adapters/slack/slack_user_directory.h"
#include "bot/clock.h"
#include "bot/command_registry.h"
#include "bot/config_holder.h"
#include "bot/job_runner.h"
#include "bot/metrics.h"
#include "bot/outbound.h"
#include "bot/router.h"
#include "bot/status.h"
#include "store/checkpointer.h"
#include "store/db_lock.h"
#include "store/person_repo.h"
#include "store/read_pool.h"
#include "store/writer.h"

namespace opsbot {

class OutboxWorker;

struct AppOptions {
  std::string config_path;
  std::string db_override;       // --db: replaces store.path when set
  std::string what;              // what this process is, for the lock file ("opsbot console")
  const Clock* clock = nullptr;  // default: the system clock
};

class App {
 public:
  static Result<std::unique_ptr<App>> Open(const AppOptions& options);
  ~App();

  Router& router() { return *router_; }
  const ConfigHolder& config() const { return *config_; }
  const std::string& db_path() const { return db_path_; }
  store::Writer& writer() { return *writer_; }
  store::ReadPool& reads() { return *reads_; }
  MetricsRegistry& metrics() { return *metrics_; }
  // Counts a store failure seen outside the Router (e.g. by the read API).
  void CountStoreError() { store_errors_->Inc(); }
  // Rewrites what the database lock file says this process is (e.g. the server's address).
  Status DescribeLock(const std::string& what) { return lock_->Describe(what); }
  const Clock& clock() const { return *clock_; }
  // A person's handle on a platform by key ("" when none), e.g. &PersonRow::slack_user_id, from the
  // store. Thread-safe.
  std::string HandleOf(const std::string& person_key, std::string store::PersonRow::*handle);
  std::string SlackIdOf(const std::string& person_key);  // HandleOf(key, &PersonRow::slack_user_id)
  // A reply as Slack mrkdwn (mentions as <@U…>).
  std::string RenderForSlack(const Reply& reply);
  // Fills what Slack says of a sender the store does not know (handle, language, time zone). Thread-safe.
  void DescribeSlackUser(InboundMessage& message);
  // Records that a DingTalk signed header pair carried `dedupe_key`, unless it already carried one.
  Result<SignatureUse> ClaimDingTalkSignature(const std::string& pair, const std::string& dedupe_key);
  // users.info calls made so far.
  std::size_t slack_user_lookups() const { return slack_users_ ? slack_users_->lookups() : 0; }

  // Re-reads the config file. A bad config is refused with its errors and the old one kept.
  Status Reload();
  void Stop();

 private:
  App() = default;
  void InitMetrics();
  Status InitOutbox(const Config& config);

  AppOptions options_;
  std::string db_path_;
  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<MetricsRegistry> metrics_;
  Counter* store_errors_ = nullptr;
  std::unique_ptr<ConfigHolder> config_;
  std::unique_ptr<store::DbLock> lock_;
  std::unique_ptr<CommandRegistry> registry_;
  std::unique_ptr<store::Checkpointer> checkpointer_;  // before writer_, which calls it: destroyed after
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<store::ReadPool> reads_;
  std::unique_ptr<JobRunner> runner_;
  std::map<std::string, std::unique_ptr<Sender>> senders_;
  std::unique_ptr<OutboxWorker> outbox_;
  std::unique_ptr<SlackUserDirectory> slack_users_;  // while Slack is on
  std::unique_ptr<Router> router_;
};

// Loads and validates a config file, applying --db. Errors are formatted one per line.
Result<std::shared_ptr<const Config>> LoadValidConfig(const std::string& path,
                                                      const std::string& db_override);

// Sets spdlog's level from the config ("info", ...) and logs the config's notices.
void ApplyLogging(const Config& config);

}  // namespace opsbot
