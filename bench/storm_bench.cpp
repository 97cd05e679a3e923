// storm_bench: a storm of notices against opsbot, delivered through robots held to the platforms' real
// limits (issue 7).
//
//   storm_bench --opsbot URL --fake-port PORT --db PATH [--seconds 180] [--rate 5]
//               [--platforms dingtalk,wecom] [--drain 180] [--dump FILE]
//
// 1. Serves, on 127.0.0.1:PORT, a fake of the platforms' send APIs that enforces their limits per robot:
//    - DingTalk custom robots, POST /robot/send?access_token=..&timestamp=..&sign=..: the token must be a
//      known robot's, the signature (加签) its secret's and the timestamp within an hour; at most 20
//      messages in any 60 s (a sliding window over the accepted ones), past that errcode 130101;
//    - WeCom group robots, POST /cgi-bin/webhook/send?key=..: 20 in any 60 s per key, past that 45009;
//    - for the record (a storm of pings should never use them): the sessionWebhook
//      (/robot/sendBySession), DingTalk's OpenAPI (accessToken, groupMessages/send, oToMessages/batchSend)
//      and the WeCom app (gettoken, message/send), all answering ok.
//    Every request is recorded: arrival time, robot, answer, text, and who it pings (DingTalk at.atUserIds,
//    WeCom "<@userid>").
// 2. Sends the storm, for each platform on its own thread, at RATE notices a second for SECONDS: signed
//    DingTalk group callbacks (`ticket new storm-N`, sessionWebhook already expired), and WeCom smart-bot
//    group @-messages (encrypted); each creates a ticket auto-assigned round-robin, whose reply pings the
//    assignee — so every reply needs a robot.
// 3. Waits until the outbox at PATH (opsbot's SQLite file, read-only) has nothing pending (at most DRAIN s).
// 4. Reports per robot: requests, refusals (130101 / 45009), the most in any 60 s window (the limit is 20),
//    accepted per minute; per platform: notices sent and delivered, the time from a notice's callback to the
//    first accepted robot request that carried it (p50/p90/p99/max), notices per request (mean/max), and
//    what a naive sender (one message per notice, at the robots' 20 a minute) would have done with the same
//    notices. A notice is found in a request by its title (storm-N) in the text, or — in a digest too big to
//    show every message, which ends with "`digest <id>`" — by the outbox rows the digest carried
//    (outbox.digest_of = id, and row id itself).
// --dump writes every request the fake took (platform, route, robot, arrival, answer, pings, text), one JSON
// object a line.
// Each accepted message must ping everyone the notices it carried ping (their mentions, as stored in the
// outbox, that have an id on the platform: bench/run_storm's people). Exit status 0 when every notice was
// delivered with its pings, no robot was refused and none saw more than 20 in a window.
#include <SQLiteCpp/SQLiteCpp.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/dingtalk/dingtalk_signature.h"
#include "adapters/wecom/wecom_crypto.h"
#include "bot/outbound.h"

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// bench/run_storm's credentials (the environment it gives opsbot).
const char* kDingTalkKey = "dingappkey";
const char* kDingTalkSecret = "dingappsecret-for-bench";
const char* kBotToken = "bot-token-for-tests";
const char* kBotAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const char* kGroupDingTalk = "cidFAKEopsCn000000000000==";
const char* kGroupWeCom = "wrFAKEopsCn0000000000000";
// The robots: webhook secret → label. DingTalk: access_token and 加签 secret.
const char* kDingTalkRobotToken = "storm-dingtalk-robot-1";
const char* kDingTalkRobotSecret = "SECstorm-dingtalk-robot-1-secret";
const char* kWeComRobotKeys[] = {"storm-wecom-robot-1", "storm-wecom-robot-2"};

// The platforms' published limit for one robot: 20 messages a minute.
constexpr int kLimitCount = 20;
constexpr double kLimitWindowMs = 60000;

const Clock::time_point kT0 = Clock::now();
double SinceT0Ms() {
  return std::chrono::duration<double, std::milli>(Clock::now() - kT0).count();
}

long long EpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
}

// One request to the fake.
struct Hit {
  std::string platform;  // dingtalk, wecom
  std::string kind;      // robot, session, openapi, app
  std::string robot;     // the robot's label (robot kind only)
  double at_ms = 0;      // arrival, since kT0
  int errcode = 0;       // what the fake answered (0: accepted)
  std::string text;
  std::vector<std::string> pings;  // DingTalk at.atUserIds; WeCom the "<@userid>" in the text
};

// The fake platforms. Thread-safe.
class FakePlatforms {
 public:
  explicit FakePlatforms(int port) {
    robots_[kDingTalkRobotToken] = {"dingtalk robot-1", {}};
    for (int i = 0; i < 2; ++i)
      robots_[kWeComRobotKeys[i]] = {"wecom robot-" + std::to_string(i + 1), {}};

    server_.Post("/robot/send", [this](const httplib::Request& req, httplib::Response& res) {
      Json body = Json::parse(req.body, nullptr, false);
      Hit h{"dingtalk", "robot", "", SinceT0Ms(), 0, Text(body, "markdown", "text"), {}};
      if (body.is_object() && body.contains("at") && body["at"].is_object() &&
          body["at"].contains("atUserIds") && body["at"]["atUserIds"].is_array())
        for (const Json& id : body["at"]["atUserIds"])
          if (id.is_string()) h.pings.push_back(id.get<std::string>());
      const std::string token = req.get_param_value("access_token");
      const std::string ts = req.get_param_value("timestamp");
      if (token != kDingTalkRobotToken) {
        h.errcode = 300001;  // token is not exist
      } else if (ts.empty() || std::llabs(std::atoll(ts.c_str()) - EpochMs()) > 3600 * 1000 ||
                 req.get_param_value("sign") != opsbot::DingTalkSign(kDingTalkRobotSecret, ts)) {
        h.errcode = 310000;  // sign not match
      } else {
        h.errcode = Admit(token, h, 130101, 300001);
      }
      Answer(res, h.errcode, h.errcode == 130101 ? "send too fast" : h.errcode ? "refused" : "ok");
      Record(std::move(h));
    });
    server_.Post("/cgi-bin/webhook/send", [this](const httplib::Request& req, httplib::Response& res) {
      Json body = Json::parse(req.body, nullptr, false);
      Hit h{"wecom", "robot", "", SinceT0Ms(), 0, Text(body, "markdown", "content"), {}};
      for (std::size_t at = h.text.find("<@"); at != std::string::npos; at = h.text.find("<@", at + 2)) {
        auto end = h.text.find('>', at);
        if (end != std::string::npos) h.pings.push_back(h.text.substr(at + 2, end - at - 2));
      }
      const std::string key = req.get_param_value("key");
      h.errcode = key.rfind("storm-wecom", 0) == 0 ? Admit(key, h, 45009, 93000) : 93000;
      Answer(res, h.errcode, h.errcode == 45009 ? "api freq out of limit" : h.errcode ? "invalid key" : "ok");
      Record(std::move(h));
    });
    // What a storm of pings should never use; answered ok, counted.
    server_.Post("/robot/sendBySession", [this](const httplib::Request& req, httplib::Response& res) {
      Record({"dingtalk",
              "session",
              "",
              SinceT0Ms(),
              0,
              Text(Json::parse(req.body, nullptr, false), "markdown", "text"),
              {}});
      Answer(res, 0, "ok");
    });
    server_.Post("/v1.0/oauth2/accessToken", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"accessToken":"tok-1","expireIn":7200})", "application/json");
    });
    auto openapi = [this](const httplib::Request& req, httplib::Response& res) {
      Json body = Json::parse(req.body, nullptr, false);
      Json param = body.is_object() && body.contains("msgParam") && body["msgParam"].is_string()
                       ? Json::parse(body["msgParam"].get<std::string>(), nullptr, false)
                       : Json();
      Record({"dingtalk",
              "openapi",
              "",
              SinceT0Ms(),
              0,
              param.is_object() && param.contains("text") && param["text"].is_string()
                  ? param["text"].get<std::string>()
                  : "",
              {}});
      res.set_content(R"({"processQueryKey":"pqk"})", "application/json");
    };
    server_.Post("/v1.0/robot/groupMessages/send", openapi);
    server_.Post("/v1.0/robot/oToMessages/batchSend", openapi);
    server_.Get("/cgi-bin/gettoken", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"errcode":0,"errmsg":"ok","access_token":"wtok-1","expires_in":7200})",
                      "application/json");
    });
    server_.Post("/cgi-bin/message/send", [this](const httplib::Request& req, httplib::Response& res) {
      Record({"wecom",
              "app",
              "",
              SinceT0Ms(),
              0,
              Text(Json::parse(req.body, nullptr, false), "text", "content"),
              {}});
      Answer(res, 0, "ok");
    });
    server_.new_task_queue = [] { return new httplib::ThreadPool(8); };
    server_.set_tcp_nodelay(true);
    if (!server_.bind_to_port("127.0.0.1", port)) {
      std::fprintf(stderr, "storm_bench: cannot listen on 127.0.0.1:%d\n", port);
      std::exit(2);
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakePlatforms() {
    server_.stop();
    thread_.join();
  }
  std::vector<Hit> Hits() {
    std::lock_guard lock(mu_);
    return hits_;
  }

 private:
  struct Robot {
    std::string label;
    std::deque<double> accepted;  // arrival times (ms since kT0) of the messages taken in the last window
  };

  static std::string Text(const Json& body, const char* outer, const char* inner) {
    if (!body.is_object() || !body.contains(outer) || !body[outer].is_object()) return "";
    const Json& o = body[outer];
    return o.contains(inner) && o[inner].is_string() ? o[inner].get<std::string>() : "";
  }
  static void Answer(httplib::Response& res, int errcode, const char* errmsg) {
    res.set_content(Json{{"errcode", errcode}, {"errmsg", errmsg}}.dump(), "application/json");
  }
  // The robot's sliding window: 0 when it takes the message, else `too_fast` (`unknown`: no such robot).
  int Admit(const std::string& secret, Hit& h, int too_fast, int unknown) {
    std::lock_guard lock(mu_);
    auto it = robots_.find(secret);
    if (it == robots_.end()) return unknown;
    Robot& r = it->second;
    h.robot = r.label;
    while (!r.accepted.empty() && h.at_ms - r.accepted.front() >= kLimitWindowMs)
      r.accepted.pop_front();
    if (static_cast<int>(r.accepted.size()) >= kLimitCount) return too_fast;
    r.accepted.push_back(h.at_ms);
    return 0;
  }
  void Record(Hit h) {
    std::lock_guard lock(mu_);
    hits_.push_back(std::move(h));
  }

  httplib::Server server_;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, Robot> robots_;  // by secret (token or key); guarded by mu_ after start
  std::vector<Hit> hits_;                // guarded by mu_
};

// One notice: when its callback was posted (ms since kT0) and what opsbot answered.
struct Notice {
  double sent_ms = -1;
  int status = 0;
};

std::string DingTalkCallback(long long run, int n, const std::string& fake_base) {
  Json j = {{"msgtype", "text"},
            {"text", {{"content", " ticket new storm-" + std::to_string(n)}}},
            {"msgId", "storm." + std::to_string(run) + ".d." + std::to_string(n)},
            {"conversationType", "2"},
            {"conversationId", kGroupDingTalk},
            {"senderNick", "张伟"},
            {"senderStaffId", "fake-staff-zhangwei"},
            {"chatbotUserId", "$:LWCP_v1:$bot"},
            {"robotCode", kDingTalkKey},
            // Already expired: every reply needs the custom robot.
            {"sessionWebhook", fake_base + "/robot/sendBySession?session=storm" + std::to_string(n)},
            {"sessionWebhookExpiredTime", EpochMs() - 1000}};
  return j.dump();
}

// Posts `count` notices of one platform at `rate` a second (the i-th at i / rate s from `start`).
void Storm(const std::string& platform, const std::string& opsbot_url, const std::string& fake_base,
           double rate, Clock::time_point start, std::vector<Notice>& notices) {
  httplib::Client cli(opsbot_url);
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);
  cli.set_read_timeout(10, 0);
  const long long run = EpochMs();
  const opsbot::WeComKey bot_key = *opsbot::ParseEncodingAesKey(kBotAesKey);
  long long last_ts = EpochMs() - 1;
  for (std::size_t i = 0; i < notices.size(); ++i) {
    std::this_thread::sleep_until(
        start + std::chrono::microseconds(static_cast<long long>(static_cast<double>(i) * 1e6 / rate)));
    const int n = static_cast<int>(i) + 1;
    std::string path, body;
    httplib::Headers headers;
    if (platform == "dingtalk") {
      // A header pair is accepted for one msgId only: each callback its own millisecond.
      last_ts = std::max(EpochMs(), last_ts + 1);
      const std::string ts = std::to_string(last_ts);
      headers = {{"timestamp", ts}, {"sign", opsbot::DingTalkSign(kDingTalkSecret, ts)}};
      path = "/dingtalk/callback";
      body = DingTalkCallback(run, n, fake_base);
    } else {
      Json msg = {{"msgid", "storm." + std::to_string(run) + ".w." + std::to_string(n)},
                  {"aibotid", "aib"},
                  {"chatid", kGroupWeCom},
                  {"chattype", "group"},
                  {"from", {{"userid", "fake.zhangwei"}}},
                  {"msgtype", "text"},
                  {"text", {{"content", "@opsbot ticket new storm-" + std::to_string(n)}}}};
      const std::string encrypt = opsbot::WeComEncrypt(bot_key, msg.dump(), "");
      const std::string ts = std::to_string(EpochMs() / 1000), nonce = "storm" + std::to_string(n);
      path = "/wecom/bot/callback?msg_signature=" + opsbot::WeComSignature(kBotToken, ts, nonce, encrypt) +
             "&timestamp=" + ts + "&nonce=" + nonce;
      body = Json{{"encrypt", encrypt}}.dump();
    }
    notices[i].sent_ms = SinceT0Ms();
    auto res = cli.Post(path.c_str(), headers, body, "application/json; charset=utf-8");
    notices[i].status = res ? res->status : -1;
    if (!res || res->status != 200)
      std::fprintf(stderr, "storm_bench: %s notice %d: %s\n", platform.c_str(), n,
                   res ? (std::to_string(res->status) + " " + res->body).c_str()
                       : httplib::to_string(res.error()).c_str());
  }
}

// The notice numbers (storm-N) a text names.
std::set<int> StormNumbers(const std::string& text) {
  std::set<int> out;
  for (std::size_t at = text.find("storm-"); at != std::string::npos; at = text.find("storm-", at + 6)) {
    std::size_t p = at + 6, q = p;
    while (q < text.size() && text[q] >= '0' && text[q] <= '9')
      ++q;
    if (q > p && q - p < 9) out.insert(std::atoi(text.substr(p, q - p).c_str()));
  }
  return out;
}

// The outbox id of a digest too big to show every message: "`digest <id>`" / "`摘要 <id>`".
std::optional<long long> DigestId(const std::string& text) {
  for (const std::string& cmd : {std::string("`digest "), std::string("`摘要 ")}) {
    auto at = text.rfind(cmd);
    if (at != std::string::npos) return std::atoll(text.c_str() + at + cmd.size());
  }
  return std::nullopt;
}

// bench/run_storm's people: a person key's id on a platform ("" when they have none there).
std::string PlatformIdOf(const std::string& key, const std::string& platform) {
  static const std::map<std::string, std::pair<std::string, std::string>> ids = {
      {"alice", {"fake-staff-alice", "fake.alice.wang"}},
      {"bob", {"", "fake.bob.li"}},
      {"zhangwei", {"fake-staff-zhangwei", "fake.zhangwei"}}};
  auto it = ids.find(key);
  if (it == ids.end()) return "";
  return platform == "dingtalk" ? it->second.first : it->second.second;
}

// The outbox as stored: per platform, each row's notice and the digest that carried it.
struct OutboxView {
  long long pending = 0, dead = 0, rows = 0;
  // platform → notice number → the platform ids its reply pings (its mentions that have one)
  std::map<std::string, std::map<int, std::set<std::string>>> pings;
  // platform → digest row id → the notices it carried (the row's own and those with digest_of = id)
  std::map<std::string, std::map<long long, std::set<int>>> carried;
};

OutboxView ReadOutbox(const std::string& db_path, bool full) {
  OutboxView v;
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 5000");
  SQLite::Statement counts(db,
                           "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'dead'), 0), "
                           "count(*) FROM outbox");
  if (counts.executeStep()) {
    v.pending = counts.getColumn(0).getInt64();
    v.dead = counts.getColumn(1).getInt64();
    v.rows = counts.getColumn(2).getInt64();
  }
  if (!full) return v;
  SQLite::Statement rows(db, "SELECT id, platform, payload, digest_of FROM outbox ORDER BY id");
  while (rows.executeStep()) {
    const long long id = rows.getColumn(0).getInt64();
    const std::string platform = rows.getColumn(1).getString();
    auto m = opsbot::OutboundMessage::FromJson(Json::parse(rows.getColumn(2).getString(), nullptr, false));
    std::set<int> numbers = m ? StormNumbers(m->reply.text) : std::set<int>{};
    const int n = numbers.size() == 1 ? *numbers.begin() : 0;
    if (n == 0) continue;
    for (const std::string& key : m->reply.mention)
      if (std::string id = PlatformIdOf(key, platform); !id.empty()) v.pings[platform][n].insert(id);
    v.carried[platform][id].insert(n);
    if (!rows.getColumn(3).isNull()) v.carried[platform][rows.getColumn(3).getInt64()].insert(n);
  }
  return v;
}

// The most requests in any window of `window_ms` (each request at its arrival time).
int MaxInWindow(std::vector<double> times, double window_ms) {
  std::sort(times.begin(), times.end());
  int best = 0;
  for (std::size_t i = 0, j = 0; j < times.size(); ++j) {
    while (times[j] - times[i] >= window_ms)
      ++i;
    best = std::max(best, static_cast<int>(j - i + 1));
  }
  return best;
}

struct Args {
  std::string opsbot;
  int fake_port = 0;
  std::string db;
  int seconds = 180;
  double rate = 5;
  std::vector<std::string> platforms = {"dingtalk", "wecom"};
  int drain = 180;
  std::string dump;  // where to write every request the fake took, one JSON object a line; empty: nowhere
};

std::optional<Args> Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--opsbot") {
      a.opsbot = v;
    } else if (k == "--fake-port") {
      a.fake_port = std::atoi(v.c_str());
    } else if (k == "--db") {
      a.db = v;
    } else if (k == "--seconds") {
      a.seconds = std::atoi(v.c_str());
    } else if (k == "--rate") {
      a.rate = std::atof(v.c_str());
    } else if (k == "--dump") {
      a.dump = v;
    } else if (k == "--drain") {
      a.drain = std::atoi(v.c_str());
    } else if (k == "--platforms") {
      a.platforms.clear();
      for (std::size_t p = 0; p <= v.size();) {
        auto comma = std::min(v.find(',', p), v.size());
        std::string name = v.substr(p, comma - p);
        if (name != "dingtalk" && name != "wecom") return std::nullopt;
        a.platforms.push_back(name);
        p = comma + 1;
      }
    } else {
      return std::nullopt;
    }
  }
  if (argc % 2 == 0 || a.opsbot.empty() || a.fake_port <= 0 || a.db.empty() || a.seconds <= 0 ||
      a.rate <= 0 || a.platforms.empty())
    return std::nullopt;
  return a;
}

// Reports one platform; false when a check failed.
bool Report(const std::string& platform, const std::vector<Notice>& notices, const std::vector<Hit>& hits,
            const OutboxView& outbox, int robots, double storm_start_ms, double storm_end_ms) {
  const double storm_ms = storm_end_ms - storm_start_ms;
  bool ok = true;
  const int sent = static_cast<int>(notices.size());
  int answered = 0;
  for (const Notice& n : notices)
    answered += n.status == 200;
  const double span_s = sent > 1 ? (notices.back().sent_ms - notices.front().sent_ms) / 1000.0 : 0;
  std::printf("\n== %s: %d notices at %.2f/s over %.0f s (callbacks answered 200: %d)\n", platform.c_str(),
              sent, span_s > 0 ? (sent - 1) / span_s : 0, storm_ms / 1000.0, answered);
  ok = ok && answered == sent;

  // Per robot: what the platform saw.
  std::map<std::string, std::vector<double>> seen, taken;
  std::map<std::string, int> refused;
  int others = 0;
  for (const Hit& h : hits) {
    if (h.platform != platform) continue;
    if (h.kind != "robot") {
      ++others;
      continue;
    }
    seen[h.robot].push_back(h.at_ms);
    if (h.errcode == 0)
      taken[h.robot].push_back(h.at_ms);
    else
      ++refused[h.robot];
  }
  for (const auto& [robot, times] : seen) {
    const int max_window = MaxInWindow(times, kLimitWindowMs);
    // Accepted messages in each minute from the storm's start (the last one cut at the last message).
    std::vector<int> minutes;
    for (double t : taken[robot]) {
      auto m = static_cast<std::size_t>(std::max(0.0, t - storm_start_ms) / 60000.0);
      if (minutes.size() <= m) minutes.resize(m + 1, 0);
      ++minutes[m];
    }
    std::string per_minute;
    for (int c : minutes)
      per_minute += (per_minute.empty() ? "" : ", ") + std::to_string(c);
    std::printf(
        "%-17s requests %zu, accepted %zu, refused (too fast) %d; most in any 60 s window: %d "
        "(limit %d); accepted per minute from the storm's start: %s\n",
        robot.c_str(), times.size(), taken[robot].size(), refused[robot], max_window, kLimitCount,
        per_minute.c_str());
    ok = ok && refused[robot] == 0 && max_window <= kLimitCount;
  }
  std::printf("requests by other routes (sessionWebhook, OpenAPI, app): %d\n", others);

  // Which notices each accepted request carried.
  std::vector<const Hit*> accepted;
  for (const Hit& h : hits)
    if (h.platform == platform && h.kind == "robot" && h.errcode == 0) accepted.push_back(&h);
  std::sort(accepted.begin(), accepted.end(), [](const Hit* a, const Hit* b) { return a->at_ms < b->at_ms; });
  std::vector<double> first_delivery(notices.size() + 1, -1);
  std::vector<int> times_delivered(notices.size() + 1, 0);
  std::vector<double> per_request;
  int digests = 0, truncated = 0, mismatches = 0, with_pings = 0, lost_pings = 0;
  const auto pings_it = outbox.pings.find(platform);
  const auto carried_it = outbox.carried.find(platform);
  for (const Hit* h : accepted) {
    std::set<int> numbers = StormNumbers(h->text);
    if (auto id = DigestId(h->text)) {
      ++truncated;
      std::set<int> rows;
      if (carried_it != outbox.carried.end())
        if (auto c = carried_it->second.find(*id); c != carried_it->second.end()) rows = c->second;
      for (int n : numbers)
        mismatches += rows.count(n) == 0;  // a first line shown that the digest did not carry
      numbers.insert(rows.begin(), rows.end());
    }
    with_pings += !h->pings.empty();
    // Every ping of every notice it carried, as the platform's mention (at.atUserIds, "<@userid>").
    std::set<std::string> expected;
    if (pings_it != outbox.pings.end())
      for (int n : numbers)
        if (auto p = pings_it->second.find(n); p != pings_it->second.end())
          expected.insert(p->second.begin(), p->second.end());
    for (const std::string& id : expected)
      lost_pings += std::find(h->pings.begin(), h->pings.end(), id) == h->pings.end();
    digests += numbers.size() > 1;
    per_request.push_back(static_cast<double>(numbers.size()));
    for (int n : numbers) {
      if (n < 1 || n > sent) continue;
      if (++times_delivered[static_cast<std::size_t>(n)] == 1)
        first_delivery[static_cast<std::size_t>(n)] = h->at_ms;
    }
  }
  std::vector<double> latency;
  int delivered = 0, duplicated = 0;
  for (int n = 1; n <= sent; ++n) {
    const auto i = static_cast<std::size_t>(n);
    if (times_delivered[i] == 0) continue;
    ++delivered;
    duplicated += times_delivered[i] > 1;
    latency.push_back((first_delivery[i] - notices[i - 1].sent_ms) / 1000.0);
  }
  double sum = 0, most = 0, digest_sum = 0;
  for (double c : per_request) {
    sum += c;
    most = std::max(most, c);
    digest_sum += c > 1 ? c : 0;
  }
  const double mean = per_request.empty() ? 0 : sum / static_cast<double>(per_request.size());
  const double digest_mean = digests ? digest_sum / digests : 0;
  std::printf(
      "delivered %d of %d notices (%d more than once) in %zu robot messages: %d digests, %d of them "
      "too big to show every message (first lines + digest id; %d shown lines not carried), %d with "
      "pings (%d pings of carried notices missing)\n",
      delivered, sent, duplicated, accepted.size(), digests, truncated, mismatches, with_pings, lost_pings);
  std::printf(
      "notices per robot message: mean %.1f, max %.0f; per digest (a message carrying 2 or more): "
      "mean %.1f\n",
      mean, most, digest_mean);
  std::printf("callback → robot request carrying it, s: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n",
              Percentile(latency, 50), Percentile(latency, 90), Percentile(latency, 99),
              latency.empty() ? 0 : *std::max_element(latency.begin(), latency.end()));
  ok = ok && delivered == sent && mismatches == 0 && lost_pings == 0;

  // A naive sender: one message per notice, in order, as fast as the robots' 20 a minute allow.
  const double gap_ms = kLimitWindowMs / kLimitCount / robots;
  std::vector<double> naive;
  double last = -1e18;
  for (const Notice& n : notices) {
    double at = std::max(n.sent_ms, last + gap_ms);
    naive.push_back((at - n.sent_ms) / 1000.0);
    last = at;
  }
  std::printf(
      "naive (one message per notice, in order, %d robot%s at 20/min), callback → delivery, s: p50 "
      "%.0f, p99 %.0f, max %.0f; the last notice (sent %.0f s into the storm) %.1f min after it\n",
      robots, robots > 1 ? "s" : "", Percentile(naive, 50), Percentile(naive, 99),
      naive.empty() ? 0 : *std::max_element(naive.begin(), naive.end()),
      notices.empty() ? 0 : (notices.back().sent_ms - storm_start_ms) / 1000.0,
      naive.empty() ? 0 : naive.back() / 60.0);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = Parse(argc, argv);
  if (!args) {
    std::fprintf(stderr,
                 "usage: storm_bench --opsbot URL --fake-port PORT --db PATH [--seconds 180] [--rate 5] "
                 "[--platforms dingtalk,wecom] [--drain 180] [--dump FILE]\n");
    return 2;
  }
  const Args& a = *args;
  FakePlatforms fake(a.fake_port);
  const std::string fake_base = "http://127.0.0.1:" + std::to_string(a.fake_port);

  std::map<std::string, std::vector<Notice>> notices;
  const auto count = static_cast<std::size_t>(std::llround(a.rate * a.seconds));
  for (const std::string& p : a.platforms)
    notices[p].resize(count);
  std::fprintf(stderr, "storm_bench: %zu notices per platform (%s) at %.1f/s for %d s\n", count,
               a.platforms.size() > 1 ? "dingtalk, wecom" : a.platforms[0].c_str(), a.rate, a.seconds);
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> storms;
  for (auto& [platform, list] : notices)
    storms.emplace_back(Storm, platform, a.opsbot, fake_base, a.rate, start, std::ref(list));
  for (auto& t : storms)
    t.join();
  const double storm_end_ms = SinceT0Ms();
  const double storm_start_ms = std::chrono::duration<double, std::milli>(start - kT0).count();

  // The drain: until nothing is pending (every notice's reply committed before its callback was answered).
  OutboxView v;
  const auto drain_until = Clock::now() + std::chrono::seconds(a.drain);
  for (;;) {
    try {
      v = ReadOutbox(a.db, false);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "storm_bench: reading the outbox: %s\n", e.what());
    }
    if ((v.rows > 0 && v.pending == 0) || Clock::now() > drain_until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double drained_ms = SinceT0Ms();
  v = ReadOutbox(a.db, true);
  const std::vector<Hit> hits = fake.Hits();
  if (!a.dump.empty()) {
    if (std::FILE* f = std::fopen(a.dump.c_str(), "w")) {
      for (const Hit& h : hits)
        std::fprintf(f, "%s\n",
                     Json{{"platform", h.platform},
                          {"kind", h.kind},
                          {"robot", h.robot},
                          {"at_ms", h.at_ms},
                          {"errcode", h.errcode},
                          {"pings", h.pings},
                          {"text", h.text}}
                         .dump(-1, ' ', false, Json::error_handler_t::replace)
                         .c_str());
      std::fclose(f);
    }
  }
  std::printf(
      "storm %.0f s, drained %.1f s after its last notice; outbox rows %lld, pending %lld, dead %lld\n",
      (storm_end_ms - storm_start_ms) / 1000.0, (drained_ms - storm_end_ms) / 1000.0, v.rows, v.pending,
      v.dead);
  bool ok = v.pending == 0 && v.dead == 0;
  for (const auto& [platform, list] : notices)
    ok = Report(platform, list, hits, v, platform == "wecom" ? 2 : 1, storm_start_ms, storm_end_ms) && ok;
  std::printf("\n%s\n",
              ok ? "OK: every notice delivered with its pings, no robot refused, none over 20 in any 60 s"
                 : "FAILED: see above");
  return ok ? 0 : 1;
}
