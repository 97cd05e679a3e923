// libFuzzer target: what reads a Slack request's body once its signature is accepted, and the renderer.
//
//   ParseSlackEvent(json)   → url_verification / message / ignored, or an error (the route answers 400)
//   ParseSlackCommand(form) → ssl_check / message / ignored, or an error; ParseFormUrlEncoded,
//   DecodeSlackText VerifySlackSignature    → what SlackSignature signs verifies, and nothing else does
//   RenderSlackReply / SplitSlackReply → every part valid UTF-8 and within the limit; every piece one message
//
// Besides "no crash, no leak, no UB", it checks invariants that must hold for every input and abort()s when
// one does not, so libFuzzer keeps the input. Run it with scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/slack/slack_inbound.h"
#include "adapters/slack/slack_render.h"
#include "adapters/slack/slack_signature.h"
#include "adapters/slack/slack_text.h"
#include "bot/json_body.h"
#include "bot/url_encoding.h"

namespace {

using opsbot::SlackInbound;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool Trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  return s.empty() || (!space(s.front()) && !space(s.back()));
}

void CheckMessage(const SlackInbound& in, std::string_view key_prefix) {
  const opsbot::InboundMessage& m = in.message;
  Check(m.channel == opsbot::Channel::kSlack);
  Check(!m.user.empty() && !m.chat.empty() && m.chat == in.channel);
  Check(StartsWith(in.dedupe_key, key_prefix) && in.dedupe_key.size() > key_prefix.size());
  Check(m.dedupe_key == in.dedupe_key);
  Check(opsbot::IsValidUtf8(m.text) && Trimmed(m.text));
}

void CheckEvent(std::string_view body) {
  auto r = opsbot::ParseSlackEvent(body);
  if (!r.ok()) {
    Check(!r.status().message().empty());
    return;
  }
  Check(opsbot::ParseJsonObject(body).ok());
  switch (r->kind) {
    case SlackInbound::kUrlVerification:
      Check(!r->challenge.empty() && r->challenge.size() <= 1024);
      break;
    case SlackInbound::kMessage:
      CheckMessage(*r, "slack:event:");
      Check(r->message.reply_via_outbox && r->message.reply_channel == r->channel);
      Check(r->message.reply_thread == r->thread_ts);
      break;
    case SlackInbound::kIgnored:
      Check(!r->ignore_reason.empty());
      break;
    case SlackInbound::kSslCheck:
      Check(false);  // only a form carries ssl_check
  }
}

void CheckCommand(std::string_view body) {
  auto pairs = opsbot::ParseFormUrlEncoded(body);
  auto r = opsbot::ParseSlackCommand(body);
  if (!pairs.ok()) {
    Check(!r.ok());
    return;
  }
  // Encoding what was decoded, then decoding again, gives the same pairs.
  std::string again;
  for (const auto& [name, value] : *pairs)
    again += (again.empty() ? "" : "&") + opsbot::FormUrlEncode(name) + "=" + opsbot::FormUrlEncode(value);
  auto round = opsbot::ParseFormUrlEncoded(again);
  Check(round.ok() && *round == *pairs);
  if (!r.ok()) {
    Check(!r.status().message().empty());
    return;
  }
  if (r->kind == SlackInbound::kMessage) CheckMessage(*r, "slack:trigger:");
  if (r->kind == SlackInbound::kIgnored) Check(!r->ignore_reason.empty());
  Check(r->kind != SlackInbound::kUrlVerification);
}

void CheckDecodeText(std::string_view body) {
  std::string text = opsbot::DecodeSlackText(body);
  Check(text.size() <= body.size());  // markup and entities only ever shrink
  if (opsbot::IsValidUtf8(body)) Check(opsbot::IsValidUtf8(text));
}

void CheckSignature(std::string_view body) {
  constexpr std::string_view kSecret = "fuzz-signing-secret";
  constexpr std::string_view kTs = "1700000000";
  constexpr opsbot::EpochSeconds kNow = 1700000000;
  std::string sig = opsbot::SlackSignature(kSecret, kTs, body);
  Check(opsbot::VerifySlackSignature(kSecret, kTs, sig, body, kNow) == opsbot::SignatureCheck::kOk);
  Check(opsbot::VerifySlackSignature(kSecret, kTs, sig, std::string(body) + "x", kNow) ==
        opsbot::SignatureCheck::kMismatch);
  Check(opsbot::VerifySlackSignature("", kTs, sig, body, kNow) != opsbot::SignatureCheck::kOk);
  // The input as either header: never accepted for another body.
  Check(opsbot::VerifySlackSignature(kSecret, kTs, body, "other body", kNow) != opsbot::SignatureCheck::kOk);
  // The input as the timestamp: sig signs kTs, so only kTs itself can verify with it.
  Check(opsbot::VerifySlackSignature(kSecret, body, sig, body, kNow) != opsbot::SignatureCheck::kOk ||
        body == kTs);
}

void CheckRender(std::string_view body) {
  constexpr std::size_t kMax = opsbot::kSlackMinMessageChars;
  opsbot::Reply reply;
  reply.text = std::string(body);
  reply.mention = {"alice", "al", "\xE5\xBC\xA0\xE4\xB8\x89", "bad"};
  opsbot::SlackIdOf id_of = [](const std::string& key) -> std::string {
    if (key == "alice") return "U0ALICE";
    if (key == "al") return "W0AL";
    if (key == "bad") return "U1><!channel";
    return "U0ZHANG";
  };
  for (const std::string& part : opsbot::RenderSlackReply(reply, id_of, kMax)) {
    Check(!part.empty() && opsbot::IsValidUtf8(part));
    Check(part.find("<!channel") == std::string::npos);
    std::size_t units = 0;
    for (std::size_t i = 0; i < part.size();) {
      std::size_t n = opsbot::Utf8SequenceLength(part, i);
      units += n == 4 ? 2 : 1;
      i += n;
    }
    Check(units <= kMax);
  }
  for (const opsbot::Reply& piece : opsbot::SplitSlackReply(reply, id_of, kMax))
    Check(opsbot::RenderSlackReply(piece, id_of, kMax).size() == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  CheckEvent(body);
  CheckCommand(body);
  CheckDecodeText(body);
  CheckSignature(body);
  CheckRender(body);
  return 0;
}
