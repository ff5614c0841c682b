// `run`: create + start + wait + delete, with the container's exit status and stdio; and what
// the container sees: namespaces, user, read-only root, fds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type Spec, tmpfsMount } from '../helpers/config.js';
import { pidAlive, poll, repoRoot, runnerOf } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { testRootfs } from '../helpers/rootfs.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

forEachMode((t) => {
  /** `run` a config to completion; the state root must be empty afterwards (run deletes). */
  async function run(config: unknown, extra: string[] = []) {
    const id = t.id('run');
    const r = await t.tsrun(['run', ...extra, id, '-b', t.bundle(config)]);
    expect(r.timedOut, show(r)).toBe(false);
    expect(existsSync(t.stateDir(id)), `state dir after run: ${show(r)}`).toBe(false);
    return r;
  }

  it('exits 0 for `true` and deletes the container', async () => {
    expectOk(await run(t.args(['true'])));
  });

  it('exits with the container\'s status (sh -c "exit 3" → 3)', async () => {
    const r = await run(t.args(['sh', '-c', 'exit 3']));
    expect(r.exitCode, show(r)).toBe(3);
  });

  it('passes stdout and stderr through', async () => {
    const r = expectOk(await run(t.args(['sh', '-c', 'echo to-stdout; echo to-stderr >&2'])));
    expect(r.stdout).toBe('to-stdout\n');
    expect(r.stderr).toContain('to-stderr\n');
    expect(r.stderr).not.toContain('to-stdout');
  });

  it('create + start: the container writes to the stdout and stderr create was given', async () => {
    const id = t.id('stdio');
    const create = expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['sh', '-c', 'echo to-stdout; echo to-stderr >&2']))]));
    const start = expectOk(await t.tsrun(['start', id]));
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expect(create.output().stdout, show(create)).toBe('to-stdout\n');
    expect(create.output().stderr, show(create)).toContain('to-stderr\n');
    expect(start.stdout + start.stderr).not.toContain('to-std');
  });

  it('sets the hostname of config.json in a new uts namespace', async () => {
    const r = expectOk(await run(t.args(['hostname'], { hostname: 'other-name' })));
    expect(r.stdout.trim()).toBe('other-name');
  });

  it('runs as container root (id -u, id -g → 0 0) by default', async () => {
    const r = expectOk(await run(t.args(['sh', '-c', 'echo $(id -u) $(id -g)'])));
    expect(r.stdout.trim()).toBe('0 0');
  });

  if (t.mode === 'root') {
    it('runs as process.user (uid 1000, gid 1000)', async () => {
      const r = expectOk(await run(t.args(['sh', '-c', 'echo $(id -u) $(id -g)'], { process: { user: { uid: 1000, gid: 1000 } } })));
      expect(r.stdout.trim()).toBe('1000 1000');
    });
  } else {
    it('refuses process.user uid 1000 (not mapped: the rootless user namespace maps only 0), leaving nothing', async () => {
      const r = await run(t.args(['id', '-u'], { process: { user: { uid: 1000, gid: 1000 } } }));
      expectFail(r);
      expect(r.stdout).not.toContain('1000');
    });
  }

  it('sets process.env and process.cwd', async () => {
    const config = t.args(['sh', '-c', 'echo "$FOO" $(pwd)'], { process: { env: ['PATH=/bin:/usr/bin', 'FOO=bar baz'], cwd: '/etc' } });
    const r = expectOk(await run(config));
    expect(r.stdout.trim()).toBe('bar baz /etc');
  });

  it('process.capabilities as `runc spec` gives them (ambient without inheritable): the three caps are effective', async () => {
    const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
    const config = t.args(['grep', '^Cap', '/proc/self/status'], { process: { capabilities: { bounding: caps, effective: caps, permitted: caps, ambient: caps } } });
    const r = expectOk(await run(config));
    // CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29) → 0x20000420
    expect(r.stdout).toMatch(/^CapEff:\s+0000000020000420$/m);
    expect(r.stdout).toMatch(/^CapBnd:\s+0000000020000420$/m);
  });

  it('process.rlimits RLIMIT_NOFILE 1024 and noNewPrivileges apply', async () => {
    const config = t.args(['sh', '-c', 'ulimit -n; grep NoNewPrivs /proc/self/status'], {
      process: { rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }], noNewPrivileges: true },
    });
    const r = expectOk(await run(config));
    expect(r.stdout).toMatch(/^1024\nNoNewPrivs:\s+1\n$/);
  });

  it('makes the container process PID 1 of its own pid namespace', async () => {
    const r = expectOk(await run(t.args(['sh', '-c', 'echo $$'])));
    expect(r.stdout.trim()).toBe('1');
  });

  it('shows only the container\'s processes in /proc', async () => {
    // sh (pid 1) and ls: nothing of the host, nor a runtime helper left in the namespace.
    // (ls's pid need not be 2: a runtime's threads may have used pids before the exec.)
    const r = expectOk(await run(t.args(['sh', '-c', 'ls /proc; true'])));
    const pids = r.stdout.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    expect(pids, show(r)).toContain(1);
    expect(pids, show(r)).toHaveLength(2);
  });

  it('mounts the root read-only: touch /x fails', async () => {
    const r = await run(t.args(['touch', '/x']));
    expect(r.exitCode, show(r)).toBe(1);
    expect(r.stderr).toMatch(/read-only file system/i);
  });

  it('a tmpfs mount is writable in the read-only root', async () => {
    const base = t.base();
    const config = t.args(['sh', '-c', 'echo hi > /tmp/x && cat /tmp/x && grep " /tmp " /proc/mounts'], { mounts: [...base.mounts!, tmpfsMount('/tmp')] });
    const r = expectOk(await run(config));
    expect(r.stdout).toMatch(/^hi\ntmpfs \/tmp tmpfs rw/);
  });

  it('leaks no fd into the container: the shell holds only 0, 1 and 2', async () => {
    // "; true" keeps sh from exec'ing ls in its place: ls (a child) lists the shell's fds.
    const r = expectOk(await run(t.args(['sh', '-c', 'ls /proc/$$/fd; true'])));
    expect(r.stdout.split('\n').filter(Boolean).sort(), show(r)).toEqual(['0', '1', '2']);
  });

  it('passes stdin through: the caller\'s /dev/null gives cat an immediate end of file', async () => {
    const r = expectOk(await run(t.args(['sh', '-c', 'cat; echo end'])));
    expect(r.stdout).toBe('end\n');
  });

  it('a missing binary fails create with a clear error and leaves no state directory', async () => {
    const id = t.id('nobin');
    const r = await t.tsrun(['create', id, '-b', t.bundle(t.args(['/no/such/binary']))]);
    expectFail(r, /\/no\/such\/binary/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
    expectFail(await t.tsrun(['state', id]), id);
  });

  it('a missing binary fails run non-zero and leaves no state directory', async () => {
    const r = await run(t.args(['no-such-command-anywhere']));
    expectFail(r, /no-such-command-anywhere/);
  });

  it('--pid-file gets the live host pid of the container process', async () => {
    const id = t.id('pidfile');
    const pidFile = join(t.scratch(), `${id}.pid`);
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['sleep', '1000'])), '--pid-file', pidFile]));
    const text = readFileSync(pidFile, 'utf8');
    expect(text).toMatch(/^\d+\n?$/);
    const pid = Number(text);
    const s = await t.state(id);
    expect(s.pid).toBe(pid);
    expect(pidAlive(pid)).toBe(true);
  });

  it('run --pid-file writes the pid too', async () => {
    const id = t.id('runpid');
    const pidFile = join(t.scratch(), `${id}.pid`);
    const r = expectOk(await t.tsrun(['run', '--pid-file', pidFile, id, '-b', t.bundle(t.args(['sh', '-c', 'echo $$']))]));
    expect(readFileSync(pidFile, 'utf8'), show(r)).toMatch(/^[1-9]\d*\n?$/);
  });

  it('run -d returns at once and leaves the container running', async () => {
    const id = t.id('detach');
    const r = expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '1000'])), id], { timeout: 20_000 }));
    const s = await t.state(id);
    expect(s.status, show(r)).toBe('running');
    expect(pidAlive(s.pid!)).toBe(true);
    expectOk(await t.tsrun(['kill', id, 'KILL']));
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expectOk(await t.tsrun(['delete', id]));
  });

  it('run --detach: the container\'s output goes to the caller\'s stdout', async () => {
    const id = t.id('detachout');
    const r = expectOk(await t.tsrun(['run', '--detach', '--bundle', t.bundle(t.args(['sh', '-c', 'echo detached-hello'])), id]));
    expect(await poll(() => r.output().stdout.includes('detached-hello'), 5000), show(r)).toBe(true);
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
  });

  it('the base mounts work: /dev has the default devices, /dev/pts, /dev/shm, /dev/mqueue, /sys read-only', async () => {
    const script = [
      'for d in null zero full random urandom tty; do test -c /dev/$d || echo "missing /dev/$d"; done',
      'echo x > /dev/null || echo "cannot write /dev/null"',
      'for m in /dev/pts /dev/shm /dev/mqueue /sys; do grep -q " $m " /proc/mounts || echo "no mount $m"; done',
      'grep " /sys " /proc/mounts | grep -q "[ ,]ro[ ,]" || echo "/sys not read-only"',
      'echo done',
    ].join('; ');
    const r = expectOk(await run(t.args(['sh', '-c', script])));
    expect(r.stdout).toBe('done\n');
  });

  it('the example bundle (bundles/busybox) runs and greets', async () => {
    // config.json for root, config.rootless.json with the runner's ids (what make-rootfs.sh --rootless writes).
    const file = t.mode === 'root' ? 'config.json' : 'config.rootless.json';
    const config = JSON.parse(readFileSync(join(repoRoot, 'bundles', 'busybox', file), 'utf8')) as Spec;
    config.root!.path = testRootfs();
    if (t.mode === 'rootless') {
      const { uid, gid } = runnerOf('rootless');
      config.linux!.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }];
      config.linux!.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }];
    }
    const r = expectOk(await run(config));
    expect(r.stdout).toMatch(/^hello from tsrun-demo as uid 0, pid 1 in its own namespaces\nLinux /);
  });
});

