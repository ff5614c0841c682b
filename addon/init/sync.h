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
// Receives one message; fails the current step on error, EOF or a type other than `type`.
void expect_msg(uint32_t type, Message* m);
// Sends a message or fails the current step.
void send_or_fail(uint32_t type, const void* payload, size_t len);

}  // namespace tsrun
