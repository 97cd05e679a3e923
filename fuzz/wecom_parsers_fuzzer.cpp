// libFuzzer target: what reads a WeCom callback once it is decrypted, and the envelopes before that.
//
//   WeComXmlEnvelope / WeComJsonEnvelope  → the ciphertext, or an error (the route answers 400)
//   ParseWeComAppMessage(xml)             → message / ignored, or an error
//   ParseWeComBotMessage(json)            → message / ignored, or an error
//
// The same input goes to all four: the parsers never see unauthenticated input in production, but they must
// not trust what WeCom sends either. Invariants that must hold for every input abort() when broken, so
// libFuzzer keeps the input. Run it with scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/wecom/wecom_inbound.h"
#include "bot/text.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckParsed(const opsbot::Result<opsbot::WeComInbound>& in, const char* dedupe_prefix) {
  if (!in.ok()) return;
  if (in->kind == opsbot::WeComInbound::kIgnored) {
    Check(!in->ignore_reason.empty());
    return;
  }
  const opsbot::InboundMessage& m = in->message;
  Check(m.channel == opsbot::Channel::kWeCom);
  Check(!m.user.empty() && m.user.size() <= 256);
  Check(!m.text.empty() && m.text == opsbot::TrimAscii(m.text) && m.text.size() <= 16 * 1024);
  Check(!in->msg_id.empty() && m.dedupe_key == dedupe_prefix + in->msg_id);
  Check(in->group ? (m.chat == in->chat_id && !m.chat.empty()) : m.chat.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto xml = opsbot::WeComXmlEnvelope(input);
  Check(!xml.ok() || (!xml->empty() && xml->size() <= input.size()));
  auto json = opsbot::WeComJsonEnvelope(input);
  Check(!json.ok() || !json->empty());
  CheckParsed(opsbot::ParseWeComAppMessage(input), "wecom:msg:");
  CheckParsed(opsbot::ParseWeComBotMessage(input), "wecom:bot:");
  return 0;
}
