#include "commands/register_all.h"

#include "commands/digest.h"
#include "commands/help.h"
#include "commands/identity.h"
#include "commands/outbox.h"
#include "commands/ticket.h"

namespace opsbot {

Status RegisterAllCommands(CommandRegistry& registry) {
  if (Status s = RegisterTicketCommands(registry); !s.ok()) return s;
  if (Status s = RegisterOutboxCommands(registry); !s.ok()) return s;
  if (Status s = RegisterIdentityCommands(registry); !s.ok()) return s;
  if (Status s = RegisterDigestCommand(registry); !s.ok()) return s;
  return RegisterHelpCommand(registry);
}

}  // namespace opsbot
