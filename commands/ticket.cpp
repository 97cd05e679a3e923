#include "commands/ticket.h"

namespace opsbot {

Status RegisterTicketCommands(CommandRegistry& registry) {
  for (auto specs : {TicketNewSpecs(), TicketQuerySpecs(), TicketLifecycleSpecs(), TicketFieldSpecs()}) {
    for (auto& spec : specs) {
      Status s = registry.Add(std::move(spec));
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

}  // namespace opsbot
