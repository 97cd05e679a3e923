// RunServer: `opsbot serve` — the HTTP front over an opened App, until SIGTERM/SIGINT.
//
// Routes: GET /healthz, GET /metrics (unauthenticated, for the local network; the shipped nginx config
// does not expose /metrics) and the JSON API (adapters/api). SIGHUP reloads the config and the API tokens.
// SIGTERM stops accepting, lets requests in flight finish, commits what is queued, and returns 0.
#pragma once

#include <string>

#include "bot/app.h"

namespace opsbot {

struct ServeOptions {
  std::string listen;  // HOST:PORT; empty: the config's http.listen
};

// Returns the process exit code.
int RunServer(App& app, const ServeOptions& options);

}  // namespace opsbot
