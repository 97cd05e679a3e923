// Crypto helpers the platform adapters share, over OpenSSL 3: HMAC-SHA256, constant-time comparison,
// strict base64, and the decimal timestamps signatures carry. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace opsbot {

using Sha256Digest = std::array<unsigned char, 32>;

// HMAC-SHA256 keyed with `key` over the concatenation of `parts` (fed in pieces: nothing is copied).
// nullopt only if OpenSSL fails. An empty key is valid HMAC; callers that must fail closed check first.
std::optional<Sha256Digest> HmacSha256(std::string_view key, std::initializer_list<std::string_view> parts);

// SHA-256 of `bytes`; nullopt only if OpenSSL fails.
std::optional<Sha256Digest> Sha256(std::string_view bytes);

// Constant-time equality of two equally long byte strings (false when the lengths differ).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

std::string DigestBytes(const Sha256Digest& d);  // the 32 bytes as a string
std::string HexLower(std::string_view bytes);

// Standard base64 with padding (RFC 4648 §4).
std::string Base64Encode(std::string_view bytes);
// Strict: standard alphabet, padding required, no whitespace; nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);

// Decimal digits only (no sign, no spaces, at most 18 of them); nullopt otherwise.
std::optional<std::int64_t> ParseDecimal(std::string_view s);

// |a - b| without overflow for any two int64 values.
std::uint64_t AbsDiff(std::int64_t a, std::int64_t b);

}  // namespace opsbot
