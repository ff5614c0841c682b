// What the container's process finds when it starts, as runc 1.1 shows it (issue 12): HOME from
// /etc/passwd, a created cwd, lo up in a new network namespace, its own session and process
// group, a tmpfs with the mode of the directory it covers.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PATH_ENV, type Spec, tmpfsMount } from '../helpers/config.js';
import { runContainer } from '../helpers/fs.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { parseSyscall, syscallArgs } from '../helpers/probe.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const NO_HOME = { process: { env: [PATH_ENV] } };

/** A detached container that sleeps, for exec. */
async function sleeper(t: Tier, overrides = {}): Promise<string> {
  const id = t.id('view');
  expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '1000'], overrides)), id]));
  await t.waitStatus(id, 'running');
  return id;
}

/** "pid pgrp session" of /proc/<which>/stat (proc(5) fields 1, 5, 6), in the container's pid namespace. */
const STAT_IDS = (which: string) => `cut -d' ' -f1,5,6 /proc/${which}/stat`;

forEachMode((t) => {
  it('HOME: without one in process.env the process gets its /etc/passwd home (root: /root)', async () => {
    const r = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], NO_HOME)));
    expect(r.stdout.trim(), show(r)).toBe('HOME=/root');
  });

  it('HOME: an empty HOME counts as unset; a non-empty one is kept', async () => {
    const empty = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], { process: { env: [PATH_ENV, 'HOME='] } })));
    expect(empty.stdout.trim(), show(empty)).toBe('HOME=/root');
    const kept = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], { process: { env: [PATH_ENV, 'HOME=/somewhere'] } })));
    expect(kept.stdout.trim(), show(kept)).toBe('HOME=/somewhere');
  });

  it('HOME: exec (args and --process without HOME or user) gets it too', async () => {
    const id = await sleeper(t, NO_HOME);
    const r = expectOk(await t.tsrun(['exec', id, 'sh', '-c', 'echo "HOME=$HOME"']));
    expect(r.stdout.trim(), show(r)).toBe('HOME=/root');
    const file = join(t.scratch(), `${id}.process.json`);
    writeFileSync(file, JSON.stringify({ args: ['sh', '-c', 'echo "HOME=$HOME"'], env: [PATH_ENV], cwd: '/' }));
    const p = expectOk(await t.tsrun(['exec', '-p', file, id]));
    expect(p.stdout.trim(), show(p)).toBe('HOME=/root');
  });

  if (t.mode === 'root') {
    it('HOME: uid 1000 gets /home/user from /etc/passwd, a uid with no entry gets /', async () => {
      const user = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], { process: { env: [PATH_ENV], user: { uid: 1000, gid: 1000 } } })));
      expect(user.stdout.trim(), show(user)).toBe('HOME=/home/user');
      const none = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], { process: { env: [PATH_ENV], user: { uid: 4242, gid: 4242 } } })));
      expect(none.stdout.trim(), show(none)).toBe('HOME=/');
    });
  }

  it('cwd: a missing process.cwd is created 0755 (parents too) inside the root', async () => {
    const config = t.args(['sh', '-c', 'pwd; stat -c "%a %n" /mnt/a /mnt/a/b'], { process: { cwd: '/mnt/a/b' }, mounts: [...t.base().mounts!, tmpfsMount('/mnt')] });
    const r = expectOk(await runContainer(t, config));
    expect(r.stdout.trim().split('\n'), show(r)).toEqual(['/mnt/a/b', '755 /mnt/a', '755 /mnt/a/b']);
  });

  it('loopback: lo is up in a new network namespace and 127.0.0.1 serves inside the container', async () => {
    const namespaces = [...t.base().linux!.namespaces!.filter((n) => n.type !== 'network'), { type: 'network' as const }];
    const script = 'ip -o link show lo; mkdir /tmp/www; echo hello > /tmp/www/index.html; httpd -p 127.0.0.1:8080 -h /tmp/www; timeout 10 wget -q -O - http://127.0.0.1:8080/index.html';
    const config = t.args(['sh', '-c', script], { linux: { namespaces }, mounts: [...t.base().mounts!, tmpfsMount('/tmp')] });
    const r = expectOk(await runContainer(t, config));
    const [link, ...body] = r.stdout.trim().split('\n');
    expect(link, show(r)).toMatch(/<LOOPBACK,UP,LOWER_UP>/);
    expect(body, show(r)).toEqual(['hello']);
  });

  it('process group: the container process and an exec\'d one each lead their own session and group', async () => {
    const run = expectOk(await runContainer(t, t.args(['sh', '-c', STAT_IDS('1')])));
    expect(run.stdout.trim(), show(run)).toBe('1 1 1');
    const id = await sleeper(t);
    const r = expectOk(await t.tsrun(['exec', id, 'sh', '-c', `${STAT_IDS('$$')}`]));
    const [pid, pgrp, sid] = r.stdout.trim().split(' ').map(Number);
    expect(pid, show(r)).toBeGreaterThan(1);
    expect([pgrp, sid], `getpgrp() and getsid() of the exec'd shell ${pid}: ${show(r)}`).toEqual([pid, pid]);
  });

  it('tmpfs without mode= takes the mode of the directory it covers; a created mount point gets 1777', async () => {
    // The rootfs's /mnt is 0755, /tmp 1777, /root 0700; /mnt/new does not exist (a tmpfs root defaults to 1777).
    const plain = (destination: string, more: string[] = []) => ({ destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'size=1m', ...more] });
    const mounts = [...t.base().mounts!, plain('/mnt'), plain('/tmp'), plain('/mnt/new'), plain('/root', ['ro'])];
    const config = t.args(['sh', '-c', 'stat -c "%a %n" /mnt /tmp /mnt/new /root; touch /root/x 2>/dev/null || echo read-only'], { mounts });
    const r = expectOk(await runContainer(t, config));
    expect(r.stdout.trim().split('\n'), show(r)).toEqual(['755 /mnt', '1777 /tmp', '1777 /mnt/new', '700 /root', 'read-only']);
  });

  it('hooks without env: the runtime\'s environment and the bundle dir for the runtime\'s hooks, the process env for createContainer (in the rootfs dir) and startContainer (in process.cwd)', async () => {
    const base = t.args(['true'], { process: { env: [PATH_ENV, 'CONTAINER_MARK=yes'], cwd: '/etc' } });
    const { config, read } = t.withHostDir(base);
    const hostDir = config.mounts!.find((m) => m.destination === '/mnt')!.source!;
    // "<kind> <cwd> <HOOK_MARK> <CONTAINER_MARK> <PATH>" per hook, HOOK_MARK from tsrun's own environment.
    const hook = (kind: string, file: string) => ({ path: '/bin/sh', args: ['sh', '-c', `cat >/dev/null; echo "${kind} $(pwd) [$HOOK_MARK] [$CONTAINER_MARK] $PATH" >> ${file}`] });
    const kinds = ['prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop'];
    const hooks: Record<string, unknown[]> = Object.fromEntries(kinds.map((k) => [k, [hook(k, join(hostDir, 'hooks.log'))]]));
    hooks.startContainer = [hook('startContainer', '/mnt/hooks.log')];
    const bundle = t.bundle({ ...config, hooks } as Spec);
    const r = expectOk(await t.tsrun(['run', '-b', bundle, t.id('hooks')], { env: { HOOK_MARK: 'runtime' } }));
    const lines = new Map(read('hooks.log').trim().split('\n').map((l) => [l.split(' ')[0], l]));
    const runtimePath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    for (const k of ['prestart', 'createRuntime', 'poststart', 'poststop']) expect(lines.get(k), show(r)).toBe(`${k} ${bundle} [runtime] [] ${runtimePath}`);
    const containerPath = PATH_ENV.slice('PATH='.length);
    expect(lines.get('createContainer'), show(r)).toBe(`createContainer ${config.root!.path} [] [yes] ${containerPath}`);
    expect(lines.get('startContainer'), show(r)).toBe(`startContainer /etc [] [yes] ${containerPath}`);
  });

  it('seccomp: the native architecture is always in the filter (x86_64 host; a profile listing only x86 and x32 still applies its rules natively)', async () => {
    expect(process.arch, 'this test names the x86 family').toBe('x64');
    // getpgid: a syscall runc's own init does not make after loading the filter (with getppid
    // refused, runc 1.1's init crashes itself).
    const seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls: [{ names: ['getpgid'], action: 'SCMP_ACT_ERRNO', errnoRet: 42 }] };
    const r = expectOk(await runContainer(t, t.args(syscallArgs('getpgid', 0), { linux: { seccomp } })));
    expect(parseSyscall(r.stdout), show(r)).toEqual({ ret: -1, errno: 42 });
  });

  it('seccomp: SCMP_ACT_NOTIFY for write is refused with runc\'s wording, and nothing is left', async () => {
    const id = t.id('notify');
    const seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: join(t.scratch(), 'agent.sock'), syscalls: [{ names: ['getppid', 'write'], action: 'SCMP_ACT_NOTIFY' }] };
    const r = expectFail(await t.tsrun(['create', '-b', t.bundle(t.args(['true'], { linux: { seccomp } })), id]), /SCMP_ACT_NOTIFY cannot be used for the write syscall/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });

  if (t.mode === 'root') {
    it('device rules: access strings runc accepts (any order, repeats) are accepted; an empty one is refused (root: the rootless tier has no device cgroup)', async () => {
      const devices = (access: string) => ({ linux: { resources: { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access }] } } });
      for (const access of ['mwr', 'rrwwmm', 'wr']) {
        const r = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo x > /dev/null && echo ok'], devices(access))));
        expect(r.stdout.trim(), `${access}: ${show(r)}`).toBe('ok');
      }
      expectFail(await runContainer(t, t.args(['true'], devices(''))), /access/);
    });
  }

  it('a read-only /dev is made read-only after its entries exist: devices, /dev/pts and the /dev/ptmx symlink are there', async () => {
    const mounts = t.base().mounts!.map((m) => (m.destination === '/dev' ? { ...m, options: [...(m.options ?? []), 'ro'] } : m));
    const script = 'test -c /dev/null && test -d /dev/pts && readlink /dev/ptmx && (touch /dev/x 2>/dev/null && echo writable || echo read-only)';
    const r = expectOk(await runContainer(t, t.args(['sh', '-c', script], { mounts })));
    expect(r.stdout.trim().split('\n'), show(r)).toEqual(['pts/ptmx', 'read-only']);
  });
});
