// NewHttpClient: the one way opsbot makes an outbound cpp-httplib client to a platform's API — certificates
// verified for https, every phase bounded by a timeout, no redirects followed (a platform never needs one,
// and following one would carry credentials elsewhere), TCP_NODELAY (headers and body are two writes), and
// an optional HTTP(S) proxy with basic auth. Thread-safe; the client it returns belongs to one thread.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "bot/outbound.h"

namespace opsbot {

struct HttpProxy {
  std::string host;  // empty: no proxy
  int port = 0;
  std::string username;  // empty: no Proxy-Authorization
  std::string password;  // secret: never logged
};

struct HttpClientOptions {
  int connect_timeout_ms = 5000;
  int write_timeout_ms = 10000;
  int read_timeout_ms = 10000;
  std::string ca_cert_file = "/etc/ssl/certs/ca-certificates.crt";
  HttpProxy proxy;
};

// `scheme_host_port`: "https://api.example.com" or "http://127.0.0.1:8080".
std::unique_ptr<httplib::Client> NewHttpClient(const std::string& scheme_host_port,
                                               const HttpClientOptions& o);

// A delivery that cpp-httplib failed with `e`: tried again later. After a read failure (or an unknown one)
// the request was written whole, so the platform may have acted on it (maybe_delivered).
DeliveryResult TransportFailure(httplib::Error e);

}  // namespace opsbot
