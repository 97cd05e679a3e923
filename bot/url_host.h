// UrlOnHosts: whether a URL a platform put in a message body may be called back: DingTalk's sessionWebhook
// (in a body DingTalk does not sign: only the timestamp header is), the WeCom smart bot's response_url (in
// the encrypted message) and a Slack slash command's response_url (in the signed form), which anyone holding
// the callback key or signing secret can choose. The host list keeps a forged body, or a leaked key, from
// turning opsbot into a client of any host it can reach.
#pragma once

#include <string>
#include <vector>

namespace opsbot {

// Whether `url` is https:// on one of `hosts` (compared case-insensitively), with no user info and nothing
// but visible ASCII (no space or control character a request line could be split on). Plain http:// only
// for a listed loopback host (127.0.0.1, localhost: a test's fake), never across a network.
bool UrlOnHosts(const std::string& url, const std::vector<std::string>& hosts);

}  // namespace opsbot
