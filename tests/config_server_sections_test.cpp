#include "bot/config_server_sections.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bot/config_loader.h"

namespace opsbot {
namespace {

using ::testing::HasSubstr;

ConfigLoad LoadSections(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  return LoadConfigText(yaml, "t.yaml", [env](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

TEST(ConfigServerSectionsTest, HttpDefaultsAndOverrides) {
  auto c = LoadSections("http:\n  listen: 0.0.0.0:9000\n  threads: 4\n");
  ASSERT_TRUE(c.errors.empty());
  EXPECT_EQ(c.config->http.host, "0.0.0.0");
  EXPECT_EQ(c.config->http.port, 9000);
  EXPECT_EQ(c.config->http.threads, 4);
  auto d = LoadSections("");
  EXPECT_EQ(d.config->http.host, "127.0.0.1");
  EXPECT_EQ(d.config->http.port, 8080);
}

TEST(ConfigServerSectionsTest, BadListenAndNumbersNameTheKey) {
  auto c = LoadSections("http:\n  listen: nowhere\n  threads: 0\n");
  ASSERT_EQ(c.errors.size(), 2u);
  EXPECT_EQ(c.errors[0].path, "http.listen");
  EXPECT_EQ(c.errors[0].line, 2);
  EXPECT_EQ(c.errors[1].path, "http.threads");
}

TEST(ConfigServerSectionsTest, TokensFromTheEnvironmentWithRoles) {
  std::string yaml = "api:\n  tokens:\n    - name: ci\n      token: ${TOK}\n      role: agent\n";
  auto on = LoadSections(yaml, {{"TOK", "s3cr3t:with#chars-long"}});
  ASSERT_TRUE(on.errors.empty());
  ASSERT_EQ(on.config->api.tokens.size(), 1u);
  EXPECT_EQ(on.config->api.tokens[0].token, "s3cr3t:with#chars-long");
  EXPECT_EQ(on.config->api.tokens[0].max_role, Role::kAgent);
  auto off = LoadSections(yaml);
  ASSERT_TRUE(off.errors.empty());
  EXPECT_TRUE(off.config->api.tokens.empty());
  bool noticed = false;
  for (const auto& n : off.config->notices)
    noticed |= n.find("api token 'ci': off (TOK is not set)") != std::string::npos;
  EXPECT_TRUE(noticed);
}

TEST(ConfigServerSectionsTest, ShortTokenIsAnErrorThatNeverEchoesIt) {
  auto c = LoadSections("api:\n  tokens:\n    - name: ci\n      token: ${TOK}\n", {{"TOK", "tiny-secret"}});
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_THAT(c.errors[0].message, HasSubstr("too short"));
  EXPECT_THAT(FormatConfigErrors("t.yaml", c.errors), ::testing::Not(HasSubstr("tiny-secret")));
}

TEST(ConfigServerSectionsTest, ParseListenAddress) {
  std::string host;
  int port = 0;
  EXPECT_TRUE(ParseListenAddress("127.0.0.1:0", &host, &port));
  EXPECT_EQ(port, 0);
  EXPECT_TRUE(ParseListenAddress("[::1]:8080", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:70000", &host, &port));
  EXPECT_FALSE(ParseListenAddress(":80", &host, &port));
  EXPECT_FALSE(ParseListenAddress("localhost", &host, &port));
}

}  // namespace
}  // namespace opsbot
