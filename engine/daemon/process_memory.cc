#include "engine/daemon/process_memory.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tocsin::daemon {

void LimitMallocArenas(int arenas) {
#if defined(__GLIBC__)
  if (arenas <= 0 || std::getenv("MALLOC_ARENA_MAX") != nullptr) return;
  if (const char* tunables = std::getenv("GLIBC_TUNABLES");
      tunables != nullptr && std::strstr(tunables, "glibc.malloc.arena_max") != nullptr) {
    return;
  }
  mallopt(M_ARENA_MAX, arenas);
#else
  (void)arenas;
#endif
}

void ReturnFreeHeapMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace tocsin::daemon
