#include "fail.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "protocol.h"
#include "sync.h"

namespace tsrun {

static int g_sync_fd = -1;
static char g_step[256] = "start";

void set_sync_fd(int fd) { g_sync_fd = fd; }
int sync_fd() { return g_sync_fd; }

void set_step(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g_step, sizeof g_step, fmt, ap);
  va_end(ap);
}

const char* step() { return g_step; }

static size_t put_string(char* out, const char* s) {
  uint32_t len = s ? strlen(s) : 0;
  if (len > 4096) len = 4096;
  memcpy(out, &len, 4);
  if (len) memcpy(out + 4, s, len);
  return 4 + len;
}

void fail(int err, const char* syscall, const char* detail) {
  if (g_sync_fd >= 0) {
    static char buf[4 + 3 * (4 + 4096)];
    int32_t e = err;
    memcpy(buf, &e, 4);
    size_t n = 4;
    n += put_string(buf + n, syscall);
    n += put_string(buf + n, g_step);
    n += put_string(buf + n, detail);
    send_msg(MSG_ERROR, buf, n);  // nothing more to do if the runtime is gone
    _exit(1);
  }
  dprintf(2, "tsrun-init: %s: %s: %s (errno %d)\n", g_step, syscall, strerror(err), err);
  _exit(127);
}

}  // namespace tsrun
