#include "bot/api_tokens.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/subprocess.h"

namespace opsbot {
namespace {

TEST(ApiTokensTest, FindsTheIntegrationOfAToken) {
  ApiTokens tokens(
      {{"ci", "0123456789abcdef-ci", Role::kAgent}, {"grafana", "0123456789abcdef-gf", Role::kMember}});
  auto ci = tokens.Find("0123456789abcdef-ci");
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->name, "ci");
  EXPECT_EQ(ci->max_role, Role::kAgent);
  EXPECT_FALSE(tokens.Find("0123456789abcdef-c"));
  EXPECT_FALSE(tokens.Find(""));
}

TEST(ApiTokensTest, ReadsBearerHeaders) {
  ApiTokens tokens({{"ci", "0123456789abcdef-ci", Role::kAgent}});
  EXPECT_TRUE(tokens.FromAuthorization("Bearer 0123456789abcdef-ci"));
  EXPECT_TRUE(tokens.FromAuthorization("bearer 0123456789abcdef-ci"));
  EXPECT_FALSE(tokens.FromAuthorization("Basic 0123456789abcdef-ci"));
  EXPECT_FALSE(tokens.FromAuthorization("Bearer "));
  EXPECT_FALSE(tokens.FromAuthorization("0123456789abcdef-ci"));
}

TEST(ApiTokensTest, TokenFileIsCreatedPrivateAndReusedAfterwards) {
  testing::TempDir dir;
  std::string path = dir.File("sub/api-token");
  auto first = LoadOrCreateTokenFile(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), 64u);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = LoadOrCreateTokenFile(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
}

TEST(ApiTokensTest, ResolveAddsTheLocalAdminToken) {
  testing::TempDir dir;
  Config c;
  c.api.tokens = {{"ci", "0123456789abcdef-ci", Role::kAgent}};
  c.api.token_file = dir.File("api-token");
  auto tokens = ResolveApiTokens(c);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[1].name, "local");
  EXPECT_EQ((*tokens)[1].max_role, Role::kAdmin);
}

}  // namespace
}  // namespace opsbot
