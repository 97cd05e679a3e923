// DirectoryCache: one Connection's memo of its look-ups of people and chats.
//
// Every message reads the people and chats tables (who sent it, from which chat, the people on each
// ticket listed) and they seldom change (someone new writes, a bind, a config reload). Every change to them
// sets directory_version.v to a new random value (migration 0009's triggers), so a memo filled while that
// value was V answers for the store as long as the value is still V:
//   1. the first look-up of each unit of work (a Writer's piece of work or a ReadPool lease; the Connection's
//      ResetStatements ends one) reads the value in the unit's own snapshot and clears the memo if it moved;
//   2. when this connection itself changes people or chats (SQLite's update hook calls Changed), the memo is
//      cleared and unused until the unit ends: a change then rolled back leaves nothing behind, and the
//      next unit reads the value again.
// A unit of work must be one transaction (the Writer's batch, the ReadPool's BEGIN..COMMIT): outside one
// (autocommit) the memo is not used at all. A miss is remembered too (nobody has that handle), so an unknown
// sender costs one query per version, not one per message. At most kMaxEntries rows are kept (beyond, the
// memo starts over), under keys of at most kMaxKeyBytes (a longer one, e.g. a long @mention, is looked up
// each time). Not thread-safe: it belongs to its Connection, which belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "store/chat_repo.h"
#include "store/person_repo.h"

namespace opsbot::store {

class Connection;

struct DirectoryCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;    // looked up in the store and remembered
  std::uint64_t bypassed = 0;  // looked up in the store, not remembered (see Get)
};

class DirectoryCache {
 public:
  static constexpr std::size_t kMaxEntries = 1024;
  static constexpr std::size_t kMaxKeyBytes = 128;

  template <typename Key, typename Row>
  using Memo = std::unordered_map<Key, std::optional<Row>>;

  // Indexed by HandleKind and ChatHandleKind.
  Memo<std::string, PersonRow> people_by_handle[4];
  Memo<std::int64_t, PersonRow> people_by_id;
  Memo<std::string, ChatRow> chats_by_handle[4];
  Memo<std::int64_t, ChatRow> chats_by_id;
  Memo<std::int64_t, std::string> person_keys_by_id;
  Memo<std::int64_t, std::string> chat_keys_by_id;

  // The row for `key` from `memo`, or from `load()` (the store query), remembered.
  template <typename Key, typename Row, typename Load>
  std::optional<Row> Get(Connection& conn, Memo<Key, Row>& memo, const Key& key, Load&& load) {
    if (!Rememberable(key) || !Usable(conn)) {
      ++stats_.bypassed;
      return load();
    }
    if (auto it = memo.find(key); it != memo.end()) {
      ++stats_.hits;
      return it->second;
    }
    ++stats_.misses;
    std::optional<Row> row = load();
    if (entries_ >= kMaxEntries) Clear();
    memo.emplace(key, row);
    ++entries_;
    return row;
  }

  // The one text column `select` (binding `id` as ?1) gives, remembered in `memo`: a person's or chat's key.
  // `select` is a literal: on a hit nothing is built from it.
  std::optional<std::string> KeyOf(Connection& conn, Memo<std::int64_t, std::string>& memo,
                                   const char* select, std::int64_t id);

  // This connection changed people or chats: forget everything and look nothing up until the unit ends.
  void Changed() {
    Clear();
    pending_change_ = true;
  }
  // The unit of work ended (committed, rolled back or released): the next look-up checks the version.
  void EndUnit() {
    checked_ = false;
    pending_change_ = false;
  }

  const DirectoryCacheStats& stats() const { return stats_; }
  std::size_t entries() const { return entries_; }

 private:
  bool Usable(Connection& conn);
  void Clear();
  static bool Rememberable(std::int64_t) { return true; }
  static bool Rememberable(const std::string& key) { return key.size() <= kMaxKeyBytes; }

  bool checked_ = false;         // the version was read in this unit of work
  bool pending_change_ = false;  // this connection changed people or chats in this unit of work
  std::optional<std::int64_t> version_;
  std::size_t entries_ = 0;
  DirectoryCacheStats stats_;
};

}  // namespace opsbot::store
