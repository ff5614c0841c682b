// config.md#mounts: the mount(8) options of the spec's table as the container sees them in
// /proc/self/mountinfo: flags, filesystem data, bind remounts (and the flags a user namespace
// locks), the recursive r* options, propagation, tmpcopyup, "remount", the cgroup type.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type Spec, tmpfsMount } from '../helpers/config.js';
import { mountAt, parseMountinfo, runContainer } from '../helpers/fs.js';
import { isRoot, otherRuntime } from '../helpers/host.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { expectFail, expectOk } from '../helpers/tsrun.js';
import type { Mount } from '../../src/spec/types.js';

const MOUNTINFO = ['cat', '/proc/self/mountinfo'];

forEachMode((t) => {
  /** Runs `args` with a writable tmpfs at /tmp (so mount points below it are not made in the shared rootfs) plus `mounts`. */
  function withMounts(mounts: Mount[], args = MOUNTINFO, overrides: Partial<Spec> = {}): Spec {
    const config = t.args(args, overrides);
    config.mounts = [...config.mounts!, tmpfsMount('/tmp'), ...mounts];
    return config;
  }
  const mountinfo = async (mounts: Mount[]) => expectOk(await runContainer(t, withMounts(mounts))).stdout;
  const tmpfs = (destination: string, options: string[]): Mount => ({ destination, type: 'tmpfs', source: 'tmpfs', options });
  const bind = (source: string, destination: string, options: string[]): Mount => ({ destination, type: 'bind', source, options });

  /** A host directory with a file, readable by the tier's container root. */
  function hostDir(tier: Tier): string {
    const dir = join(tier.scratch(), `src-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(join(dir, 'file'), 'host data\n', { mode: 0o644 });
    return dir;
  }

  // runc 1.1 mounts the tmpfs read-write and makes only the mount read-only: its superblock
  // stays rw (both stop writes from the container; tsrun gives mount(8)'s "ro", both).
  it(`applies the flag options to a new mount: ro nosuid nodev noexec noatime nodiratime nosymfollow sync dirsync lazytime, and passes size/mode as data${otherRuntime ? ' (the superblock\'s ro is not checked under the oracle: runc 1.1 keeps it rw, only the mount is ro)' : ''}`, async () => {
    const text = await mountinfo([tmpfs('/tmp/a', ['ro', 'nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'nosymfollow', 'sync', 'dirsync', 'lazytime', 'mand', 'silent', 'iversion', 'size=1m', 'mode=700'])]);
    const m = mountAt(text, '/tmp/a');
    expect(m.options).toEqual(expect.arrayContaining(['ro', 'nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'nosymfollow']));
    expect(m.superOptions).toEqual(expect.arrayContaining([...(otherRuntime ? [] : ['ro']), 'sync', 'dirsync', 'lazytime', 'size=1024k', 'mode=700']));
  });

  // "defaults" is a MUST of config.md#linux-mount-options; runc 1.1 passes it to the kernel as
  // filesystem data (EINVAL), so the oracle runs the rest of the list without it.
  it(`lets a later option undo an earlier one: rw suid dev exec atime diratime symfollow async nolazytime nomand loud noiversion, and strictatime${otherRuntime ? ' ("defaults" left out under the oracle: runc 1.1 passes it as data, EINVAL)' : ''}`, async () => {
    const options = ['ro', 'rw', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', 'noatime', 'atime', 'nodiratime', 'diratime', 'nosymfollow', 'symfollow', 'sync', 'async', 'lazytime', 'nolazytime', 'mand', 'nomand', 'silent', 'loud', 'iversion', 'noiversion', 'relatime', 'norelatime', 'strictatime', ...(otherRuntime ? [] : ['defaults'])];
    const m = mountAt(await mountinfo([tmpfs('/tmp/a', options)]), '/tmp/a');
    expect(m.options).toContain('rw');
    for (const absent of ['ro', 'nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'nosymfollow', 'relatime']) expect(m.options, absent).not.toContain(absent);
    for (const absent of ['sync', 'lazytime']) expect(m.superOptions, absent).not.toContain(absent);
  });

  it('nostrictatime after strictatime gives the kernel default, relatime', async () => {
    const m = mountAt(await mountinfo([tmpfs('/tmp/a', ['strictatime', 'nostrictatime'])]), '/tmp/a');
    expect(m.options).toContain('relatime');
  });

  it('a read-only bind mount is remounted read-only (bind, then MS_REMOUNT|MS_BIND|MS_RDONLY): writes fail inside, the host directory stays writable', async () => {
    const dir = hostDir(t);
    const args = ['sh', '-c', 'cat /proc/self/mountinfo; echo x > /tmp/ro/new && echo WROTE; cat /tmp/ro/file'];
    const r = expectOk(await runContainer(t, withMounts([bind(dir, '/tmp/ro', ['bind', 'ro', 'nosuid', 'nodev', 'noexec', 'nosymfollow'])], args)));
    const m = mountAt(r.stdout, '/tmp/ro');
    expect(m.options).toEqual(expect.arrayContaining(['ro', 'nosuid', 'nodev', 'noexec', 'nosymfollow']));
    expect(r.stdout).not.toContain('WROTE');
    expect(r.stderr).toContain('Read-only file system');
    expect(r.stdout).toContain('host data');
    writeFileSync(join(dir, 'still-writable'), 'yes');
  });

  /** A host tmpfs mounted nosuid,nodev,noexec (this host has none such of its own); unmounted after `body`. */
  async function withLockedSource(body: (dir: string) => Promise<void>): Promise<void> {
    const dir = hostDir(t);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'nosuid,nodev,noexec,size=1m,mode=755', 'tmpfs', dir]);
    try {
      await body(dir);
    } finally {
      execFileSync('umount', [dir]);
    }
  }
  const NEEDS_ROOT = isRoot ? '' : ' — SKIPPED: needs root to mount the nosuid,nodev,noexec source on the host';

  // runc before 1.2 remounts without the locked flags: EPERM (fixed by runc PR #3805).
  const LOCKED_RUNC11 = t.mode === 'rootless' && otherRuntime ? ' — SKIPPED under the oracle: runc 1.1 drops the locked flags on the remount, EPERM (fixed by runc PR #3805, 1.2)' : '';
  it.skipIf(!isRoot || !!LOCKED_RUNC11)('a bind of a nosuid,nodev,noexec mount with only "ro" asked: ' + (t.mode === 'root' ? 'root may clear the flags, the remount gives exactly ro' : 'the user namespace locks them, so they are kept (mount_namespaces(7))') + NEEDS_ROOT + LOCKED_RUNC11, async () => {
    await withLockedSource(async (dir) => {
      const m = mountAt(await mountinfo([bind(dir, '/tmp/b', ['bind', 'ro'])]), '/tmp/b');
      expect(m.options).toContain('ro');
      for (const flag of ['nosuid', 'nodev', 'noexec']) {
        if (t.mode === 'root') expect(m.options, flag).not.toContain(flag);
        else expect(m.options, flag).toContain(flag);
      }
    });
  });

  if (t.mode === 'root') {
    it.skipIf(!isRoot)('explicit "suid" on a bind of a nosuid mount: root may clear it' + NEEDS_ROOT, async () => {
      await withLockedSource(async (dir) => {
        const m = mountAt(await mountinfo([bind(dir, '/tmp/b', ['bind', 'ro', 'suid'])]), '/tmp/b');
        expect(m.options).toContain('ro');
        expect(m.options).not.toContain('nosuid');
      });
    });
  } else {
    it.skipIf(!isRoot)('explicit "suid" on a bind of a locked nosuid mount fails with EPERM (the config asked for what the kernel forbids), as runc' + NEEDS_ROOT, async () => {
      await withLockedSource(async (dir) => {
        expectFail(await runContainer(t, withMounts([bind(dir, '/tmp/b', ['bind', 'ro', 'suid'])])), otherRuntime ? /\/tmp\/b.*operation not permitted/ : /mount \/tmp\/b.*EPERM/);
      });
    });
  }

  it('rbind brings the submounts of the source, bind does not' + (t.mode === 'rootless' ? ' (rootless: a non-recursive bind of a tree with locked submounts is EINVAL)' : ''), async () => {
    const rbind = await mountinfo([bind('/sys', '/tmp/sys', ['rbind'])]);
    expect(parseMountinfo(rbind).some((m) => m.mountPoint.startsWith('/tmp/sys/fs/cgroup'))).toBe(true);
    if (t.mode === 'root') {
      const plain = await mountinfo([bind('/sys', '/tmp/sys', ['bind'])]);
      expect(mountAt(plain, '/tmp/sys').fstype).toBe('sysfs');
      expect(parseMountinfo(plain).some((m) => m.mountPoint.startsWith('/tmp/sys/'))).toBe(false);
    } else {
      expectFail(await runContainer(t, withMounts([bind('/sys', '/tmp/sys', ['bind'])])), otherRuntime ? /\/tmp\/sys.*invalid argument/ : /mount \/tmp\/sys.*EINVAL/);
    }
  });

  it('the recursive options rro rnosuid rnodev rnoexec rnosymfollow reach every submount (mount_setattr AT_RECURSIVE)', async () => {
    const text = await mountinfo([bind('/sys', '/tmp/sys', ['rbind', 'rro', 'rnosuid', 'rnodev', 'rnoexec', 'rnosymfollow'])]);
    const tree = parseMountinfo(text).filter((m) => m.mountPoint === '/tmp/sys' || m.mountPoint.startsWith('/tmp/sys/'));
    expect(tree.length).toBeGreaterThan(1);
    for (const m of tree) expect(m.options, m.mountPoint).toEqual(expect.arrayContaining(['ro', 'nosuid', 'nodev', 'noexec', 'nosymfollow']));
  });

  if (t.mode === 'root') {
    // runc 1.1 gets mount_setattr's atime masks wrong (EINVAL; runc issue #5095, PR #5098).
    it.skipIf(!!otherRuntime)(`ratime rstrictatime rnoatime set the atime mode of every submount${otherRuntime ? ' — SKIPPED under the oracle: runc 1.1 gets mount_setattr\'s MOUNT_ATTR__ATIME mask wrong, EINVAL (runc issue #5095)' : ''}`, async () => {
      const text = await mountinfo([bind('/sys', '/tmp/sys', ['rbind', 'rnoatime', 'rnodiratime'])]);
      const tree = parseMountinfo(text).filter((m) => m.mountPoint.startsWith('/tmp/sys'));
      for (const m of tree) expect(m.options, m.mountPoint).toEqual(expect.arrayContaining(['noatime', 'nodiratime']));
      const strict = parseMountinfo(await mountinfo([bind('/sys', '/tmp/sys', ['rbind', 'rnoatime', 'rstrictatime', 'rdiratime'])])).filter((m) => m.mountPoint.startsWith('/tmp/sys'));
      for (const m of strict) for (const absent of ['noatime', 'relatime', 'nodiratime']) expect(m.options, m.mountPoint).not.toContain(absent);
    });
  } else {
    it('rnoatime on submounts whose atime mode the user namespace locked fails with EPERM (mount_setattr(2))', async () => {
      expectFail(await runContainer(t, withMounts([bind('/sys', '/tmp/sys', ['rbind', 'rnoatime'])])), otherRuntime ? /\/tmp\/sys.*operation not permitted/ : /mount_setattr.*EPERM/);
    });
  }

  it('propagation options of one mount: shared, unbindable, private', async () => {
    const text = await mountinfo([tmpfs('/tmp/s', ['shared']), tmpfs('/tmp/u', ['unbindable']), tmpfs('/tmp/p', ['private'])]);
    expect(mountAt(text, '/tmp/s').optional.join(' ')).toMatch(/shared:\d+/);
    expect(mountAt(text, '/tmp/u').optional).toEqual(['unbindable']);
    expect(mountAt(text, '/tmp/p').optional).toEqual([]);
  });

  it('rshared, runbindable and rprivate reach every submount of an rbind', async () => {
    for (const [option, expected] of [['rshared', /^shared:\d+$/], ['runbindable', /^unbindable$/]] as const) {
      const tree = parseMountinfo(await mountinfo([bind('/sys', '/tmp/sys', ['rbind', option])])).filter((m) => m.mountPoint.startsWith('/tmp/sys'));
      for (const m of tree) expect(m.optional.join(' '), `${option} ${m.mountPoint}`).toMatch(expected);
    }
    const priv = parseMountinfo(await mountinfo([bind('/sys', '/tmp/sys', ['rbind', 'rshared', 'rprivate'])])).filter((m) => m.mountPoint.startsWith('/tmp/sys'));
    for (const m of priv) expect(m.optional, m.mountPoint).toEqual([]);
  });

  it.skipIf(!isRoot)('slave and rslave: a bind of a host mount that is shared receives the host\'s mounts (master:N)' + (isRoot ? '' : ' — SKIPPED: needs root to make a shared host mount'), async () => {
    const dir = hostDir(t);
    execFileSync('mount', ['--bind', dir, dir]);
    execFileSync('mount', ['--make-shared', dir]);
    try {
      for (const option of ['slave', 'rslave']) {
        const m = mountAt(await mountinfo([bind(dir, '/tmp/b', ['bind', option])]), '/tmp/b');
        expect(m.optional.join(' '), option).toMatch(/^master:\d+$/);
      }
      const shared = mountAt(await mountinfo([bind(dir, '/tmp/b', ['bind', 'shared'])]), '/tmp/b');
      expect(shared.optional.join(' ')).toMatch(/shared:\d+/);
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  // Rootless, the rootfs is the host root's: unmapped, its owner reads as the overflow id, which
  // chown cannot set (EINVAL). tsrun keeps the copy owned by its creator; runc 1.1 fails create.
  const COPYUP_DIFF = t.mode === 'rootless' ? ' (deliberate difference from runc: an owner the user namespace does not map is left to the container\'s root, runc 1.1 fails on lchown EINVAL)' : '';
  it(`tmpcopyup fills the new tmpfs with what the directory held (content, mode, owner) and the copy is writable${COPYUP_DIFF}`, async () => {
    const args = ['sh', '-c', 'cat /etc/passwd; stat -c "%a %u %n" /etc/passwd /etc/group; echo new > /etc/added && cat /etc/added; grep " /etc " /proc/self/mountinfo'];
    const copy = await runContainer(t, withMounts([tmpfs('/etc', ['tmpcopyup', 'size=1m'])], args));
    if (otherRuntime && COPYUP_DIFF) return void expectFail(copy, /tmpcopyup.*lchown .*invalid argument/);
    const r = expectOk(copy);
    const rootfs = t.base().root!.path;
    expect(r.stdout).toContain(readFileSync(join(rootfs, 'etc', 'passwd'), 'utf8'));
    expect(r.stdout).toContain('644 0 /etc/passwd');
    expect(r.stdout).toContain('new\n');
    expect(r.stdout).toMatch(/ \/etc rw\S* - tmpfs /);
    const plain = expectOk(await runContainer(t, withMounts([tmpfs('/etc', ['size=1m'])], ['ls', '-A', '/etc'])));
    expect(plain.stdout.trim()).toBe('');
  });

  it('"remount" with "ro" remounts a mount made by an earlier entry read-only', async () => {
    const text = await mountinfo([tmpfs('/tmp/a', ['size=1m']), { destination: '/tmp/a', type: 'tmpfs', source: 'tmpfs', options: ['remount', 'ro'] }]);
    expect(mountAt(text, '/tmp/a').options).toContain('ro');
  });

  // Rootless runc 1.1 binds the host's hierarchies and leaves the cgroup2 one ("unified") rw.
  const CGROUP_DIFF = t.mode === 'rootless' ? ' (deliberate difference from runc: rootless runc 1.1 leaves /sys/fs/cgroup/unified rw despite "ro")' : '';
  it(`a "cgroup" mount shows the cgroup filesystem at /sys/fs/cgroup, read-only as asked${CGROUP_DIFF}`, async () => {
    const config = t.args(MOUNTINFO);
    config.mounts = [...config.mounts!, { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] }];
    const text = expectOk(await runContainer(t, config)).stdout;
    // The topmost mount at each point (rootless: the host's, bound in with /sys, lie below).
    const top = new Map(parseMountinfo(text).map((m) => [m.mountPoint, m]));
    const cgroups = [...top.values()].filter((m) => m.mountPoint.startsWith('/sys/fs/cgroup') && (m.fstype === 'cgroup' || m.fstype === 'cgroup2'));
    expect(cgroups.length, text).toBeGreaterThan(0);
    for (const m of cgroups) if (!(otherRuntime && CGROUP_DIFF && m.fstype === 'cgroup2')) expect(m.options, m.mountPoint).toContain('ro');
  });

  // config-linux.md#rootfs-mount-propagation: one of shared, slave, private, unbindable, and the
  // recursive forms runc and crun take (engines send them: rootless podman "rslave"). The host's
  // "/" is private here, so a slave shows no master either.
  const propagations = [['shared', /shared:\d+/], ['unbindable', /unbindable/], ['private', /^$/], ['slave', /^$/], ['rshared', /shared:\d+/], ['runbindable', /unbindable/], ['rprivate', /^$/], ['rslave', /^$/]] as const;
  /** The propagation of each mount below "/", peer group numbers left out (they differ from run to run). */
  const kinds = (text: string) => parseMountinfo(text).filter((m) => m.mountPoint !== '/').map((m) => `${m.mountPoint} ${m.optional.map((o) => o.replace(/:\d+$/, '')).join(',')}`).sort().join('\n');
  for (const [value, expected] of propagations) {
    const unbindable = value.endsWith('unbindable');
    const title = unbindable
      ? `rootfsPropagation "${value}" is the propagation of the container's "/" (tsrun differs: runc 1.1 fails to bind a rootfs on an unbindable mount, EINVAL)`
      : `rootfsPropagation "${value}" is the propagation of the container's "/" (runc 1.1 leaves "/" private for shared: tsrun follows the spec), its mounts' as with runc`;
    it(title, async () => {
      const bundle = t.bundle(t.args(MOUNTINFO, { linux: { rootfsPropagation: value } }));
      const ran = await t.tsrun(['run', t.id('prop'), '-b', bundle]);
      if (otherRuntime && unbindable) return void expectFail(ran, /invalid argument/);
      const text = expectOk(ran).stdout;
      if (!otherRuntime) expect(mountAt(text, '/').optional.filter((o) => !o.startsWith('master:')).join(' ')).toMatch(expected);
      if (unbindable) return;
      const runc = expectOk(await t.runc(['run', t.id('prop'), '-b', bundle])).stdout;
      expect(kinds(text)).toBe(kinds(runc));
    });
  }
});
