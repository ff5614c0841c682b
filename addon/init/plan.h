// The decoded plan: a flat list of records (op + typed args), see protocol.h for the wire format.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tsrun {

struct Arg {
  uint64_t num = 0;           // integer args
  const char* str = nullptr;  // string/bytes args, NUL-terminated copy
  uint32_t len = 0;           // string/bytes length (without the NUL)
};

struct Record {
  uint16_t op;
  uint16_t argc;
  const Arg* args;
};

struct Plan {
  Record* records = nullptr;
  size_t count = 0;
};

// Validates magic, version, every length and each op's argument types, and copies the plan
// into one allocation. Returns 0, or an errno (EINVAL/EPROTO) with `why` filled.
// The argument kinds of op ("i" integer, "s" string, "b" bytes, a final "*" any number of
// strings), or null for an op the init does not know.
const char* signature(uint16_t op);

int decode_plan(const uint8_t* buf, size_t len, Plan* out, char* why, size_t whylen);

}  // namespace tsrun
