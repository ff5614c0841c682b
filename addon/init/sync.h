// The sync socket (SOCK_SEQPACKET, one message per packet: u32 type + payload); see protocol.h.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tsrun {

struct Message {
  uint32_t type = 0;
  uint8_t* payload = nullptr;  // malloc'd, free() it
  size_t len = 0;
};

// Sends on sync_fd(); false with errno set on failure (MSG_NOSIGNAL: a dead runtime is EPIPE, not SIGPIPE).
bool send_msg(uint32_t type, const void* payload, size_t len);
// One sendmsg(2) of `data` on `sock` carrying `fd` (SCM_RIGHTS), or fails the current step naming `what`.
void send_with_fd_or_fail(int sock, const void* data, size_t len, int fd, const char* what);
// A sync message without payload carrying `fd`, or fails the current step.
void send_fd_or_fail(uint32_t type, int fd);
// Receives one message; fails the current step on error, EOF or a type other than `type`.
void expect_msg(uint32_t type, Message* m);
// Sends a message or fails the current step.
void send_or_fail(uint32_t type, const void* payload, size_t len);

}  // namespace tsrun
