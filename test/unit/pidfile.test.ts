// Issue 13 item 4: the pid file's temporary file is created O_CREAT|O_EXCL|O_NOFOLLOW next to the
// target, so a symlink or file a local user planted at its name is neither followed nor
// overwritten (run as root, this is what keeps root from writing where a user points it).
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writePidFile } from '../../src/runtime/pidfile.js';

describe('writePidFile', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'tsrun-pidfile-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes the pid atomically', () => {
    const d = dir();
    writePidFile(join(d, 'c.pid'), 4242);
    expect(readFileSync(join(d, 'c.pid'), 'utf8')).toBe('4242');
  });

  it('refuses a symlink planted at the temporary name, and the file it points to is untouched', () => {
    const d = dir();
    writeFileSync(join(d, 'victim'), 'precious\n');
    symlinkSync(join(d, 'victim'), join(d, `.${process.pid}.pid.tmp`));
    expect(() => writePidFile(join(d, 'c.pid'), 4242)).toThrow(/pid file .*c\.pid: cannot create its temporary file .* \(EEXIST: something is already there; it is neither followed nor overwritten\)/);
    expect(readFileSync(join(d, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('refuses a regular file planted at the temporary name, leaving it as it was', () => {
    const d = dir();
    writeFileSync(join(d, `.${process.pid}.pid.tmp`), 'planted');
    expect(() => writePidFile(join(d, 'c.pid'), 4242)).toThrow(/EEXIST/);
    expect(readFileSync(join(d, `.${process.pid}.pid.tmp`), 'utf8')).toBe('planted');
  });
});
