// The addon's file operations for the state directory (addon/files.cc, src/native/index.ts), on
// a real temporary directory: what Node's fs did for the store, and errors with errno and the
// syscall. As whichever user runs the unit tests; the store they serve runs as root and as the
// test user in every integration test that creates a container.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyscallError } from '../../src/errors.js';
import { makeDir, removeFlatDir, replaceFile, signalNumbers, statFd, statFile, writeFile } from '../../src/native/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsrun-native-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const thrown = (fn: () => unknown): SyscallError => {
  try {
    fn();
  } catch (e) {
    return e as SyscallError;
  }
  throw new Error('did not throw');
};

describe('addon file operations', () => {
  it('statFile: type, mode, owner and size as fs.statSync has them; undefined for a missing path; lstat does not follow', () => {
    writeFileSync(join(dir, 'f'), 'abc', { mode: 0o640 });
    symlinkSync('f', join(dir, 'l'));
    const node = statSync(join(dir, 'f'));
    const st = statFile(join(dir, 'f'))!;
    expect(st).toMatchObject({ mode: node.mode, uid: node.uid, gid: node.gid, size: 3, ino: node.ino, dev: node.dev, isFile: true, isDirectory: false });
    expect(statFile(dir)!.isDirectory).toBe(true);
    expect(statFile(join(dir, 'l'))!.isFile).toBe(true);
    expect(statFile(join(dir, 'l'), false)!.isFile).toBe(false);
    expect(statFile(join(dir, 'missing'))).toBeUndefined();
    expect(statFile(join(dir, 'f', 'below-a-file'))).toBeUndefined(); // ENOTDIR, as throwIfNoEntry: false
    const fd = openSync(dir, 'r');
    try {
      expect(statFd(fd, dir).ino).toBe(statSync(dir).ino);
    } finally {
      closeSync(fd);
    }
  });

  it('writeFile creates with the mode and truncates; replaceFile swaps the file whole and leaves no temporary file when the rename fails', () => {
    writeFile(join(dir, 'w'), 'long content', 0o600);
    writeFile(join(dir, 'w'), 'héllo', 0o644);
    expect(readFileSync(join(dir, 'w'), 'utf8')).toBe('héllo');
    expect(statSync(join(dir, 'w')).mode & 0o777).toBe(0o600 & ~process.umask());

    replaceFile(join(dir, 'state.json'), join(dir, 'state.json.tmp'), '{"a":1}', 0o600);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe('{"a":1}');
    expect(existsSync(join(dir, 'state.json.tmp'))).toBe(false);

    mkdirSync(join(dir, 'target-is-a-dir'));
    writeFileSync(join(dir, 'target-is-a-dir', 'x'), '');
    const e = thrown(() => replaceFile(join(dir, 'target-is-a-dir'), join(dir, 't.tmp'), 'x', 0o600));
    expect(e).toBeInstanceOf(SyscallError);
    expect(e).toMatchObject({ syscall: 'rename', code: 'EISDIR' });
    expect(existsSync(join(dir, 't.tmp'))).toBe(false);
  });

  it('makeDir fails with EEXIST as fs.mkdirSync does (create tells a taken id by it)', () => {
    makeDir(join(dir, 'c'), 0o700);
    expect(statSync(join(dir, 'c')).mode & 0o777).toBe(0o700 & ~process.umask());
    expect(thrown(() => makeDir(join(dir, 'c'), 0o700))).toMatchObject({ syscall: 'mkdir', code: 'EEXIST' });
  });

  it('removeFlatDir removes files, sockets and symlinks (not their targets) and the directory; a subdirectory makes it fail ENOTEMPTY', () => {
    const flat = join(dir, 'flat');
    mkdirSync(flat);
    writeFileSync(join(dir, 'kept'), 'x');
    writeFileSync(join(flat, 'state.json'), '{}');
    symlinkSync(join(dir, 'kept'), join(flat, 'link'));
    removeFlatDir(flat);
    expect(existsSync(flat)).toBe(false);
    expect(existsSync(join(dir, 'kept'))).toBe(true);

    mkdirSync(join(flat, 'sub'), { recursive: true });
    writeFileSync(join(flat, 'f'), '');
    expect(thrown(() => removeFlatDir(flat))).toMatchObject({ syscall: 'rmdir', code: 'ENOTEMPTY' });
    expect(existsSync(join(flat, 'sub'))).toBe(true);
    expect(thrown(() => removeFlatDir(join(dir, 'missing')))).toMatchObject({ syscall: 'open', code: 'ENOENT' });
  });

  it("signalNumbers: this architecture's numbers, as node:os has them", () => {
    const os = process.getBuiltinModule('node:os').constants.signals as Record<string, number>;
    const ours = signalNumbers();
    for (const name of ['SIGHUP', 'SIGINT', 'SIGKILL', 'SIGTERM', 'SIGUSR1', 'SIGCHLD', 'SIGSTOP', 'SIGWINCH', 'SIGSYS']) expect(ours[name]).toBe(os[name]);
    for (const [name, n] of Object.entries(ours)) expect(os[name], name).toBe(n);
  });
});
