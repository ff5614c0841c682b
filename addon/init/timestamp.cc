// OP_TIMESTAMP: the init path's timings for --debug (protocol.h, MSG_TIMESTAMP). The runtime
// reads its own CLOCK_MONOTONIC (Node's process.hrtime) before it spawns the init and logs
// each label's offset from it. clock_gettime is async-signal-safe (signal-safety(7)); the
// monotonic clock is the same in every namespace but a time namespace with offsets.
#include <time.h>

#include <cstring>

#include "ops.h"
#include "protocol.h"
#include "sync.h"

namespace tsrun {

void op_timestamp(const char* label, uint32_t len) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint8_t buf[8 + 64];
  uint64_t ns = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
  memcpy(buf, &ns, 8);  // x86-64 and arm64 are little-endian, as the wire format is
  if (len > 64) len = 64;
  memcpy(buf + 8, label, len);
  send_msg(MSG_TIMESTAMP, buf, 8 + len);  // diagnostics only: a failed send does not fail the plan
}

}  // namespace tsrun
