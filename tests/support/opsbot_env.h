// OpsbotEnv: a temp directory with a config and a database for running the real opsbot binary.
#pragma once

#include <SQLiteCpp/Database.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace opsbot::testing {

class OpsbotEnv {
 public:
  // Copies config/opsbot.example.yaml (or uses `config_yaml` when given) into a temp dir.
  explicit OpsbotEnv(const std::string& config_yaml = "");

  const std::string& config_path() const { return config_path_; }
  const std::string& db_path() const { return db_path_; }
  std::string File(const std::string& name) const { return dir_.File(name); }
  void WriteConfig(const std::string& yaml) const;

  // argv for `opsbot --config C --db D <args...>`.
  std::vector<std::string> Argv(const std::vector<std::string>& args) const;

  // Runs `opsbot console --user U --chat C` with `lines` on stdin; returns the replies.
  std::vector<std::string> Console(const std::string& user, const std::string& chat,
                                   const std::vector<std::string>& lines, int* exit_status = nullptr,
                                   std::string* err = nullptr) const;

  // A read-only connection to the database, for checking what was stored.
  std::unique_ptr<SQLite::Database> Db() const;
  std::int64_t Count(const std::string& sql) const;

 private:
  TempDir dir_;
  std::string config_path_;
  std::string db_path_;
};

std::string ExampleConfig();

}  // namespace opsbot::testing
