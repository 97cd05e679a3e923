#include "adapters/slack/slack_signature.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>

namespace opsbot {
namespace {

// shared/protocols.md §4, T1 (Slack's official example), verbatim.
constexpr char kVectorSecret[] = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr char kTimestamp[] = "1531420618";
constexpr char kBody[] =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_"
    "name="
    "foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%"
    "2Fhooks."
    "slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015."
    "47445629121.803a0bc887a14d10d2c447fce8b6703c";
constexpr char kExpected[] = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
constexpr EpochSeconds kVectorNow = 1531420618;

SignatureCheck Verify(std::string_view secret, std::string_view ts, std::string_view sig,
                      std::string_view body, EpochSeconds now = kVectorNow) {
  return VerifySlackSignature(secret, ts, sig, body, now);
}

TEST(SlackSignatureTest, OfficialVectorT1) {
  EXPECT_EQ(SlackSignature(kVectorSecret, kTimestamp, kBody), kExpected);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody), SignatureCheck::kOk);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody, kVectorNow + 299), SignatureCheck::kOk);
}

TEST(SlackSignatureTest, TamperedBodyMismatches) {
  std::string body = kBody;
  body.replace(body.find("text="), 5, "text=x");
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, body), SignatureCheck::kMismatch);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, std::string(kBody) + " "),
            SignatureCheck::kMismatch);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, ""), SignatureCheck::kMismatch);
}

TEST(SlackSignatureTest, TamperedTimestampOrSignatureMismatches) {
  EXPECT_EQ(Verify(kVectorSecret, "1531420619", kExpected, kBody), SignatureCheck::kMismatch);
  std::string sig = kExpected;
  sig.back() = sig.back() == '3' ? '4' : '3';
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, sig, kBody), SignatureCheck::kMismatch);
}

TEST(SlackSignatureTest, WrongSecretMismatches) {
  EXPECT_EQ(Verify("8f742231b10e8888abcd99yyyzzz85a6", kTimestamp, kExpected, kBody),
            SignatureCheck::kMismatch);
  EXPECT_EQ(Verify("another-secret", kTimestamp, SlackSignature("another-secret", kTimestamp, kBody), kBody),
            SignatureCheck::kOk);
}

TEST(SlackSignatureTest, EmptySecretNeverVerifies) {
  EXPECT_EQ(Verify("", kTimestamp, SlackSignature("", kTimestamp, kBody), kBody), SignatureCheck::kMismatch);
}

TEST(SlackSignatureTest, StaleInBothDirections) {
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody, kVectorNow + 300), SignatureCheck::kOk);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody, kVectorNow - 300), SignatureCheck::kOk);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody, kVectorNow + 301),
            SignatureCheck::kStale);  // too old
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody, kVectorNow - 301),
            SignatureCheck::kStale);  // from the future
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody, 1'700'000'000), SignatureCheck::kStale);
  EXPECT_EQ(VerifySlackSignature(kVectorSecret, kTimestamp, kExpected, kBody, kVectorNow + 61, 60),
            SignatureCheck::kStale);
  // Stale is decided before the signature: a forged request outside the window is stale, not a mismatch.
  EXPECT_EQ(Verify("wrong", kTimestamp, kExpected, kBody, kVectorNow + 301), SignatureCheck::kStale);
}

TEST(SlackSignatureTest, ExtremeClocksDoNotOverflow) {
  EXPECT_EQ(Verify(kVectorSecret, "999999999999999999", kExpected, kBody, INT64_MIN), SignatureCheck::kStale);
  EXPECT_EQ(Verify(kVectorSecret, "0", kExpected, kBody, INT64_MAX), SignatureCheck::kStale);
}

TEST(SlackSignatureTest, MissingHeaders) {
  EXPECT_EQ(Verify(kVectorSecret, "", kExpected, kBody), SignatureCheck::kMissing);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, "", kBody), SignatureCheck::kMissing);
  EXPECT_EQ(Verify(kVectorSecret, "", "", kBody), SignatureCheck::kMissing);
}

TEST(SlackSignatureTest, MalformedTimestamp) {
  for (const char* ts : {"abc", "-1531420618", "+1531420618", " 1531420618", "1531420618 ", "1531420618.5",
                         "0x5B47A3CA", "99999999999999999999999"})
    EXPECT_EQ(Verify(kVectorSecret, ts, kExpected, kBody), SignatureCheck::kMalformed) << ts;
}

TEST(SlackSignatureTest, MalformedSignature) {
  std::string hex = std::string(kExpected).substr(3);
  for (const std::string& sig :
       {hex, "v1=" + hex, "V0=" + hex, "v0=" + hex.substr(1), "v0=" + hex + "0", "v0=" + hex.substr(1) + "g",
        "v0= " + hex.substr(1), "v0=" + hex + "\n", std::string("v0=")})
    EXPECT_EQ(Verify(kVectorSecret, kTimestamp, sig, kBody), SignatureCheck::kMalformed) << sig;
}

TEST(SlackSignatureTest, HexCaseIsNotSignificant) {
  std::string upper = kExpected;
  for (std::size_t i = 3; i < upper.size(); ++i)
    upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, upper, kBody), SignatureCheck::kOk);
}

TEST(SlackSignatureTest, ReplayInsideTheWindowStillVerifies) {
  // The signature cannot tell a replay from the original: the dedupe key (trigger_id / event_id) does.
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody, kVectorNow + 10), SignatureCheck::kOk);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, kExpected, kBody, kVectorNow + 20), SignatureCheck::kOk);
}

TEST(SlackSignatureTest, BinaryBodiesAreSignedAsBytes) {
  std::string body("a\0b\xff", 4);
  std::string sig = SlackSignature(kVectorSecret, kTimestamp, body);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, sig, body), SignatureCheck::kOk);
  EXPECT_EQ(Verify(kVectorSecret, kTimestamp, sig, std::string("a\0b\xfe", 4)), SignatureCheck::kMismatch);
}

TEST(SlackSignatureTest, Names) {
  EXPECT_STREQ(SignatureCheckName(SignatureCheck::kOk), "ok");
  EXPECT_STREQ(SignatureCheckName(SignatureCheck::kStale), "stale");
  EXPECT_STREQ(SignatureCheckName(SignatureCheck::kMismatch), "mismatch");
}

}  // namespace
}  // namespace opsbot
