#include "bot/parsed_payloads.h"

#include <gtest/gtest.h>

#include <string>

namespace opsbot {
namespace {

std::string Payload(const std::string& text) {
  OutboundMessage m;
  m.platform = "dingtalk";
  m.destination = "dingtalk:cid-ops";
  m.channel = "cid-ops";
  m.reply.text = text;
  m.reply.mention = {"bob"};
  return m.ToJson();
}

TEST(ParsedPayloadsTest, ARowReadAgainIsNotParsedAgain) {
  ParsedPayloads cache(16);
  const std::string p = Payload("disk full on db-1");
  for (int i = 0; i < 5; ++i) {
    const auto& m = cache.Get(7, p);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->reply.text, "disk full on db-1");
    EXPECT_EQ(m->reply.mention, std::vector<std::string>{"bob"});
  }
  EXPECT_EQ(cache.parses(), 1u);
}

TEST(ParsedPayloadsTest, AnIdGivenToANewRowGetsTheNewRowsMessage) {
  // SQLite may reuse the id of a pruned row: the cached message must not be served for the new one.
  ParsedPayloads cache(16);
  EXPECT_EQ(cache.Get(1, Payload("old"))->reply.text, "old");
  EXPECT_EQ(cache.Get(1, Payload("new"))->reply.text, "new");
  EXPECT_EQ(cache.Get(1, Payload("new"))->reply.text, "new");
  EXPECT_EQ(cache.parses(), 2u);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ParsedPayloadsTest, AnUnreadablePayloadIsRememberedAsUnreadable) {
  ParsedPayloads cache(16);
  EXPECT_FALSE(cache.Get(3, "{not json").has_value());
  EXPECT_FALSE(cache.Get(3, "{not json").has_value());
  EXPECT_FALSE(cache.Get(4, R"({"text":"no platform"})").has_value());
  EXPECT_EQ(cache.parses(), 2u);
}

TEST(ParsedPayloadsTest, AFullCacheStartsOverAndStillAnswersRight) {
  ParsedPayloads cache(3);
  for (int id = 1; id <= 3; ++id)
    cache.Get(id, Payload("m" + std::to_string(id)));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.Get(2, Payload("m2"))->reply.text, "m2");  // a hit does not clear
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.Get(4, Payload("m4"))->reply.text, "m4");  // a miss when full starts over
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Get(1, Payload("m1"))->reply.text, "m1");
  EXPECT_EQ(cache.parses(), 5u);
}

TEST(ParsedPayloadsTest, WhatTwoRunsInARowDidNotReadIsForgotten) {
  ParsedPayloads cache(16);
  cache.BeginRun();
  cache.Get(1, Payload("one"));
  cache.Get(2, Payload("two"));
  cache.BeginRun();
  cache.Get(1, Payload("one"));  // read again: kept
  EXPECT_EQ(cache.size(), 2u);   // 2 was read by the run before: kept too, for now
  cache.BeginRun();
  EXPECT_EQ(cache.size(), 1u);  // 2 was read by neither of the last two runs
  cache.Get(1, Payload("one"));
  EXPECT_EQ(cache.parses(), 2u);
  cache.BeginRun();
  cache.BeginRun();
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace opsbot
