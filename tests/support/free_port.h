// An unused TCP port on 127.0.0.1, for servers a test starts in another process (those that take
// a port number rather than reporting the one they bound). The port is free when returned; a
// race with another process taking it first is possible but short-lived ports make it rare.
#pragma once

#include <cstdint>

namespace tocsin::testing {

uint16_t FreeLoopbackPort();

}  // namespace tocsin::testing
