// A reader-writer mutex that prefers writers.
//
// std::shared_mutex (pthread's default) lets a steady stream of overlapping readers starve a
// writer forever; in the series store the readers are committing appenders and queries, and the
// writer is series creation and garbage collection, which must not wait indefinitely. glibc offers
// writer preference as an rwlock attribute; this wraps it in the SharedMutex shape so that
// std::shared_lock / std::unique_lock work with it.
//
// Because a waiting writer blocks new readers, a thread must never take the shared lock twice.
#pragma once

#include <pthread.h>

namespace tocsin::storage {

class RwMutex {
 public:
  RwMutex() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~RwMutex() { pthread_rwlock_destroy(&lock_); }
  RwMutex(const RwMutex&) = delete;
  RwMutex& operator=(const RwMutex&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

}  // namespace tocsin::storage
