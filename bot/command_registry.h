// CommandRegistry: every CommandSpec, found by its words or aliases.
//
// Filled once at start-up by the composition root (each command family's Register function), then only
// read: reads are thread-safe once registration is over. A duplicate id, name or alias is refused, and
// the composition root stops start-up on it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/command_spec.h"
#include "bot/status.h"

namespace opsbot {

class CommandRegistry {
 public:
  Status Add(CommandSpec spec);

  struct Match {
    const CommandSpec* spec = nullptr;
    std::vector<std::string> rest;  // the tokens after the command's words
    bool chinese_alias = false;     // it was called by a Chinese alias
  };
  // The longest name or alias that starts the tokens (case-insensitive). A Chinese alias also matches
  // when glued to what follows ("建单磁盘满" → 建单 + 磁盘满).
  std::optional<Match> Find(const std::vector<std::string>& tokens) const;

  // The spec with this id, or null.
  const CommandSpec* ById(const std::string& id) const;
  // Every spec, in registration order.
  std::vector<const CommandSpec*> All() const;

  // The name or alias nearest to `typed` among specs `allowed` accepts, if any is near enough.
  std::optional<std::string> Nearest(const std::string& typed,
                                     const std::function<bool(const CommandSpec&)>& allowed) const;
  // Specs whose name starts with the word `family` (e.g. "ticket"), in registration order.
  std::vector<const CommandSpec*> Family(const std::string& family) const;

 private:
  struct Form {
    std::vector<std::string> words;  // lower-case
    const CommandSpec* spec;
    bool chinese;
  };
  std::vector<std::unique_ptr<CommandSpec>> specs_;
  std::vector<Form> forms_;
};

}  // namespace opsbot
