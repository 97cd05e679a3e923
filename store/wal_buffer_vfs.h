// WalBufferVfs: an SQLite VFS over the platform's default one that writes each WAL commit with one
// pwrite() instead of two per frame.
//
// SQLite writes every frame of a commit to the -wal file as two writes, its 24-byte header and then the
// page, each a system call: a commit of 27 frames is 54 of them. On the bench machine those took 70–80 µs
// a commit against 26 µs for one write of the same bytes (bench/README.md), on the Writer's thread, which
// every write command waits for. Through this VFS, the writes a connection makes to its -wal file are kept
// in a buffer while they follow one another as header, page, header, page..., and the buffer is written:
//   - from the xWrite of a commit frame's page (its header's "database size after commit" is not 0), so an
//     error fails that commit before SQLite names its frames in the wal-index, and so every frame a reader
//     can be told of is in the file;
//   - before any other call on the file (read, sync, truncate, size, lock, file control, close), so the
//     connection itself never reads around its own buffer (a spilled page read back, checksums redone);
//   - before a write that does not continue the pattern (a frame rewritten in place, the WAL header alone),
//     which then goes straight to the file; and when the buffer is full.
// A crash loses what is buffered: frames of a transaction that had not committed yet, as without it.
// Files other than -wal pass straight through, as does everything when SQLite writes in another pattern.
//
// Threads: SQLite serialises the calls on one file (a connection is used by one thread at a time); each
// -wal file of each connection has its own buffer. Register once per process, before opening connections.
#pragma once

#include <cstdint>

namespace opsbot::store {

// The VFS's name for sqlite3_open_v2 (registered on first use, not as the default).
const char* WalBufferVfsName();

// Process-wide counts since start, for tests and the bench.
struct WalBufferStats {
  std::uint64_t buffered_writes = 0;  // writes to -wal files kept in a buffer
  std::uint64_t flushes = 0;          // writes of a buffer to its file
  std::uint64_t direct_writes = 0;    // writes to -wal files that went straight to the file
};
WalBufferStats GetWalBufferStats();

}  // namespace opsbot::store
