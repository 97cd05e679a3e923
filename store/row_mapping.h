// Small conversions between SQLite columns and plain values, shared by the repositories.
#pragma once

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsbot::store {

// The current row of a statement, read straight through SQLite's C API rather than an SQLite::Column a value
// (which copies the statement's shared_ptr and checks the row and the index: ~50 instructions a value, with
// two atomic operations; 5% of a `ticket list` request). Only while the statement stands on a row (its
// executeStep() returned true), and on the thread using its connection: the sqlite3_value of a column is
// unprotected (SQLite's word), which connections opened with SQLITE_OPEN_NOMUTEX and used by one thread at a
// time (store::Connection) never need. SQLite reads an index out of range as NULL.
struct Row {
  explicit Row(const SQLite::Statement& st);

  std::int64_t Int(int index) const { return sqlite3_column_int64(stmt, index); }
  // Through the column's sqlite3_value: one checked call into the statement instead of two.
  std::optional<std::int64_t> OptInt(int index) const {
    sqlite3_value* v = sqlite3_column_value(stmt, index);
    if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
    return sqlite3_value_int64(v);
  }
  // NULL reads as "". The bytes as stored, valid until the statement steps or resets.
  std::string_view TextView(int index) const {
    sqlite3_value* v = sqlite3_column_value(stmt, index);
    const auto* data = static_cast<const char*>(sqlite3_value_blob(v));  // before _bytes, as SQLite asks
    return data ? std::string_view(data, static_cast<std::size_t>(sqlite3_value_bytes(v)))
                : std::string_view();
  }
  std::string Text(int index) const { return std::string(TextView(index)); }

  sqlite3_stmt* stmt;
};

// Binds NULL for an empty string, so UNIQUE handle columns allow many people without a handle.
inline void BindTextOrNull(SQLite::Statement& st, int index, const std::string& value) {
  if (value.empty()) {
    st.bind(index);
  } else {
    st.bind(index, value);
  }
}

inline void BindOpt(SQLite::Statement& st, int index, const std::optional<std::int64_t>& value) {
  if (value) {
    st.bind(index, static_cast<int64_t>(*value));
  } else {
    st.bind(index);
  }
}

}  // namespace opsbot::store
