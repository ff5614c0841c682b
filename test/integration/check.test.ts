// tsrun check: every line of the host report against what the test reads itself, each check
// forced to fail, and `check --bundle` predicting `run`: a bundle it passes runs, a bundle it
// fails fails create for the reason it named. `check` is tsrun's own command (run from
// dist/tsrun.js also under TSRUN_TEST_RUNTIME); the `run`s it predicts are the runtime under
// test's, so with runc as the oracle the predictions are checked against runc.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BAD_CONFIGS, badConfigBundle } from '../helpers/badconfig-corpus.js';
import { baseConfig, type Spec } from '../helpers/config.js';
import { isRoot, type Mode, nodeBin, otherRuntime, runnerOf, tsrunJs } from '../helpers/host.js';
import { wideMappings } from '../helpers/idmaps.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { nodeAs, type NodeAsOptions } from '../helpers/node.js';
import { sandbox, stateRoot } from '../helpers/sandbox.js';
import { show } from '../helpers/tsrun.js';

interface HostCheck {
  id: string;
  verdict: 'ok' | 'missing' | 'fail';
  detail: string;
  fix?: string;
}
interface Problem {
  pointer: string;
  section: string;
  reason: string;
  fix: string;
}
interface Report {
  ok: boolean;
  rootless: boolean;
  host: HostCheck[];
  bundle?: { path: string; problems: Problem[] };
}

async function check(mode: Mode, args: string[], opts: NodeAsOptions = {}): Promise<{ exitCode?: number; report: Report; raw: string }> {
  const r = await nodeAs(mode, [tsrunJs, 'check', '--format', 'json', ...args], opts);
  expect(r.stderr, `check ${args.join(' ')}`).toBe('');
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as Report, raw: r.stdout };
}

/** `check` in a private mount namespace where `target` shows `content` (root only: mount(2)). */
async function checkShadowed(target: string, content: string, args: string[], env: Record<string, string> = {}) {
  const file = join(sandbox(), `shadow-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, content);
  const script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"';
  const r = await nodeAs('root', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', file, target, nodeBin, tsrunJs, ...args], { file: 'unshare', env });
  return r;
}

const byId = (r: Report, id: string): HostCheck => {
  const c = r.host.find((h) => h.id === id);
  if (!c) throw new Error(`no check ${id} in ${JSON.stringify(r.host.map((h) => h.id))}`);
  return c;
};

/** The reasons of a report as create would print them: "config.json: <pointer>: <reason>". */
const lines = (r: Report): string => (r.bundle?.problems ?? []).map((p) => `config.json: ${p.pointer}: ${p.reason} (${p.section})`).join('\n');

/** check --bundle and run of the same bundle agree: both pass, or both fail for `reason`. */
async function predicts(t: Tier, bundle: string, expected: { ok: true } | { ok: false; pointer: RegExp; stderr: RegExp }) {
  const c = await check(t.mode, ['-b', bundle]);
  const run = await t.tsrun(['run', t.id('pred'), '-b', bundle]);
  if (expected.ok) {
    expect(c.report.bundle!.problems, c.raw).toEqual([]);
    expect(c.exitCode).toBe(0);
    expect(run.exitCode, show(run)).toBe(0);
  } else {
    expect(c.exitCode, c.raw).toBe(1);
    expect(c.report.bundle!.problems.map((p) => p.pointer)).toContainEqual(expect.stringMatching(expected.pointer));
    expect(run.exitCode, show(run)).not.toBe(0);
    expect(run.stderr, show(run)).toMatch(expected.stderr);
  }
  return c.report;
}

/** Controllers of this host as the test reads them (mountinfo, cgroup.controllers). */
function hostCgroupFacts(): { mode: string; controllers: string[] } {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' - ')[1]?.split(' ') ?? []);
  const v1 = mounts.filter((m) => m[0] === 'cgroup').flatMap((m) => m[2].split(',')).filter((o) => ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids', 'hugetlb', 'net_cls', 'net_prio', 'perf_event', 'rdma', 'misc'].includes(o));
  const v2 = mounts.some((m) => m[0] === 'cgroup2');
  if (v1.length) return { mode: v2 ? 'v1 hybrid' : 'v1', controllers: [...new Set(v1)].sort() };
  return { mode: 'v2', controllers: readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').trim().split(' ').sort() };
}

forEachMode((t) => {
  describe('the host report', () => {
    it('has one line per check, each matching what the test reads itself', async () => {
      const { exitCode, report } = await check(t.mode, []);
      const rootless = t.mode === 'rootless';
      expect(report.rootless).toBe(rootless);
      const ids = ['userns', ...(rootless ? ['subuid', 'subgid', 'newuidmap', 'newgidmap'] : []), 'cgroup.layout', 'cgroup.delegation', 'cgroup.systemd', 'seccomp', 'idmap', 'timens', 'pidfd', 'openat2', 'lsm', 'criu'];
      expect(report.host.map((h) => h.id)).toEqual(ids);
      const release = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
      const max = readFileSync('/proc/sys/user/max_user_namespaces', 'utf8').trim();
      expect(byId(report, 'userns')).toMatchObject({ verdict: max === '0' ? (rootless ? 'fail' : 'missing') : 'ok', detail: expect.stringContaining(`user.max_user_namespaces=${max}`) });
      if (rootless) {
        const who = runnerOf(t.mode);
        for (const kind of ['uid', 'gid']) {
          const line = readFileSync(`/etc/sub${kind}`, 'utf8').split('\n').find((l) => l.startsWith(`${who.name}:`));
          const [, start, count] = (line ?? '::').split(':');
          expect(byId(report, `sub${kind}`)).toMatchObject(line ? { verdict: 'ok', detail: expect.stringContaining(`${start}-${Number(start) + Number(count) - 1}`) } : { verdict: 'missing' });
        }
        for (const helper of ['newuidmap', 'newgidmap']) {
          const st = statSync(`/usr/bin/${helper}`);
          expect(byId(report, helper).verdict).toBe(st.uid === 0 && st.mode & 0o4000 ? 'ok' : 'missing');
        }
      }
      const cg = hostCgroupFacts();
      expect(byId(report, 'cgroup.layout').detail).toMatch(new RegExp(`^cgroup ${cg.mode}\\b.*; controllers: ${cg.controllers.join(' ')}$`));
      const systemdHost = existsSync('/run/systemd/system') && existsSync('/sys/fs/cgroup/cgroup.controllers') && existsSync('/usr/bin/busctl');
      const systemd = byId(report, 'cgroup.systemd');
      expect(systemd.detail).toMatch(existsSync('/run/systemd/system') ? /systemd is PID 1/ : /systemd is not running/);
      // Rootless also needs the user's bus; where systemd is missing altogether neither tier has it.
      if (!systemdHost) expect(systemd.verdict).toBe('missing');
      else if (!rootless) expect(systemd.verdict).toBe('ok');
      const libseccomp = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }).includes('libseccomp.so.2');
      expect(byId(report, 'seccomp').verdict).toBe(libseccomp ? 'ok' : 'missing');
      for (const id of ['idmap', 'timens', 'pidfd', 'openat2']) expect(byId(report, id).detail).toContain(release);
      const apparmor = existsSync('/sys/module/apparmor/parameters/enabled') && readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
      expect(byId(report, 'lsm').verdict).toBe(apparmor || existsSync('/sys/fs/selinux/enforce') ? 'ok' : 'missing');
      const criu = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].map((d) => `${d}/criu`).find((p) => existsSync(p));
      expect(byId(report, 'criu').detail).toMatch(criu ? new RegExp(`criu at ${criu}`) : /not on PATH/);
      // As root the verdict is criu check's own (it fails on this host's 6.18 kernel: vdso).
      if (criu && !rootless) {
        const criuCheck = await execa(criu, ['check'], { reject: false });
        expect(byId(report, 'criu').verdict).toBe(criuCheck.exitCode === 0 ? 'ok' : 'missing');
        if (criuCheck.exitCode !== 0) expect(byId(report, 'criu').detail).toMatch(/criu check fails: .*Error/);
      }
      if (criu && rootless) expect(byId(report, 'criu')).toMatchObject({ verdict: 'missing', detail: expect.stringMatching(/need root/) });
      // Exit 0 exactly when no check says tsrun cannot run containers here.
      expect(exitCode).toBe(report.host.some((h) => h.verdict === 'fail') ? 1 : 0);
    });

    it('the text form prints the same checks, a fix under each that is not ok', async () => {
      const json = (await check(t.mode, [])).report;
      const r = await nodeAs(t.mode, [tsrunJs, 'check']);
      const text = r.stdout.split('\n');
      for (const c of json.host) {
        const i = text.findIndex((l) => l.includes(` ${c.id}: ${c.detail}`));
        expect(i, r.stdout).toBeGreaterThan(0);
        if (c.verdict !== 'ok') expect(text[i + 1]).toBe(`          fix: ${c.fix}`);
      }
    });

    it('criu: reported missing when it is not on PATH', async () => {
      const { report } = await check(t.mode, [], { env: { PATH: '/nonexistent:/bin' } });
      expect(byId(report, 'criu')).toMatchObject({ verdict: 'missing', detail: expect.stringMatching(/criu is not on PATH/) });
    });
  });

  describe('check --bundle predicts run', () => {
    it('the base config: check passes, run succeeds', async () => {
      await predicts(t, t.bundle(t.base()), { ok: true });
    });

    // Under another runtime only create's failure is compared: the wording of the reason is tsrun's.
    it.each(BAD_CONFIGS.map((c) => [c.name + (c.runcAccepts ? ` (runc accepts it: ${c.runcAccepts})` : ''), c] as const))('the bad-config corpus: %s fails check and create for the same reason', async (_n, c) => {
      const bundle = badConfigBundle(t, c);
      const chk = await check(t.mode, ['-b', bundle]);
      expect(chk.exitCode, chk.raw).toBe(1);
      expect(lines(chk.report)).toMatch(c.stderr);
      const create = await t.tsrun(['create', t.id('corpus'), '-b', bundle]);
      if (otherRuntime && c.runcAccepts) return void expect(create.exitCode, show(create)).toBe(0);
      expect(create.exitCode, show(create)).not.toBe(0);
      if (!otherRuntime) expect(create.stderr).toMatch(c.stderr);
    });

    it('a process.args[0] missing from the rootfs', async () => {
      await predicts(t, t.bundle(t.args(['/no/such/binary'])), { ok: false, pointer: /^\/process\/args\/0$/, stderr: /no\/such\/binary|no such file/i });
    });

    it('a missing root.path', async () => {
      await predicts(t, t.bundle(t.base({ root: { path: join(sandbox(), 'no-rootfs') } })), { ok: false, pointer: /^\/root\/path$/, stderr: /no-rootfs|no such file/i });
    });

    it('a namespace path that names no namespace', async () => {
      const config = t.base();
      config.linux!.namespaces!.push({ type: 'cgroup', path: '/proc/999999999/ns/cgroup' });
      await predicts(t, t.bundle(config), { ok: false, pointer: /^\/linux\/namespaces\/\d+\/path$/, stderr: /999999999|no such file/i });
    });

    it.skipIf(!!otherRuntime)(`a time namespace with offsets runs where the host has time namespaces${otherRuntime ? ' (SKIPPED: runc 1.1 has no time namespaces)' : ''}`, async () => {
      const config = t.base({ linux: { timeOffsets: { monotonic: { secs: 100, nanosecs: 0 } } } });
      config.linux!.namespaces!.push({ type: 'time' });
      const timens = byId((await check(t.mode, [])).report, 'timens').verdict === 'ok';
      await predicts(t, t.bundle(config), timens ? { ok: true } : { ok: false, pointer: /^\/linux\/namespaces\/\d+$/, stderr: /time/ });
    });

    it('process.apparmorProfile or selinuxLabel on a host without that LSM', async () => {
      const apparmor = existsSync('/sys/module/apparmor/parameters/enabled') && readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
      const selinux = existsSync('/sys/fs/selinux/enforce');
      if (apparmor && selinux) return void expect.fail('this host has both AppArmor and SELinux: no LSM is missing to test with');
      const process_ = apparmor ? { selinuxLabel: 'system_u:system_r:container_t:s0' } : { apparmorProfile: 'tsrun-test-profile' };
      await predicts(t, t.bundle(t.base({ process: process_ })), { ok: false, pointer: apparmor ? /^\/process\/selinuxLabel$/ : /^\/process\/apparmorProfile$/, stderr: apparmor ? /selinux/i : /apparmor/i });
    });

    it('a controller the host lacks (linux.resources needing it)', async () => {
      const { controllers, mode } = hostCgroupFacts();
      // One resource of a controller this host does not have.
      const candidates: [string, Spec['linux']][] = [
        ['hugetlb', { resources: { hugepageLimits: [{ pageSize: '2MB', limit: 2097152 }] } }],
        ['rdma', { resources: { rdma: { mlx5_0: { hcaHandles: 1 } } } }],
        ...(mode === 'v2' ? [] : ([['net_cls', { resources: { network: { classID: 1048577 } } }]] as [string, Spec['linux']][])),
      ];
      const pick = candidates.find(([c]) => !controllers.includes(c));
      if (!pick) return void expect.fail(`this host has every controller the test knows to ask for (${controllers.join(' ')})`);
      const report = await predicts(t, t.bundle(t.base({ linux: pick[1] })), { ok: false, pointer: /^\/linux\/resources/, stderr: new RegExp(`${pick[0]}|cgroup`) });
      if (t.mode === 'root') expect(lines(report)).toMatch(new RegExp(`no ${pick[0]} cgroup controller`));
    });

    it('resource limits: run only where the cgroup is delegated (rootless) or as root', async () => {
      const delegated = byId((await check(t.mode, [])).report, 'cgroup.delegation').verdict === 'ok';
      const bundle = t.bundle(t.base({ linux: { resources: { pids: { limit: 100 } } } }));
      await predicts(t, bundle, delegated ? { ok: true } : { ok: false, pointer: /^\/linux\/resources$/, stderr: /not writable|delegat|cgroup/ });
    });

    it('--systemd-cgroup: check predicts whether create can use the systemd driver here', async () => {
      const bundle = t.bundle(t.base({ linux: { cgroupsPath: 'system.slice:tsrun:x' } }));
      const r = await nodeAs(t.mode, [tsrunJs, '--systemd-cgroup', 'check', '--format', 'json', '-b', bundle]);
      const report = JSON.parse(r.stdout) as Report;
      const create = await t.tsrun(['--systemd-cgroup', 'create', t.id('sd'), '-b', bundle]);
      if (byId(report, 'cgroup.systemd').verdict === 'ok') {
        expect(report.bundle!.problems, r.stdout).toEqual([]);
        expect(create.exitCode, show(create)).toBe(0);
        return;
      }
      expect(r.exitCode).toBe(1);
      expect(report.bundle!.problems).toContainEqual(expect.objectContaining({ pointer: '/linux/cgroupsPath', reason: expect.stringMatching(/systemd/) }));
      expect(create.exitCode, show(create)).not.toBe(0);
      expect(create.stderr).toMatch(/systemd/);
    });
  });
});

/** A rootless config mapping container 0 to `who` and 1..65536 to host ids from 300000. */
function wideFor(who: { uid: number; gid: number }, t: Tier): Spec {
  const config = t.base();
  config.linux!.uidMappings = [{ containerID: 0, hostID: who.uid, size: 1 }, { containerID: 1, hostID: 300000, size: 65536 }];
  config.linux!.gidMappings = [{ containerID: 0, hostID: who.gid, size: 1 }, { containerID: 1, hostID: 300000, size: 65536 }];
  return config;
}

forEachMode((t) => {
  // Rootless only: root writes any map itself, without newuidmap or subordinate ids.
  describe.skipIf(t.mode === 'root')(`rootless id maps (${t.mode === 'root' ? 'SKIPPED as root: root writes any map itself' : 'newuidmap, /etc/subuid'})`, () => {
    it("the runner's own subordinate range: check passes, run succeeds", async () => {
      const wide = wideMappings(t.mode);
      if (!wide) return void expect.fail(`${runnerOf(t.mode).name} has no /etc/subuid range (global-setup gives it one)`);
      await predicts(t, t.bundle(t.base(wide)), { ok: true });
    });

    it('host ids outside its subordinate range: check names the mapping, run fails in newuidmap', async () => {
      await predicts(t, t.bundle(wideFor(runnerOf(t.mode), t)), { ok: false, pointer: /^\/linux\/uidMappings\/1$/, stderr: /newuidmap|newgidmap/ });
    });

    it('newuidmap that is not setuid: check reports it, run fails', async () => {
      if (!isRoot) return void expect.fail('needs root to copy newuidmap without its setuid bit');
      const dir = join(sandbox(), 'nosetuid');
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      for (const h of ['newuidmap', 'newgidmap']) {
        copyFileSync(`/usr/bin/${h}`, join(dir, h));
        chmodSync(join(dir, h), 0o755);
      }
      const PATH = `${dir}:/usr/sbin:/usr/bin:/sbin:/bin`;
      const { report } = await check(t.mode, [], { env: { PATH } });
      expect(byId(report, 'newuidmap')).toMatchObject({ verdict: 'missing', detail: expect.stringMatching(/is not setuid root/) });
      const wide = wideMappings(t.mode)!;
      const bundle = t.bundle(t.base(wide));
      const c = await check(t.mode, ['-b', bundle], { env: { PATH } });
      expect(c.exitCode).toBe(1);
      expect(c.report.bundle!.problems.map((p) => p.pointer)).toContain('/linux/uidMappings');
      const run = await t.tsrun(['run', t.id('nosuid'), '-b', bundle], { env: { PATH } });
      expect(run.exitCode, show(run)).not.toBe(0);
    });
  });
});

describe.skipIf(!isRoot)(`forced failures of host checks (root only: ${isRoot ? 'users and mount namespaces' : 'SKIPPED, not root'})`, () => {
  it('a user with no subordinate ids: subuid/subgid missing, and its wide mapping fails check and run', async () => {
    // nobody has no /etc/subuid range on Debian; the test makes sure.
    expect(readFileSync('/etc/subuid', 'utf8')).not.toMatch(/^nobody:/m);
    const dir = join(sandbox(), 'nobody');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    execFileSync('chown', ['nobody', dir]);
    const run = (args: string[]) =>
      nodeAs('root', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', nodeBin, tsrunJs, ...args], { file: 'setpriv', env: { HOME: dir }, cwd: dir });
    const host = JSON.parse((await run(['check', '--format', 'json'])).stdout) as Report;
    expect(byId(host, 'subuid')).toMatchObject({ verdict: 'missing', detail: expect.stringMatching(/no range for nobody/), fix: 'usermod --add-subuids 100000-165535 nobody' });
    expect(byId(host, 'subgid').verdict).toBe('missing');
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }));
    const base = baseConfig('rootless');
    base.linux!.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }, { containerID: 1, hostID: 300000, size: 1000 }];
    base.linux!.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }, { containerID: 1, hostID: 300000, size: 1000 }];
    const bundle = join(sandbox(), 'bundles', 'nobody-wide');
    mkdirSync(bundle, { recursive: true, mode: 0o755 });
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(base));
    const c = await run(['check', '--format', 'json', '-b', bundle]);
    expect(c.exitCode).toBe(1);
    expect((JSON.parse(c.stdout) as Report).bundle!.problems).toContainEqual(expect.objectContaining({ pointer: '/linux/uidMappings/1', reason: expect.stringMatching(/none/) }));
    const r = await run(['--root', join(dir, 'state'), 'run', 'nobody-wide', '-b', bundle]);
    expect(r.exitCode, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/newuidmap|newgidmap/);
    expect(existsSync(join(dir, 'state', 'nobody-wide'))).toBe(false);
  });

  it('user namespaces off (user.max_user_namespaces shadowed by 0): userns fails, exit 1', async () => {
    const r = await checkShadowed('/proc/sys/user/max_user_namespaces', '0\n', ['check', '--rootless', '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(byId(report, 'userns')).toMatchObject({ verdict: 'fail', fix: 'sysctl -w user.max_user_namespaces=15000' });
    expect(r.exitCode).toBe(1);
  });

  it('an old kernel (osrelease shadowed by 5.2): openat2 and pidfd fail, time ns and idmapped mounts missing', async () => {
    const r = await checkShadowed('/proc/sys/kernel/osrelease', '5.2.0\n', ['check', '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(byId(report, 'openat2').verdict).toBe('fail');
    expect(byId(report, 'pidfd').verdict).toBe('fail');
    expect(byId(report, 'timens').verdict).toBe('missing');
    expect(byId(report, 'idmap').verdict).toBe('missing');
    expect(r.exitCode).toBe(1);
  });

  it('libseccomp missing (its file shadowed by an empty one): seccomp missing; a profile fails check and run', async () => {
    const lib = realpathSync(/=> (\S+libseccomp\.so\.2)\b/.exec(execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }))![1]);
    const bundleDir = join(sandbox(), 'bundles', 'seccomp');
    mkdirSync(bundleDir, { recursive: true, mode: 0o755 });
    const config = baseConfig('root');
    config.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdirat'], action: 'SCMP_ACT_ERRNO' }] };
    writeFileSync(join(bundleDir, 'config.json'), JSON.stringify(config));
    const c = await checkShadowed(lib, '', ['check', '--format', 'json', '-b', bundleDir]);
    const report = JSON.parse(c.stdout) as Report;
    expect(byId(report, 'seccomp')).toMatchObject({ verdict: 'missing', fix: 'apt-get install libseccomp2' });
    expect(report.bundle!.problems.map((p) => p.pointer)).toContain('/linux/seccomp');
    expect(c.exitCode).toBe(1);
    const run = await checkShadowed(lib, '', ['--root', join(stateRoot('root'), '..', 'seccomp-state'), 'run', 'seccomp-missing', '-b', bundleDir]);
    expect(run.exitCode, run.stderr).not.toBe(0);
    expect(run.stderr).toMatch(/seccomp/i);
  });
});
