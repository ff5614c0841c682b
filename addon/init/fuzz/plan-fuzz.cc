// libFuzzer target for tsrun-init's plan decoder (plan.cc) and its per-op argument table: any
// bytes either decode into records that respect every op's signature, or are refused with an
// errno and a reason; never a crash, a hang, a leak or an out-of-bounds read (built with ASan
// and UBSan). Run by test/unit/fuzz/init-fuzz.test.ts on a corpus of compiled plans.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "../plan.h"
#include "../protocol.h"

using namespace tsrun;

static void check(bool ok) {
  if (!ok) abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Plan plan;
  char why[160];
  int err = decode_plan(data, size, &plan, why, sizeof why);
  if (err) {
    check(err == EINVAL || err == EPROTO || err == ENOMEM);
    check(memchr(why, 0, sizeof why) != nullptr && why[0] != 0);
    return 0;
  }
  size_t forks = 0;
  for (size_t i = 0; i < plan.count; i++) {
    const Record& r = plan.records[i];
    const char* sig = signature(r.op);
    check(sig != nullptr);
    size_t fixed = strlen(sig);
    bool variadic = fixed && sig[fixed - 1] == '*';
    if (variadic) fixed--;
    check(variadic ? r.argc >= fixed : r.argc == fixed);
    for (uint16_t k = 0; k < r.argc; k++) {
      const Arg& a = r.args[k];
      char kind = k < fixed ? sig[k] : 's';
      if (kind == 'i') continue;
      // What the ops rely on: a NUL-terminated copy, and no NUL inside a string.
      check(a.str != nullptr && a.str[a.len] == 0);
      if (kind == 's') check(strlen(a.str) == a.len);
    }
    if (r.op == OP_EXEC) check(r.args[0].num >= 1 && r.args[0].num <= static_cast<uint64_t>(r.argc - 1));
    if (r.op == OP_FORK) forks++;
  }
  check(forks == 1);
  free(plan.records);
  return 0;
}
