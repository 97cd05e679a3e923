// ParsedPayloads: outbox payloads already parsed, by row id, so that the OutboxWorker parses each stored
// message once rather than once per run that reads it.
//
// Why: every run that tries a head reads the messages queued behind it (up to digest_max) to merge them
// into a digest. A head that keeps failing (a revoked robot, a dead reply URL: give-up after give-up, each
// next head merging the same queue) had the same payloads parsed again each time, up to digest_max times
// each: measured, 80% of the runner thread under a stream of undeliverable replies.
// An entry is the row's payload text and what it parsed to; a hit must match the text too, because SQLite
// may give a pruned row's id to a new row. What two runs in a row did not read is forgotten (BeginRun); past
// `max_entries` (a run can read up to batch heads × digest_max rows) the map starts over, and parsing is
// what it was without it. Not thread-safe: the runner thread's alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "bot/outbound.h"

namespace opsbot {

class ParsedPayloads {
 public:
  explicit ParsedPayloads(std::size_t max_entries) : max_entries_(max_entries) {}

  // A run starts: forgets the entries that neither this run nor the one before it read.
  void BeginRun();
  // The message stored as `payload` in row `id` (nullopt: not a readable message). The reference is valid
  // until the next call.
  const std::optional<OutboundMessage>& Get(std::int64_t id, const std::string& payload);

  std::size_t size() const { return entries_.size(); }
  std::uint64_t parses() const { return parses_; }  // payloads actually parsed, for tests

 private:
  struct Entry {
    std::string payload;
    std::optional<OutboundMessage> message;
    std::uint64_t run = 0;  // the last run that read it
  };
  std::size_t max_entries_;
  std::unordered_map<std::int64_t, Entry> entries_;
  std::uint64_t run_ = 1;
  std::uint64_t parses_ = 0;
};

}  // namespace opsbot
