// Asking the CPU to start loading a cache line before it is needed.
//
// Why not plain __builtin_prefetch: GCC 12 treats it as free of side effects, so its IPA
// pure-const pass marks a small function that only prefetches (SampleRing::PrefetchForPush,
// PrefetchForRead) as `const` and then deletes every call to it whose result is unused — which
// is every call. The prefetches silently never ran. A volatile asm statement is a side effect
// the optimiser must keep, so these cannot be dropped; elsewhere the builtin is used as is.
#pragma once

namespace tocsin::storage {

// The line holding `p`, into all cache levels, for reading.
inline void PrefetchLineForRead(const void* p) {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 0, 3);
  asm volatile("" : : "r"(p));
#endif
}

// The line holding `p`, for a coming write. x86-64's baseline has no write-intent prefetch
// (PREFETCHW needs -mprfchw), so there it is a read prefetch, which still takes the miss early.
inline void PrefetchLineForWrite(const void* p) {
#if defined(__x86_64__) || defined(__i386__)
  PrefetchLineForRead(p);
#else
  __builtin_prefetch(p, 1, 3);
  asm volatile("" : : "r"(p));
#endif
}

}  // namespace tocsin::storage
