// config-linux.md#masked-paths and #readonly-paths: masked files read as /dev/null, masked
// directories are an empty read-only tmpfs, read-only paths refuse writes; a /dev/null that is
// not the 1:3 character device is never used as the mask (CVE-2025-31133).
import { chmodSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { mountAt, rootfsCopy, runContainer } from '../helpers/fs.js';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, expectOk } from '../helpers/tsrun.js';

forEachMode((t) => {
  it('a masked file reads empty (/dev/null bound over it), a masked directory is an empty read-only tmpfs, a missing path is skipped', async () => {
    const script = [
      'echo keys=$(cat /proc/keys | wc -c) version=$(cat /proc/version | wc -c)',
      'echo tty=$(ls -A /proc/tty | wc -l)',
      'touch /proc/tty/x 2>&1 || echo tty-refused',
      'cat /proc/self/mountinfo',
    ].join('; ');
    const config = t.args(['sh', '-c', script], { linux: { maskedPaths: ['/proc/keys', '/proc/version', '/proc/tty', '/proc/does-not-exist'] } });
    const r = expectOk(await runContainer(t, config));
    expect(r.stdout).toContain('keys=0 version=0');
    expect(r.stdout).toContain('tty=0');
    expect(r.stdout).toContain('tty-refused');
    const tty = mountAt(r.stdout, '/proc/tty');
    expect(tty.fstype).toBe('tmpfs');
    expect(tty.options).toContain('ro');
    expect(mountAt(r.stdout, '/proc/keys').root).toBe('/null');
  });

  it('without maskedPaths the same files have content (the masking test can fail)', async () => {
    const r = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo version=$(cat /proc/version | wc -c) tty=$(ls -A /proc/tty | wc -l)'])));
    expect(r.stdout).not.toContain('version=0 ');
    expect(r.stdout).not.toMatch(/tty=0$/m);
  });

  it('readonlyPaths refuse writes (a procfs directory and a writable host bind), the host directory is unchanged', async () => {
    const script = 'echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null && echo SYS-WRITTEN; echo x > /mnt/new 2>/dev/null && echo MNT-WRITTEN; cat /mnt/file; grep -E " /proc/sys | /mnt " /proc/self/mountinfo';
    const { config, read } = t.withHostDir(t.args(['sh', '-c', script], { linux: { readonlyPaths: ['/proc/sys', '/mnt', '/not/there'] } }));
    const dir = config.mounts!.at(-1)!.source!;
    writeFileSync(join(dir, 'file'), 'readable\n', { mode: 0o644 });
    const r = expectOk(await runContainer(t, config));
    expect(r.stdout).not.toContain('WRITTEN');
    expect(r.stdout).toContain('readable');
    expect(mountAt(r.stdout, '/proc/sys').options).toContain('ro');
    expect(mountAt(r.stdout, '/mnt').options).toContain('ro');
    expect(read('new')).toBe('');
  });

  it('without readonlyPaths the same host bind is writable (the read-only test can fail)', async () => {
    const { config, read } = t.withHostDir(t.args(['sh', '-c', 'echo x > /mnt/new']));
    expectOk(await runContainer(t, config));
    expect(read('new')).toBe('x\n');
  });

  /** A rootfs copy whose /dev is the image's own (no /dev tmpfs mount) with `/dev/null` replaced. */
  function devNullReplaced(make: (devNull: string, rootfs: string) => void) {
    const rootfs = rootfsCopy();
    const devNull = join(rootfs, 'dev', 'null');
    rmSync(devNull, { force: true });
    // Container root of the rootless tier may create the default device nodes in the copy's /dev.
    chmodSync(join(rootfs, 'dev'), 0o1777);
    writeFileSync(join(rootfs, 'etc', 'secret'), 'secret\n', { mode: 0o644 });
    make(devNull, rootfs);
    const config = t.args(['true'], { root: { path: rootfs, readonly: true }, linux: { maskedPaths: ['/proc/keys'] } });
    config.mounts = config.mounts!.filter((m) => m.destination !== '/dev' && !m.destination.startsWith('/dev/'));
    return { config, rootfs };
  }

  // runc before 1.2.8/1.3.3 takes the rootfs's /dev/null as it is (CVE-2025-31133): under the
  // oracle create fails only at an unrelated later step (EBUSY on the read-only root, or EACCES
  // opening the symlink's target), which would pass this test for the wrong reason.
  const CVE_31133 = ' — SKIPPED under the oracle: runc 1.1 does not check /dev/null (CVE-2025-31133, fixed in runc 1.2.8 and 1.3.3)';
  it.skipIf(!!otherRuntime)(`a /dev/null that is a symlink in the rootfs is refused: create fails naming /dev/null, the symlink target is untouched${otherRuntime ? CVE_31133 : ''}`, async () => {
    const { config, rootfs } = devNullReplaced((devNull) => symlinkSync('/etc/secret', devNull));
    expectFail(await runContainer(t, config), /\/dev\/null/);
    expect(readFileSync(join(rootfs, 'etc', 'secret'), 'utf8')).toBe('secret\n');
  });

  it.skipIf(!!otherRuntime && t.mode === 'root')(`a /dev/null that is a regular file in the rootfs is refused (not the 1:3 character device)${otherRuntime && t.mode === 'root' ? CVE_31133 : ''}`, async () => {
    const { config, rootfs } = devNullReplaced((devNull) => writeFileSync(devNull, 'not a device\n'));
    expectFail(await runContainer(t, config), /\/dev\/null/);
    expect(readFileSync(join(rootfs, 'dev', 'null'), 'utf8')).toBe('not a device\n');
  });
});
