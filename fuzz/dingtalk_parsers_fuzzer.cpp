// libFuzzer target: what reads a DingTalk callback once its headers are accepted, and the header check.
//
//   ParseDingTalkCallback(json) → message / ignored, or an error (the route answers 400)
//   VerifyDingTalkSignature     → what DingTalkSign signs verifies; the input as a sign header never does
//
// Besides "no crash, no leak, no UB", it checks invariants that must hold for every input and abort()s when
// one does not, so libFuzzer keeps the input. Run it with scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/dingtalk/dingtalk_inbound.h"
#include "adapters/dingtalk/dingtalk_signature.h"
#include "bot/text.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto in = opsbot::ParseDingTalkCallback(input);
  if (in.ok() && in->kind == opsbot::DingTalkInbound::kMessage) {
    const opsbot::InboundMessage& m = in->message;
    Check(m.channel == opsbot::Channel::kDingTalk);
    Check(!m.user.empty() && !m.text.empty() && m.text == opsbot::TrimAscii(m.text));
    Check(m.dedupe_key == "dingtalk:msg:" + in->msg_id && !in->msg_id.empty());
    Check(in->group ? m.chat == in->conversation_id : m.chat.empty());
    Check(m.text.size() <= 16 * 1024 + in->at_staff_ids.size() * 257);
  }
  if (in.ok() && in->kind == opsbot::DingTalkInbound::kIgnored) Check(!in->ignore_reason.empty());

  // The input as a secret signs a fixed timestamp that verifies; as a sign header it never verifies for
  // another secret (a forgery would need an HMAC collision).
  const std::string ts = "1577262236757";
  std::string sign = opsbot::DingTalkSign(input, ts);
  if (!input.empty()) {
    Check(opsbot::VerifyDingTalkSignature(input, ts, sign, 1577262236757) == opsbot::SignatureCheck::kOk);
  }
  Check(opsbot::VerifyDingTalkSignature("SECexample", ts, input, 1577262236757) !=
            opsbot::SignatureCheck::kOk ||
        input == "3O/+JkmT6LIkyEifgagk27DzxKJTl4agVk3rjPORAak=");
  return 0;
}
