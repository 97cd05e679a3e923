#include "bot/api_tokens.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "bot/crypto.h"

namespace opsbot {

ApiTokens::ApiTokens(const std::vector<ApiToken>& tokens) {
  for (const auto& t : tokens)
    if (auto d = Sha256(t.token)) {
      entries_.push_back({*d, {t.name, t.max_role}});
    } else {
      spdlog::error("api: cannot hash the token of integration '{}' (OpenSSL failed); it is refused", t.name);
    }
}

std::optional<Integration> ApiTokens::Find(const std::string& token) const {
  auto d = Sha256(token);
  if (!d) return std::nullopt;  // fail closed
  std::optional<Integration> found;
  for (const auto& e : entries_) {  // no early exit: every entry is compared
    if (CRYPTO_memcmp(d->data(), e.digest.data(), d->size()) == 0) found = e.integration;
  }
  return found;
}

std::optional<Integration> ApiTokens::FromAuthorization(const std::string& header) const {
  static const std::string kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || strncasecmp(header.c_str(), kBearer.c_str(), kBearer.size()) != 0)
    return std::nullopt;
  return Find(header.substr(kBearer.size()));
}

Result<std::string> LoadOrCreateTokenFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path);
    std::string token;
    std::getline(in, token);
    if (token.size() < 16)
      return Status::Invalid("token file " + path + " holds no usable token (16+ characters)");
    return token;
  }
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status::Internal("no random bytes for a token");
  static const char* kHex = "0123456789abcdef";
  std::string token;
  for (unsigned char b : raw) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot create token file " + path + ": " + std::strerror(errno));
  std::string line = token + "\n";
  bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = fsync(fd) == 0 && ok;
  close(fd);
  if (!ok) return Status::Unavailable("cannot write token file " + path);
  return token;
}

Result<std::vector<ApiToken>> ResolveApiTokens(const Config& config) {
  std::vector<ApiToken> tokens = config.api.tokens;
  if (!config.api.token_file.empty()) {
    auto local = LoadOrCreateTokenFile(config.api.token_file);
    if (!local.ok()) return local.status();
    tokens.push_back({"local", local.value(), Role::kAdmin});
  }
  return tokens;
}

}  // namespace opsbot
