#include "store/db_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>

namespace opsbot::store {
namespace {

std::string NowIso8601Utc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string ErrnoText(int err) {
  return std::strerror(err);
}

// Reads the holder's lines from an open lock file; nullopt if it names no pid.
std::optional<HolderInfo> ReadHolder(int fd) {
  std::string text;
  char buf[512];
  off_t offset = 0;
  for (;;) {
    ssize_t n = pread(fd, buf, sizeof buf, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    offset += n;
    if (text.size() > 4096) break;  // not ours; do not read a huge file
  }
  HolderInfo info;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    std::string value = line.substr(eq + 1);
    if (key == "pid") {
      try {
        info.pid = std::stoi(value);
      } catch (const std::exception&) {
        info.pid = 0;
      }
    } else if (key == "what") {
      info.what = value;
    } else if (key == "since") {
      info.since = value;
    }
  }
  if (info.pid <= 0) return std::nullopt;
  return info;
}

bool WriteAll(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Result<DbLock> DbLock::Acquire(const std::string& db_path, const std::string& what) {
  const std::string lock_path = LockPath(db_path);
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Unavailable("cannot open lock file " + lock_path + ": " + ErrnoText(errno));
  }
  int rc;
  do {
    rc = flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    if (err == EWOULDBLOCK) {
      std::optional<HolderInfo> holder = ReadHolder(fd);
      close(fd);
      std::string by = holder ? "opsbot process " + std::to_string(holder->pid) + " (" + holder->what +
                                    ", since " + holder->since + ")"
                              : std::string("another process");
      return Status::Unavailable("database " + db_path + " is in use by " + by + "; stop it first");
    }
    close(fd);
    return Status::Unavailable("cannot lock " + lock_path + ": " + ErrnoText(err));
  }
  DbLock lock(fd, db_path);
  if (Status s = lock.Describe(what); !s.ok()) return s;  // the destructor releases the lock
  return lock;
}

Status DbLock::Describe(const std::string& what) {
  std::string text =
      "pid=" + std::to_string(getpid()) + "\nwhat=" + what + "\nsince=" + NowIso8601Utc() + "\n";
  if (ftruncate(fd_, 0) != 0 || !WriteAll(fd_, text))
    return Status::Unavailable("cannot write lock file " + LockPath(db_path_) + ": " + ErrnoText(errno));
  return Status::Ok();
}

std::optional<HolderInfo> DbLock::Holder(const std::string& db_path) {
  int fd = open(LockPath(db_path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;  // no lock file: nobody ever held it
  int rc;
  do {
    rc = flock(fd, LOCK_SH | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  std::optional<HolderInfo> out;
  if (rc == 0) {
    flock(fd, LOCK_UN);
  } else if (errno == EWOULDBLOCK) {
    out = ReadHolder(fd);
    if (!out) out = HolderInfo{};  // held, but the holder has not said who it is (yet)
  }
  close(fd);
  return out;
}

DbLock::DbLock(DbLock&& other) noexcept : fd_(other.fd_), db_path_(std::move(other.db_path_)) {
  other.fd_ = -1;
}

DbLock& DbLock::operator=(DbLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = other.fd_;
    db_path_ = std::move(other.db_path_);
    other.fd_ = -1;
  }
  return *this;
}

DbLock::~DbLock() {
  Release();
}

void DbLock::Release() {
  if (fd_ >= 0) {
    close(fd_);  // closing the last descriptor of the open file description releases the flock
    fd_ = -1;
  }
}

}  // namespace opsbot::store
