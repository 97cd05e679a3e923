// End-to-end: every kind of bad input to the real `opsbot serve`, each answered with its status and a JSON
// error body, and the server still healthy afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "adapters/api/api_adapter.h"
#include "bot/json_body.h"
#include "tests/support/opsbot_server.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

// One server for the whole suite (named HttpE2E... so --gtest_filter='HttpE2E*' selects it): none of these
// requests changes anything but a counter.
class HttpE2EBadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = new OpsbotEnv();
    env_->WriteConfig(ServeConfig(*env_));
    server_ = new OpsbotServer(*env_);
    token_ = ReadFirstLine(env_->File("api-token"));
  }
  static void TearDownTestSuite() {
    if (server_->started()) {
      EXPECT_EQ(server_->Stop(), 0) << server_->process().err();
    }
    delete server_;
    delete env_;
  }
  void SetUp() override { ASSERT_TRUE(server_->started()) << server_->error(); }
  void TearDown() override {
    auto res = server_->Client()->Get("/healthz");
    ASSERT_TRUE(res) << "the server is gone: " << server_->process().ReadStderrUntil("\x01", 100);
    EXPECT_EQ(res->status, 200);
  }

  static httplib::Result Post(const std::string& body, const std::string& token = token_) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return server_->Client()->Post("/api/v1/messages", headers, body, "application/json");
  }
  static httplib::Result Get(const std::string& path, const std::string& token = token_) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return server_->Client()->Get(path, headers);
  }
  // The JSON error body of `res`, which must have `status`.
  static nlohmann::json Error(const httplib::Result& res, int status) {
    EXPECT_TRUE(res) << httplib::to_string(res.error());
    if (!res) return nlohmann::json();
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("application/json"));
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error") && j["error"].is_string()) << res->body;
    return j.is_object() ? j : nlohmann::json::object();
  }

  static OpsbotEnv* env_;
  static OpsbotServer* server_;
  static std::string token_;
};
OpsbotEnv* HttpE2EBadInput::env_ = nullptr;
OpsbotServer* HttpE2EBadInput::server_ = nullptr;
std::string HttpE2EBadInput::token_;

TEST_F(HttpE2EBadInput, OversizedBodyIsRefusedFromContentLengthBeforeItIsRead) {
  int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                              token_ +
                              "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n"));
  auto start = Clock::now();
  RawResponse r = ReadRawResponse(fd, 3000, /*until_eof=*/true);
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  close(fd);
  EXPECT_EQ(r.status, 413) << r.head;
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.closed) << "the connection should be closed after a 413, not left reading the body";
  EXPECT_LT(took, 1.0) << "the 413 waited for a body that never came";
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  EXPECT_EQ(j.value("error", ""), "payload_too_large") << r.body;
  EXPECT_THAT(j.value("message", ""), HasSubstr("16384"));

  // A real body just over the route's 16 KiB (under the server-wide 64 KiB) is refused too.
  std::string text(17 * 1024, 'x');
  auto big = Error(Post(R"({"user":"alice","text":")" + text + "\"}"), 413);
  EXPECT_EQ(big.value("error", ""), "payload_too_large");
  // Without a token as well: the size is checked first, before anything else.
  Error(Post(R"({"user":"alice","text":")" + text + "\"}", ""), 413);
}

// A body the server refused unread is never taken for the next request on the connection (no smuggling).
TEST_F(HttpE2EBadInput, RefusedUnreadBodyIsNotParsedAsTheNextRequest) {
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string oversized = smuggled + std::string(17 * 1024, ' ');
  struct Case {
    std::string head;
    std::string body;
    int status;
  };
  const std::vector<Case> cases = {
      {"POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(oversized.size()),
       oversized, 413},
      {"POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(smuggled.size()), smuggled, 404},
      {"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(smuggled.size()), smuggled,
       405},
      {"POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 1x", smuggled, 400},
  };
  for (const auto& c : cases) {
    int fd = ConnectLoopback(server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, c.head + "\r\n\r\n" + c.body));
    RawResponse r = ReadRawResponse(fd, 2000, /*until_eof=*/true);
    close(fd);
    EXPECT_EQ(r.status, c.status) << c.head;
    // The connection ends after the one response (a reset is possible when unread body bytes were left).
    EXPECT_TRUE(r.closed || r.reset) << c.head;
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr("HTTP/1.1"))) << c.head << ": a second response followed";
    EXPECT_TRUE(nlohmann::json::parse(r.body, nullptr, false).contains("error")) << r.body;
  }
}

// The library reads a chunked body whole whatever its size: refused (411), so the route's limit holds.
TEST_F(HttpE2EBadInput, ChunkedBodyIsRefused) {
  int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ +
                              "\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string chunk(64 * 1024, ' ');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  SendAll(fd, size_line + chunk + "\r\n");  // may fail once the server has answered and closed
  RawResponse r = ReadRawResponse(fd, 2000, /*until_eof=*/true);
  close(fd);
  EXPECT_EQ(r.status, 411) << r.head;
  EXPECT_EQ(nlohmann::json::parse(r.body, nullptr, false).value("error", ""), "length_required") << r.body;
  EXPECT_TRUE(r.closed || r.reset);
}

TEST_F(HttpE2EBadInput, InvalidContentLengthIsRefused) {
  RawResponse r = RawExchange(server_->port(),
                              "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n");
  EXPECT_EQ(r.status, 400) << r.head;
  EXPECT_TRUE(nlohmann::json::parse(r.body, nullptr, false).contains("error")) << r.body;
}

TEST_F(HttpE2EBadInput, MalformedJsonNamesTheParseError) {
  auto j = Error(Post(R"({"user":"alice","text":)"), 400);
  EXPECT_EQ(j.value("error", ""), "bad_request");
  EXPECT_THAT(j.value("message", ""), HasSubstr("malformed JSON"));
  EXPECT_THAT(j.value("message", ""), HasSubstr("parse error"));
  j = Error(Post(""), 400);
  EXPECT_THAT(j.value("message", ""), HasSubstr("malformed JSON"));
  j = Error(Post(R"(["user","alice"])"), 400);
  EXPECT_THAT(j.value("message", ""), HasSubstr("must be a JSON object"));
}

TEST_F(HttpE2EBadInput, DeepNestingIsRefusedWithoutExhaustingTheStack) {
  // As deep as fits in the route's 16 KiB.
  auto j = Error(Post(std::string(16000, '[')), 400);
  EXPECT_THAT(j.value("message", ""), HasSubstr("nested deeper"));
  std::string objects;
  for (int i = 0; i < 3000; ++i)
    objects += R"({"a":)";
  j = Error(Post(objects), 400);
  EXPECT_THAT(j.value("message", ""), HasSubstr("nested deeper"));
  // 100,000 deep is over the route's body limit: refused by size before any parsing.
  Error(Post(std::string(100000, '[')), 413);
  // Brackets inside a string are text, not nesting.
  auto ok = Post(R"({"user":"alice","chat":"ops-room","text":"echo )" + std::string(100, '[') + "\"}");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

// The front door itself, without the HTTP limit in the way: 100,000 and 1,000,000 levels.
TEST_F(HttpE2EBadInput, ParserRefusesHundredThousandLevels) {
  for (std::size_t depth : {100000u, 1000000u}) {
    auto parsed = ParseJsonObject(std::string(depth, '[') + std::string(depth, ']'));
    ASSERT_FALSE(parsed.ok());
    EXPECT_THAT(parsed.status().message(), HasSubstr("nested deeper"));
    MessageRequest m = ParseMessageRequest(std::string(depth, '{'));
    EXPECT_FALSE(m.message);
    EXPECT_EQ(m.status, 400);
    EXPECT_THAT(m.error_body, HasSubstr("nested deeper"));
  }
}

TEST_F(HttpE2EBadInput, MissingAndMistypedFieldsAreNamed) {
  auto j = Error(Post(R"({"chat":"ops-room"})"), 400);
  EXPECT_EQ(j.value("error", ""), "invalid_fields");
  EXPECT_EQ(j["fields"]["user"], "required") << j;
  EXPECT_EQ(j["fields"]["text"], "required") << j;
  EXPECT_THAT(j.value("message", ""), HasSubstr("text"));
  EXPECT_THAT(j.value("message", ""), HasSubstr("user"));

  j = Error(Post(R"({"user":"alice","text":5})"), 400);
  EXPECT_EQ(j["fields"]["text"], "must be a string") << j;
  EXPECT_FALSE(j["fields"].contains("user")) << j;

  j = Error(Post(R"({"user":["alice"],"chat":7,"text":""})"), 400);
  EXPECT_EQ(j["fields"]["user"], "must be a string") << j;
  EXPECT_EQ(j["fields"]["chat"], "must be a string") << j;
  EXPECT_EQ(j["fields"]["text"], "must not be empty") << j;

  j = Error(Post(R"({"user":")" + std::string(200, 'u') + R"(","text":"help"})"), 400);
  EXPECT_THAT(j["fields"].value("user", ""), HasSubstr("longer than")) << j;
}

TEST_F(HttpE2EBadInput, HandlersOwnErrorBodyIsNotOverwritten) {
  // The library's error handler runs for every status >= 400; the handler's JSON must survive it.
  auto res = Post(R"({"user":"alice"})");
  auto j = Error(res, 400);
  EXPECT_EQ(j.value("error", ""), "invalid_fields");
  EXPECT_TRUE(j.contains("fields")) << j;
  EXPECT_THAT(res->body, ::testing::Not(HasSubstr("HTTP status 400")));
}

TEST_F(HttpE2EBadInput, BadOrMissingTokenIs401) {
  for (const auto& headers :
       std::vector<httplib::Headers>{{},
                                     {{"Authorization", "Bearer not-a-real-token-0000000000"}},
                                     {{"Authorization", "Bearer "}},
                                     {{"Authorization", "Basic " + token_}},
                                     {{"Authorization", token_}},
                                     {{"Authorization", "Bearer " + token_ + "x"}},
                                     // cpp-httplib decodes %XX in header values: the NUL and what follows
                                     // are part of the value, which is then not the token.
                                     {{"Authorization", "Bearer " + token_ + "%00junk"}}}) {
    auto res = server_->Client()->Post("/api/v1/messages", headers, R"({"user":"alice","text":"help"})",
                                       "application/json");
    auto j = Error(res, 401);
    EXPECT_EQ(j.value("error", ""), "unauthorized");
    if (res) {
      EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
    }
  }
  // Lower-case scheme is fine (RFC 7235: case-insensitive), and so is the header's name in any case.
  auto ok = server_->Client()->Post("/api/v1/messages", {{"Authorization", "bearer " + token_}},
                                    R"({"user":"alice","text":"help"})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto lower = server_->Client()->Post("/api/v1/messages", {{"aUTHORIZATION", "Bearer " + token_}},
                                       R"({"user":"alice","text":"help"})", "application/json");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->status, 200);
  auto res = Get("/api/v1/tickets", "");
  Error(res, 401);
  if (res) {
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
  }
  Error(Get("/api/v1/tickets/T-1", "wrong-token-000000000000"), 401);
}

TEST_F(HttpE2EBadInput, UnknownRouteIs404) {
  auto j = Error(Get("/nope"), 404);
  EXPECT_EQ(j.value("error", ""), "not_found");
  Error(Get("/api/v1/messages/x"), 404);
  Error(Get("/api/v1/tickets/abc"), 404);
  Error(server_->Client()->Post("/api/v2/messages", R"({})", "application/json"), 404);
}

TEST_F(HttpE2EBadInput, WrongMethodIs405WithAllow) {
  auto res = Get("/api/v1/messages");
  auto j = Error(res, 405);
  EXPECT_EQ(j.value("error", ""), "method_not_allowed");
  if (res) {
    EXPECT_EQ(res->get_header_value("Allow"), "POST");
  }
  res = server_->Client()->Post("/healthz", "{}", "application/json");
  Error(res, 405);
  if (res) {
    EXPECT_EQ(res->get_header_value("Allow"), "GET");
  }
  res = server_->Client()->Delete("/api/v1/tickets/T-1");
  Error(res, 405);
  if (res) {
    EXPECT_EQ(res->get_header_value("Allow"), "GET");
  }
}

TEST_F(HttpE2EBadInput, UnknownTicketIs404Json) {
  auto j = Error(Get("/api/v1/tickets/T-999"), 404);
  EXPECT_EQ(j.value("error", ""), "not_found");
  EXPECT_THAT(j.value("message", ""), HasSubstr("T-999"));
}

TEST_F(HttpE2EBadInput, InvalidQueryParametersAreNamed) {
  auto j = Error(Get("/api/v1/tickets?priority=9"), 400);
  EXPECT_EQ(j.value("error", ""), "invalid_query");
  EXPECT_TRUE(j["fields"].contains("priority")) << j;
  j = Error(Get("/api/v1/tickets?filter=bogus&limit=0&cursor=-3"), 400);
  EXPECT_TRUE(j["fields"].contains("filter")) << j;
  EXPECT_TRUE(j["fields"].contains("limit")) << j;
  EXPECT_TRUE(j["fields"].contains("cursor")) << j;
  j = Error(Get("/api/v1/tickets?limit=99999999999999999999999"), 400);
  EXPECT_TRUE(j["fields"].contains("limit")) << j;
}

TEST_F(HttpE2EBadInput, NonUtf8BytesDoNotCrash) {
  const std::vector<std::string> bodies = {
      "{\"user\":\"alice\",\"chat\":\"ops-room\",\"text\":\"ticket new \xff\xfe\xc3\x28 p3\"}",
      "{\"user\":\"al\xc0\xafice\",\"text\":\"help\"}",
      R"({"user":"alice","chat":"ops-room","text":"ticket new \udc00 lone surrogate"})",
      "{\"user\":\"alice\",\"text\":\"help\",\"\xff\":1}",
  };
  for (const auto& body : bodies) {
    auto res = Post(body);
    ASSERT_TRUE(res) << "no answer for a body with non-UTF-8 bytes";
    EXPECT_TRUE(res->status == 200 || res->status == 400) << res->status << " " << res->body;
    EXPECT_FALSE(nlohmann::json::parse(res->body, nullptr, false).is_discarded()) << res->body;
    auto health = server_->Client()->Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
  }
  auto res = Get("/api/v1/tickets?tag=%FF%FE&assignee=%C0%AF");
  ASSERT_TRUE(res);
  // No such person: 404 (the API's answer for an unknown assignee), JSON with the bytes replaced.
  EXPECT_TRUE(res->status == 200 || res->status == 400 || res->status == 404)
      << res->status << " " << res->body;
  EXPECT_FALSE(nlohmann::json::parse(res->body, nullptr, false).is_discarded()) << res->body;
}

}  // namespace
}  // namespace opsbot::testing
