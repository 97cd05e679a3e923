#include "bot/cli.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "adapters/console/console_adapter.h"
#include "bot/api_tokens.h"
#include "bot/app.h"
#include "bot/buffered_log_sink.h"
#include "bot/console_client.h"
#include "bot/serve.h"
#include "bot/signal_watcher.h"
#include "store/backup.h"
#include "store/db_lock.h"
#include "store/schema.h"

namespace opsbot {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitLocked = 3;

struct GlobalOptions {
  std::string config;
  std::string db;
};

// The default config: the demo config when run from a checkout, else the installed one.
std::string DefaultConfigPath() {
  if (const char* env = std::getenv("OPSBOT_CONFIG"); env && *env) return env;
  if (std::filesystem::exists("config/opsbot.example.yaml")) return "config/opsbot.example.yaml";
  return "/etc/opsbot/opsbot.yaml";
}

int Fail(const Status& s) {
  std::cerr << "opsbot: " << s.message() << "\n";
  if (s.code() == StatusCode::kInvalidArgument) return kExitUsage;
  if (s.code() == StatusCode::kUnavailable) return kExitLocked;
  return kExitFailure;
}

// While a server holds the database, the console talks to it through the JSON API instead.
int RunConsoleThroughServer(const GlobalOptions& g, const std::string& url, std::string user,
                            const std::string& chat) {
  auto config = LoadValidConfig(g.config, g.db);
  if (!config.ok()) return Fail(config.status());
  auto tokens = ResolveApiTokens(**config);
  if (!tokens.ok()) return Fail(tokens.status());
  const ApiToken* best = nullptr;
  for (const auto& t : *tokens)
    if (!best || RoleAllows(t.max_role, best->max_role)) best = &t;
  if (!best)
    return Fail(
        Status::Unavailable("a server holds the database, and the config has no API token to reach it"));
  if (user.empty()) user = (*config)->people.empty() ? "demo" : (*config)->people.front().id;
  std::string chat_key =
      chat == "-" ? "" : (chat.empty() && !(*config)->chats.empty() ? (*config)->chats.front().id : chat);
  std::cerr << "opsbot: the server at " << url << " holds the database; talking to it as integration '"
            << best->name << "'\n";
  ServerClient client(url, best->token);
  SignalWatcher signals(nullptr, [](int) {});
  ConsoleOptions console{user, chat_key, isatty(0) != 0, 0, signals.stop_fd()};
  RunConsole(
      console, [&client](const InboundMessage& m) { return client.Send(m); }, std::cout);
  return 0;
}

int RunConsoleCommand(const GlobalOptions& g, std::string user, const std::string& chat) {
  AppOptions options{g.config, g.db, "opsbot console", nullptr};
  auto app = App::Open(options);
  if (!app.ok() && app.status().code() == StatusCode::kUnavailable) {
    auto config = LoadValidConfig(g.config, g.db);
    auto holder = config.ok() ? store::DbLock::Holder((*config)->store.path) : std::nullopt;
    std::string url = holder ? ServerUrlFromLockHolder(holder->what) : "";
    if (!url.empty()) return RunConsoleThroughServer(g, url, user, chat);
  }
  if (!app.ok()) return Fail(app.status());
  auto config = (*app)->config().Get();
  if (user.empty()) user = config->people.empty() ? "demo" : config->people.front().id;
  std::string chat_key =
      chat == "-" ? "" : (chat.empty() && !config->chats.empty() ? config->chats.front().id : chat);
  App* raw = app->get();
  if (isatty(0) && isatty(2)) {
    // Keep the terminal for the conversation: from here on, log lines go to a file beside the database.
    auto log_path = (std::filesystem::path(raw->db_path()).parent_path() / "opsbot.log").string();
    try {
      auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_path);
      file->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
      spdlog::default_logger()->sinks().assign({file});
      std::cout << "(log: " << log_path << ")\n";
    } catch (const spdlog::spdlog_ex& e) {
      spdlog::warn("cannot log to {}: {}", log_path, e.what());
    }
  }
  SignalWatcher signals([raw] { raw->Reload(); }, [](int sig) { spdlog::info("signal {}: stopping", sig); });
  ConsoleOptions console{user, chat_key, isatty(0) != 0, 0, signals.stop_fd()};
  RunConsole(
      console, [raw](const InboundMessage& m) { return raw->router().Handle(m); }, std::cout);
  raw->Stop();
  return 0;
}

int RunServeCommand(const GlobalOptions& g, const std::string& listen) {
  AppOptions options{g.config, g.db, "opsbot serve", nullptr};
  auto app = App::Open(options);
  if (!app.ok()) return Fail(app.status());
  return RunServer(**app, ServeOptions{listen});
}

int RunMigrate(const GlobalOptions& g) {
  AppOptions options{g.config, g.db, "opsbot migrate", nullptr};
  auto app = App::Open(options);  // opening migrates
  if (!app.ok()) return Fail(app.status());
  std::cout << "database " << (*app)->db_path() << " is at schema version " << store::LatestSchemaVersion()
            << "\n";
  return 0;
}

int RunBackup(const GlobalOptions& g, const std::string& file) {
  auto config = LoadValidConfig(g.config, g.db);
  if (!config.ok()) return Fail(config.status());
  Status s = store::BackupDatabase((*config)->store.path, file);
  if (!s.ok()) return Fail(s);
  std::cout << "backup of " << (*config)->store.path << " written to " << file << "\n";
  return 0;
}

int RunRestore(const GlobalOptions& g, const std::string& file) {
  auto config = LoadValidConfig(g.config, g.db);
  if (!config.ok()) return Fail(config.status());
  const std::string& db = (*config)->store.path;
  auto parent = std::filesystem::path(db).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto lock = store::DbLock::Acquire(db, "opsbot restore");
  if (!lock.ok()) return Fail(Status::Unavailable("restore refused: " + lock.status().message()));
  auto info = store::RestoreDatabase(file, db);
  if (!info.ok()) return Fail(info.status());
  std::cout << "restored " << db << " from " << file << ": " << info->tickets << " tickets, schema version "
            << info->schema_version << "\n";
  return 0;
}

int RunCheckConfig(const GlobalOptions& g) {
  auto config = LoadValidConfig(g.config, g.db);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return kExitUsage;
  }
  const Config& c = **config;
  std::cout << g.config << ": OK — " << c.people.size() << " people, " << c.teams.size() << " teams, "
            << c.chats.size() << " chats, " << c.assignment.size() << " assignment rules; store "
            << c.store.path << "\n";
  for (const auto& n : c.notices)
    std::cout << "note: " << n << "\n";
  return 0;
}

// A service's stderr (journald, a file): lines are written in batches, warnings and errors at once. Starts
// spdlog's flusher thread.
void BufferLogLines() {
  auto sink = std::make_shared<BufferedLogSink>(2);
  sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  spdlog::default_logger()->sinks().assign({sink});
  spdlog::flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));  // the finest period spdlog 1.10 takes
}

}  // namespace

int RunCli(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("opsbot");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  CLI::App cli{"opsbot: tickets, on-call, reminders and alerts by chat (DingTalk, WeCom, Slack)"};
  cli.require_subcommand(1);
  GlobalOptions g;
  g.config = DefaultConfigPath();
  cli.add_option("--config", g.config, "configuration file (YAML)")->capture_default_str();
  cli.add_option("--db", g.db, "SQLite database file; overrides store.path in the config");

  std::string user, chat, file, listen;
  auto* serve =
      cli.add_subcommand("serve", "run the server: chat webhooks, the JSON API, /healthz, /metrics");
  serve->add_option("--listen", listen,
                    "HOST:PORT to listen on; overrides http.listen (default 127.0.0.1:8080)");
  auto* console = cli.add_subcommand("console", "chat with opsbot in this terminal (reads stdin when piped)");
  console->add_option("--user", user,
                      "who you are: a person's id from the config (default: the first person)");
  console->add_option(
      "--chat", chat,
      "which chat you are in: a chat id from the config (default: the first; - for a direct chat)");
  auto* migrate = cli.add_subcommand("migrate", "apply pending database migrations and exit");
  auto* backup = cli.add_subcommand("backup", "write an online backup of the database to FILE");
  backup->add_option("FILE", file, "backup file to create")->required();
  auto* restore =
      cli.add_subcommand("restore", "replace the database with the backup FILE (opsbot must be stopped)");
  restore->add_option("FILE", file, "backup file to restore")->required()->check(CLI::ExistingFile);
  auto* check = cli.add_subcommand("check-config", "validate the configuration and exit");
  auto* version = cli.add_subcommand("version", "print the version");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : kExitUsage;
  }
  if (version->parsed()) {
    std::cout << "opsbot " << OPSBOT_VERSION << " (schema " << store::LatestSchemaVersion() << ")\n";
    return 0;
  }
  if (check->parsed()) return RunCheckConfig(g);
  SignalWatcher::BlockSignals();  // before any thread starts, so every thread inherits the mask
  if (!isatty(2)) BufferLogLines();
  if (serve->parsed()) return RunServeCommand(g, listen);
  if (console->parsed()) return RunConsoleCommand(g, user, chat);
  if (migrate->parsed()) return RunMigrate(g);
  if (backup->parsed()) return RunBackup(g, file);
  if (restore->parsed()) return RunRestore(g, file);
  return kExitUsage;
}

}  // namespace opsbot
