// WeCom (企业微信) callback crypto: the msg_signature check and the AES-256-CBC envelope that both the
// self-built app (XML) and the smart bot (JSON) use (shared/protocols.md §3.1–§3.2, §5.4–§5.6, §5.15;
// test vectors T2a, T2b, T3).
//
//   msg_signature = hex(SHA1(concat(sort_bytewise([token, timestamp, nonce, encrypt])))), lowercase.
//   AESKey = Base64_Decode(EncodingAESKey + "=")[0..32), IV = AESKey[0..16); the 43-character key is
//   non-canonical base64 (its last character carries junk bits), so it is decoded leniently.
//   plaintext = random(16) ‖ msg_len (uint32, big-endian) ‖ msg ‖ receive_id, PKCS#7-padded to a multiple
//   of 32 bytes (pad 1..32), then AES-256-CBC without OpenSSL's own padding, then base64.
//   receive_id: the corp id for a self-built app, "" for an internal smart bot.
//
// Pure values and functions over OpenSSL 3; thread-safe. Nothing here logs; error messages never carry a key,
// a token or plaintext.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "bot/signature_check.h"
#include "bot/status.h"

namespace opsbot {

struct WeComKey {
  std::array<unsigned char, 32> aes{};  // AES-256 key; the IV is its first 16 bytes
};

// The EncodingAESKey as the admin console shows it: exactly 43 characters of [A-Za-z0-9]; nullopt otherwise.
std::optional<WeComKey> ParseEncodingAesKey(std::string_view encoding_aes_key);

// The lowercase hex SHA-1 above (40 characters).
std::string WeComSignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                           std::string_view encrypt);

// kMissing when msg_signature, timestamp or nonce is empty (or encrypt is); kMalformed when msg_signature is
// not 40 hex digits or the timestamp is not decimal; kMismatch when it does not match (constant-time) or the
// token is empty. WeCom documents no replay window, so there is no kStale: callers dedupe by MsgId.
SignatureCheck VerifyWeComSignature(std::string_view token, std::string_view timestamp,
                                    std::string_view nonce, std::string_view encrypt,
                                    std::string_view msg_signature);

// Decrypts `encrypt` (base64) and returns msg. kInvalidArgument, with a short reason ("not base64",
// "not a whole number of blocks", "bad padding", "length out of range", "wrong receive id", ...), for
// anything that is not a well-formed envelope for `receive_id`; kInternal only if OpenSSL itself fails.
// Never reads outside the buffers.
Result<std::string> WeComDecrypt(const WeComKey& key, std::string_view encrypt, std::string_view receive_id);

// Encrypts msg for `receive_id` with the given 16 random bytes (tests: vector T3), as base64.
// "" when random16 is not exactly 16 bytes, msg is longer than 2^32 - 1 bytes, or OpenSSL fails.
std::string WeComEncrypt(const WeComKey& key, std::string_view msg, std::string_view receive_id,
                         std::string_view random16);
// The same with 16 fresh random bytes (alphanumeric, from RAND_bytes), for passive replies; "" on failure.
std::string WeComEncrypt(const WeComKey& key, std::string_view msg, std::string_view receive_id);

}  // namespace opsbot
