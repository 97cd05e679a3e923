// cn_bench: load for opsbot's DingTalk and WeCom fronts, signed and encrypted as those platforms do
// (shared/protocols.md §2.1, §3.1–§3.2).
//
//   cn_bench load KIND URL SECONDS CONNECTIONS
//       KIND is dingtalk, wecom-app or wecom-bot. Each request is a `ticket new bench load p3` command with
//       its own message id (none is a redelivery), from CONNECTIONS keep-alive connections for SECONDS:
//       - dingtalk:  the robot's JSON callback with `timestamp` and `sign` headers; every request has its own
//                    timestamp, since a header pair is accepted for one msgId: max(now, the last one + 1 ms),
//                    the last one kept in $TMPDIR/cn_bench-dingtalk-last-timestamp for the next run;
//       - wecom-app: the self-built app's XML, AES-encrypted for the corp id, msg_signature in the query;
//       - wecom-bot: the smart bot's JSON in a group, encrypted for "" and wrapped as {"encrypt": …}.
//       Point it at opsbot's callback path, and at the bare server's, for the ceiling: the signing and the
//       encryption are client work, in both figures. Prints one RESULT line; a non-200 is an error.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/dingtalk/dingtalk_signature.h"
#include "adapters/wecom/wecom_crypto.h"
#include "bench/load_client.h"

namespace {

using Json = nlohmann::json;

// The credentials of tests/e2e/wecom_test.cpp (the app's are vector T2's) and bench/run_cn's DingTalk app.
const char* kDingTalkKey = "dingappkey";
const char* kDingTalkSecret = "dingappsecret-for-bench";
const char* kCorpId = "wx5823bf96d3bd56c7";
const char* kAppToken = "QDG6eK";
const char* kAppAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const char* kBotToken = "bot-token-for-tests";
const char* kBotAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const char* kGroupDingTalk = "cidFAKEopsCn000000000000==";
const char* kGroupWeCom = "wrFAKEopsCn0000000000000";

enum class Kind { kDingTalk, kWeComApp, kWeComBot };

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One request, built and signed (and encrypted) by the client.
struct Request {
  std::string path;  // with the query string for WeCom
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  const char* content_type = "application/json";
};

// DingTalk timestamps: each request's its own (opsbot accepts a header pair for one msgId only), so above
// 1,000 req/s they run ahead of the clock. The last one used is kept in a file, so that the next run (a
// warm-up, then the measured run, against one server) starts past it: max(now, last + 1).
class DingTalkStamps {
 public:
  DingTalkStamps()
      : file_(std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
              "/cn_bench-dingtalk-last-timestamp") {
    long long saved = 0;
    if (std::FILE* f = std::fopen(file_.c_str(), "r")) {
      if (std::fscanf(f, "%lld", &saved) != 1) saved = 0;
      std::fclose(f);
    }
    // A saved stamp beyond half of the server's hour-long window is from some odd run: start afresh.
    if (saved > NowMs() + 1800 * 1000) saved = 0;
    last_ = std::max(saved, NowMs() - 1);
  }
  ~DingTalkStamps() {
    if (std::FILE* f = std::fopen(file_.c_str(), "w")) {
      std::fprintf(f, "%lld\n", last_.load());
      std::fclose(f);
    }
  }
  std::string Next() {
    long long prev = last_.load(), next = 0;
    do
      next = std::max(NowMs(), prev + 1);
    while (!last_.compare_exchange_weak(prev, next));
    return std::to_string(next);
  }

 private:
  std::string file_;
  std::atomic<long long> last_{0};
};

Request DingTalk(DingTalkStamps& stamps, const std::string& path, const std::string& id) {
  std::string ts = stamps.Next();
  Json j = {{"msgtype", "text"},
            {"text", {{"content", " ticket new bench load p3"}}},
            {"msgId", id},
            {"conversationType", "2"},
            {"conversationId", kGroupDingTalk},
            {"senderNick", "张伟"},
            {"senderStaffId", "fake-staff-zhangwei"},
            {"chatbotUserId", "$:LWCP_v1:$bot"},
            {"robotCode", kDingTalkKey}};
  return {path,
          {{"timestamp", ts}, {"sign", opsbot::DingTalkSign(kDingTalkSecret, ts)}},
          j.dump(),
          "application/json; charset=utf-8"};
}

std::string SignedQuery(const std::string& token, const std::string& encrypt, const std::string& nonce) {
  std::string ts = std::to_string(NowMs() / 1000);
  return "?msg_signature=" + opsbot::WeComSignature(token, ts, nonce, encrypt) + "&timestamp=" + ts +
         "&nonce=" + nonce;
}

Request WeComApp(const opsbot::WeComKey& key, const std::string& path, const std::string& id,
                 const std::string& msg_id) {
  std::string xml = std::string("<xml><ToUserName><![CDATA[") + kCorpId +
                    "]]></ToUserName><FromUserName><![CDATA[fake.zhangwei]]></FromUserName><CreateTime>" +
                    std::to_string(NowMs() / 1000) +
                    "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[建单 bench load "
                    "p3]]></Content><MsgId>" +
                    msg_id + "</MsgId><AgentID>1000002</AgentID></xml>";
  std::string encrypt = opsbot::WeComEncrypt(key, xml, kCorpId);
  std::string body = std::string("<xml><ToUserName><![CDATA[") + kCorpId +
                     "]]></ToUserName><Encrypt><![CDATA[" + encrypt +
                     "]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>";
  return {path + SignedQuery(kAppToken, encrypt, "n" + id), {}, std::move(body), "text/xml"};
}

Request WeComBot(const opsbot::WeComKey& key, const std::string& path, const std::string& id) {
  Json msg = {{"msgid", id},
              {"aibotid", "aib"},
              {"chatid", kGroupWeCom},
              {"chattype", "group"},
              {"from", {{"userid", "fake.zhangwei"}}},
              {"msgtype", "text"},
              {"text", {{"content", "@opsbot ticket new bench load p3"}}},
              // As WeCom sends with every message; bench/run_cn allows the host, a closed port.
              {"response_url", "http://127.0.0.1:1/cgi-bin/aibot/response?response_code=bench" + id}};
  std::string encrypt = opsbot::WeComEncrypt(key, msg.dump(), "");
  return {path + SignedQuery(kBotToken, encrypt, "n" + id),
          {},
          Json{{"encrypt", encrypt}}.dump(),
          "application/json"};
}

int Load(Kind kind, const std::string& url, int seconds, int connections) {
  opsbot::bench::LoadTarget t = opsbot::bench::ParseLoadUrl(url);
  const opsbot::WeComKey app_key = *opsbot::ParseEncodingAesKey(kAppAesKey);
  const opsbot::WeComKey bot_key = *opsbot::ParseEncodingAesKey(kBotAesKey);
  const long long run = NowMs();  // ids unique across runs against the same database too
  std::optional<DingTalkStamps> stamps;
  if (kind == Kind::kDingTalk) stamps.emplace();
  std::atomic<long long> app_msg_ids{0};
  auto make = [&](int c, long i) {
    std::string id = "bench." + std::to_string(run) + "." + std::to_string(c) + "." + std::to_string(i);
    Request r;
    switch (kind) {
      case Kind::kDingTalk:
        r = DingTalk(*stamps, t.path, id);
        break;
      case Kind::kWeComApp:
        // WeCom's MsgId is a 64-bit number: the run's start in ms × 1000 plus a counter (a later run starts
        // at least 3 s, so 3 million ids, later).
        r = WeComApp(app_key, t.path, id, std::to_string(run * 1000 + app_msg_ids.fetch_add(1)));
        break;
      case Kind::kWeComBot:
        r = WeComBot(bot_key, t.path, id);
        break;
    }
    return opsbot::bench::RawPost(t.host_port, r.path, r.headers, r.body, r.content_type);
  };
  return opsbot::bench::RunLoadAndPrint(t, seconds, connections, make);
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "", kind = argc > 2 ? argv[2] : "";
  if (mode == "load" && argc == 6 && (kind == "dingtalk" || kind == "wecom-app" || kind == "wecom-bot")) {
    Kind k = kind == "dingtalk" ? Kind::kDingTalk : kind == "wecom-app" ? Kind::kWeComApp : Kind::kWeComBot;
    return Load(k, argv[3], std::atoi(argv[4]), std::atoi(argv[5]));
  }
  std::fprintf(stderr, "usage: cn_bench load dingtalk|wecom-app|wecom-bot URL SECONDS CONNECTIONS\n");
  return 2;
}
