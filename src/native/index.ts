// The only place that loads the .node addon: a typed facade whose failures are SyscallErrors.
import { SyscallError } from '../errors.js';
import { initPath, nativeModulePath } from './paths.js';
import type { NativeSeccompProfile } from '../seccomp/types.js';

export interface WaitResult {
  /** 0 when noHang and the process has not changed state. */
  pid: number;
  /** -1 when killed by a signal. */
  exitCode: number;
  signal: number;
}

interface NativeModule {
  startInit(initPath: string, preserveFds: number, stdin: number, stdout: number, stderr: number): InitHandle;
  takeInit(handle: InitHandle): { pid: number; syncFd: number };
  waitPid(pid: number, noHang: boolean): WaitResult;
  waitPidAsync(pid: number): Promise<WaitResult>;
  pidfdOpen(pid: number): number;
  pidfdSendSignal(pidfd: number, signal: number): void;
  flock(fd: number, op: number): void;
  mkfifo(path: string, mode: number): void;
  signalNumbers(): Record<string, number>;
  /** The whole file (the code caches' loader, scripts/code-cache.mjs). */
  readFile(path: string): Buffer;
  /** The whole file as a string V8 keeps in place (external; the loader's bundles, which are ASCII). */
  readSource(path: string): string;
  /** Frees a Buffer readFile made (the loader's code caches, once deserialized). */
  releaseBuffer(buffer: Buffer): void;
  statFile(path: string, follow: boolean): NativeStat | null;
  statFd(fd: number): NativeStat;
  writeFile(path: string, data: string, mode: number): void;
  replaceFile(path: string, tmp: string, data: string, mode: number): void;
  makeDir(path: string, mode: number): void;
  removeDir(path: string): void;
  openFile(path: string, flags: number, mode: number): number;
  closeFd(fd: number): void;
  writeFd(fd: number, data: string | Uint8Array): number;
  dupFd(fd: number): number;
  readReady(fd: number, max: number): Buffer | null;
  removeFlatDir(path: string): void;
  unmountDetach(path: string): void;
  setChildSubreaper(): void;
  exitNow(code: number): never;
  cloexecFrom(minFd: number): void;
  compileSeccomp(profile: NativeSeccompProfile): NativeSeccompResult;
  seccompVersion(): string;
  seccompFilterFlags(): number;
  recvMsg(fd: number, size: number): { data: Buffer; fds: number[] };
  sendToUnixSocket(path: string, data: Buffer, fds: number[], untilClosed: boolean): void;
  moveNetdev(hostName: string, netnsPath: string, newName: string, checkOnly: boolean): { name: string; addresses: number };
  attachDeviceProgram(cgroupDir: string, program: Buffer): void;
  consoleListen(path: string): number;
  consoleReceive(listenFd: number): number;
  setWinsize(fd: number, rows: number, cols: number): void;
}

/** [st_mode, st_uid, st_gid, st_size, st_dev, st_ino] */
type NativeStat = [number, number, number, number, number, number];

// scripts/code-cache.mjs's NATIVE_HOOK.
const NATIVE_HOOK = 'tsrun.native';
let loaded: NativeModule | undefined;
function native(): NativeModule {
  if (!loaded) {
    // The CLI's loader has it already (it reads the code caches with it: scripts/code-cache.mjs).
    loaded = (globalThis as Record<symbol, unknown>)[Symbol.for(NATIVE_HOOK)] as NativeModule | undefined;
  }
  if (!loaded) {
    // What require() does for a .node file, without loading node:module (~0.3 ms of every start-up).
    const module = { exports: {} };
    process.dlopen(module, nativeModulePath);
    loaded = module.exports as NativeModule;
  }
  return loaded;
}

interface AddonError {
  errno?: number;
  code?: string;
  syscall?: string;
  detail?: string;
  message: string;
}

/** Re-throw an addon failure as a SyscallError naming what was being done. */
function call<T>(step: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as AddonError;
    if (typeof err.errno === 'number') {
      throw new SyscallError(err.syscall ?? 'unknown', err.errno, err.code ?? 'EUNKNOWN', step, err.detail ?? '');
    }
    throw e;
  }
}

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

/** The init's (and so the container's) fds 0, 1, 2; -1 (or none) keeps this process's own. */
export type StdioFds = readonly [number, number, number];

/** What the addon's startInit returns: only takeInit looks inside. */
declare const initHandle: unique symbol;
type InitHandle = { readonly [initHandle]: true };

/** tsrun-init being started (its sealed copy and exec) on a thread of the addon. */
export interface StartingInit {
  /** Waits for the start to end: the init's pid and the runtime's end of its sync socket. Once. */
  take(): { pid: number; syncFd: number };
}

/**
 * Starts tsrun-init with fds 0..2 (or `stdio`), 3..3+preserveFds-1 and its sync socket; the
 * caller goes on meanwhile and takes it when the plan is ready.
 */
export function startInit(preserveFds: number, stdio: StdioFds = [-1, -1, -1]): StartingInit {
  const handle = call('start tsrun-init', () => native().startInit(initPath, preserveFds, ...stdio));
  return { take: () => call('start tsrun-init', () => native().takeInit(handle)) };
}

export function waitPid(pid: number, noHang = false): WaitResult {
  return call(`wait for ${pid}`, () => native().waitPid(pid, noHang));
}

export async function waitPidAsync(pid: number): Promise<WaitResult> {
  try {
    return await native().waitPidAsync(pid);
  } catch (e) {
    const err = e as AddonError;
    throw new SyscallError('waitpid', err.errno ?? 0, err.code ?? 'EUNKNOWN', `wait for ${pid}`);
  }
}

export function pidfdOpen(pid: number): number {
  return call(`open pidfd of ${pid}`, () => native().pidfdOpen(pid));
}

export function pidfdSendSignal(pidfd: number, signal: number): void {
  call('signal container', () => native().pidfdSendSignal(pidfd, signal));
}

export function flock(fd: number, op: number, what: string): void {
  call(`lock ${what}`, () => native().flock(fd, op));
}

export function mkfifo(path: string, mode: number): void {
  call(`create ${path}`, () => native().mkfifo(path, mode));
}

let signals: Readonly<Record<string, number>> | undefined;
/** Signal numbers by name (SIGHUP, ...), as this architecture's signal.h has them. */
export function signalNumbers(): Readonly<Record<string, number>> {
  return (signals ??= native().signalNumbers());
}

// The state directory's file operations (addon/files.h: Node's fs functions would be compiled
// anew at every start of the CLI). Failures are SyscallErrors whose code is the errno name, as
// a Node fs error's is.

/** What tsrun checks of a file: its type and permission bits, owner, size and identity. */
export interface FileStat {
  mode: number;
  uid: number;
  gid: number;
  size: number;
  dev: number;
  ino: number;
  isDirectory: boolean;
  isFile: boolean;
}

const S_IFMT = 0o170000;
function fileStat([mode, uid, gid, size, dev, ino]: NativeStat): FileStat {
  return { mode, uid, gid, size, dev, ino, isDirectory: (mode & S_IFMT) === 0o040000, isFile: (mode & S_IFMT) === 0o100000 };
}

/** stat(2), or lstat(2) with follow false; undefined when the path does not exist. */
export function statFile(path: string, follow = true): FileStat | undefined {
  const st = call(`stat ${path}`, () => native().statFile(path, follow));
  return st ? fileStat(st) : undefined;
}

export function statFd(fd: number, what: string): FileStat {
  return fileStat(call(`stat ${what}`, () => native().statFd(fd)));
}

/** Create or truncate path (mode for a new file) and write data as UTF-8. */
export function writeFile(path: string, data: string, mode: number): void {
  call(`write ${path}`, () => native().writeFile(path, data, mode));
}

/** Write data to tmp and rename it over path; tmp is removed when that fails. */
export function replaceFile(path: string, tmp: string, data: string, mode: number): void {
  call(`write ${path}`, () => native().replaceFile(path, tmp, data, mode));
}

export function makeDir(path: string, mode: number): void {
  call(`create ${path}`, () => native().makeDir(path, mode));
}

/** rmdir(2). */
export function removeDir(path: string): void {
  call(`remove ${path}`, () => native().removeDir(path));
}

/** open(2) with O_CLOEXEC added (flags are fs.constants' O_*), as fs.openSync opens. */
export function openFile(path: string, flags: number, mode = 0o666): number {
  return call(`open ${path}`, () => native().openFile(path, flags, mode));
}

export function closeFd(fd: number): void {
  call(`close fd ${fd}`, () => native().closeFd(fd));
}

/**
 * write(2) all of data (a string as UTF-8) unless the fd would block: the bytes left unwritten
 * then (0 when all were written).
 */
export function writeFd(fd: number, data: string | Uint8Array, what: string): number {
  return call(`write ${what}`, () => native().writeFd(fd, data));
}

/** fcntl(F_DUPFD_CLOEXEC): another descriptor of the same open file. */
export function dupFd(fd: number, what: string): number {
  return call(`duplicate ${what}`, () => native().dupFd(fd));
}

/**
 * The bytes fd has ready (up to max) without waiting, or undefined when none are. A pty master
 * whose slave is closed and empty fails with EIO (pty(7)).
 */
export function readReady(fd: number, max: number, what: string): Buffer | undefined {
  return call(`read ${what}`, () => native().readReady(fd, max)) ?? undefined;
}

/** fs.existsSync's answer: whether stat(2) of path succeeds. */
export function pathExists(path: string): boolean {
  try {
    return native().statFile(path, true) !== null;
  } catch {
    return false;
  }
}

/** Remove a directory of files (no subdirectories: ENOTEMPTY) and the directory. */
export function removeFlatDir(path: string): void {
  call(`remove ${path}`, () => native().removeFlatDir(path));
}

/** umount2(path, MNT_DETACH): the mount at path and everything below it leave the namespace. */
export function unmountDetach(path: string, what: string): void {
  call(what, () => native().unmountDetach(path));
}

/** FD_CLOEXEC on every fd >= minFd: a child spawned afterwards gets only what it is given. */
export function cloexecFrom(minFd: number): void {
  call('mark fds close-on-exec', () => native().cloexecFrom(minFd));
}

export function setChildSubreaper(): void {
  call('become child subreaper', () => native().setChildSubreaper());
}

/** _exit(2): no teardown of Node's environment, isolate and platform threads (src/cli/run-main.ts). */
export function exitNow(code: number): never {
  return native().exitNow(code);
}

/** libseccomp's BPF, the names it does not know, and the largest named syscall per stub architecture. */
export interface NativeSeccompResult {
  bpf: Buffer;
  skipped: string[];
  lastSyscalls: { arch: number; nr: number }[];
}

export function compileSeccompNative(profile: NativeSeccompProfile): NativeSeccompResult {
  return call('compile seccomp profile', () => native().compileSeccomp(profile));
}

export function seccompVersion(): string {
  return native().seccompVersion();
}

/** Load a BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to a cgroup v2 directory (BPF_F_ALLOW_MULTI), detaching the ones it had. */
export function attachDeviceProgram(cgroupDir: string, program: Buffer): void {
  call(`attach the device program to ${cgroupDir}`, () => native().attachDeviceProgram(cgroupDir, program));
}

/** A listening unix socket at `path` (the runtime's own console socket). */
export function consoleListen(path: string): number {
  return call(`listen on ${path}`, () => native().consoleListen(path));
}

/** Accepts one connection and receives the pty master sent with SCM_RIGHTS. */
export function consoleReceive(listenFd: number): number {
  return call('receive the pty master', () => native().consoleReceive(listenFd));
}

export function setWinsize(fd: number, rows: number, cols: number): void {
  call('set the terminal size', () => native().setWinsize(fd, rows, cols));
}

/** SECCOMP_FILTER_FLAG_* bits the running kernel accepts. */
export function seccompFilterFlags(): number {
  return native().seccompFilterFlags();
}

/** One recvmsg(2) on a socket, with any SCM_RIGHTS descriptors (close-on-exec). */
export function recvMsg(fd: number, size: number): { data: Buffer; fds: number[] } {
  return call('receive from tsrun-init', () => native().recvMsg(fd, size));
}

/** Connect to a unix stream socket, send `data` with `fds` (SCM_RIGHTS), with untilClosed wait until the peer closes its end, and close. */
export function sendToUnixSocket(path: string, data: Buffer, fds: number[], what: string, untilClosed = false): void {
  call(what, () => native().sendToUnixSocket(path, data, fds, untilClosed));
}

/** linux.netDevices: move a host interface into the namespace at netnsPath as newName, keep its permanent global addresses, set it up. */
export function moveNetdev(hostName: string, netnsPath: string, newName: string, checkOnly = false): { name: string; addresses: number } {
  return call(`${checkOnly ? 'check' : 'move'} network device ${hostName}`, () => native().moveNetdev(hostName, netnsPath, newName, checkOnly));
}
