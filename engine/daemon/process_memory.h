// How `tocsin run` keeps glibc's allocator from holding on to memory the daemon no longer uses.
//
// glibc gives each thread that allocates while another holds the main heap an arena of its own
// (up to 8 per core) and keeps freed pages inside every arena until the top of one is free. The
// daemon's threads are few and mostly asleep, so more arenas only spread the same live data over
// more partly used pages; and the pages a query, a reload or a burst of alerts freed stay
// resident until something trims them. Only the daemon's own process does this: a service that
// embeds tocsin owns its allocator, so the Engine never calls these.
#pragma once

#include <cstddef>

namespace tocsin::daemon {

// Caps the number of malloc arenas at `arenas` (0: leave glibc's default). Call before any
// thread starts. Does nothing when the environment already chooses (MALLOC_ARENA_MAX, or
// GLIBC_TUNABLES naming glibc.malloc.arena_max), or when the C library is not glibc.
void LimitMallocArenas(int arenas);

// Returns the heap's free pages to the kernel (glibc's malloc_trim over every arena; the pages
// stay mapped and cost nothing until used again). Cheap at the daemon's heap sizes.
void ReturnFreeHeapMemory();

}  // namespace tocsin::daemon
