// slack_bench: load for opsbot's Slack front, signed as Slack signs (shared/protocols.md §1).
//
//   slack_bench load URL SECRET SECONDS CONNECTIONS
//       Signed slash commands (`/ops ticket new …`, each with its own trigger_id, so none is a replay) from
//       CONNECTIONS keep-alive connections for SECONDS, through bench/load_client.h as cn_bench's loads.
//       Point it at opsbot's /slack/commands, and at the bare server's, for the ceiling: the same client cost
//       is in both figures. Prints one RESULT line.
//   slack_bench outbox OPSBOT_URL SECRET FAKE_PORT MESSAGES CHANNELS PACE_MS
//       Serves a fake Slack Web API on FAKE_PORT (chat.postMessage: ok, recording when each channel got
//       what), posts MESSAGES signed app_mention events to OPSBOT_URL/slack/events spread over CHANNELS
//       channels, and waits until every reply was delivered. Prints how long the outbox took, the rate per
//       channel, and the smallest gap between two messages to one channel (never under PACE_MS).
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/slack/slack_signature.h"
#include "bench/load_client.h"

namespace {

using Clock = std::chrono::steady_clock;

httplib::Headers Signed(const std::string& secret, const std::string& body) {
  std::string ts = std::to_string(std::time(nullptr));
  return {{"X-Slack-Request-Timestamp", ts}, {"X-Slack-Signature", opsbot::SlackSignature(secret, ts, body)}};
}

int Load(const std::string& url, const std::string& secret, int seconds, int connections) {
  opsbot::bench::LoadTarget t = opsbot::bench::ParseLoadUrl(url);
  auto make = [&](int c, long i) {
    std::string body =
        "token=x&team_id=T1&team_domain=bench&channel_id=C0FAKEOPS&channel_name=ops&user_id=U0FAKEBOB"
        "&user_name=bob&command=%2Fops&text=ticket+new+bench+load+p3+%23bench"
        "&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fx&trigger_id=" +
        std::to_string(c) + "." + std::to_string(i) + "." + std::to_string(std::time(nullptr));
    httplib::Headers signed_headers = Signed(secret, body);
    return opsbot::bench::RawPost(t.host_port, t.path, {signed_headers.begin(), signed_headers.end()}, body,
                                  "application/x-www-form-urlencoded");
  };
  return opsbot::bench::RunLoadAndPrint(t, seconds, connections, make);
}

int Outbox(const std::string& opsbot_url, const std::string& secret, int fake_port, int messages,
           int channels, int pace_ms) {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::vector<Clock::time_point>> got;  // channel → delivery times
  int delivered = 0;
  httplib::Server fake;
  fake.set_tcp_nodelay(true);
  fake.Post("/api/chat.postMessage", [&](const httplib::Request& req, httplib::Response& res) {
    auto j = nlohmann::json::parse(req.body, nullptr, false);
    std::string channel = j.is_object() ? j.value("channel", "") : "";
    {
      std::lock_guard lock(mu);
      got[channel].push_back(Clock::now());
      ++delivered;
    }
    cv.notify_all();
    res.set_content(R"({"ok":true,"ts":"1.1"})", "application/json");
  });
  fake.Get("/api/users.info", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"ok":false,"error":"user_not_found"})", "application/json");
  });
  if (!fake.bind_to_port("127.0.0.1", fake_port)) {
    std::fprintf(stderr, "cannot bind %d\n", fake_port);
    return 1;
  }
  std::thread serving([&] { fake.listen_after_bind(); });

  // Every event first: the outbox holds them all before it has sent many.
  opsbot::bench::LoadTarget t = opsbot::bench::ParseLoadUrl(opsbot_url);
  httplib::Client cli(t.host, t.port);
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);  // headers and body are two writes: no Nagle wait for the delayed ACK
  auto start = Clock::now();
  int refused = 0;
  for (int i = 0; i < messages; ++i) {
    nlohmann::json event = {
        {"type", "event_callback"},
        {"team_id", "T1"},
        {"event_id", "EvBench" + std::to_string(i) + "." + std::to_string(std::time(nullptr))},
        {"authorizations", {{{"user_id", "UBOT"}, {"is_bot", true}}}},
        {"event",
         {{"type", "app_mention"},
          {"user", "U0FAKEALICE"},
          {"channel", "C0BENCH" + std::to_string(i % channels)},
          {"text", "<@UBOT> ticket new outbox bench " + std::to_string(i)},
          {"ts", std::to_string(1000 + i) + ".1"}}}};
    std::string body = event.dump();
    auto res = cli.Post("/slack/events", Signed(secret, body), body, "application/json");
    if (!res || res->status != 200) ++refused;
  }
  double queued_s = std::chrono::duration<double>(Clock::now() - start).count();
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::minutes(5), [&] { return delivered >= messages - refused; });
  }
  double total_s = std::chrono::duration<double>(Clock::now() - start).count();
  fake.stop();
  serving.join();

  double min_gap_ms = 1e9;
  for (auto& [channel, times] : got)
    for (std::size_t i = 1; i < times.size(); ++i)
      min_gap_ms =
          std::min(min_gap_ms, std::chrono::duration<double, std::milli>(times[i] - times[i - 1]).count());
  std::printf(
      "RESULT messages=%d refused=%d delivered=%d channels=%zu queued_in_s=%.2f delivered_in_s=%.2f "
      "per_channel_per_s=%.2f pace_ms=%d min_gap_ms=%.1f\n",
      messages, refused, delivered, got.size(), queued_s, total_s,
      static_cast<double>(delivered) / static_cast<double>(got.empty() ? 1 : got.size()) / total_s, pace_ms,
      min_gap_ms);
  return delivered == messages && refused == 0 && min_gap_ms >= pace_ms ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "load" && argc == 6) return Load(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]));
  if (mode == "outbox" && argc == 8)
    return Outbox(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6]),
                  std::atoi(argv[7]));
  std::fprintf(stderr,
               "usage: slack_bench load URL SECRET SECONDS CONNECTIONS\n"
               "       slack_bench outbox OPSBOT_URL SECRET FAKE_PORT MESSAGES CHANNELS PACE_MS\n");
  return 2;
}
