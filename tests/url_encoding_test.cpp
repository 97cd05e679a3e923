#include "bot/url_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace opsbot {
namespace {

TEST(UrlEncodingTest, FormDecoding) {
  auto pairs = ParseFormUrlEncoded("a=1+2&&b=%2B%26%3D&c&=v&d=%e4%b8%ad");
  ASSERT_TRUE(pairs.ok());
  ASSERT_EQ(pairs->size(), 5u);
  EXPECT_EQ((*pairs)[0], (std::pair<std::string, std::string>("a", "1 2")));
  EXPECT_EQ((*pairs)[1], (std::pair<std::string, std::string>("b", "+&=")));
  EXPECT_EQ((*pairs)[2], (std::pair<std::string, std::string>("c", "")));
  EXPECT_EQ((*pairs)[3], (std::pair<std::string, std::string>("", "v")));
  EXPECT_EQ((*pairs)[4], (std::pair<std::string, std::string>("d", "中")));
  EXPECT_TRUE(ParseFormUrlEncoded("").ok());
  std::string all;
  for (int c = 0; c < 256; ++c)
    all += static_cast<char>(c);
  auto round = ParseFormUrlEncoded("x=" + FormUrlEncode(all));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ((*round)[0].second, all);
}

TEST(UrlEncodingTest, AQueryStringCanKeepItsPlusSigns) {
  auto pairs = ParseFormUrlEncoded("echostr=P9n+Az%2BC&x=a%20b", PlusIs::kPlus);
  ASSERT_TRUE(pairs.ok());
  EXPECT_EQ((*pairs)[0].second, "P9n+Az+C");
  EXPECT_EQ((*pairs)[1].second, "a b");
  EXPECT_FALSE(ParseFormUrlEncoded("a=%G0", PlusIs::kPlus).ok());
}

}  // namespace
}  // namespace opsbot
