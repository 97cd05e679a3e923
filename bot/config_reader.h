// ReadConfigDocument: turns a parsed YAML document into a Config, section by section.
//
// Used by LoadConfigText (config_loader.h), which parses the text and owns the walker. Starts from the
// defaults (Config's member initialisers plus the default SLA targets), then overrides what the document
// sets. Every problem goes to the walker's errors; `config` is only meaningful when there are none.
// Cross-references (team members, admin_chat, assignment rules) are checked against the people, teams and
// chats declared anywhere in the document.
#pragma once

#include "bot/config.h"
#include "bot/yaml_walker.h"

namespace opsbot {

void ReadConfigDocument(const YamlField& root, YamlWalker& walker, Config& config);

}  // namespace opsbot
