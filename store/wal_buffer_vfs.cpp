#include "store/wal_buffer_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>

namespace opsbot::store {
namespace {

constexpr int kFrameHeaderBytes = 24;
// Bytes buffered at most per -wal file: the unix VFS's write passes at most 17 bits of a length to pwrite()
// (seekAndWriteFd: nBuf &= 0x1ffff), so one write of 128 KiB or more would come out short. 31 frames of
// 4 KiB pages.
constexpr sqlite3_int64 kCapacity = 0x1ffff;

std::atomic<std::uint64_t> g_buffered{0}, g_flushes{0}, g_direct{0};

sqlite3_vfs* g_base = nullptr;  // the default VFS, which does the work
sqlite3_vfs g_vfs;

// What SQLite allocates for a file (g_vfs.szOsFile bytes): this, then the base VFS's own file. SQLite
// zeroes nothing; Open sets every member.
struct File {
  sqlite3_file base;      // first, as SQLite requires: base.pMethods
  sqlite3_file* real;     // the base VFS's file, right after this struct
  bool wal;               // a -wal file: its writes are buffered
  bool commit_frame;      // the header last buffered is a commit frame's
  char* buf;              // kCapacity bytes, allocated at the first buffered write
  sqlite3_int64 len;      // bytes in buf
  sqlite3_int64 start;    // the file offset of buf[0]
  sqlite3_int64 page_at;  // where the page of the frame whose header was last buffered goes; -1: none
  // The end of the furthest write through this file since the WAL last started over. A frame header below
  // it rewrites one already written (SQLite redoing checksums after a commit): it goes to the file at once.
  sqlite3_int64 end;
  const char* db_name;  // a database or -wal file: its connection's database name (SQLite's own pointer)
  File* wal_of_db;      // a database file: its connection's open -wal file, or null
};

// Each connection's database file by its name pointer, so its -wal file can be found from its locks.
// Allocated once and never freed: a file may close after static destructors ran.
std::mutex& g_files_mu = *new std::mutex;
std::unordered_map<const char*, File*>& g_db_files = *new std::unordered_map<const char*, File*>;

File* Of(sqlite3_file* file) {
  return reinterpret_cast<File*>(file);
}

const sqlite3_io_methods* Real(File* f) {
  return f->real->pMethods;
}

// On failure the bytes stay buffered: SQLite may go on (a statement fails, its transaction does not), and
// every later call on the file tries again first, so it never reads around them or commits without them.
int Flush(File* f) {
  f->page_at = -1;
  if (f->len == 0) return SQLITE_OK;
  if (int rc = Real(f)->xWrite(f->real, f->buf, static_cast<int>(f->len), f->start); rc != SQLITE_OK)
    return rc;
  f->len = 0;
  g_flushes.fetch_add(1, std::memory_order_relaxed);
  return SQLITE_OK;
}

int Write(sqlite3_file* file, const void* data, int n, sqlite3_int64 off) {
  File* f = Of(file);
  if (off == 0) f->end = 0;  // the WAL's own header: the log starts over
  const bool header = f->wal && f->page_at < 0 && n == kFrameHeaderBytes && off >= f->end &&
                      (f->len == 0 || off == f->start + f->len);
  const bool page = f->wal && f->page_at >= 0 && off == f->page_at;
  f->end = std::max(f->end, off + n);
  if (!header && !page) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    if (f->wal) g_direct.fetch_add(1, std::memory_order_relaxed);
    return Real(f)->xWrite(f->real, data, n, off);
  }
  if (f->len + n > kCapacity) {  // full: write what is there; this write starts the buffer again
    const sqlite3_int64 page_at = f->page_at;
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    f->page_at = page_at;
  }
  if (!f->buf) f->buf = static_cast<char*>(sqlite3_malloc64(kCapacity));
  if (!f->buf || n > kCapacity) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    g_direct.fetch_add(1, std::memory_order_relaxed);
    return Real(f)->xWrite(f->real, data, n, off);
  }
  if (f->len == 0) f->start = off;
  std::memcpy(f->buf + f->len, data, static_cast<std::size_t>(n));
  f->len += n;
  g_buffered.fetch_add(1, std::memory_order_relaxed);
  if (header) {
    const auto* h = static_cast<const unsigned char*>(data);
    f->commit_frame = (h[4] | h[5] | h[6] | h[7]) != 0;  // big-endian database size after the commit
    f->page_at = off + n;
    return SQLITE_OK;
  }
  f->page_at = -1;
  if (!f->commit_frame) return SQLITE_OK;
  // A commit that fails here is rolled back whole (sqlite3VdbeHalt: vdbeCommit fails, sqlite3RollbackAll):
  // its frames, the commit frame among them, must never reach the file by a later try.
  if (int rc = Flush(f); rc != SQLITE_OK) {
    f->len = 0;
    return rc;
  }
  return SQLITE_OK;
}

int Close(sqlite3_file* file) {
  File* f = Of(file);
  if (f->db_name) {
    std::lock_guard lock(g_files_mu);
    auto it = g_db_files.find(f->db_name);
    if (it != g_db_files.end() && f->wal && it->second->wal_of_db == f) it->second->wal_of_db = nullptr;
    if (it != g_db_files.end() && !f->wal && it->second == f) g_db_files.erase(it);
  }
  const int flushed = Flush(f);
  const int rc = Real(f)->xClose(f->real);
  sqlite3_free(f->buf);
  f->buf = nullptr;
  return flushed != SQLITE_OK ? flushed : rc;
}

// Writes the buffer, then passes the call on to the base file's `Method`.
template <auto Method, typename... Args>
int FlushThen(sqlite3_file* file, Args... args) {
  File* f = Of(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return (Real(f)->*Method)(f->real, args...);
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  File* f = Of(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  f->end = std::min(f->end, size);
  return Real(f)->xTruncate(f->real, size);
}

int SectorSize(sqlite3_file* file) {
  return Real(Of(file))->xSectorSize(Of(file)->real);
}

int DeviceCharacteristics(sqlite3_file* file) {
  return Real(Of(file))->xDeviceCharacteristics(Of(file)->real);
}

// The shared-memory methods belong to database files, never buffered: passed on when the base has them.
int ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  File* f = Of(file);
  if (Real(f)->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return Real(f)->xShmMap(f->real, region, size, extend, out);
}

// What a connection still buffers when it hands the WAL back to other connections (frames of a transaction
// that rolled back after spilling) reaches the file, or is dropped if it cannot (no commit names them): never
// later, when another connection may have written its own frames at those offsets.
void Release(File* db) {
  File* wal = db->wal_of_db;
  if (!wal) return;
  if (Flush(wal) != SQLITE_OK) wal->len = 0;
  wal->end = 0;  // SQLite only rewrites frames of the write transaction that wrote them (iFirst)
}

// The write lock ends with its slot (0) of the wal-index unlocked; in locking_mode=EXCLUSIVE, where SQLite
// takes no wal-index locks, with the database file's lock given up on the way back to NORMAL.
int Unlock(sqlite3_file* file, int level) {
  File* f = Of(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  Release(f);
  return Real(f)->xUnlock(f->real, level);
}

int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  File* f = Of(file);
  if (Real(f)->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  if (offset == 0 && (flags & SQLITE_SHM_UNLOCK) && (flags & SQLITE_SHM_EXCLUSIVE)) Release(f);
  return Real(f)->xShmLock(f->real, offset, n, flags);
}

void ShmBarrier(sqlite3_file* file) {
  File* f = Of(file);
  if (Real(f)->iVersion >= 2) Real(f)->xShmBarrier(f->real);
}

int ShmUnmap(sqlite3_file* file, int delete_flag) {
  File* f = Of(file);
  if (Real(f)->iVersion < 2) return SQLITE_OK;
  return Real(f)->xShmUnmap(f->real, delete_flag);
}

int Fetch(sqlite3_file* file, sqlite3_int64 off, int n, void** out) {
  File* f = Of(file);
  *out = nullptr;
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  if (Real(f)->iVersion < 3) return SQLITE_OK;  // no memory map: SQLite reads instead
  return Real(f)->xFetch(f->real, off, n, out);
}

int Unfetch(sqlite3_file* file, sqlite3_int64 off, void* p) {
  File* f = Of(file);
  if (Real(f)->iVersion < 3) return SQLITE_OK;
  return Real(f)->xUnfetch(f->real, off, p);
}

const sqlite3_io_methods kMethods = {
    .iVersion = 3,
    .xClose = Close,
    .xRead = FlushThen<&sqlite3_io_methods::xRead, void*, int, sqlite3_int64>,
    .xWrite = Write,
    .xTruncate = Truncate,
    .xSync = FlushThen<&sqlite3_io_methods::xSync, int>,
    .xFileSize = FlushThen<&sqlite3_io_methods::xFileSize, sqlite3_int64*>,
    .xLock = FlushThen<&sqlite3_io_methods::xLock, int>,
    .xUnlock = Unlock,
    .xCheckReservedLock = FlushThen<&sqlite3_io_methods::xCheckReservedLock, int*>,
    .xFileControl = FlushThen<&sqlite3_io_methods::xFileControl, int, void*>,
    .xSectorSize = SectorSize,
    .xDeviceCharacteristics = DeviceCharacteristics,
    .xShmMap = ShmMap,
    .xShmLock = ShmLock,
    .xShmBarrier = ShmBarrier,
    .xShmUnmap = ShmUnmap,
    .xFetch = Fetch,
    .xUnfetch = Unfetch};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = Of(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->commit_frame = false;
  f->buf = nullptr;
  f->len = 0;
  f->start = 0;
  f->page_at = -1;
  f->end = 0;
  f->db_name = nullptr;
  f->wal_of_db = nullptr;
  const int rc = g_base->xOpen(g_base, name, f->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after a failed open: mirror the base's choice.
  f->base.pMethods = f->real->pMethods ? &kMethods : nullptr;
  if (rc == SQLITE_OK && name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL))) {
    std::lock_guard lock(g_files_mu);
    try {  // nothing may unwind through SQLite's C code
      if (flags & SQLITE_OPEN_MAIN_DB) {
        g_db_files[name] = f;
        f->db_name = name;
      } else if (auto it = g_db_files.find(sqlite3_filename_database(name)); it != g_db_files.end()) {
        f->db_name = it->first;
        it->second->wal_of_db = f;
      }
    } catch (const std::bad_alloc&) {
      Real(f)->xClose(f->real);
      f->base.pMethods = nullptr;
      return SQLITE_NOMEM;
    }
  }
  return rc;
}

// The rest of the VFS is the base's, called with the base as its VFS.
int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_base->xDelete(g_base, name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_base->xAccess(g_base, name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_base->xFullPathname(g_base, name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) {
  return g_base->xDlOpen(g_base, name);
}
void DlError(sqlite3_vfs*, int n, char* out) {
  g_base->xDlError(g_base, n, out);
}
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_base->xDlSym(g_base, handle, symbol);
}
void DlClose(sqlite3_vfs*, void* handle) {
  g_base->xDlClose(g_base, handle);
}
int Randomness(sqlite3_vfs*, int n, char* out) {
  return g_base->xRandomness(g_base, n, out);
}
int Sleep(sqlite3_vfs*, int micros) {
  return g_base->xSleep(g_base, micros);
}
int CurrentTime(sqlite3_vfs*, double* out) {
  return g_base->xCurrentTime(g_base, out);
}
int GetLastError(sqlite3_vfs*, int n, char* out) {
  return g_base->xGetLastError ? g_base->xGetLastError(g_base, n, out) : 0;
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_base->xCurrentTimeInt64(g_base, out);
}

}  // namespace

const char* WalBufferVfsName() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_base = sqlite3_vfs_find(nullptr);
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;  // up to xCurrentTimeInt64; no system-call overrides
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_base->szOsFile;
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = "opsbot-walbuf";
    g_vfs.xOpen = Open;
    g_vfs.xDelete = Delete;
    g_vfs.xAccess = Access;
    g_vfs.xFullPathname = FullPathname;
    g_vfs.xDlOpen = DlOpen;
    g_vfs.xDlError = DlError;
    g_vfs.xDlSym = DlSym;
    g_vfs.xDlClose = DlClose;
    g_vfs.xRandomness = Randomness;
    g_vfs.xSleep = Sleep;
    g_vfs.xCurrentTime = CurrentTime;
    g_vfs.xGetLastError = GetLastError;
    g_vfs.xCurrentTimeInt64 = g_base->iVersion >= 2 ? CurrentTimeInt64 : nullptr;
    sqlite3_vfs_register(&g_vfs, /*makeDflt=*/0);
  });
  return g_vfs.zName;
}

WalBufferStats GetWalBufferStats() {
  return {g_buffered.load(), g_flushes.load(), g_direct.load()};
}

}  // namespace opsbot::store
