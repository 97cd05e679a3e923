#include "store/audit_repo.h"

#include "store/row_mapping.h"

namespace opsbot::store {
namespace {

const char* kAuditColumns =
    "id, at, actor_id, actor, channel, integration, chat_id, action, entity, entity_id, before, after, note";

AuditRow ReadAudit(SQLite::Statement& st) {
  const Row row(st);
  AuditRow r;
  r.id = row.Int(0);
  r.at = row.Int(1);
  r.actor_id = row.OptInt(2);
  r.actor = row.Text(3);
  r.channel = row.Text(4);
  r.integration = row.Text(5);
  r.chat_id = row.OptInt(6);
  r.action = row.Text(7);
  r.entity = row.Text(8);
  r.entity_id = row.OptInt(9);
  r.before = row.Text(10);
  r.after = row.Text(11);
  r.note = row.Text(12);
  return r;
}

}  // namespace

std::int64_t AuditRepo::Insert(const AuditRow& r) {
  auto& st = conn_.Prepare(
      "INSERT INTO audit (at, actor_id, actor, channel, integration, chat_id, action, entity, entity_id, "
      "before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, static_cast<int64_t>(r.at));
  BindOpt(st, 2, r.actor_id);
  st.bind(3, r.actor);
  st.bind(4, r.channel);
  BindTextOrNull(st, 5, r.integration);
  BindOpt(st, 6, r.chat_id);
  st.bind(7, r.action);
  st.bind(8, r.entity);
  BindOpt(st, 9, r.entity_id);
  BindTextOrNull(st, 10, r.before);
  BindTextOrNull(st, 11, r.after);
  BindTextOrNull(st, 12, r.note);
  st.exec();
  return conn_.LastInsertId();
}

std::vector<AuditRow> AuditRepo::ForEntity(const std::string& entity, std::int64_t entity_id) {
  auto& st = conn_.Prepare(std::string("SELECT ") + kAuditColumns +
                           " FROM audit WHERE entity = ? AND entity_id = ? ORDER BY id");
  st.bind(1, entity);
  st.bind(2, static_cast<int64_t>(entity_id));
  std::vector<AuditRow> out;
  while (st.executeStep())
    out.push_back(ReadAudit(st));
  return out;
}

std::vector<AuditRow> AuditRepo::Recent(int limit) {
  auto& st = conn_.Prepare(std::string("SELECT ") + kAuditColumns + " FROM audit ORDER BY id DESC LIMIT ?");
  st.bind(1, limit);
  std::vector<AuditRow> out;
  while (st.executeStep())
    out.push_back(ReadAudit(st));
  return out;
}

std::int64_t AuditRepo::Count() {
  auto& st = conn_.Prepare("SELECT count(*) FROM audit");
  st.executeStep();
  return Row(st).Int(0);
}

}  // namespace opsbot::store
