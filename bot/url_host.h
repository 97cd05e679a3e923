// UrlOnHosts: whether a URL a platform put in a message body may be called back. Such URLs (DingTalk's
// sessionWebhook, the WeCom smart bot's response_url) are signed or encrypted with the rest of the message,
// so only the platform, or someone holding its key, can choose them; the host list keeps a leaked key from
// turning opsbot into a proxy onto the internal network.
#pragma once

#include <string>
#include <vector>

namespace opsbot {

// Whether `url` is https:// on one of `hosts` (compared case-insensitively), with no user info. Plain
// http:// only for a listed loopback host (127.0.0.1, localhost: a test's fake), never across a network.
bool UrlOnHosts(const std::string& url, const std::vector<std::string>& hosts);

}  // namespace opsbot
