// probe: what the container's process sees, as one JSON object on stdout (test/helpers/README.md).
// Built static by the test setup (test/helpers/rootfs.ts) into the shared test rootfs as /bin/probe.
//
//   probe                      the report: ids, groups, capability sets, rlimits, no_new_privs,
//                              seccomp, oom_score_adj, umask, personality, uname, cpu affinity,
//                              scheduler, io priority, NUMA memory policy
//   probe syscall NAME|NR [ARG...]
//                              make one raw syscall (integer args, 0x.. accepted) and print
//                              {"ret": N, "errno": E}: for seccomp tests, independent of busybox
//   probe hijack PID PROGRAM [ARG...]
//                              ptrace PID (PTRACE_SEIZE + PTRACE_INTERRUPT) and make it execve
//                              PROGRAM with ARGs in place of whatever it was doing (x86_64): the
//                              attacker of issue 13 item 1, who runs code as a waiting init.
//                              Prints {"ret": 0} or {"ret": -1, "errno": E, "step": "..."}
//
// Plain C style on purpose: no iostream, no exceptions, so the static binary stays small.
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <unistd.h>

// One line of /proc/self/status ("CapEff:\t000001ffffffffff") → its value, or "" when absent.
static const char* status_field(const char* status, const char* key, char* out, size_t size) {
  size_t klen = strlen(key);
  out[0] = 0;
  for (const char* p = status; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : nullptr) {
    if (strncmp(p, key, klen) || p[klen] != ':') continue;
    p += klen + 1;
    while (*p == '\t' || *p == ' ') p++;
    size_t n = strcspn(p, "\n");
    if (n >= size) n = size - 1;
    memcpy(out, p, n);
    out[n] = 0;
    break;
  }
  return out;
}

static void read_file(const char* path, char* buf, size_t size) {
  buf[0] = 0;
  FILE* f = fopen(path, "r");
  if (!f) return;
  size_t n = fread(buf, 1, size - 1, f);
  buf[n] = 0;
  fclose(f);
}

static void json_string(const char* s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = *s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void print_limit(rlim_t v) {
  if (v == RLIM_INFINITY) printf("\"unlimited\"");
  else printf("%llu", (unsigned long long)v);
}

static const struct {
  const char* name;
  int resource;
} RLIMITS[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},   {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},     {"RLIMIT_CORE", RLIMIT_CORE},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_LOCKS", RLIMIT_LOCKS},   {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},   {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

// sched_getattr(2): glibc has no wrapper in older versions, so the struct is ours.
struct SchedAttr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

static void report() {
  static char status[16384];
  char v[512];
  read_file("/proc/self/status", status, sizeof status);

  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  getresuid(&ru, &eu, &su);
  getresgid(&rg, &eg, &sg);
  printf("{\"uid\":{\"real\":%u,\"effective\":%u,\"saved\":%u}", ru, eu, su);
  printf(",\"gid\":{\"real\":%u,\"effective\":%u,\"saved\":%u}", rg, eg, sg);
  gid_t groups[256];
  int ng = getgroups(256, groups);
  printf(",\"groups\":[");
  for (int i = 0; i < ng; i++) printf("%s%u", i ? "," : "", groups[i]);
  printf("]");

  static const char* const CAPS[][2] = {{"bounding", "CapBnd"}, {"effective", "CapEff"}, {"permitted", "CapPrm"},
                                         {"inheritable", "CapInh"}, {"ambient", "CapAmb"}};
  printf(",\"caps\":{");
  for (int i = 0; i < 5; i++) {
    printf("%s\"%s\":", i ? "," : "", CAPS[i][0]);
    json_string(status_field(status, CAPS[i][1], v, sizeof v));
  }
  printf("}");

  printf(",\"rlimits\":{");
  for (size_t i = 0; i < sizeof RLIMITS / sizeof RLIMITS[0]; i++) {
    struct rlimit rl;
    if (getrlimit(static_cast<__rlimit_resource>(RLIMITS[i].resource), &rl) < 0) continue;
    printf("%s\"%s\":{\"soft\":", i ? "," : "", RLIMITS[i].name);
    print_limit(rl.rlim_cur);
    printf(",\"hard\":");
    print_limit(rl.rlim_max);
    printf("}");
  }
  printf("}");

  printf(",\"noNewPrivs\":%s", status_field(status, "NoNewPrivs", v, sizeof v)[0] ? v : "null");
  printf(",\"seccomp\":%s", status_field(status, "Seccomp", v, sizeof v)[0] ? v : "null");
  printf(",\"seccompFilters\":%s", status_field(status, "Seccomp_filters", v, sizeof v)[0] ? v : "null");
  printf(",\"umask\":%ld", strtol(status_field(status, "Umask", v, sizeof v), nullptr, 8));
  read_file("/proc/self/oom_score_adj", v, sizeof v);
  printf(",\"oomScoreAdj\":%ld", strtol(v, nullptr, 10));
  printf(",\"personality\":%d", personality(0xffffffff));

  struct utsname u;
  uname(&u);
  printf(",\"hostname\":");
  json_string(u.nodename);
  printf(",\"domainname\":");
  json_string(u.domainname);
  printf(",\"machine\":");
  json_string(u.machine);

  cpu_set_t set;
  printf(",\"cpus\":[");
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    bool first = true;
    for (int c = 0; c < CPU_SETSIZE; c++)
      if (CPU_ISSET(c, &set)) printf("%s%d", first ? "" : ",", c), first = false;
  }
  printf("]");

  SchedAttr a = {};
  if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) == 0)
    printf(",\"sched\":{\"policy\":%u,\"priority\":%u,\"nice\":%d,\"flags\":%llu,\"runtime\":%llu,\"deadline\":%llu,"
           "\"period\":%llu}",
           a.policy, a.priority, a.nice, (unsigned long long)a.flags, (unsigned long long)a.runtime,
           (unsigned long long)a.deadline, (unsigned long long)a.period);
  else
    printf(",\"sched\":null");

  // ioprio_get(IOPRIO_WHO_PROCESS, self): class in bits 13-15, level in 0-12 (ioprio_set(2)).
  long io = syscall(SYS_ioprio_get, 1, 0);
  if (io >= 0) printf(",\"ioprio\":{\"class\":%ld,\"priority\":%ld}", io >> 13, io & 0x1fff);
  else printf(",\"ioprio\":null");

  // get_mempolicy(2) of the thread: mode with its MPOL_F_* mode flags OR'd in, and the node mask.
  int mode = 0;
  unsigned long nodes[16] = {};
  if (syscall(SYS_get_mempolicy, &mode, nodes, sizeof nodes * 8, 0, 0) == 0) {
    printf(",\"mempolicy\":{\"mode\":%d,\"nodes\":[", mode);
    bool first = true;
    for (unsigned n = 0; n < sizeof nodes * 8; n++)
      if (nodes[n / (8 * sizeof(long))] >> (n % (8 * sizeof(long))) & 1) printf("%s%u", first ? "" : ",", n), first = false;
    printf("]}");
  } else {
    printf(",\"mempolicy\":{\"errno\":%d}", errno);
  }
  printf("}\n");
}

static const struct {
  const char* name;
  long nr;
} SYSCALLS[] = {
    {"getpid", SYS_getpid},       {"getppid", SYS_getppid},   {"personality", SYS_personality},
    {"mkdirat", SYS_mkdirat},     {"fchownat", SYS_fchownat}, {"unshare", SYS_unshare},
    {"keyctl", SYS_keyctl},       {"add_key", SYS_add_key},   {"acct", SYS_acct},
    {"sethostname", SYS_sethostname}, {"uname", SYS_uname},   {"getcwd", SYS_getcwd},
    {"umask", SYS_umask},         {"getpgid", SYS_getpgid},   {"setns", SYS_setns},
};

static int do_syscall(int argc, char** argv) {
  if (argc < 1) return fprintf(stderr, "usage: probe syscall NAME|NR [ARG...]\n"), 2;
  long nr = -1;
  for (const auto& s : SYSCALLS)
    if (!strcmp(s.name, argv[0])) nr = s.nr;
  if (nr < 0) {
    char* end;
    nr = strtol(argv[0], &end, 0);
    if (*end || nr < 0) return fprintf(stderr, "probe: unknown syscall %s\n", argv[0]), 2;
  }
  long args[6] = {};
  for (int i = 1; i < argc && i <= 6; i++) args[i - 1] = strtol(argv[i], nullptr, 0);
  errno = 0;
  long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
  printf("{\"ret\":%ld,\"errno\":%d}\n", r, r < 0 ? errno : 0);
  return 0;
}

static int hijack_fail(const char* step) {
  printf("{\"ret\":-1,\"errno\":%d,\"step\":\"%s\"}\n", errno, step);
  return 1;
}

// Stops `pid` in whatever syscall it blocks in and rewinds it onto that syscall instruction
// with execve's number and arguments written below its stack pointer (ptrace(2), syscall(2)).
static int do_hijack(int argc, char** argv) {
#if defined(__x86_64__)
  if (argc < 2) return fprintf(stderr, "usage: probe hijack PID PROGRAM [ARG...]\n"), 2;
  pid_t pid = static_cast<pid_t>(strtol(argv[0], nullptr, 10));
  if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0) return hijack_fail("PTRACE_SEIZE");
  if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) return hijack_fail("PTRACE_INTERRUPT");
  int st;
  if (waitpid(pid, &st, __WALL) < 0) return hijack_fail("waitpid");
  user_regs_struct regs;
  if (ptrace(PTRACE_GETREGS, pid, 0, &regs) < 0) return hijack_fail("PTRACE_GETREGS");
  // The image: strings, then the argv array, 8-byte aligned, well below the red zone.
  char image[4096] = {};
  unsigned long base = ((regs.rsp - 8192) & ~15UL);
  size_t off = 0;
  unsigned long ptrs[32] = {};
  int n = argc - 1 < 31 ? argc - 1 : 31;
  for (int i = 0; i < n; i++) {
    size_t len = strlen(argv[1 + i]) + 1;
    if (off + len > 3000) return errno = E2BIG, hijack_fail("arguments");
    memcpy(image + off, argv[1 + i], len);
    ptrs[i] = base + off;
    off += len;
  }
  off = (off + 7) & ~7UL;
  unsigned long argv_at = base + off;
  memcpy(image + off, ptrs, sizeof(unsigned long) * (n + 1));
  off += sizeof(unsigned long) * (n + 1);
  for (size_t i = 0; i < off; i += 8) {
    unsigned long word;
    memcpy(&word, image + i, 8);
    if (ptrace(PTRACE_POKEDATA, pid, base + i, word) < 0) return hijack_fail("PTRACE_POKEDATA");
  }
  // Stopped in (or right after) a syscall: rip is past the 2-byte `syscall` instruction.
  regs.rip -= 2;
  regs.rax = SYS_execve;
  regs.orig_rax = static_cast<unsigned long>(-1);  // no syscall restart on resume
  regs.rdi = ptrs[0];
  regs.rsi = argv_at;
  regs.rdx = 0;
  if (ptrace(PTRACE_SETREGS, pid, 0, &regs) < 0) return hijack_fail("PTRACE_SETREGS");
  if (ptrace(PTRACE_DETACH, pid, 0, 0) < 0) return hijack_fail("PTRACE_DETACH");
  printf("{\"ret\":0}\n");
  return 0;
#else
  (void)argc, (void)argv;
  return errno = ENOSYS, hijack_fail("architecture");
#endif
}

int main(int argc, char** argv) {
  if (argc >= 2 && !strcmp(argv[1], "syscall")) return do_syscall(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "hijack")) return do_hijack(argc - 2, argv + 2);
  if (argc != 1) return fprintf(stderr, "usage: probe | probe syscall NAME|NR [ARG...]\n"), 2;
  report();
  return 0;
}
