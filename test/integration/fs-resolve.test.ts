// Safe path resolution (issue point 5, ARCHITECTURE "every path inside the rootfs is resolved
// without escaping it"): mount destinations and device paths are resolved with
// openat2(RESOLVE_IN_ROOT), so a symlink in the rootfs that points out of it lands inside;
// mounts and masks below /proc and /sys must land on procfs / sysfs (CVE-2025-31133/52565/52881).
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tmpfsMount } from '../helpers/config.js';
import { mountAt, rootfsCopy, runContainer } from '../helpers/fs.js';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, expectOk } from '../helpers/tsrun.js';

const hostPaths: string[] = [];
afterEach(() => {
  for (const p of hostPaths.splice(0)) rmSync(p, { recursive: true, force: true });
});

/** A name under the host's /tmp that must not exist before or after the test. */
function absentHostTmp(name: string): string {
  const path = join('/tmp', `${name}-${process.pid}-${Math.random().toString(36).slice(2)}`);
  expect(existsSync(path)).toBe(false);
  hostPaths.push(path);
  return path;
}

/** runc 1.1 cannot start a container without /proc: it closes its fds through /proc/self/fd. */
const NEEDS_PROC = otherRuntime ? ' — SKIPPED under the oracle: runc 1.1 needs /proc in the container ("error closing exec fds: open /proc/self/fd"; runc PR #3930 (1.2) uses close_range(2))' : '';

forEachMode((t) => {
  /** A rootfs copy holding /evil -> / and /evil2 -> ../../../.. (both would leave the rootfs if followed on the host). */
  function evilRootfs(): string {
    const rootfs = rootfsCopy();
    symlinkSync('/', join(rootfs, 'evil'));
    symlinkSync('../../../../../..', join(rootfs, 'evil2'));
    return rootfs;
  }

  it('a mount at /evil/tmp/x, where /evil -> /, lands at <rootfs>/tmp/x; the host\'s /tmp/x is untouched', async () => {
    const rootfs = evilRootfs();
    const x = absentHostTmp('tsrun-escape');
    const name = x.slice('/tmp/'.length);
    const config = t.args(['sh', '-c', `cat /proc/self/mountinfo; echo inside > /tmp/${name}/file && cat /tmp/${name}/file`], { root: { path: rootfs, readonly: true } });
    config.mounts = [...config.mounts!, tmpfsMount(`/evil/tmp/${name}`)];
    const r = expectOk(await runContainer(t, config));
    expect(mountAt(r.stdout, `/tmp/${name}`).fstype).toBe('tmpfs');
    expect(r.stdout).toContain('inside\n');
    expect(statSync(join(rootfs, 'tmp', name)).isDirectory()).toBe(true);
    expect(existsSync(x)).toBe(false);
  });

  it('a bind at /evil2/tmp/y, where /evil2 -> ../../../../../.., lands inside too; the host\'s /tmp/y is untouched', async () => {
    const rootfs = evilRootfs();
    const y = absentHostTmp('tsrun-escape2');
    const name = y.slice('/tmp/'.length);
    const { config, read } = t.withHostDir(t.args(['sh', '-c', `echo via-bind > /tmp/${name}/proof`], { root: { path: rootfs, readonly: true } }));
    config.mounts!.at(-1)!.destination = `/evil2/tmp/${name}`;
    expectOk(await runContainer(t, config));
    expect(read('proof')).toBe('via-bind\n');
    expect(statSync(join(rootfs, 'tmp', name)).isDirectory()).toBe(true);
    expect(existsSync(y)).toBe(false);
  });

  if (t.mode === 'root') {
    it('a device at /evil/tmp/dev-x is made inside the rootfs, not on the host', async () => {
      const rootfs = evilRootfs();
      const x = absentHostTmp('tsrun-devescape');
      const name = x.slice('/tmp/'.length);
      const config = t.args(['stat', '-c', '%t:%T %F', `/tmp/${name}`], { root: { path: rootfs, readonly: true }, linux: { devices: [{ path: `/evil/tmp/${name}`, type: 'c', major: 1, minor: 3 }] } });
      const r = expectOk(await runContainer(t, config));
      expect(r.stdout.trim()).toBe('1:3 character special file');
      expect(statSync(join(rootfs, 'tmp', name)).isCharacterDevice()).toBe(true);
      expect(existsSync(x)).toBe(false);
    });
  }

  it.skipIf(!!otherRuntime)(`a mount below /proc where /proc is not procfs (no proc mount) is refused: fstatfs EPERM${NEEDS_PROC}`, async () => {
    // A copy: a runtime that accepts it creates /proc/fake in the rootfs.
    const config = t.args(['true'], { root: { path: rootfsCopy(), readonly: true } });
    config.mounts = [...config.mounts!.filter((m) => m.destination !== '/proc'), tmpfsMount('/proc/fake')];
    expectFail(await runContainer(t, config), /mount \/proc\/fake: fstatfs.*not on procfs.*EPERM/);
  });

  it('a bind onto a procfs file (as lxcfs does for /proc/uptime) is allowed: the target is on procfs', async () => {
    const { config } = t.withHostDir(t.args(['cat', '/proc/uptime']));
    const dir = config.mounts!.at(-1)!.source!;
    const file = join(dir, 'uptime');
    writeFileSync(file, '12345.00 0.00\n', { mode: 0o644 });
    config.mounts = [...config.mounts!, { destination: '/proc/uptime', type: 'bind', source: file, options: ['bind', 'ro'] }];
    const r = expectOk(await runContainer(t, config));
    expect(r.stdout).toBe('12345.00 0.00\n');
  });

  // runc 1.1 applies them to whatever the rootfs has there.
  it('readonlyPaths and maskedPaths below /sys where /sys is the image\'s directory (no sysfs) are refused (deliberate difference from runc: runc 1.1 masks the image\'s directory)', async () => {
    const rootfs = rootfsCopy();
    mkdirSync(join(rootfs, 'sys', 'kernel'), { recursive: true });
    for (const linux of [{ readonlyPaths: ['/sys/kernel'] }, { maskedPaths: ['/sys/kernel'] }]) {
      const config = t.args(['true'], { root: { path: rootfs, readonly: true }, linux });
      config.mounts = config.mounts!.filter((m) => m.destination !== '/sys');
      const r = await runContainer(t, config);
      if (otherRuntime) expectOk(r);
      else expectFail(r, /\/sys\/kernel: fstatfs.*not on sysfs.*EPERM/);
    }
  });

  it.skipIf(!!otherRuntime)(`a sysctl is written only to procfs: with no proc mount, the image's own /proc/sys/kernel/shmmax file is refused and untouched${NEEDS_PROC}`, async () => {
    const rootfs = rootfsCopy();
    mkdirSync(join(rootfs, 'proc', 'sys', 'kernel'), { recursive: true });
    const fake = join(rootfs, 'proc', 'sys', 'kernel', 'shmmax');
    writeFileSync(fake, 'image\n');
    chmodSync(fake, 0o666);
    // A writable root: the image's file opens for writing, and only the fstatfs check refuses it
    // (of /proc/sys, beneath which the key is resolved, or of the file itself).
    const config = t.args(['true'], { root: { path: rootfs, readonly: false }, linux: { sysctl: { 'kernel.shmmax': '1' } } });
    config.mounts = config.mounts!.filter((m) => m.destination !== '/proc');
    expectFail(await runContainer(t, config), /sysctl kernel\.shmmax: fstatfs \/proc\/sys(\/kernel\/shmmax)?: EPERM/);
    expect(readFileSync(fake, 'utf8')).toBe('image\n');
  });

  // config.md#root lets root.path be any path; runc 1.1 (libcontainer/configs/validate rootfs())
  // refuses one that differs from its EvalSymlinks. Engines pass real paths either way.
  it(`a root.path that is a symlink is followed to the rootfs (runc 1.1 refuses it: "invalid rootfs: not an absolute path, or a symlink"${otherRuntime ? ', checked as such under the oracle' : ''})`, async () => {
    const link = join(t.scratch(), `rootfs-link-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const rootfs = rootfsCopy();
    writeFileSync(join(rootfs, 'probe'), 'probe\n');
    symlinkSync(rootfs, link);
    hostPaths.push(link);
    const r = await runContainer(t, t.args(['cat', '/probe'], { root: { path: link, readonly: true } }));
    if (otherRuntime) expectFail(r, /invalid rootfs: not an absolute path, or a symlink/);
    else expect(expectOk(r).stdout).toBe('probe\n');
  });

  it.skipIf(!!otherRuntime)(`root.readonly and readonlyPaths need no /proc in the container (fd-based mount API after pivot_root)${NEEDS_PROC}`, async () => {
    const config = t.args(['sh', '-c', 'touch /x 2>/dev/null || echo root-ro; touch /etc/x 2>/dev/null || echo etc-ro'], { linux: { readonlyPaths: ['/etc'] } });
    config.mounts = config.mounts!.filter((m) => m.destination !== '/proc');
    const r = expectOk(await runContainer(t, config));
    expect(r.stdout).toBe('root-ro\netc-ro\n');
  });

  it('the same readonlyPaths below a real /sys are applied', async () => {
    const r = expectOk(await runContainer(t, t.args(['cat', '/proc/self/mountinfo'], { linux: { readonlyPaths: ['/sys/kernel'] } })));
    expect(mountAt(r.stdout, '/sys/kernel').options).toContain('ro');
  });
});
