// Unit tests for adapters/dingtalk/dingtalk_signature.h against test vector T4 (shared/protocols.md §4).
#include "adapters/dingtalk/dingtalk_signature.h"

#include <gtest/gtest.h>

namespace opsbot {
namespace {

constexpr EpochMillis kT4 = 1577262236757;
const char* kT4Sign = "3O/+JkmT6LIkyEifgagk27DzxKJTl4agVk3rjPORAak=";

TEST(DingTalkSignature, MatchesVectorT4InBothForms) {
  EXPECT_EQ(DingTalkSign("SECexample", "1577262236757"), kT4Sign);
  EXPECT_EQ(DingTalkSignForUrl("SECexample", "1577262236757"),
            "3O%2F%2BJkmT6LIkyEifgagk27DzxKJTl4agVk3rjPORAak%3D");
}

TEST(DingTalkSignature, AcceptsT4WithinTheHour) {
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236757", kT4Sign, kT4), SignatureCheck::kOk);
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236757", kT4Sign, kT4 + kDingTalkWindowMs),
            SignatureCheck::kOk);
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236757", kT4Sign, kT4 - kDingTalkWindowMs),
            SignatureCheck::kOk);
}

TEST(DingTalkSignature, RefusesAWrongSecret) {
  EXPECT_EQ(VerifyDingTalkSignature("SECother", "1577262236757", kT4Sign, kT4), SignatureCheck::kMismatch);
  EXPECT_EQ(VerifyDingTalkSignature("", "1577262236757", kT4Sign, kT4), SignatureCheck::kMismatch);
}

TEST(DingTalkSignature, RefusesAStaleOrFutureTimestamp) {
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236757", kT4Sign, kT4 + kDingTalkWindowMs + 1),
            SignatureCheck::kStale);
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236757", kT4Sign, kT4 - kDingTalkWindowMs - 1),
            SignatureCheck::kStale);
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236757", kT4Sign, kT4 + 5000, 1000),
            SignatureCheck::kStale);
}

TEST(DingTalkSignature, RefusesAnotherTimestampUnderTheSameSign) {
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236758", kT4Sign, kT4), SignatureCheck::kMismatch);
}

TEST(DingTalkSignature, RefusesMissingAndMalformedHeaders) {
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "", kT4Sign, kT4), SignatureCheck::kMissing);
  EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236757", "", kT4), SignatureCheck::kMissing);
  for (const char* ts : {"-1577262236757", "1577262236757.0", " 1577262236757", "0x1", "9999999999999999999"})
    EXPECT_EQ(VerifyDingTalkSignature("SECexample", ts, kT4Sign, kT4), SignatureCheck::kMalformed) << ts;
  for (const char* sign :
       {"3O%2F%2BJkmT6LIkyEifgagk27DzxKJTl4agVk3rjPORAak%3D",  // URL-encoded: not the header
        "3O/+JkmT6LIkyEifgagk27DzxKJTl4agVk3rjPORAak",         // no padding
        "3O/+JkmT6LIkyEifgagk27DzxKJTl4agVk3rjPORAak=AAAA",    // 35 bytes
        "not base64 at all!!"})
    EXPECT_EQ(VerifyDingTalkSignature("SECexample", "1577262236757", sign, kT4), SignatureCheck::kMalformed)
        << sign;
}

}  // namespace
}  // namespace opsbot
