// Failure records: every error is {errno, syscall, step, detail}, never prose.
// While the sync socket is open it goes to the runtime as MSG_ERROR and the init exits 1;
// after OP_CREATED closed it, one line goes to stderr and the init exits 127 (protocol.h).
#pragma once
#include <cerrno>

namespace tsrun {

void set_sync_fd(int fd);  // -1 once the socket is closed
int sync_fd();

// The step currently executed, e.g. "mount /proc"; named in every failure.
void set_step(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
const char* step();

[[noreturn]] void fail(int err, const char* syscall, const char* detail);
[[noreturn]] inline void fail_errno(const char* syscall, const char* detail) { fail(errno, syscall, detail); }

}  // namespace tsrun
