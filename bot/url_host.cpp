#include "bot/url_host.h"

#include "bot/text.h"

namespace opsbot {

bool UrlOnHosts(const std::string& url, const std::vector<std::string>& hosts) {
  std::string scheme = url.rfind("https://", 0) == 0  ? "https://"
                       : url.rfind("http://", 0) == 0 ? "http://"
                                                      : "";
  if (scheme.empty()) return false;
  for (unsigned char c : url)
    if (c <= ' ' || c >= 0x7f) return false;
  std::string rest = url.substr(scheme.size());
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string::npos || authority.empty()) return false;
  std::string host = ToLowerAscii(authority.substr(
      0, authority.rfind(':') == std::string::npos ? authority.size() : authority.rfind(':')));
  for (const std::string& allowed : hosts) {
    if (host != ToLowerAscii(allowed)) continue;
    return scheme == "https://" || host == "127.0.0.1" || host == "localhost";
  }
  return false;
}

}  // namespace opsbot
