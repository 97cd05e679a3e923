#include "store/row_mapping.h"

#include <memory>

namespace opsbot::store {
namespace {

// SQLiteCpp 3.2 keeps a statement's sqlite3_stmt private (getPreparedStatement() among its private members).
// A pointer to that member, named in an explicit instantiation, where the language checks no access
// ([temp.spec.general]/6 in C++20), reaches it without changing the library; a library whose member is named
// or typed otherwise fails to compile here rather than misbehave.
using StatementMember = std::shared_ptr<sqlite3_stmt> SQLite::Statement::*;

StatementMember PreparedStatementMember();

template <StatementMember Member>
struct StatementAccess {
  friend StatementMember PreparedStatementMember() { return Member; }
};

template struct StatementAccess<&SQLite::Statement::mpPreparedStatement>;

}  // namespace

Row::Row(const SQLite::Statement& st) : stmt((st.*PreparedStatementMember()).get()) {}

}  // namespace opsbot::store
