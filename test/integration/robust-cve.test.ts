// Known CVE classes of container runtimes (issue 7, point 4), each a regression test. The
// mount-target symlink races (CVE-2021-30465) and the masked-path classes (CVE-2025-31133,
// -52565, -52881) are tested on the filesystem side: fs-resolve.test.ts, fs-masked-readonly.test.ts. Here:
//  - CVE-2019-5736: nothing in the container can write the host's tsrun-init or node binary
//    through /proc/<pid>/exe, even holding the link open across the init's execve;
//  - CVE-2024-21626: no runtime fd reaches the container process or an exec'd one, and a
//    process.cwd of /proc/self/fd/N never lands outside the container's root;
//  - the container cannot see or signal host processes, and `kill` never signals a recycled pid.
// The base config keeps every capability (no process.capabilities), so root in the container
// has CAP_SYS_PTRACE, CAP_DAC_OVERRIDE and CAP_KILL: only the runtime's defences stand in the way.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, existsSync, openSync, readFileSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { isRoot, otherRuntime, pidAlive, poll, runnerOf, type Mode } from '../helpers/host.js';
import { fdsOf } from '../helpers/leftovers.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';
import { initPath } from '../../src/native/paths.js';

const SLEEP = ['sleep', '1000'];
const refusal = (id: string) => new RegExp(`container ${id}: container not running|container not running`);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
// Under the oracle the host binary the attack aims at is the other runtime's (runc's init is itself).
const HOST_BINARIES = otherRuntime ? [realpathSync(otherRuntime)] : [initPath, realpathSync(process.execPath)];
/** tsrun's sealed copy; runc 1.1 names its memfd "runc_cloned:/proc/self/exe" or, as root, binds a read-only copy ("/"). */
const SEALED = '/memfd:tsrun-init (deleted)';

const hostProcesses: ChildProcess[] = [];
afterEach(() => {
  for (const p of hostProcesses.splice(0)) p.kill('SIGKILL');
});

/** A host `sleep <marker>` (numeric: it is the time) owned by the tier's runner, whom the container root maps to when rootless. */
async function hostSleep(mode: Mode, marker: string): Promise<number> {
  const { uid, gid } = runnerOf(mode);
  const argv = ['sleep', marker];
  const p = mode === 'rootless' && isRoot ? spawn('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', ...argv], { stdio: 'ignore' }) : spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
  hostProcesses.push(p);
  expect(await poll(() => readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(marker), 3000)).toBe(true);
  return p.pid!;
}

async function created(t: Tier, config = t.args(SLEEP)) {
  const id = t.id('cve');
  expectOk(await t.tsrun(['create', id, '-b', t.bundle(config)]));
  return { id, pid: (await t.state(id)).pid! };
}

/** The state.json fields of the recorded pid and its start time: tsrun's, or runc's (libcontainer State). */
const PID_FIELD = otherRuntime ? 'init_process_pid' : 'pid';
const recycledStart = (): Record<string, unknown> => (otherRuntime ? { init_process_start: 1 } : { pidStartTime: '1' });

function stateFile(t: Tier, id: string): { read(): Record<string, unknown>; write(doc: Record<string, unknown>): void } {
  const file = join(t.stateDir(id), 'state.json');
  return {
    read: () => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>,
    write: (doc) => writeFileSync(file, JSON.stringify(doc)),
  };
}

forEachMode((t) => {
  it('CVE-2019-5736: the waiting init runs from a sealed memfd; neither the host nor a process in the container can write it, even across its execve', async () => {
    const before = HOST_BINARIES.map(sha256);
    const { config, read } = t.withHostDir(t.args(SLEEP));
    const { id, pid } = await created(t, config);
    expect(readFileSync(`/proc/${pid}/exe`).length).toBeGreaterThan(0);
    const link = (await import('node:fs')).readlinkSync(`/proc/${pid}/exe`);
    if (!otherRuntime) expect(link).toBe(SEALED);
    expect(() => openSync(`/proc/${pid}/exe`, constants.O_WRONLY), 'the host opened the init binary for writing').toThrow(otherRuntime ? /ETXTBSY|EPERM|EACCES|EROFS/ : /ETXTBSY|EPERM|EACCES/);
    // The attack: keep /proc/1/exe (the waiting init) open, let it execve, then write through it.
    const attack =
      'exec 3</proc/1/exe || exit 9; readlink /proc/self/fd/3 > /mnt/link; while [ ! -e /mnt/go ]; do sleep 0.05; done; ' +
      '(echo pwned >> /proc/self/fd/3) 2> /mnt/err && echo WROTE > /mnt/result || echo refused > /mnt/result';
    expectOk(await t.tsrun(['exec', '-d', id, 'sh', '-c', attack]));
    expect(await poll(() => read('link') !== '', 5000), 'the attacker never opened /proc/1/exe').toBe(true);
    expectOk(await t.tsrun(['start', id]));
    const hostDir = config.mounts!.at(-1)!.source!;
    writeFileSync(join(hostDir, 'go'), '');
    expect(await poll(() => read('result') !== '', 5000)).toBe(true);
    console.log(`[${t.mode}] 5736: link ${read('link').trim()}, write: ${read('result').trim()} (${read('err').trim()})`);
    if (!otherRuntime) expect(read('link').trim()).toBe(SEALED);
    expect(read('result').trim()).toBe('refused');
    expect(HOST_BINARIES.map(sha256)).toEqual(before);
  });

  it('CVE-2019-5736: during tsrun exec, every /proc/<pid>/exe the container can see is busybox or the sealed memfd, never node or a host file', async () => {
    const watcher =
      'while [ ! -e /mnt/stop ]; do for p in /proc/[0-9]*; do l=$(readlink $p/exe 2>/dev/null); ' +
      'case "$l" in ""|/bin/busybox) ;; *) echo "$l" >> /mnt/exes; (: >> $p/exe) 2>/dev/null && echo "WROTE $l" >> /mnt/exes;; esac; done; done';
    const { config, read } = t.withHostDir(t.args(['sh', '-c', watcher]));
    const { id } = await created(t, config);
    expectOk(await t.tsrun(['start', id]));
    const N = 15;
    for (let i = 0; i < N; i++) expectOk(await t.tsrun(['exec', id, 'true']));
    writeFileSync(join(config.mounts!.at(-1)!.source!, 'stop'), '');
    const seen = read('exes').split('\n').filter(Boolean);
    console.log(`[${t.mode}] execs: ${N}, foreign exe links seen in the container: ${seen.length}, writable: ${seen.filter((l) => l.startsWith('WROTE')).length}`);
    for (const l of seen) expect(l).toBe(SEALED);
  });

  it('CVE-2024-21626: the container process and an exec\'d process hold only fds 0, 1 and 2', async () => {
    const { id, pid } = await created(t);
    expectOk(await t.tsrun(['start', id]));
    const pidFile = join(t.scratch(), `${id}.exec.pid`);
    expectOk(await t.tsrun(['exec', '-d', '--pid-file', pidFile, id, ...SLEEP]));
    const execPid = Number(readFileSync(pidFile, 'utf8'));
    for (const p of [pid, execPid]) {
      const fds = fdsOf(p);
      expect([...fds.keys()].sort(), `fds of ${p}: ${JSON.stringify([...fds])}`).toEqual([0, 1, 2]);
    }
  });

  it('CVE-2024-21626: process.cwd /proc/self/fd/N (N = 3..12) never puts the process outside the container root', async () => {
    // Outside the root, ".." is not stopped at the container's /: the host's /work would show.
    const probe = 'cd ../../../../../../../../..; ls > /mnt/up; ls / > /mnt/root';
    let ran = 0;
    for (let n = 3; n <= 12; n++) {
      const { config, read } = t.withHostDir(t.args(['sh', '-c', probe], { process: { cwd: `/proc/self/fd/${n}` } }));
      const r = await t.tsrun(['run', t.id('cwd'), '-b', t.bundle(config)]);
      if (r.exitCode === 0) {
        ran++;
        expect(read('up'), `cwd fd ${n}`).toBe(read('root'));
        expect(read('up').split('\n'), `cwd fd ${n}`).not.toContain('work');
      } else {
        expect(r.signal, show(r)).toBeUndefined();
        // runc 1.1 refuses it in its mkdir of the cwd ("mkdir /proc/self/fd/N: not a directory").
        expect(r.stderr, show(r)).toMatch(otherRuntime ? /cwd|chdir|mkdir \/proc\/self\/fd\/\d+:/ : /cwd|chdir/);
      }
    }
    console.log(`[${t.mode}] cwd /proc/self/fd/3..12: ran inside the root: ${ran}, refused: ${10 - ran}, escaped: 0`);
  });

  it('CVE-2024-21626: exec --cwd /proc/self/fd/N (N = 3..12) never puts the process outside the container root', async () => {
    const { id } = await created(t);
    expectOk(await t.tsrun(['start', id]));
    for (let n = 3; n <= 12; n++) {
      const r = await t.tsrun(['exec', '--cwd', `/proc/self/fd/${n}`, id, 'sh', '-c', 'cd ../../../../../../../..; ls']);
      if (r.exitCode === 0) expect(r.stdout.split('\n'), show(r)).not.toContain('work');
      else expect(r.stderr, show(r)).toMatch(/cwd|chdir/);
    }
  });

  // Root: a waiting container process has every capability (no process without CAP_SYS_PTRACE
  // can reach it, dumpable or not), and its /proc files are root's either way, or, with a user
  // namespace mapped elsewhere, the kernel already made it non-dumpable at setresuid. Rootless,
  // the owner of /proc/<pid>/fd tells: the runner's uid when dumpable, root's when not.
  const ROOT_REASON = t.mode === 'root' ? " [SKIPPED as root: nothing here can tell a dumpable root container process from a non-dumpable one; it runs rootless]" : '';
  // runc 1.1 wants mappings even for a joined user namespace (runc issue #4122, fixed by PR #4124).
  const JOIN_REASON = otherRuntime && t.mode !== 'root' ? ' — SKIPPED under the oracle: runc 1.1 refuses a user namespace path without mappings (runc issue #4122)' : '';
  it.skipIf(t.mode === 'root' || !!JOIN_REASON)(`CVE-2016-9962: a container that joins another one's namespaces waits non-dumpable (its /proc/<pid>/fd is root's); after its execve it is dumpable again; one that joins nothing stays dumpable${ROOT_REASON}${JOIN_REASON}`, async () => {
    const a = await created(t);
    expectOk(await t.tsrun(['start', a.id]));
    const uid = runnerOf(t.mode).uid;
    // B joins A's ipc namespace and the user namespace that owns it.
    const joining = t.args(SLEEP);
    delete joining.linux!.uidMappings;
    delete joining.linux!.gidMappings;
    joining.linux!.namespaces = [
      ...joining.linux!.namespaces!.filter((n) => n.type !== 'ipc' && n.type !== 'user'),
      { type: 'ipc', path: `/proc/${a.pid}/ns/ipc` },
      { type: 'user', path: `/proc/${a.pid}/ns/user` },
    ];
    const b = await created(t, joining);
    expect(readlinkSync(`/proc/${b.pid}/ns/ipc`)).toBe(readlinkSync(`/proc/${a.pid}/ns/ipc`));
    expect(statSync(`/proc/${b.pid}/fd`).uid, 'non-dumpable: its /proc files belong to root').toBe(0);
    expectOk(await t.tsrun(['start', b.id]));
    await poll(() => readFileSync(`/proc/${b.pid}/comm`, 'utf8').trim() === 'sleep');
    expect(statSync(`/proc/${b.pid}/fd`).uid, 'dumpable after execve').toBe(uid);
    // slirp4netns and the like, run as the user, open a created container's /proc files.
    const plain = await created(t);
    expect(statSync(`/proc/${plain.pid}/fd`).uid).toBe(uid);
  });

  it('the container cannot see or signal a host process of the same user', async () => {
    const marker = `4242${process.pid}`;
    const hostPid = await hostSleep(t.mode, marker);
    const { config, read } = t.withHostDir(
      t.args(['sh', '-c', `cat /proc/[0-9]*/cmdline | tr '\\0' ' ' > /mnt/seen; ls /proc | grep -cE '^[0-9]+$' > /mnt/count; kill -9 ${hostPid} 2> /mnt/kill; echo $? >> /mnt/kill`]),
    );
    expectOk(await t.tsrun(['run', t.id('hostps'), '-b', t.bundle(config)]));
    console.log(`[${t.mode}] processes visible in the container: ${read('count').trim()}, kill of host pid ${hostPid}: ${read('kill').trim().replace(/\n/g, ' ')}`);
    expect(read('seen')).not.toContain(marker);
    expect(read('kill').trim().split('\n').at(-1)).not.toBe('0');
    expect(pidAlive(hostPid)).toBe(true);
  });

  it('kill refuses a pid whose start time is not the recorded one (a recycled pid) and signals nothing', async () => {
    const { id, pid } = await created(t);
    const state = stateFile(t, id);
    const original = state.read();
    state.write({ ...original, ...recycledStart() });
    try {
      expectFail(await t.tsrun(['kill', id, 'KILL']), refusal(id));
      expect((await t.state(id)).status).toBe('stopped');
      expect(pidAlive(pid)).toBe(true);
    } finally {
      state.write(original);
    }
    expect((await t.state(id)).status).toBe('created');
  });

  it('kill and delete --force never signal another process that now has the recorded pid', async () => {
    const { id, pid } = await created(t);
    const hostPid = await hostSleep(t.mode, `7777${process.pid}`);
    const state = stateFile(t, id);
    const original = state.read();
    // The container "exited" and its pid was reused by a host process of the same user.
    state.write({ ...original, [PID_FIELD]: hostPid });
    try {
      expectFail(await t.tsrun(['kill', id, 'KILL']), refusal(id));
      expect(pidAlive(hostPid)).toBe(true);
      expect((await t.state(id)).status).toBe('stopped');
      expect(pidAlive(pid)).toBe(true);
      // delete --force of what looks stopped removes the record and signals no process by pid.
      expectOk(await t.tsrun(['delete', '--force', id]));
      expect(pidAlive(hostPid)).toBe(true);
      expect(existsSync(t.stateDir(id))).toBe(false);
    } finally {
      if (existsSync(t.stateDir(id))) state.write(original);
      // The real container process lost its record with the delete; the cgroup (root) took it, or we do.
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
