#include "bot/url_host.h"

#include <gtest/gtest.h>

namespace opsbot {
namespace {

const std::vector<std::string> kWeCom = {"qyapi.weixin.qq.com"};

TEST(UrlOnHostsTest, HttpsOnAListedHostIsAllowedWhateverItsCaseOrPort) {
  EXPECT_TRUE(UrlOnHosts("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x", kWeCom));
  EXPECT_TRUE(UrlOnHosts("https://QYAPI.weixin.qq.com/x", kWeCom));
  EXPECT_TRUE(UrlOnHosts("https://qyapi.weixin.qq.com:443/x", kWeCom));
  EXPECT_TRUE(UrlOnHosts("https://qyapi.weixin.qq.com", kWeCom));
}

TEST(UrlOnHostsTest, AnyOtherHostIsRefusedHoweverItIsDressedUp) {
  EXPECT_FALSE(UrlOnHosts("https://qyapi.weixin.qq.com.evil.example/x", kWeCom));
  EXPECT_FALSE(UrlOnHosts("https://evil.example/?qyapi.weixin.qq.com", kWeCom));
  EXPECT_FALSE(UrlOnHosts("https://evil.example#qyapi.weixin.qq.com", kWeCom));
  EXPECT_FALSE(UrlOnHosts("https://qyapi.weixin.qq.com@evil.example/x", kWeCom));  // user info
  EXPECT_FALSE(UrlOnHosts("https://user@qyapi.weixin.qq.com/x", kWeCom));
  EXPECT_FALSE(UrlOnHosts("https://10.0.0.5/internal", kWeCom));
  EXPECT_FALSE(UrlOnHosts("https:///x", kWeCom));
  EXPECT_FALSE(UrlOnHosts("", kWeCom));
  EXPECT_FALSE(UrlOnHosts("https://qyapi.weixin.qq.com/x", {}));  // an empty list allows nothing
}

TEST(UrlOnHostsTest, ASpaceOrAControlCharacterAnywhereIsRefused) {
  // A CR/LF in the path would split the request line into a second header the platform never sent.
  EXPECT_FALSE(UrlOnHosts("https://qyapi.weixin.qq.com/x\r\nX-Injected: 1", kWeCom));
  EXPECT_FALSE(UrlOnHosts("https://qyapi.weixin.qq.com/a b", kWeCom));
  EXPECT_FALSE(UrlOnHosts("https://qyapi.weixin.qq.com/x\t", kWeCom));
  EXPECT_FALSE(UrlOnHosts(std::string("https://qyapi.weixin.qq.com/x\0y", 31), kWeCom));
  EXPECT_FALSE(UrlOnHosts("https://qyapi.weixin.qq.com/路径", kWeCom));  // percent-encode, as platforms do
  EXPECT_TRUE(UrlOnHosts("https://qyapi.weixin.qq.com/x?a=%E8%B7%AF&b=1", kWeCom));
}

TEST(UrlOnHostsTest, PlainHttpOnlyToAListedLoopbackHost) {
  EXPECT_FALSE(UrlOnHosts("http://qyapi.weixin.qq.com/x", kWeCom));
  EXPECT_FALSE(UrlOnHosts("ftp://qyapi.weixin.qq.com/x", kWeCom));
  EXPECT_FALSE(UrlOnHosts("qyapi.weixin.qq.com/x", kWeCom));
  EXPECT_TRUE(UrlOnHosts("http://127.0.0.1:8931/bot/response?id=1", {"127.0.0.1"}));
  EXPECT_TRUE(UrlOnHosts("http://localhost:8931/x", {"localhost"}));
  EXPECT_FALSE(UrlOnHosts("http://127.0.0.1:8931/x", kWeCom));  // loopback, but not listed
  EXPECT_FALSE(UrlOnHosts("http://10.1.2.3/x", {"10.1.2.3"}));  // listed, but plain http across a network
  EXPECT_TRUE(UrlOnHosts("https://10.1.2.3/x", {"10.1.2.3"}));
}

}  // namespace
}  // namespace opsbot
