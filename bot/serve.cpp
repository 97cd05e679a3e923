#include "bot/serve.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "adapters/api/api_adapter.h"
#include "adapters/dingtalk/dingtalk_routes.h"
#include "adapters/slack/slack_routes.h"
#include "adapters/wecom/wecom_routes.h"
#include "bot/api_tokens.h"
#include "bot/config_server_sections.h"
#include "bot/http_server.h"
#include "bot/json_body.h"
#include "bot/signal_watcher.h"
#include "commands/ticket_api.h"
#include "store/schema.h"

namespace opsbot {
namespace {

// The API tokens of the current config, swapped on reload.
class TokenHolder {
 public:
  Status Load(const Config& config) {
    auto tokens = ResolveApiTokens(config);
    if (!tokens.ok()) return tokens.status();
    auto next = std::make_shared<const ApiTokens>(tokens.value());
    std::lock_guard lock(mu_);
    current_ = std::move(next);
    return Status::Ok();
  }
  std::shared_ptr<const ApiTokens> Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ApiTokens> current_;
};

void AddHealthRoutes(HttpServer& server, App& app) {
  server.Add({"GET", "/healthz", "/healthz", 0, [&app](const httplib::Request&, httplib::Response& res) {
                auto store_ok = app.reads().Run<int>(
                    [](store::Connection& c) -> Result<int> { return store::SchemaVersion(c); });
                bool writer_ok = app.writer().running();
                bool ok = store_ok.ok() && writer_ok;
                nlohmann::json body = {{"status", ok ? "ok" : "unhealthy"},
                                       {"store", store_ok.ok() ? "ok" : store_ok.status().message()},
                                       {"writer", writer_ok ? "ok" : "stopped"},
                                       {"schema_version", store_ok.ok() ? store_ok.value() : 0},
                                       {"config_generation", app.config().generation()}};
                SendJson(res, ok ? 200 : 503, body.dump());
              }});
  server.Add({"GET", "/metrics", "/metrics", 0, [&app](const httplib::Request&, httplib::Response& res) {
                res.set_content(app.metrics().Render(), "text/plain; version=0.0.4; charset=utf-8");
              }});
}

}  // namespace

int RunServer(App& app, const ServeOptions& options) {
  auto config = app.config().Get();
  std::string host = config->http.host;
  int port = config->http.port;
  if (!options.listen.empty() && !ParseListenAddress(options.listen, &host, &port)) {
    spdlog::error("--listen {}: expected HOST:PORT like 127.0.0.1:8080", options.listen);
    return 2;
  }

  TokenHolder tokens;
  if (Status s = tokens.Load(*config); !s.ok()) {
    spdlog::error("api tokens: {}", s.message());
    return 1;
  }
  if (tokens.Get()->empty()) spdlog::warn("api: no tokens configured; /api/v1 answers 401 to everyone");

  HttpServer server(config->http, app.metrics());
  AddHealthRoutes(server, app);
  StoreTicketQueries tickets(app.reads());
  RegisterApiRoutes(server, {[&tokens] { return tokens.Get(); },
                             [&app](const InboundMessage& m) { return app.router().Handle(m); }, tickets});

  RegisterSlackRoutes(server, {[&app] {
                                 auto c = app.config().Get();
                                 return c->slack.enabled ? c->slack.signing_secret : std::string();
                               },
                               [&app](const InboundMessage& m) { return app.router().Handle(m); },
                               [&app](const Reply& r) { return app.RenderForSlack(r); }, app.clock(),
                               [&app](InboundMessage& m) { app.DescribeSlackUser(m); },
                               [&app] { return app.config().Get()->slack.response_url_hosts; }});

  RegisterDingTalkRoutes(server, {[&app] { return app.config().Get()->dingtalk; },
                                  [&app](const InboundMessage& m) { return app.router().Handle(m); },
                                  [&app](const std::string& pair, const std::string& dedupe_key) {
                                    return app.ClaimDingTalkSignature(pair, dedupe_key);
                                  },
                                  app.clock()});

  RegisterWeComRoutes(server,
                      {[&app] { return app.config().Get()->wecom; },
                       [&app](const InboundMessage& m) { return app.router().Handle(m); }, app.clock()});

  auto bound = server.Bind(host, port);
  if (!bound.ok()) {
    spdlog::error("{}", bound.status().message());
    return 1;
  }
  std::string url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                    std::to_string(*bound);
  (void)app.DescribeLock("opsbot serve " + url);

  SignalWatcher signals(
      [&app, &tokens] {
        if (app.Reload().ok()) {
          if (Status s = tokens.Load(*app.config().Get()); !s.ok())
            spdlog::error("api tokens: {}", s.message());
        }
      },
      [&server](int sig) {
        spdlog::info("signal {}: stopping (finishing requests in flight)", sig);
        server.Stop();
      });

  spdlog::info("opsbot serving on {} (health: {}/healthz, metrics: {}/metrics)", url, url, url);
  if (!config->api.token_file.empty()) {
    spdlog::info(
        "try it: curl -s -H \"Authorization: Bearer $(cat {})\" -d '{{\"user\":\"{}\",\"chat\":\"{}\","
        "\"text\":\"ticket new Disk full on db-3 p1\"}}' {}/api/v1/messages",
        config->api.token_file, config->people.empty() ? "alice" : config->people.front().id,
        config->chats.empty() ? "ops-room" : config->chats.front().id, url);
  }
  bool ok = server.Run();
  app.Stop();
  spdlog::info("opsbot stopped");
  return ok || signals.stopped() ? 0 : 1;
}

}  // namespace opsbot
