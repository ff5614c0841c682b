// The N-API surface of tsrun: the only file that includes <napi.h>. Each function checks its
// arguments' types, calls one mechanism in spawn.cc / process.cc / seccomp.cc, and turns a
// failure into an Error with errno, code and syscall, as Node's own SystemErrors have.
// src/native/index.ts is the typed facade; nothing else loads this module.
#include <napi.h>

#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "bpf.h"
#include "console.h"
#include "files.h"
#include "netdev.h"
#include "process.h"
#include "seccomp.h"
#include "source.h"
#include "spawn.h"
#include "unixfd.h"

namespace {

Napi::Value throwErrno(Napi::Env env, int err, const std::string& syscall, const std::string& detail = "") {
  const char* code = strerrorname_np(err);
  std::string msg = syscall + (detail.empty() ? "" : " " + detail) + ": " + (code ? code : "E?") + " (" +
                    strerror(err) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, code ? code : "EUNKNOWN"));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.Set("detail", Napi::String::New(env, detail));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value throwType(Napi::Env env, const char* what) {
  Napi::TypeError::New(env, what).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool intArg(const Napi::CallbackInfo& info, size_t i, int* out) {
  if (info.Length() <= i || !info[i].IsNumber()) return false;
  *out = info[i].As<Napi::Number>().Int32Value();
  return true;
}

// startInit(initPath: string, preserveFds: number, stdin: number, stdout: number, stderr: number)
// -> a handle: tsrun-init is being started on a thread while JavaScript goes on; a stdio fd of
// -1 keeps the runtime's own.
Napi::Value StartInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int preserve;
  int stdio[3];
  if (info.Length() < 5 || !info[0].IsString() || !intArg(info, 1, &preserve) || preserve < 0 || !intArg(info, 2, &stdio[0]) ||
      !intArg(info, 3, &stdio[1]) || !intArg(info, 4, &stdio[2]))
    return throwType(env, "startInit(initPath: string, preserveFds: number, stdin: number, stdout: number, stderr: number)");
  int err = 0;
  tsrun::PendingSpawn* p = tsrun::startSpawn(info[0].As<Napi::String>(), preserve, stdio, &err);
  if (!p) return throwErrno(env, err, "pthread_create");
  return Napi::External<tsrun::PendingSpawn>::New(env, p, [](Napi::Env, tsrun::PendingSpawn* q) { tsrun::freeSpawn(q); });
}

// takeInit(handle) -> { pid, syncFd }: waits for the start to end; once per handle.
Napi::Value TakeInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsExternal()) return throwType(env, "takeInit(handle: the value of startInit)");
  tsrun::SpawnResult r;
  if (!tsrun::finishSpawn(info[0].As<Napi::External<tsrun::PendingSpawn>>().Data(), &r))
    return throwType(env, "takeInit: this init was taken before");
  if (r.err) return throwErrno(env, r.err, r.syscall);
  Napi::Object o = Napi::Object::New(env);
  o.Set("pid", r.pid);
  o.Set("syncFd", r.syncFd);
  return o;
}

// waitPid(pid, noHang) -> { pid, exitCode, signal }
Napi::Value WaitPid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int pid;
  if (!intArg(info, 0, &pid) || info.Length() < 2 || !info[1].IsBoolean())
    return throwType(env, "waitPid(pid: number, noHang: boolean)");
  tsrun::WaitStatus ws{};
  int rc = tsrun::waitPid(pid, info[1].As<Napi::Boolean>(), &ws);
  if (rc < 0) return throwErrno(env, -rc, "waitpid", std::to_string(pid));
  Napi::Object o = Napi::Object::New(env);
  o.Set("pid", ws.pid);
  o.Set("exitCode", ws.exitCode);
  o.Set("signal", ws.signal);
  return o;
}

// waitPidAsync(pid) -> Promise<{ pid, exitCode, signal }>, waiting on a worker thread.
class WaitWorker : public Napi::AsyncWorker {
 public:
  WaitWorker(Napi::Env env, int pid) : Napi::AsyncWorker(env), pid_(pid), deferred_(env) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override { rc_ = tsrun::waitPid(pid_, false, &ws_); }
  void OnOK() override {
    Napi::Env env = Env();
    if (rc_ < 0) {
      const char* code = strerrorname_np(-rc_);
      Napi::Error e = Napi::Error::New(env, std::string("waitpid: ") + (code ? code : "E?"));
      e.Set("errno", Napi::Number::New(env, -rc_));
      e.Set("code", Napi::String::New(env, code ? code : "EUNKNOWN"));
      e.Set("syscall", Napi::String::New(env, "waitpid"));
      deferred_.Reject(e.Value());
      return;
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("pid", ws_.pid);
    o.Set("exitCode", ws_.exitCode);
    o.Set("signal", ws_.signal);
    deferred_.Resolve(o);
  }

 private:
  int pid_;
  int rc_ = 0;
  tsrun::WaitStatus ws_{};
  Napi::Promise::Deferred deferred_;
};

Napi::Value WaitPidAsync(const Napi::CallbackInfo& info) {
  int pid;
  if (!intArg(info, 0, &pid)) return throwType(info.Env(), "waitPidAsync(pid: number)");
  auto* w = new WaitWorker(info.Env(), pid);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

Napi::Value PidfdOpen(const Napi::CallbackInfo& info) {
  int pid;
  if (!intArg(info, 0, &pid)) return throwType(info.Env(), "pidfdOpen(pid: number)");
  int fd = tsrun::pidfdOpen(pid);
  if (fd < 0) return throwErrno(info.Env(), -fd, "pidfd_open", std::to_string(pid));
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value PidfdSendSignal(const Napi::CallbackInfo& info) {
  int fd, sig;
  if (!intArg(info, 0, &fd) || !intArg(info, 1, &sig))
    return throwType(info.Env(), "pidfdSendSignal(pidfd: number, signal: number)");
  int rc = tsrun::pidfdSendSignal(fd, sig);
  if (rc < 0) return throwErrno(info.Env(), -rc, "pidfd_send_signal");
  return info.Env().Undefined();
}

Napi::Value Flock(const Napi::CallbackInfo& info) {
  int fd, op;
  if (!intArg(info, 0, &fd) || !intArg(info, 1, &op)) return throwType(info.Env(), "flock(fd: number, op: number)");
  int rc = tsrun::flockFd(fd, op);
  if (rc < 0) return throwErrno(info.Env(), -rc, "flock");
  return info.Env().Undefined();
}

// (path: string, mode: number) -> undefined: a mechanism that makes one file system node,
// 0 or a negative errno.
Napi::Value makeNode(const Napi::CallbackInfo& info, const char* usage, const char* syscall,
                     int (*make)(const char*, mode_t)) {
  int mode;
  if (info.Length() < 2 || !info[0].IsString() || !intArg(info, 1, &mode)) return throwType(info.Env(), usage);
  std::string path = info[0].As<Napi::String>();
  int rc = make(path.c_str(), static_cast<mode_t>(mode));
  if (rc < 0) return throwErrno(info.Env(), -rc, syscall, path);
  return info.Env().Undefined();
}

// (path: string) -> undefined: a mechanism that acts on one path, 0 or a negative errno.
Napi::Value pathOp(const Napi::CallbackInfo& info, const char* usage, const char* syscall, int (*op)(const char*)) {
  if (info.Length() < 1 || !info[0].IsString()) return throwType(info.Env(), usage);
  std::string path = info[0].As<Napi::String>();
  int rc = op(path.c_str());
  if (rc < 0) return throwErrno(info.Env(), -rc, syscall, path);
  return info.Env().Undefined();
}

Napi::Value Mkfifo(const Napi::CallbackInfo& info) {
  return makeNode(info, "mkfifo(path: string, mode: number)", "mkfifo", tsrun::makeFifo);
}

// statFile(path, follow) / statFd(fd) -> [mode, uid, gid, size, dev, ino] (numbers); statFile gives
// null for a path that does not exist (ENOENT, ENOTDIR), as fs.statSync's throwIfNoEntry: false.
Napi::Value statArray(Napi::Env env, const struct stat& st) {
  Napi::Array a = Napi::Array::New(env, 6);
  a.Set(uint32_t{0}, Napi::Number::New(env, st.st_mode));
  a.Set(uint32_t{1}, Napi::Number::New(env, st.st_uid));
  a.Set(uint32_t{2}, Napi::Number::New(env, st.st_gid));
  a.Set(uint32_t{3}, Napi::Number::New(env, static_cast<double>(st.st_size)));
  a.Set(uint32_t{4}, Napi::Number::New(env, static_cast<double>(st.st_dev)));
  a.Set(uint32_t{5}, Napi::Number::New(env, static_cast<double>(st.st_ino)));
  return a;
}

Napi::Value StatFile(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsBoolean())
    return throwType(info.Env(), "statFile(path: string, follow: boolean)");
  std::string path = info[0].As<Napi::String>();
  bool follow = info[1].As<Napi::Boolean>();
  struct stat st;
  int rc = tsrun::statPath(path.c_str(), follow, &st);
  if (rc == -ENOENT || rc == -ENOTDIR) return info.Env().Null();
  if (rc < 0) return throwErrno(info.Env(), -rc, follow ? "stat" : "lstat", path);
  return statArray(info.Env(), st);
}

Napi::Value StatFd(const Napi::CallbackInfo& info) {
  int fd;
  if (!intArg(info, 0, &fd)) return throwType(info.Env(), "statFd(fd: number)");
  struct stat st;
  int rc = tsrun::statFd(fd, &st);
  if (rc < 0) return throwErrno(info.Env(), -rc, "fstat");
  return statArray(info.Env(), st);
}

// readFile(path) -> Buffer: the code caches' loader (scripts/code-cache.mjs), before any of ours runs.
Napi::Value ReadFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return throwType(env, "readFile(path: string)");
  std::string path = info[0].As<Napi::String>();
  Napi::Buffer<uint8_t> buf;
  size_t got = 0;
  const char* syscall = "";
  int rc = tsrun::readWholeFile(
      path.c_str(), [&](size_t size) { return (buf = Napi::Buffer<uint8_t>::New(env, size)).Data(); }, &got, &syscall);
  if (rc < 0) return throwErrno(env, -rc, syscall, path);
  return got == buf.Length() ? buf : Napi::Buffer<uint8_t>::Copy(env, buf.Data(), got);
}

// readSource(path) -> string: a bundle's source for the loader (scripts/code-cache.mjs), kept
// by V8 as an external string (source.cc).
Napi::Value ReadSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return throwType(env, "readSource(path: string)");
  std::string path = info[0].As<Napi::String>();
  napi_value result;
  int err = 0;
  const char* syscall = "";
  napi_status status = tsrun::readSourceString(env, path.c_str(), &result, &err, &syscall);
  if (status == napi_generic_failure && err) return throwErrno(env, err, syscall, path);
  NAPI_THROW_IF_FAILED(env, status, Napi::Value());
  return Napi::Value(env, result);
}

// releaseBuffer(buffer): detaches (napi_detach_arraybuffer) the ArrayBuffer of a Buffer that
// readFile made, which frees its memory now rather than at a garbage collection that a short
// CLI never has: the loader's code caches, once V8 has deserialized them.
Napi::Value ReleaseBuffer(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsBuffer()) return throwType(info.Env(), "releaseBuffer(buffer: Buffer)");
  Napi::ArrayBuffer ab = info[0].As<Napi::Buffer<uint8_t>>().ArrayBuffer();
  if (!ab.IsDetached()) ab.Detach();
  return info.Env().Undefined();
}

// writeFile(path, data, mode); replaceFile(path, tmp, data, mode): data is a string, written as UTF-8.
Napi::Value WriteFile(const Napi::CallbackInfo& info) {
  int mode;
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !intArg(info, 2, &mode))
    return throwType(info.Env(), "writeFile(path: string, data: string, mode: number)");
  std::string path = info[0].As<Napi::String>(), data = info[1].As<Napi::String>();
  const char* syscall = "";
  int rc = tsrun::writeWholeFile(path.c_str(), data.data(), data.size(), static_cast<mode_t>(mode), &syscall);
  if (rc < 0) return throwErrno(info.Env(), -rc, syscall, path);
  return info.Env().Undefined();
}

Napi::Value ReplaceFile(const Napi::CallbackInfo& info) {
  int mode;
  if (info.Length() < 4 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString() || !intArg(info, 3, &mode))
    return throwType(info.Env(), "replaceFile(path: string, tmp: string, data: string, mode: number)");
  std::string path = info[0].As<Napi::String>(), tmp = info[1].As<Napi::String>(), data = info[2].As<Napi::String>();
  const char* syscall = "";
  int rc = tsrun::replaceFile(path.c_str(), tmp.c_str(), data.data(), data.size(), static_cast<mode_t>(mode), &syscall);
  if (rc < 0) return throwErrno(info.Env(), -rc, syscall, path);
  return info.Env().Undefined();
}

Napi::Value MakeDir(const Napi::CallbackInfo& info) {
  return makeNode(info, "makeDir(path: string, mode: number)", "mkdir", tsrun::makeDir);
}

Napi::Value RemoveDir(const Napi::CallbackInfo& info) {
  return pathOp(info, "removeDir(path: string)", "rmdir", tsrun::removeDir);
}

// openFile(path, flags, mode) -> fd; closeFd(fd); writeFd(fd, data) -> bytes left unwritten
// (the fd would block): the few descriptor operations every command makes (the state
// directory's lock, the sync socket, cgroup files, its output), as plain syscalls.
Napi::Value OpenFile(const Napi::CallbackInfo& info) {
  int flags, mode;
  if (info.Length() < 3 || !info[0].IsString() || !intArg(info, 1, &flags) || !intArg(info, 2, &mode))
    return throwType(info.Env(), "openFile(path: string, flags: number, mode: number)");
  std::string path = info[0].As<Napi::String>();
  int fd = tsrun::openPath(path.c_str(), flags, static_cast<mode_t>(mode));
  if (fd < 0) return throwErrno(info.Env(), -fd, "open", path);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  int fd;
  if (!intArg(info, 0, &fd)) return throwType(info.Env(), "closeFd(fd: number)");
  int rc = tsrun::closeFd(fd);
  if (rc < 0) return throwErrno(info.Env(), -rc, "close");
  return info.Env().Undefined();
}

Napi::Value WriteFd(const Napi::CallbackInfo& info) {
  int fd;
  if (!intArg(info, 0, &fd) || info.Length() < 2 || !(info[1].IsString() || info[1].IsTypedArray()))
    return throwType(info.Env(), "writeFd(fd: number, data: string | Uint8Array)");
  long left;
  if (info[1].IsString()) {
    std::string data = info[1].As<Napi::String>();
    left = tsrun::writeFd(fd, data.data(), data.size());
  } else {
    Napi::TypedArray t = info[1].As<Napi::TypedArray>();
    const char* base = static_cast<const char*>(t.ArrayBuffer().Data()) + t.ByteOffset();
    left = tsrun::writeFd(fd, base, t.ByteLength());
  }
  if (left < 0) return throwErrno(info.Env(), static_cast<int>(-left), "write");
  return Napi::Number::New(info.Env(), static_cast<double>(left));
}

Napi::Value DupFd(const Napi::CallbackInfo& info) {
  int fd;
  if (!intArg(info, 0, &fd)) return throwType(info.Env(), "dupFd(fd: number)");
  int copy = tsrun::dupFd(fd);
  if (copy < 0) return throwErrno(info.Env(), -copy, "fcntl(F_DUPFD_CLOEXEC)");
  return Napi::Number::New(info.Env(), copy);
}

// readReady(fd, max) -> the bytes that were ready, or null when none were (or at end of file).
Napi::Value ReadReady(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd, max;
  if (!intArg(info, 0, &fd) || !intArg(info, 1, &max) || max <= 0) return throwType(env, "readReady(fd: number, max: number)");
  std::vector<char> buf(static_cast<size_t>(max));
  long n = tsrun::readReady(fd, buf.data(), buf.size());
  if (n == -EAGAIN || n == 0) return env.Null();
  if (n < 0) return throwErrno(env, static_cast<int>(-n), "read");
  return Napi::Buffer<char>::Copy(env, buf.data(), static_cast<size_t>(n));
}

Napi::Value RemoveFlatDir(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) return throwType(info.Env(), "removeFlatDir(path: string)");
  std::string path = info[0].As<Napi::String>();
  const char* syscall = "";
  int rc = tsrun::removeFlatDir(path.c_str(), &syscall);
  if (rc < 0) return throwErrno(info.Env(), -rc, syscall, path);
  return info.Env().Undefined();
}

// signalNumbers() -> { SIGHUP: 1, ... }: this architecture's numbers, as signal.h has them
// (node:os has the same table, but loading that module costs every kill ~0.6 M instructions).
Napi::Value SignalNumbers(const Napi::CallbackInfo& info) {
#define SIG(name) {#name, name}
  static const struct {
    const char* name;
    int number;
  } table[] = {SIG(SIGHUP),  SIG(SIGINT),    SIG(SIGQUIT), SIG(SIGILL),    SIG(SIGTRAP),   SIG(SIGABRT),
               SIG(SIGIOT),  SIG(SIGBUS),    SIG(SIGFPE),  SIG(SIGKILL),   SIG(SIGUSR1),   SIG(SIGSEGV),
               SIG(SIGUSR2), SIG(SIGPIPE),   SIG(SIGALRM), SIG(SIGTERM),   SIG(SIGSTKFLT), SIG(SIGCHLD),
               SIG(SIGCONT), SIG(SIGSTOP),   SIG(SIGTSTP), SIG(SIGTTIN),   SIG(SIGTTOU),   SIG(SIGURG),
               SIG(SIGXCPU), SIG(SIGXFSZ),   SIG(SIGVTALRM), SIG(SIGPROF), SIG(SIGWINCH),  SIG(SIGIO),
               SIG(SIGPOLL), SIG(SIGPWR),    SIG(SIGSYS)};
#undef SIG
  Napi::Object o = Napi::Object::New(info.Env());
  for (const auto& s : table) o.Set(s.name, Napi::Number::New(info.Env(), s.number));
  return o;
}

Napi::Value UnmountDetach(const Napi::CallbackInfo& info) {
  return pathOp(info, "unmountDetach(path: string)", "umount2", tsrun::unmountDetach);
}

Napi::Value CloexecFrom(const Napi::CallbackInfo& info) {
  int minFd;
  if (info.Length() < 1 || !intArg(info, 0, &minFd) || minFd < 0) return throwType(info.Env(), "cloexecFrom(minFd: number)");
  int rc = tsrun::cloexecFrom(minFd);
  if (rc < 0) return throwErrno(info.Env(), -rc, "close_range");
  return info.Env().Undefined();
}

Napi::Value SetChildSubreaper(const Napi::CallbackInfo& info) {
  int rc = tsrun::setChildSubreaper();
  if (rc < 0) return throwErrno(info.Env(), -rc, "prctl(PR_SET_CHILD_SUBREAPER)");
  return info.Env().Undefined();
}

// _exit(2): the CLI's end once its command is done and nothing is pending (src/cli/run-main.ts).
Napi::Value ExitNow(const Napi::CallbackInfo& info) {
  _exit(info[0].As<Napi::Number>().Int32Value());
}

uint64_t bigintArg(Napi::Value v) {
  if (v.IsBigInt()) {
    bool lossless;
    return v.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  return v.IsNumber() ? static_cast<uint64_t>(v.As<Napi::Number>().Int64Value()) : 0;
}

// compileSeccomp({ defaultAction, architectures: string[], rules: [{ name, action, args: [{index, value, valueTwo, op}] }],
//                  stubArchitectures?: string[], stubNames?: string[] })
//   -> { bpf: Buffer, skipped: string[], lastSyscalls: [{ arch, nr }] }
Napi::Value CompileSeccomp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return throwType(env, "compileSeccomp(profile: object)");
  Napi::Object in = info[0].As<Napi::Object>();
  tsrun::seccomp::Profile p;
  if (in.Get("library").IsString()) p.library = in.Get("library").As<Napi::String>();
  p.defaultAction = in.Get("defaultAction").As<Napi::Number>().Uint32Value();
  Napi::Array arches = in.Get("architectures").As<Napi::Array>();
  for (uint32_t i = 0; i < arches.Length(); i++) p.architectures.push_back(arches.Get(i).As<Napi::String>());
  Napi::Array rules = in.Get("rules").As<Napi::Array>();
  for (uint32_t i = 0; i < rules.Length(); i++) {
    Napi::Object ro = rules.Get(i).As<Napi::Object>();
    tsrun::seccomp::Rule r;
    r.name = ro.Get("name").As<Napi::String>();
    r.action = ro.Get("action").As<Napi::Number>().Uint32Value();
    Napi::Array args = ro.Get("args").As<Napi::Array>();
    for (uint32_t j = 0; j < args.Length(); j++) {
      Napi::Object ao = args.Get(j).As<Napi::Object>();
      r.args.push_back({ao.Get("index").As<Napi::Number>().Uint32Value(), bigintArg(ao.Get("value")),
                        bigintArg(ao.Get("valueTwo")), ao.Get("op").As<Napi::Number>().Uint32Value()});
    }
    p.rules.push_back(std::move(r));
  }
  for (const char* key : {"stubArchitectures", "stubNames"}) {
    Napi::Value v = in.Get(key);
    if (!v.IsArray()) continue;
    Napi::Array a = v.As<Napi::Array>();
    auto& out = std::string(key) == "stubNames" ? p.stubNames : p.stubArchitectures;
    for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).As<Napi::String>());
  }
  tsrun::seccomp::Result res = tsrun::seccomp::compile(p);
  if (res.err) return throwErrno(env, res.err, res.syscall, res.detail);
  Napi::Object o = Napi::Object::New(env);
  o.Set("bpf", Napi::Buffer<uint8_t>::Copy(env, res.bpf.data(), res.bpf.size()));
  Napi::Array skipped = Napi::Array::New(env, res.skipped.size());
  for (uint32_t i = 0; i < res.skipped.size(); i++) skipped.Set(i, res.skipped[i]);
  o.Set("skipped", skipped);
  Napi::Array last = Napi::Array::New(env, res.lastSyscalls.size());
  for (uint32_t i = 0; i < res.lastSyscalls.size(); i++) {
    Napi::Object e = Napi::Object::New(env);
    e.Set("arch", Napi::Number::New(env, res.lastSyscalls[i].arch));
    e.Set("nr", Napi::Number::New(env, res.lastSyscalls[i].nr));
    last.Set(i, e);
  }
  o.Set("lastSyscalls", last);
  return o;
}

Napi::Value SeccompVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), tsrun::seccomp::libraryVersion());
}

// recvMsg(fd, size) -> { data: Buffer, fds: number[] }  (data empty at end of file)
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd, size;
  if (!intArg(info, 0, &fd) || !intArg(info, 1, &size) || size <= 0) return throwType(env, "recvMsg(fd: number, size: number)");
  tsrun::Received r = tsrun::recvWithFds(fd, size);
  if (r.err) return throwErrno(env, r.err, "recvmsg");
  Napi::Object o = Napi::Object::New(env);
  o.Set("data", Napi::Buffer<uint8_t>::Copy(env, r.data.data(), r.data.size()));
  Napi::Array fds = Napi::Array::New(env, r.fds.size());
  for (uint32_t i = 0; i < r.fds.size(); i++) fds.Set(i, r.fds[i]);
  o.Set("fds", fds);
  return o;
}

// sendToUnixSocket(path: string, data: Buffer, fds: number[], untilClosed: boolean) -> undefined
Napi::Value SendToUnixSocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsString() || !info[1].IsBuffer() || !info[2].IsArray() || !info[3].IsBoolean())
    return throwType(env, "sendToUnixSocket(path: string, data: Buffer, fds: number[], untilClosed: boolean)");
  std::string path = info[0].As<Napi::String>();
  Napi::Buffer<uint8_t> buf = info[1].As<Napi::Buffer<uint8_t>>();
  std::vector<uint8_t> data(buf.Data(), buf.Data() + buf.Length());
  Napi::Array arr = info[2].As<Napi::Array>();
  std::vector<int> fds;
  for (uint32_t i = 0; i < arr.Length(); i++) fds.push_back(arr.Get(i).As<Napi::Number>().Int32Value());
  const char* syscall = "";
  int rc = tsrun::sendToUnixSocket(path, data, fds, info[3].As<Napi::Boolean>(), &syscall);
  if (rc < 0) return throwErrno(env, -rc, syscall, path);
  return env.Undefined();
}

// moveNetdev(hostName, netnsPath, newName, checkOnly) -> { name, addresses }: linux.netDevices (netdev.h)
Napi::Value MoveNetdev(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString() || !info[3].IsBoolean())
    return throwType(env, "moveNetdev(hostName: string, netnsPath: string, newName: string, checkOnly: boolean)");
  tsrun::NetdevResult r = tsrun::moveNetdev(info[0].As<Napi::String>(), info[1].As<Napi::String>(), info[2].As<Napi::String>(),
                                            info[3].As<Napi::Boolean>());
  if (r.err) return throwErrno(env, r.err, r.syscall, r.detail);
  Napi::Object out = Napi::Object::New(env);
  out.Set("name", Napi::String::New(env, r.name));
  out.Set("addresses", Napi::Number::New(env, r.addresses));
  return out;
}

// seccompFilterFlags() -> the SECCOMP_FILTER_FLAG_* bits this kernel accepts
Napi::Value SeccompFilterFlags(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), tsrun::seccomp::kernelFilterFlags());
}

// attachDeviceProgram(cgroupDir: string, program: Buffer) -> undefined
Napi::Value AttachDeviceProgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsBuffer())
    return throwType(env, "attachDeviceProgram(cgroupDir: string, program: Buffer)");
  std::string dir = info[0].As<Napi::String>();
  Napi::Buffer<uint8_t> prog = info[1].As<Napi::Buffer<uint8_t>>();
  if (prog.Length() == 0 || prog.Length() % 8 != 0) return throwType(env, "attachDeviceProgram: program must be struct bpf_insn[] (8 bytes each)");
  tsrun::BpfResult r = tsrun::attachDeviceProgram(dir.c_str(), prog.Data(), prog.Length());
  if (r.err) return throwErrno(env, r.err, r.syscall, r.detail);
  return env.Undefined();
}

// consoleListen(path) -> fd; consoleReceive(listenFd) -> pty master fd; setWinsize(fd, rows, cols)
Napi::Value ConsoleListen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return throwType(env, "consoleListen(path: string)");
  std::string path = info[0].As<Napi::String>();
  int fd = tsrun::consoleListen(path.c_str());
  if (fd < 0) return throwErrno(env, -fd, "bind", path);
  return Napi::Number::New(env, fd);
}

Napi::Value ConsoleReceive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!intArg(info, 0, &fd)) return throwType(env, "consoleReceive(listenFd: number)");
  int master = tsrun::consoleReceive(fd);
  if (master < 0) return throwErrno(env, -master, "recvmsg");
  return Napi::Number::New(env, master);
}

Napi::Value SetWinsize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd, rows, cols;
  if (!intArg(info, 0, &fd) || !intArg(info, 1, &rows) || !intArg(info, 2, &cols)) return throwType(env, "setWinsize(fd, rows, cols)");
  int rc = tsrun::setWinsize(fd, rows, cols);
  if (rc < 0) return throwErrno(env, -rc, "ioctl(TIOCSWINSZ)");
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("consoleListen", Napi::Function::New(env, ConsoleListen));
  exports.Set("consoleReceive", Napi::Function::New(env, ConsoleReceive));
  exports.Set("setWinsize", Napi::Function::New(env, SetWinsize));
  exports.Set("startInit", Napi::Function::New(env, StartInit));
  exports.Set("takeInit", Napi::Function::New(env, TakeInit));
  exports.Set("waitPid", Napi::Function::New(env, WaitPid));
  exports.Set("waitPidAsync", Napi::Function::New(env, WaitPidAsync));
  exports.Set("pidfdOpen", Napi::Function::New(env, PidfdOpen));
  exports.Set("pidfdSendSignal", Napi::Function::New(env, PidfdSendSignal));
  exports.Set("flock", Napi::Function::New(env, Flock));
  exports.Set("mkfifo", Napi::Function::New(env, Mkfifo));
  exports.Set("signalNumbers", Napi::Function::New(env, SignalNumbers));
  exports.Set("readFile", Napi::Function::New(env, ReadFile));
  exports.Set("readSource", Napi::Function::New(env, ReadSource));
  exports.Set("releaseBuffer", Napi::Function::New(env, ReleaseBuffer));
  exports.Set("statFile", Napi::Function::New(env, StatFile));
  exports.Set("statFd", Napi::Function::New(env, StatFd));
  exports.Set("writeFile", Napi::Function::New(env, WriteFile));
  exports.Set("replaceFile", Napi::Function::New(env, ReplaceFile));
  exports.Set("makeDir", Napi::Function::New(env, MakeDir));
  exports.Set("removeDir", Napi::Function::New(env, RemoveDir));
  exports.Set("openFile", Napi::Function::New(env, OpenFile));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
  exports.Set("writeFd", Napi::Function::New(env, WriteFd));
  exports.Set("dupFd", Napi::Function::New(env, DupFd));
  exports.Set("readReady", Napi::Function::New(env, ReadReady));
  exports.Set("removeFlatDir", Napi::Function::New(env, RemoveFlatDir));
  exports.Set("unmountDetach", Napi::Function::New(env, UnmountDetach));
  exports.Set("setChildSubreaper", Napi::Function::New(env, SetChildSubreaper));
  exports.Set("exitNow", Napi::Function::New(env, ExitNow));
  exports.Set("cloexecFrom", Napi::Function::New(env, CloexecFrom));
  exports.Set("compileSeccomp", Napi::Function::New(env, CompileSeccomp));
  exports.Set("seccompVersion", Napi::Function::New(env, SeccompVersion));
  exports.Set("attachDeviceProgram", Napi::Function::New(env, AttachDeviceProgram));
  exports.Set("recvMsg", Napi::Function::New(env, RecvMsg));
  exports.Set("sendToUnixSocket", Napi::Function::New(env, SendToUnixSocket));
  exports.Set("seccompFilterFlags", Napi::Function::New(env, SeccompFilterFlags));
  exports.Set("moveNetdev", Napi::Function::New(env, MoveNetdev));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsrun_native, Init)
