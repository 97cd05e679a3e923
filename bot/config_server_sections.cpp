#include "bot/config_server_sections.h"

#include "bot/crypto.h"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <tuple>

namespace opsbot {
namespace {

// An integer in [lo, hi] at m[key], into *out.
template <typename T>
void Int(YamlWalker& w, const YamlMap& m, std::string_view key, long long lo, long long hi, T* out) {
  if (auto v = w.Integer(m, key, lo, hi)) *out = static_cast<T>(*v);
}

}  // namespace

std::optional<SendLimit> ParseSendLimit(const std::string& text) {
  std::istringstream in(text);
  std::string count, per, window, burst_word, burst, rest;
  in >> count >> per >> window;
  if (per != "per" || window.empty()) return std::nullopt;
  if (in >> burst_word && (burst_word != "burst" || !(in >> burst) || (in >> rest))) return std::nullopt;
  auto n = ParseDecimal(count);
  auto secs = ParseDurationSeconds(window);
  if (!n || *n < 1 || *n > 100000 || !secs || *secs < 1) return std::nullopt;
  SendLimit limit;
  limit.count = static_cast<int>(*n);
  limit.window_ms = static_cast<long>(*secs) * 1000;
  limit.burst = std::max(1, limit.count / 4);
  if (!burst.empty()) {
    auto b = ParseDecimal(burst);
    if (!b || *b < 1 || *b > *n) return std::nullopt;
    limit.burst = static_cast<int>(*b);
  }
  return limit;
}

bool ParseListenAddress(const std::string& text, std::string* host, int* port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) return false;
  std::string h = text.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p = -1;
  auto [end, ec] = std::from_chars(text.data() + colon + 1, text.data() + text.size(), p);
  if (ec != std::errc() || end != text.data() + text.size() || p < 0 || p > 65535) return false;
  *host = h;
  *port = p;
  return true;
}

void ReadHttpSection(const YamlMap& top, YamlWalker& w, HttpConfig& http) {
  auto field = top.Get("http");
  if (!field) return;
  auto m = w.AsMap(*field, {"listen", "threads", "max_body_bytes", "read_timeout_ms", "write_timeout_ms",
                            "keep_alive_timeout_s", "keep_alive_max", "backlog"});
  if (!m) return;
  if (auto s = w.Value(*m, "listen")) {
    if (!ParseListenAddress(s->text, &http.host, &http.port))
      w.Error(*s, "expected HOST:PORT like 127.0.0.1:8080, got " + YamlWalker::Quote(*s));
  }
  Int(w, *m, "threads", 1, 1024, &http.threads);
  Int(w, *m, "max_body_bytes", 1024, 64LL << 20, &http.max_body_bytes);
  Int(w, *m, "read_timeout_ms", 100, 600000, &http.read_timeout_ms);
  Int(w, *m, "write_timeout_ms", 100, 600000, &http.write_timeout_ms);
  Int(w, *m, "keep_alive_timeout_s", 0, 3600, &http.keep_alive_timeout_s);
  Int(w, *m, "keep_alive_max", 1, 100000000, &http.keep_alive_max);
  Int(w, *m, "backlog", 1, 65535, &http.backlog);
}

void ReadApiSection(const YamlMap& top, YamlWalker& w, ApiConfig& api) {
  auto field = top.Get("api");
  if (!field) return;
  auto m = w.AsMap(*field, {"tokens", "token_file"});
  if (!m) return;
  if (auto s = w.Value(*m, "token_file")) api.token_file = s->text;
  auto tokens = m->Get("tokens");
  if (!tokens) return;
  std::vector<std::string> names;
  for (const YamlField& item : w.AsList(*tokens)) {
    auto t = w.AsMap(item, {"name", "token", "role"});
    if (!t) continue;
    ApiToken token;
    auto name = w.Required(*t, "name");
    if (!name) continue;
    token.name = name->text;
    for (const auto& n : names)
      if (n == token.name) w.Error(*name, "duplicate token name " + YamlWalker::Quote(*name));
    names.push_back(token.name);
    if (auto r = w.Value(*t, "role")) {
      if (auto role = ParseRole(r->text)) {
        token.max_role = *role;
      } else {
        w.Error(*r, "unknown role " + YamlWalker::Quote(*r) + " (expected admin, agent or member)");
      }
    }
    std::vector<std::string> reasons;
    w.Secret(*t, "token", &token.token, &reasons);
    if (!reasons.empty()) {
      std::string why;
      for (const auto& r : reasons)
        why += (why.empty() ? "" : "; ") + r;
      w.Notice("api token '" + token.name + "': off (" + why + ")");
      continue;
    }
    if (token.token.size() < 16) {
      w.Error(t->path + ".token", t->line,
              "token of '" + token.name + "' is too short (at least 16 characters)");
      continue;
    }
    api.tokens.push_back(std::move(token));
  }
}

void ReadOutboxSection(const YamlMap& top, YamlWalker& w, OutboxConfig& outbox) {
  auto field = top.Get("outbox");
  if (!field) return;
  auto m = w.AsMap(*field, {"max_attempts", "retention", "rate_limit_wait", "limits"});
  if (!m) return;
  if (auto limits = m->Get("limits")) {
    if (auto lm = w.AsMap(*limits, {"slack_channel", "dingtalk_app_chat", "dingtalk_robot", "wecom_robot",
                                    "wecom_app_member"})) {
      for (const auto& [name, default_limit] : DefaultSendLimits()) {
        auto s = w.Value(*lm, name);
        if (!s) continue;
        if (auto limit = ParseSendLimit(s->text)) {
          outbox.limits[name] = *limit;
        } else {
          w.Error(*s, "expected a limit like \"20 per 1m\" or \"20 per 60s burst 5\", got " +
                          YamlWalker::Quote(*s));
        }
      }
    }
  }
  Int(w, *m, "max_attempts", 1, 100, &outbox.max_attempts);
  for (auto [key, out, example] : {std::tuple{"retention", &outbox.retention_seconds, "7d or 12h"},
                                   {"rate_limit_wait", &outbox.rate_limit_wait_seconds, "60s or 5m"}}) {
    auto s = w.Value(*m, key);
    if (!s) continue;
    if (auto secs = ParseDurationSeconds(s->text); secs && *secs > 0) {
      *out = *secs;
    } else {
      w.Error(*s, std::string("expected a duration like ") + example + ", got " + YamlWalker::Quote(*s));
    }
  }
}

}  // namespace opsbot
