// burst: N simultaneous connections, each sending one request with `Connection: close`, as Alertmanager
// does when it flushes its groups. Reports how long until every response arrived, and the failures.
//   burst HOST PORT N PATH [TOKEN] [BODY]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: burst HOST PORT N PATH [TOKEN] [BODY]\n");
    return 2;
  }
  const char* host = argv[1];
  int port = std::atoi(argv[2]);
  int n = std::atoi(argv[3]);
  std::string path = argv[4];
  std::string token = argc > 5 ? argv[5] : "";
  std::string body = argc > 6 ? argv[6] : "";
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  std::string request =
      (body.empty() ? "GET " : "POST ") + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty())
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host, &addr.sin_addr);

  auto start = std::chrono::steady_clock::now();
  std::vector<int> fds;
  int connect_errors = 0;
  for (int i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ++connect_errors;
      if (fd >= 0) close(fd);
      continue;
    }
    fds.push_back(fd);
  }
  for (int fd : fds)
    (void)!write(fd, request.data(), request.size());
  std::vector<std::string> responses(fds.size());
  std::vector<bool> done(fds.size(), false);
  std::size_t remaining = fds.size();
  int resets = 0;
  while (remaining > 0) {
    std::vector<pollfd> pfds;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < fds.size(); ++i)
      if (!done[i]) {
        pfds.push_back({fds[i], POLLIN, 0});
        index.push_back(i);
      }
    if (poll(pfds.data(), pfds.size(), 30000) <= 0) break;
    for (std::size_t k = 0; k < pfds.size(); ++k) {
      if (!pfds[k].revents) continue;
      std::size_t i = index[k];
      char buf[4096];
      ssize_t got = read(fds[i], buf, sizeof buf);
      if (got > 0) {
        responses[i].append(buf, static_cast<std::size_t>(got));
        continue;
      }
      if (got < 0) ++resets;
      done[i] = true;
      --remaining;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int ok = 0;
  for (auto& r : responses)
    if (r.rfind("HTTP/1.1 200", 0) == 0) ++ok;
  for (int fd : fds)
    close(fd);
  std::printf(
      "burst: %d connections, %d answered 200, %d connect errors, %d resets, %zu unanswered, %.3f s\n", n, ok,
      connect_errors, resets, remaining, seconds);
  return ok == n ? 0 : 1;
}
