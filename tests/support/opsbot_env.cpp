#include "tests/support/opsbot_env.h"

#include <fstream>
#include <sstream>

namespace opsbot::testing {

std::string ExampleConfig() {
  std::ifstream in(std::string(OPSBOT_SOURCE_DIR) + "/config/opsbot.example.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

OpsbotEnv::OpsbotEnv(const std::string& config_yaml)
    : config_path_(dir_.File("opsbot.yaml")), db_path_(dir_.File("data/opsbot.db")) {
  WriteConfig(config_yaml.empty() ? ExampleConfig() : config_yaml);
}

void OpsbotEnv::WriteConfig(const std::string& yaml) const {
  std::string tmp = config_path_ + ".tmp";
  {
    std::ofstream out(tmp);
    out << yaml;
  }
  std::rename(tmp.c_str(), config_path_.c_str());
}

std::vector<std::string> OpsbotEnv::Argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {OPSBOT_BINARY, "--config", config_path_, "--db", db_path_};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::vector<std::string> OpsbotEnv::Console(const std::string& user, const std::string& chat,
                                            const std::vector<std::string>& lines, int* exit_status,
                                            std::string* err) const {
  std::string input;
  for (const auto& l : lines)
    input += l + "\n";
  std::string out, errors;
  int status = RunToEnd(Argv({"console", "--user", user, "--chat", chat}), input, &out, &errors);
  if (exit_status) *exit_status = status;
  if (err) *err = errors;
  return SplitReplies(out);
}

std::unique_ptr<SQLite::Database> OpsbotEnv::Db() const {
  return std::make_unique<SQLite::Database>(db_path_, SQLite::OPEN_READONLY);
}

std::int64_t OpsbotEnv::Count(const std::string& sql) const {
  return Db()->execAndGet(sql).getInt64();
}

}  // namespace opsbot::testing
