#include "bot/app.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "adapters/dingtalk/dingtalk_sender.h"
#include "adapters/slack/slack_render.h"
#include "adapters/slack/slack_sender.h"
#include "adapters/wecom/wecom_sender.h"
#include "bot/config_loader.h"
#include "bot/config_sync.h"
#include "bot/outbox_worker.h"
#include "commands/register_all.h"
#include "store/dedupe_repo.h"
#include "store/person_repo.h"
#include "store/schema.h"

namespace opsbot {
namespace {

// users.info for an unknown sender runs inside Slack's 3 s, before the command: at most this long.
constexpr int kSlackUserLookupMs = 1000;

}  // namespace

Result<std::shared_ptr<const Config>> LoadValidConfig(const std::string& path,
                                                      const std::string& db_override) {
  ConfigLoad load = LoadConfigFile(path, ProcessEnv());
  if (!load.errors.empty()) return Status::Invalid(FormatConfigErrors(path, load.errors));
  if (!db_override.empty()) load.config->store.path = db_override;
  return std::shared_ptr<const Config>(std::make_shared<Config>(std::move(*load.config)));
}

void ApplyLogging(const Config& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  for (const auto& n : config.notices)
    spdlog::info("config: {}", n);
}

Result<std::unique_ptr<App>> App::Open(const AppOptions& options) {
  std::unique_ptr<App> app(new App());
  app->options_ = options;
  app->clock_ = options.clock ? options.clock : &app->system_clock_;

  auto config = LoadValidConfig(options.config_path, options.db_override);
  if (!config.ok()) return config.status();
  ApplyLogging(**config);
  app->config_ = std::make_unique<ConfigHolder>(config.value());
  const Config& cfg = **config;
  app->db_path_ = cfg.store.path;

  std::error_code ec;
  auto parent = std::filesystem::path(app->db_path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::Unavailable("cannot create " + parent.string() + ": " + ec.message());

  auto lock = store::DbLock::Acquire(app->db_path_, options.what);
  if (!lock.ok()) return lock.status();
  app->lock_ = std::make_unique<store::DbLock>(std::move(lock.value()));

  store::ConnectionOptions conn_options;
  conn_options.path = app->db_path_;
  conn_options.synchronous =
      cfg.store.synchronous_full ? store::Synchronous::kFull : store::Synchronous::kNormal;
  auto conn = store::Connection::Open(conn_options);
  if (!conn.ok()) return conn.status();
  auto applied = store::Migrate(**conn);
  if (!applied.ok()) return applied.status();
  if (*applied > 0)
    spdlog::info("store: applied {} migration(s); schema version {}", *applied, store::LatestSchemaVersion());

  app->InitMetrics();
  app->registry_ = std::make_unique<CommandRegistry>();
  if (Status s = RegisterAllCommands(*app->registry_); !s.ok())
    return Status::Internal("command registration failed: " + s.message());

  store::Writer::Options writer_options;
  auto& batch_size = app->metrics_
                         ->AddHistogram("opsbot_writer_batch_size", "Commands committed per batch.", {},
                                        {1, 2, 4, 8, 16, 32, 64, 128, 256})
                         .With({});
  auto& commit_seconds = app->metrics_
                             ->AddHistogram("opsbot_writer_commit_seconds", "Time to COMMIT a batch.", {},
                                            MetricsRegistry::LatencyBounds())
                             .With({});
  writer_options.on_batch = [&batch_size, &commit_seconds](std::size_t n, std::int64_t micros) {
    batch_size.Observe(static_cast<double>(n));
    commit_seconds.Observe(static_cast<double>(micros) / 1e6);
  };
  // Checkpoints follow the WAL's growth (every ~4 MB of it), cued by the Writer's commits, besides the 100-ms
  // tick. Made before the Writer, which calls it, and stopped after it.
  app->checkpointer_ = std::make_unique<store::Checkpointer>(conn_options, std::chrono::milliseconds(100));
  writer_options.on_wal_frames = [checkpointer = app->checkpointer_.get()](int frames) {
    checkpointer->WalWritten(frames);
  };
  app->writer_ = std::make_unique<store::Writer>(std::move(conn.value()), std::move(writer_options));
  app->reads_ = std::make_unique<store::ReadPool>(conn_options, 8);

  const std::int64_t now = app->clock_->Now();
  auto synced = app->writer_->Run<SyncCounts>(
      [&](store::Connection& c) -> Result<SyncCounts> { return SyncConfigToStore(c, cfg, now); });
  if (!synced.ok()) return Status::Internal("config sync failed: " + synced.status().message());
  spdlog::info("opsbot: {} people, {} chats from {}; store {} (synchronous={})", cfg.people.size(),
               cfg.chats.size(), options.config_path, app->db_path_,
               cfg.store.synchronous_full ? "FULL" : "NORMAL");

  auto& commands = app->metrics_->AddCounter("opsbot_commands_total", "Chat commands by command and outcome.",
                                             {"command", "outcome"});
  Counter* store_errors = app->store_errors_;
  Router::Observer observe = [&commands, store_errors](const std::string& command, Outcome outcome, double) {
    commands.With({command.empty() ? "unknown" : command, OutcomeName(outcome)}).Inc();
    if (outcome == Outcome::kError) store_errors->Inc();
  };
  if (Status s = app->InitOutbox(cfg); !s.ok()) return s;
  JobRunner* runner = app->runner_.get();
  App* self = app.get();
  auto split = [self](const OutboundMessage& to, const Reply& reply) {
    const std::string& platform = to.platform;
    if (platform == "dingtalk") return SplitDingTalkReply(reply);
    if (platform == "wecom") return SplitWeComReply(reply, to.channel.rfind("group:", 0) == 0);
    return SplitSlackReply(reply, [self](const std::string& key) { return self->SlackIdOf(key); });
  };
  app->router_ = std::make_unique<Router>(Router::Deps{*app->registry_, *app->config_, *app->writer_,
                                                       *app->reads_, *app->clock_, std::move(observe),
                                                       [runner] { runner->Wake(); }, split});
  app->runner_->Start();
  return app;
}

Status App::InitOutbox(const Config& cfg) {
  runner_ = std::make_unique<JobRunner>(*clock_);
  if (cfg.slack.enabled) {
    SlackSenderOptions so;
    so.api_base = cfg.slack.api_base;
    so.bot_token = cfg.slack.bot_token;
    if (!cfg.slack.proxy.empty()) {
      // "http://host:port" → host and port.
      std::string rest = cfg.slack.proxy.substr(cfg.slack.proxy.find("://") + 3);
      auto colon = rest.rfind(':');
      so.proxy.host = rest.substr(0, colon);
      so.proxy.port = colon == std::string::npos ? 80 : std::atoi(rest.substr(colon + 1).c_str());
    }
    so.slack_id_of = [this](const std::string& key) { return SlackIdOf(key); };
    ConfigHolder* holder = config_.get();
    so.current_bot_token = [holder] { return holder->Get()->slack.bot_token; };  // rotated by a reload
    auto sender = SlackSender::Create(std::move(so));
    if (!sender.ok()) return Status::Invalid("slack: " + sender.status().message());
    SlackSender* slack = sender.value().get();
    senders_["slack"] = std::move(sender.value());
    store::ReadPool* reads = reads_.get();
    slack_users_ = std::make_unique<SlackUserDirectory>(SlackUserDirectory::Deps{
        [reads](const std::string& id) {
          auto found = reads->Run<bool>([&](store::Connection& c) -> Result<bool> {
            return store::PersonRepo(c).ByHandle(store::HandleKind::kSlack, id).has_value();
          });
          return !found.ok() || found.value();  // a store failure: do not call out, the command fails anyway
        },
        [slack](const std::string& id) { return slack->LookUpUser(id, kSlackUserLookupMs); }, *clock_});
  }
  if (cfg.dingtalk.enabled || !cfg.dingtalk.robots.empty()) {
    DingTalkSenderOptions dt;
    dt.api_base = cfg.dingtalk.api_base;
    dt.oapi_base = cfg.dingtalk.oapi_base;
    ConfigHolder* holder = config_.get();
    dt.app_key = [holder] { return holder->Get()->dingtalk.app_key; };  // rotated by a reload
    dt.app_secret = [holder] { return holder->Get()->dingtalk.app_secret; };
    dt.dingtalk_id_of = [this](const std::string& key) {
      return HandleOf(key, &store::PersonRow::dingtalk_staff_id);
    };
    dt.robots_for = [holder](const std::string& conversation_id) {
      auto c = holder->Get();
      auto it = c->dingtalk.robots.find(conversation_id);
      return it == c->dingtalk.robots.end() ? std::vector<DingTalkRobot>{} : it->second;
    };
    dt.clock = clock_;
    senders_["dingtalk"] = std::make_unique<DingTalkSender>(std::move(dt));
  }
  if (cfg.wecom.enabled() || !cfg.wecom.robot_keys.empty()) {
    WeComSenderOptions wc;
    wc.api_base = cfg.wecom.api_base;
    ConfigHolder* holder = config_.get();
    wc.corp_id = [holder] { return holder->Get()->wecom.corp_id; };  // rotated by a reload
    wc.app_secret = [holder] { return holder->Get()->wecom.secret; };
    wc.agent_id = [holder] { return holder->Get()->wecom.agent_id; };
    wc.robot_keys_for = [holder](const std::string& chat_id) {
      auto c = holder->Get();
      auto it = c->wecom.robot_keys.find(chat_id);
      return it == c->wecom.robot_keys.end() ? std::vector<std::string>{} : it->second;
    };
    wc.wecom_id_of = [this](const std::string& key) {
      return HandleOf(key, &store::PersonRow::wecom_userid);
    };
    wc.clock = clock_;
    senders_["wecom"] = std::make_unique<WeComSender>(std::move(wc));
  }
  OutboxWorker::Options o;
  o.pace_ms_by_platform["slack"] = cfg.slack.pace_ms;
  o.pace_ms_by_platform["dingtalk"] = cfg.dingtalk.pace_ms;
  o.pace_ms_by_platform["wecom"] = cfg.wecom.pace_ms;
  o.max_attempts = cfg.outbox.max_attempts;
  o.retention_ms = cfg.outbox.retention_seconds * 1000;
  o.rate_limited_wait_ms = cfg.outbox.rate_limit_wait_seconds * 1000;
  o.limits = cfg.outbox.limits;
  if (const ChatConfig* admin = cfg.FindChat(cfg.admin_chat);
      admin && cfg.slack.enabled && !admin->slack_channel_id.empty()) {
    OutboundMessage route;
    route.platform = "slack";
    route.channel = admin->slack_channel_id;
    route.destination = "slack:" + route.channel;
    route.reply.lang = admin->language.value_or(cfg.language);
    o.admin_route = route;
  }
  std::map<std::string, Sender*> senders;
  for (auto& [platform, sender] : senders_)
    senders[platform] = sender.get();
  JobRunner* runner = runner_.get();
  ConfigHolder* holder = config_.get();
  outbox_ = std::make_unique<OutboxWorker>(
      OutboxWorker::Deps{*writer_, *reads_, *clock_, *metrics_, senders, [runner] { runner->Wake(); },
                         [holder] { return holder->Get()->outbox.limits; }},
      o);
  runner_->Add(outbox_->AsJob());
  return Status::Ok();
}

std::string App::HandleOf(const std::string& person_key, std::string store::PersonRow::*handle) {
  auto id = reads_->Run<std::string>([&](store::Connection& c) -> Result<std::string> {
    auto p = store::PersonRepo(c).ByKey(person_key);
    return p ? (*p).*handle : std::string();
  });
  return id.ok() ? id.value() : std::string();
}

std::string App::SlackIdOf(const std::string& person_key) {
  return HandleOf(person_key, &store::PersonRow::slack_user_id);
}

Result<SignatureUse> App::ClaimDingTalkSignature(const std::string& pair, const std::string& dedupe_key) {
  const EpochMillis now = clock_->NowMillis();
  return writer_->Run<SignatureUse>([&](store::Connection& c) -> Result<SignatureUse> {
    switch (store::DedupeRepo(c).ClaimFor(pair, dedupe_key, now)) {
      case store::DedupeRepo::Claim::kFirst:
        return SignatureUse::kFirst;
      case store::DedupeRepo::Claim::kSameHolder:
        return SignatureUse::kSameMessage;
      case store::DedupeRepo::Claim::kOtherHolder:
        break;
    }
    return SignatureUse::kOtherMessage;
  });
}

void App::DescribeSlackUser(InboundMessage& message) {
  if (slack_users_) slack_users_->Describe(message);
}

std::string App::RenderForSlack(const Reply& reply) {
  std::string out;
  for (const auto& part : RenderSlackReply(
           reply, [this](const std::string& key) { return SlackIdOf(key); }, kSlackTextLimit))
    out += (out.empty() ? "" : "\n") + part;
  return out;
}

void App::InitMetrics() {
  metrics_ = std::make_unique<MetricsRegistry>();
  store_errors_ =
      &metrics_->AddCounter("opsbot_store_errors_total", "Store failures (nothing was changed).", {})
           .With({});
  ConfigHolder* config = config_.get();
  metrics_->AddGauge("opsbot_config_generation", "Successful config loads since start.",
                     [config] { return static_cast<double>(config->generation()); });
}

App::~App() {
  Stop();
}

Status App::Reload() {
  auto next = LoadValidConfig(options_.config_path, options_.db_override);
  if (!next.ok()) {
    spdlog::error("reload refused; keeping the running config:\n{}", next.status().message());
    return next.status();
  }
  if ((*next)->store.path != db_path_) {
    std::string m =
        "reload refused: store.path changed (" + (*next)->store.path + "); restart to move the store";
    spdlog::error("{}", m);
    return Status::Invalid(m);
  }
  const std::int64_t now = clock_->Now();
  std::shared_ptr<const Config> cfg = next.value();
  auto synced = writer_->Run<SyncCounts>(
      [&](store::Connection& c) -> Result<SyncCounts> { return SyncConfigToStore(c, *cfg, now); });
  if (!synced.ok()) {
    spdlog::error("reload refused: {}", synced.status().message());
    return synced.status();
  }
  ApplyLogging(*cfg);
  config_->Set(cfg);
  spdlog::info("config reloaded (generation {}): {} people and {} chats changed", config_->generation(),
               synced->people_changed, synced->chats_changed);
  return Status::Ok();
}

void App::Stop() {
  if (runner_) runner_->Stop();
  if (writer_) writer_->Stop();
  if (checkpointer_) checkpointer_->Stop();
}

}  // namespace opsbot
