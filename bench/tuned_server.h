// ServeTuned: runs a cpp-httplib server tuned exactly as opsbot's HttpServer (TCP_NODELAY, 16 workers on
// SCHED_BATCH, long keep-alive, the listen backlog raised to 4,096), for the reference servers the benchmarks
// compare opsbot with. Blocks until the server stops; returns the process exit code.
#pragma once

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <iostream>

#include "bot/http_worker_pool.h"

inline int ServeTuned(httplib::Server& server, int port, const char* name) {
  std::atomic<int> listen_fd{-1};
  server.set_tcp_nodelay(true);
  server.new_task_queue = [] { return new opsbot::HttpWorkerPool(16, "bench-http"); };
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(5);
  server.set_socket_options([&](socket_t fd) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    listen_fd = fd;
  });
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::cerr << "cannot bind " << port << "\n";
    return 1;
  }
  ::listen(listen_fd, 4096);
  std::cerr << name << " on 127.0.0.1:" << port << "\n";
  return server.listen_after_bind() ? 0 : 1;
}
