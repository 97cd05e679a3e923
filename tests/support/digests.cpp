#include "tests/support/digests.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <regex>

#include "bot/outbound.h"
#include "tests/support/captures.h"

namespace opsbot::testing {

std::vector<SentHead> DeliveredHeads(const OpsbotEnv& env, const std::string& destination) {
  auto db = env.Db();
  SQLite::Statement q(*db,
                      "SELECT id, coalesce(digest_of, id) AS head, payload FROM outbox WHERE destination = ? "
                      "AND state = 'delivered' ORDER BY head, id");
  q.bind(1, destination);
  std::vector<SentHead> out;
  while (q.executeStep()) {
    std::int64_t id = q.getColumn(0).getInt64(), head = q.getColumn(1).getInt64();
    if (out.empty() || out.back().id != head) out.push_back({head, {}, {}});
    auto m = OutboundMessage::FromJson(nlohmann::json::parse(q.getColumn(2).getString(), nullptr, false));
    out.back().rows.push_back(id);
    out.back().texts.push_back(m ? m->reply.text : "");
  }
  return out;
}

std::vector<long> Numbers(const std::vector<std::string>& texts, const std::string& pattern) {
  std::vector<long> out;
  for (const std::string& s : Captures(texts, pattern))
    out.push_back(std::stol(s));
  return out;
}

int MaxInWindow(std::vector<long long> times_ms, long window_ms) {
  std::sort(times_ms.begin(), times_ms.end());
  int most = 0;
  for (std::size_t i = 0, j = 0; i < times_ms.size(); ++i) {
    while (times_ms[i] - times_ms[j] >= window_ms)
      ++j;
    most = std::max(most, static_cast<int>(i - j + 1));
  }
  return most;
}

bool IsSubsequence(const std::vector<long>& sub, const std::vector<long>& seq) {
  std::size_t at = 0;
  for (long n : seq)
    if (at < sub.size() && sub[at] == n) ++at;
  return at == sub.size();
}

}  // namespace opsbot::testing
