#include "bot/http_client.h"

namespace opsbot {

std::unique_ptr<httplib::Client> NewHttpClient(const std::string& scheme_host_port,
                                               const HttpClientOptions& o) {
  auto cli = std::make_unique<httplib::Client>(scheme_host_port);
  if (scheme_host_port.rfind("https://", 0) == 0) {
    cli->set_ca_cert_path(o.ca_cert_file.c_str());
    cli->enable_server_certificate_verification(true);
  }
  auto seconds = [](int ms) { return static_cast<time_t>(ms / 1000); };
  auto micros = [](int ms) { return static_cast<time_t>((ms % 1000) * 1000); };
  cli->set_connection_timeout(seconds(o.connect_timeout_ms), micros(o.connect_timeout_ms));
  cli->set_write_timeout(seconds(o.write_timeout_ms), micros(o.write_timeout_ms));
  cli->set_read_timeout(seconds(o.read_timeout_ms), micros(o.read_timeout_ms));
  if (!o.proxy.host.empty()) {
    cli->set_proxy(o.proxy.host.c_str(), o.proxy.port);
    if (!o.proxy.username.empty())
      cli->set_proxy_basic_auth(o.proxy.username.c_str(), o.proxy.password.c_str());
  }
  cli->set_follow_location(false);
  cli->set_tcp_nodelay(true);
  return cli;
}

DeliveryResult TransportFailure(httplib::Error e) {
  const bool written = e == httplib::Error::Read || e == httplib::Error::Unknown;
  return Delivery(DeliveryResult::Kind::kRetry, "transport_" + httplib::to_string(e), written);
}

}  // namespace opsbot
