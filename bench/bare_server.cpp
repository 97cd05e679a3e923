// bare_server: the ceiling opsbot is measured against — cpp-httplib answering a fixed JSON body, tuned
// exactly as opsbot's HttpServer (TCP_NODELAY, 16 workers, long keep-alive, backlog raised).
//   bare_server PORT
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  int port = argc > 1 ? std::atoi(argv[1]) : 18090;
  httplib::Server server;
  std::atomic<int> listen_fd{-1};
  server.set_tcp_nodelay(true);
  server.new_task_queue = [] { return new httplib::ThreadPool(16); };
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(5);
  server.set_socket_options([&](socket_t fd) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    listen_fd = fd;
  });
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
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::cerr << "cannot bind " << port << "\n";
    return 1;
  }
  ::listen(listen_fd, 4096);
  std::cerr << "bare_server on 127.0.0.1:" << port << "\n";
  return server.listen_after_bind() ? 0 : 1;
}
