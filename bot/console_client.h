// ServerClient: lets `opsbot console` talk to a running `opsbot serve` through its JSON API, so the
// console keeps working while a server holds the database. Not thread-safe: one console, one client.
#pragma once

#include <memory>
#include <string>

#include "bot/message.h"
#include "bot/reply.h"

namespace httplib {
class Client;
}

namespace opsbot {

class ServerClient {
 public:
  ServerClient(const std::string& base_url, std::string token);
  ~ServerClient();

  // Posts the message to /api/v1/messages; a transport or HTTP failure comes back as an error Reply.
  Reply Send(const InboundMessage& msg);

 private:
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
};

// The server's base URL if `what` (a database lock's holder description) names a running server.
std::string ServerUrlFromLockHolder(const std::string& what);

}  // namespace opsbot
