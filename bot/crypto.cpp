#include "bot/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <vector>

namespace opsbot {
namespace {

// The HMAC implementation, fetched once (EVP_MAC objects may be shared between threads).
EVP_MAC* HmacImpl() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// A thread's HMAC-SHA256 contexts, one per key it last used (a few: the signing secrets of the
// platforms). Keyed once: each later use only restarts the context (EVP_MAC_init with no key, which OpenSSL
// 3 documents as reusing the key), which skips fetching SHA-256 by name and hashing the key again. A context
// that fails is dropped, so the next use keys a fresh one. The keys it holds are wiped when dropped and when
// the thread ends.
class KeyedHmacs {
 public:
  ~KeyedHmacs() {
    while (!entries_.empty())
      Drop(entries_.size() - 1);
  }

  // A context ready for EVP_MAC_update, or nullptr if OpenSSL fails.
  EVP_MAC_CTX* Start(std::string_view key) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      Entry& e = entries_[i];
      if (e.key.size() != key.size() || CRYPTO_memcmp(e.key.data(), key.data(), key.size()) != 0) continue;
      if (EVP_MAC_init(e.ctx, nullptr, 0, nullptr) == 1) return e.ctx;
      Drop(i);
      break;
    }
    EVP_MAC* mac = HmacImpl();
    EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    if (ctx == nullptr) return nullptr;
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    // A zero-length key is valid HMAC, but OpenSSL wants a non-null pointer for it.
    static const unsigned char kEmpty = 0;
    const auto* k = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
    if (EVP_MAC_init(ctx, k, key.size(), params) != 1) {
      EVP_MAC_CTX_free(ctx);
      return nullptr;
    }
    if (entries_.size() == kMaxKeys) Drop(0);
    entries_.push_back({std::string(key), ctx});
    return ctx;
  }

  // After a failed update or final: the context is not used again.
  void Forget(EVP_MAC_CTX* ctx) {
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].ctx == ctx) return Drop(i);
  }

 private:
  static constexpr std::size_t kMaxKeys = 8;
  struct Entry {
    std::string key;
    EVP_MAC_CTX* ctx;
  };

  void Drop(std::size_t i) {
    EVP_MAC_CTX_free(entries_[i].ctx);
    OPENSSL_cleanse(entries_[i].key.data(), entries_[i].key.size());
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  std::vector<Entry> entries_;
};

EVP_MD* Sha256Impl() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Each byte's value as a base64 digit, -1 for a byte that is not one ('=' included).
constexpr std::array<std::int8_t, 256> kBase64Values = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (int i = 0; i < 64; ++i)
    values[static_cast<unsigned char>(kBase64[i])] = static_cast<std::int8_t>(i);
  return values;
}();

}  // namespace

std::optional<Sha256Digest> HmacSha256(std::string_view key, std::initializer_list<std::string_view> parts) {
  thread_local KeyedHmacs hmacs;
  EVP_MAC_CTX* ctx = hmacs.Start(key);
  if (ctx == nullptr) return std::nullopt;
  bool ok = true;
  for (std::string_view p : parts)
    ok = ok && EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(p.data()), p.size()) == 1;
  Sha256Digest out{};
  std::size_t len = 0;
  ok = ok && EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == out.size();
  if (!ok) {
    hmacs.Forget(ctx);
    return std::nullopt;
  }
  return out;
}

std::optional<Sha256Digest> Sha256(std::string_view bytes) {
  // A thread's digest context, kept: EVP_Digest allocates and frees one a call (half its cost on a token).
  // Made on first use, and again after an allocation that failed (a thread must not stay unable to hash).
  struct Context {
    EVP_MD_CTX* ctx = nullptr;
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context context;
  if (context.ctx == nullptr) context.ctx = EVP_MD_CTX_new();
  EVP_MD* md = Sha256Impl();
  Sha256Digest out{};
  unsigned int len = 0;
  if (md == nullptr || context.ctx == nullptr || EVP_DigestInit_ex2(context.ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, out.data(), &len) != 1 || len != out.size())
    return std::nullopt;
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string DigestBytes(const Sha256Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::string HexLower(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64[v >> 18 & 63];
    out += kBase64[v >> 12 & 63];
    out += kBase64[v >> 6 & 63];
    out += kBase64[v & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kBase64[v >> 18 & 63];
    out += kBase64[v >> 12 & 63];
    out += rest == 2 ? kBase64[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  std::size_t n = 0;
  const auto value = [](char c) { return kBase64Values[static_cast<unsigned char>(c)]; };
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    // Padding is a final "=" or "==". '=' is no digit, so any other '=' ("x=y=", "x==y") fails below.
    const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    int digits[4] = {0, 0, 0, 0};  // the pad's digits count as zero
    for (int j = 0; j < 4 - pad; ++j)
      if ((digits[j] = value(text[i + static_cast<std::size_t>(j)])) < 0) return std::nullopt;
    const unsigned v = static_cast<unsigned>(digits[0]) << 18 | static_cast<unsigned>(digits[1]) << 12 |
                       static_cast<unsigned>(digits[2]) << 6 | static_cast<unsigned>(digits[3]);
    out[n++] = static_cast<char>(v >> 16 & 0xFF);
    if (pad < 2) out[n++] = static_cast<char>(v >> 8 & 0xFF);
    if (pad < 1) out[n++] = static_cast<char>(v & 0xFF);
  }
  out.resize(n);
  return out;
}

std::optional<std::int64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::uint64_t AbsDiff(std::int64_t a, std::int64_t b) {
  auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
  return a > b ? ua - ub : ub - ua;
}

}  // namespace opsbot
