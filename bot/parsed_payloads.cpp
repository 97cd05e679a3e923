#include "bot/parsed_payloads.h"

#include <nlohmann/json.hpp>

namespace opsbot {

const std::optional<OutboundMessage>& ParsedPayloads::Get(std::int64_t id, const std::string& payload) {
  auto it = entries_.find(id);
  if (it != entries_.end() && it->second.payload == payload) return it->second.message;
  if (it == entries_.end() && entries_.size() >= capacity_) entries_.clear();
  ++parses_;
  Entry& e = entries_[id];
  e.payload = payload;
  e.message = OutboundMessage::FromJson(nlohmann::json::parse(payload, nullptr, false));
  return e.message;
}

}  // namespace opsbot
