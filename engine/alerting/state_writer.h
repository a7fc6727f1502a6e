// StateWriter: writes the pipeline's alert state and history to SQLite behind its back, on a
// thread of its own, so that storing alerts never waits for the disk.
//
// Callers hand over one WriteBatch per change (one Put of alerts, one sweep): a cycle. The
// writer commits whatever has queued up as one transaction — whole cycles only, so after a crash
// the file holds a prefix of the cycles, never half of one. Within a transaction, repeated
// upserts of one alert collapse into the last one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/sqlite/write_batch.h"

namespace tocsin::sqlite {
class SqliteStore;
}

namespace tocsin::alerting {

class StateWriter {
 public:
  explicit StateWriter(sqlite::SqliteStore& store);
  ~StateWriter();  // commits what is queued, then stops
  StateWriter(const StateWriter&) = delete;
  StateWriter& operator=(const StateWriter&) = delete;

  void Submit(sqlite::WriteBatch batch);
  // Waits until everything submitted so far is committed (or failed); false on timeout.
  bool Flush(std::chrono::milliseconds timeout);

  uint64_t commits() const;
  uint64_t failures() const;

 private:
  void Loop();
  static sqlite::WriteBatch Merge(std::vector<sqlite::WriteBatch>& batches);

  sqlite::SqliteStore& store_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<sqlite::WriteBatch> queue_;
  uint64_t submitted_ = 0;
  uint64_t written_ = 0;  // cycles committed or failed
  uint64_t commits_ = 0;
  uint64_t failures_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tocsin::alerting
