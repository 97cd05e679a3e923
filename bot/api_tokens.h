// ApiTokens: the bearer tokens of the integrations that call the JSON API.
//
// Immutable after construction; thread-safe. Lookup compares SHA-256 digests with CRYPTO_memcmp, so the
// time taken says nothing about how much of a token matched, nor its length. Tokens are never logged.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "bot/config.h"
#include "bot/status.h"

namespace opsbot {

struct Integration {
  std::string name;
  Role max_role = Role::kMember;
};

class ApiTokens {
 public:
  explicit ApiTokens(const std::vector<ApiToken>& tokens);

  // The integration whose token is `token`, if any.
  std::optional<Integration> Find(const std::string& token) const;
  // The integration for an "Authorization: Bearer <token>" header value, if any.
  std::optional<Integration> FromAuthorization(const std::string& header) const;
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::array<unsigned char, 32> digest;
    Integration integration;
  };
  std::vector<Entry> entries_;
};

// The local token in `path`: read if the file exists, else created with 32 random bytes (hex) and mode 0600.
Result<std::string> LoadOrCreateTokenFile(const std::string& path);

// The tokens of `config` plus, when api.token_file is set, the local token (integration "local", admin).
Result<std::vector<ApiToken>> ResolveApiTokens(const Config& config);

}  // namespace opsbot
