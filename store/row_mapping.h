// Small conversions between SQLite columns and plain values, shared by the repositories.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>

namespace opsbot::store {

inline std::optional<std::int64_t> OptInt(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

// NULL reads as "": getString copies sqlite3_column_blob's bytes, none for NULL.
inline std::string Text(const SQLite::Column& c) {
  return c.getString();
}

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
