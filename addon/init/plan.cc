#include "plan.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "protocol.h"

namespace tsrun {

// Argument kinds per op: 'i' integer (8 bytes), 's' string (no NUL inside),
// 'b' bytes (may hold NULs), '*' = any number of further strings (OP_EXEC).
const char* signature(uint16_t op) {
  switch (op) {
    case OP_SETNS: return "is";
    case OP_UNSHARE_USER: return "";
    case OP_SETRESID: return "ii";
    case OP_UNSHARE: return "i";
    case OP_WRITE_FILE: return "sb";
    case OP_FORK: return "";
    case OP_DUMPABLE: return "i";
    case OP_MOUNT_PROPAGATION: return "i";
    case OP_ROOTFS: return "s";
    case OP_MOUNT: return "sssiisii";
    case OP_MKNOD: return "siiiii";
    case OP_BIND_DEVICE: return "ss";
    case OP_SYMLINK: return "ss";
    case OP_OPEN_FIFO: return "s";
    case OP_PIVOT_ROOT: return "";
    case OP_CHROOT: return "";
    case OP_CHROOT_SHARED: return "s";
    case OP_MASK_PATH: return "s";
    case OP_READONLY_PATH: return "s";
    case OP_REMOUNT_RO: return "s";
    case OP_SETHOSTNAME: return "s";
    case OP_SETDOMAINNAME: return "s";
    case OP_CONSOLE: return "sii";
    case OP_SYSCTL: return "ss";
    case OP_HOOKS_SYNC: return "i";
    case OP_RUN_HOOK: return "ssbbi";
    case OP_CHECK_EXEC: return "sss";
    case OP_CREATED: return "";
    case OP_RLIMIT: return "iii";
    case OP_NO_NEW_PRIVS: return "";
    case OP_USER: return "iibi";
    case OP_CAPS: return "iiii";
    case OP_UMASK: return "i";
    case OP_CWD: return "s";
    case OP_SECCOMP: return "bi";
    case OP_PRESERVE_FDS: return "i";
    case OP_EXEC: return "i*";
    case OP_CAPS_BOUNDING: return "i";
    case OP_SCHEDULER: return "iiiiiii";
    case OP_IOPRIO: return "i";
    case OP_PERSONALITY: return "i";
    case OP_CPU_AFFINITY: return "b";
    case OP_LOOPBACK_UP: return "";
    case OP_DEFAULT_HOME: return "i";
    case OP_MKDIR: return "s";
    case OP_MEMPOLICY: return "ibi";
    case OP_LOG: return "s";
    case OP_SESSION_KEYRING: return "si";
    case OP_CONSOLE_CONNECT: return "s";
    case OP_MOUNT_SETATTR: return "siii";
    case OP_IDMAP_TREE: return "sssiii";
    case OP_MOUNT_TREE: return "isiiii";
    case OP_BIND_SOURCE: return "s";
    case OP_MOUNT_SOURCE: return "isiiii";
    case OP_TIMESTAMP: return "s";
    default: return nullptr;
  }
}

struct Reader {
  const uint8_t* p;
  size_t left;
  bool take(void* out, size_t n) {
    if (left < n) return false;
    memcpy(out, p, n);
    p += n;
    left -= n;
    return true;
  }
};

// One pass over the records; with `plan` null it only validates and counts.
static int walk(const uint8_t* buf, size_t len, size_t* nrec, size_t* narg, Plan* plan, Arg* args, char* strings,
                char* why, size_t whylen) {
  Reader r{buf, len};
  uint32_t magic, version;
  if (!r.take(&magic, 4) || magic != PLAN_MAGIC) return snprintf(why, whylen, "bad plan magic"), EINVAL;
  if (!r.take(&version, 4) || version != PLAN_VERSION) return snprintf(why, whylen, "unsupported plan version"), EINVAL;
  size_t rec = 0, arg = 0, forks = 0;
  while (r.left) {
    uint16_t op, argc;
    if (!r.take(&op, 2) || !r.take(&argc, 2)) return snprintf(why, whylen, "record %zu: truncated header", rec), EINVAL;
    const char* sig = signature(op);
    if (!sig) return snprintf(why, whylen, "record %zu: unknown op %u", rec, op), EINVAL;
    if (op == OP_FORK) forks++;
    uint64_t exec_argc = 0;
    size_t fixed = strlen(sig);
    bool variadic = fixed && sig[fixed - 1] == '*';
    if (variadic) fixed--;
    if (variadic ? argc < fixed : argc != fixed)
      return snprintf(why, whylen, "record %zu: op %u has %u args, expected %zu", rec, op, argc, fixed), EINVAL;
    for (uint16_t i = 0; i < argc; i++) {
      char kind = i < fixed ? sig[i] : 's';
      uint32_t alen;
      if (!r.take(&alen, 4) || alen > r.left)
        return snprintf(why, whylen, "record %zu: op %u arg %u: bad length", rec, op, i), EINVAL;
      if (kind == 'i' && alen != 8)
        return snprintf(why, whylen, "record %zu: op %u arg %u: integer must be 8 bytes", rec, op, i), EINVAL;
      if (op == OP_EXEC && i == 0) memcpy(&exec_argc, r.p, 8);
      if (kind == 's' && memchr(r.p, 0, alen))
        return snprintf(why, whylen, "record %zu: op %u arg %u: NUL in string", rec, op, i), EINVAL;
      if (plan) {
        Arg* a = &args[arg];
        if (kind == 'i') {
          memcpy(&a->num, r.p, 8);
        } else {
          memcpy(strings, r.p, alen);
          strings[alen] = 0;
          a->str = strings;
          a->len = alen;
          strings += alen + 1;
        }
      }
      r.p += alen;
      r.left -= alen;
      arg++;
    }
    if (op == OP_EXEC && (exec_argc < 1 || exec_argc > static_cast<uint64_t>(argc - 1)))
      return snprintf(why, whylen, "record %zu: exec argc %llu out of range", rec, (unsigned long long)exec_argc), EINVAL;
    if (plan) plan->records[rec] = Record{op, argc, &args[arg - argc]};
    rec++;
  }
  if (forks != 1) return snprintf(why, whylen, "plan has %zu fork ops, expected 1", forks), EINVAL;
  *nrec = rec;
  *narg = arg;
  return 0;
}

int decode_plan(const uint8_t* buf, size_t len, Plan* out, char* why, size_t whylen) {
  size_t nrec = 0, narg = 0;
  int err = walk(buf, len, &nrec, &narg, nullptr, nullptr, nullptr, why, whylen);
  if (err) return err;
  // Every string carries a 4-byte length on the wire, so len bytes hold all strings + NULs.
  size_t size = nrec * sizeof(Record) + narg * sizeof(Arg) + len;
  char* mem = static_cast<char*>(calloc(1, size));
  if (!mem) return snprintf(why, whylen, "plan of %zu bytes", size), ENOMEM;
  out->records = reinterpret_cast<Record*>(mem);
  Arg* args = reinterpret_cast<Arg*>(mem + nrec * sizeof(Record));
  char* strings = reinterpret_cast<char*>(args + narg);
  err = walk(buf, len, &nrec, &narg, out, args, strings, why, whylen);
  if (err) return err;
  out->count = nrec;
  return 0;
}

}  // namespace tsrun
