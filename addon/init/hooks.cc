// Hooks: the runtime runs createRuntime/prestart (OP_HOOKS_SYNC); the init runs the hooks that
// live in the container's namespaces itself (OP_RUN_HOOK, config.md#posix-platform-hooks).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fail.h"
#include "ops.h"
#include "protocol.h"
#include "sync.h"

namespace tsrun {

void op_hooks_sync(uint64_t point) {
  uint32_t p = static_cast<uint32_t>(point);
  send_or_fail(MSG_HOOKS, &p, 4);
  Message m;
  expect_msg(MSG_HOOKS_DONE, &m);
  if (m.len < 4) fail(EPROTO, "recv", "hooks reply too short");
  int32_t status;
  memcpy(&status, m.payload, 4);
  if (status != 0) fail(status, "hooks", "the runtime reported a hook failure");
  free(g.hook_state);
  g.hook_state_len = static_cast<uint32_t>(m.len - 4);
  memmove(m.payload, m.payload + 4, g.hook_state_len);
  g.hook_state = m.payload;
}

// "a\0b\0c" (a trailing NUL is allowed) -> {"a", "b", "c", NULL}.
static char** split(const Arg& a, const char* fallback) {
  size_t n = 0;
  for (uint32_t i = 0; i < a.len; i++)
    if (a.str[i] == 0 || i + 1 == a.len) n++;
  char** v = static_cast<char**>(calloc(n + 2, sizeof(char*)));
  if (!v) fail(ENOMEM, "malloc", "hook argv");
  size_t k = 0;
  for (uint32_t i = 0; i < a.len;) {
    v[k++] = const_cast<char*>(a.str + i);
    i += strlen(a.str + i) + 1;  // the arena copy ends in a NUL, so this stops there
  }
  if (k == 0 && fallback) v[k++] = const_cast<char*>(fallback);
  v[k] = nullptr;
  return v;
}

void op_run_hook(const char* kind, const char* path, const Arg& argv_arg, const Arg& env_arg, uint64_t timeout) {
  // The kept state is "<creating JSON>\0<created JSON>": a startContainer hook runs after the
  // start handshake and sees the container as created (runc passes specs.StateCreated there).
  const char* state = reinterpret_cast<const char*>(g.hook_state);
  size_t state_len = g.hook_state_len;
  const char* nul = state ? static_cast<const char*>(memchr(state, 0, state_len)) : nullptr;
  if (nul && !strcmp(kind, "startContainer")) {
    state_len -= static_cast<size_t>(nul + 1 - state);
    state = nul + 1;
  } else if (nul) {
    state_len = static_cast<size_t>(nul - state);
  }
  char** argv = split(argv_arg, path);
  char** envp = split(env_arg, nullptr);
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) fail_errno("pipe2", path);
  pid_t pid = fork();
  if (pid < 0) fail_errno("fork", path);
  if (pid == 0) {
    // The hook's stdin is the container state (runtime.md#state); nothing else of ours leaks.
    if (dup2(pipefd[0], 0) < 0) _exit(127);
    // runc's init runs createContainer hooks from the rootfs directory (before pivot_root); a
    // startContainer hook starts in the process's cwd, which OP_CWD has already entered.
    if (!strcmp(kind, "createContainer") && g.root_fd >= 0 && fchdir(g.root_fd) < 0) _exit(127);
    syscall(SYS_close_range, 3, ~0U, 0);
    execve(path, argv, envp);
    dprintf(2, "tsrun-init: %s hook %s: execve: %s (errno %d)\n", kind, path, strerror(errno), errno);
    _exit(127);
  }
  close(pipefd[0]);
  // Non-blocking and SIGPIPE ignored: a hook that never reads its stdin must not hang or kill us;
  // the state is far smaller than a pipe buffer. SIG_DFL is restored so the container inherits no SIG_IGN.
  fcntl(pipefd[1], F_SETFL, O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
  if (state_len && write(pipefd[1], state, state_len) < 0 && errno != EPIPE) {
    /* a short or failed write is the hook's problem: it sees a truncated state */
  }
  signal(SIGPIPE, SIG_DFL);
  close(pipefd[1]);

  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) fail_errno("pidfd_open", path);
  pollfd pfd = {pidfd, POLLIN, 0};
  int r;
  do r = poll(&pfd, 1, timeout ? static_cast<int>(timeout > 2000000 ? 2000000000 : timeout * 1000) : -1);
  while (r < 0 && errno == EINTR);
  bool timed_out = r == 0;
  if (timed_out) kill(pid, SIGKILL);
  close(pidfd);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) fail_errno("waitpid", path);
  free(argv);
  free(envp);
  char detail[64];
  if (timed_out) fail(ETIMEDOUT, "waitpid", "timeout");
  if (WIFSIGNALED(status)) {
    snprintf(detail, sizeof detail, "killed by signal %d", WTERMSIG(status));
    fail(ECANCELED, "waitpid", detail);
  }
  if (WEXITSTATUS(status) != 0) {
    snprintf(detail, sizeof detail, "exit status %d", WEXITSTATUS(status));
    fail(ECANCELED, "waitpid", detail);
  }
}

}  // namespace tsrun
