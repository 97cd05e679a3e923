#include "bot/parsed_payloads.h"

#include <nlohmann/json.hpp>

namespace opsbot {

void ParsedPayloads::BeginRun() {
  ++run_;
  std::erase_if(entries_, [this](const auto& kv) { return kv.second.run + 1 < run_; });
}

const std::optional<OutboundMessage>& ParsedPayloads::Get(std::int64_t id, const std::string& payload) {
  auto it = entries_.find(id);
  if (it != entries_.end() && it->second.payload == payload) {
    it->second.run = run_;
    return it->second.message;
  }
  if (it == entries_.end() && entries_.size() >= max_entries_) entries_.clear();
  ++parses_;
  Entry& e = entries_[id];
  e.payload = payload;
  e.message = OutboundMessage::FromJson(nlohmann::json::parse(payload, nullptr, false));
  e.run = run_;
  return e.message;
}

}  // namespace opsbot
