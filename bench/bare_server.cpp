// bare_server: the ceiling opsbot is measured against — cpp-httplib answering a fixed JSON body, tuned
// exactly as opsbot's HttpServer (TCP_NODELAY, 16 workers, long keep-alive, backlog raised).
//   bare_server PORT
#include <httplib.h>

#include <cstdlib>

#include "tuned_server.h"

int main(int argc, char** argv) {
  int port = argc > 1 ? std::atoi(argv[1]) : 18090;
  httplib::Server server;
  const std::string body = R"({"reply":"Created T-1 [P3]: bench","outcome":"ok","command":"ticket.new"})";
  auto answer = [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  };
  server.Post("/api/v1/messages", answer);
  server.Post("/slack/commands", answer);      // for slack_bench load: the same client work as against opsbot
  server.Post("/dingtalk/callback", answer);   // for cn_bench load dingtalk
  server.Post("/wecom/callback", answer);      // for cn_bench load wecom-app
  server.Post("/wecom/bot/callback", answer);  // for cn_bench load wecom-bot
  server.Get("/healthz", answer);
  return ServeTuned(server, port, "bare_server");
}
