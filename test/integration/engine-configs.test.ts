// The corpus of real engine configs (test/fixtures/engine-configs/, captured by capture.sh with a
// recording runtime; engines and versions in VERSIONS.txt): each one runs with tsrun and with
// runc on the test rootfs, and what the probe sees, the mounts (point and type) and the exit
// status must agree; tsrun deliberately also binds a hybrid host's cgroup2 (not compared).
// Made to run here, each config is changed only where it names the capturing machine:
// root.path → a writable copy of the test rootfs; a bind source that does not exist here → a
// file or directory in the sandbox; a namespace path → this test process's namespace; hooks
// dropped (they name the engine's own binary); cgroupsPath made unique; process.args → the probe.
// Root-captured configs run in the root tier. Rootless podman ran the runtime inside its own
// user namespace, so a config of it without a user namespace gets one (the runner as root, or
// the runner's subordinate range) and keep-id's mappings are replaced by the runner's.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Spec } from '../../src/spec/types.js';
import { parseMountinfo, rootfsCopy } from '../helpers/fs.js';
import { wideMappings } from '../helpers/idmaps.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { PROBE } from '../helpers/probe.js';
import { otherRuntime, repoRoot, tsrunJs } from '../helpers/host.js';
import { nodeAs } from '../helpers/node.js';
import { removeEmptyCgroupDir } from '../helpers/leftovers.js';
import { sandbox } from '../helpers/sandbox.js';
import { show, type TsrunResult } from '../helpers/tsrun.js';

// The configs' cgroupsPath parent (below): the runtimes leave it.
afterAll(() => removeEmptyCgroupDir('/tsrun-corpus'));

const dir = join(repoRoot, 'test', 'fixtures', 'engine-configs');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const FILE_NAMES = new Set(['hosts', 'hostname', 'resolv.conf', '.containerenv', 'passwd', 'group']);
let rootfs: string | undefined;

const LIMIT_NAMES: Record<string, string> = { RLIMIT_NOFILE: 'Max open files', RLIMIT_NPROC: 'Max processes' };
/** This process's hard limit of an rlimit (/proc/self/limits), where it is a number. */
function hardLimit(type: string): number | undefined {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => LIMIT_NAMES[type] && l.startsWith(LIMIT_NAMES[type]));
  const hard = line?.slice(26).trim().split(/\s+/)[1];
  return hard && /^\d+$/.test(hard) ? Number(hard) : undefined;
}

/** The capturing machine's paths → this one's; see the header. */
function adapt(t: Tier, name: string, captured: Spec, runtime: string): Spec {
  const c = structuredClone(captured);
  rootfs ??= rootfsCopy();
  c.root = { ...c.root!, path: rootfs };
  delete c.hooks;
  const script = `${PROBE}; cat /proc/self/mountinfo`;
  c.process = { ...c.process!, args: ['sh', '-c', script], terminal: false };
  const local = join(sandbox(), 'engine-config-sources');
  c.mounts = (c.mounts ?? []).map((m) => {
    if (!m.source?.startsWith('/') || existsSync(m.source) || !(m.options ?? []).some((o) => o === 'bind' || o === 'rbind')) return m;
    const base = m.source.split('/').pop() ?? 'x';
    const path = join(local, name, m.destination.replace(/\//g, '_'));
    if (FILE_NAMES.has(base) || existsSync(join(rootfs!, m.destination)) && !existsSync(join(rootfs!, m.destination, '.'))) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, '');
    } else mkdirSync(path, { recursive: true, mode: 0o1777 });
    return { ...m, source: path };
  });
  const linux = (c.linux ??= {});
  linux.namespaces = (linux.namespaces ?? []).map((n) => (n.path ? { ...n, path: `/proc/${process.pid}/ns/${n.type === 'network' ? 'net' : n.type === 'mount' ? 'mnt' : n.type}` } : n));
  if (linux.cgroupsPath) linux.cgroupsPath = `/tsrun-corpus/${name}-${runtime}-${process.pid}`;
  if (t.mode === 'rootless') {
    // The runner's subordinate range when it has one: podman's /dev/pts has gid=5, unmapped in a single mapping.
    const maps = (wideMappings(t.mode) ?? t.base()).linux!;
    if (!linux.namespaces.some((n) => n.type === 'user')) linux.namespaces.push({ type: 'user' });
    type Maps = NonNullable<Spec['linux']>['uidMappings'];
    linux.uidMappings = maps.uidMappings as Maps;
    linux.gidMappings = maps.gidMappings as Maps;
    // runc refuses additional gids whenever it runs rootless ("cannot set any additional groups");
    // tsrun sets them when newgidmap mapped a range. keep-id lists the user's groups: dropped for both.
    delete c.process.user.additionalGids;
  }
  // Without CAP_SYS_RESOURCE (this machine's bounding set) no limit goes above the runtime's own hard limit.
  for (const r of c.process.rlimits ?? []) {
    const hard = hardLimit(r.type);
    if (hard !== undefined && r.hard > hard) Object.assign(r, { hard, soft: Math.min(r.soft, hard) });
  }
  return c;
}

/** Run to completion; the comparable part of the result: exit status, probe report, mount list (or the failure). */
function outcome(r: TsrunResult): unknown {
  if (r.exitCode !== 0) return { exit: r.exitCode };
  const [report, ...mountinfo] = r.stdout.trim().split('\n');
  // Mount points and types, sorted (sources and options are each runtime's own: runc names a masking tmpfs "tmpfs", tsrun "none").
  // On a hybrid host tsrun also shows the container its cgroup2 (/sys/fs/cgroup/unified); runc 1.1 binds the v1 hierarchies only.
  const mounts = parseMountinfo(mountinfo.join('\n')).map((m) => `${m.mountPoint} ${m.fstype}`).filter((m) => m !== '/sys/fs/cgroup/unified cgroup2').sort();
  return { exit: 0, probe: JSON.parse(report!) as unknown, mounts };
}

forEachMode((t) => {
  const mine = fixtures.filter((f) => (t.mode === 'rootless') === f.startsWith('podman-rootless-'));
  for (const f of mine) {
    const name = f.replace(/\.json$/, '');
    it(`${name}: tsrun and runc see the same (probe, mounts, exit status)`, async () => {
      const captured = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Spec;
      const bundle = t.bundle(adapt(t, name, captured, 'ours'));
      // tsrun check --bundle predicts tsrun's run: passes exactly when it runs (check.test.ts for the rest).
      const check = await nodeAs(t.mode, [tsrunJs, 'check', '--format', 'json', '-b', bundle]);
      const ours = await t.tsrun(['run', t.id('ours'), '-b', bundle]);
      const runc = await t.runc(['run', t.id('runc'), '-b', t.bundle(adapt(t, name, captured, 'runc'))]);
      const first = (r: TsrunResult) => `exit ${r.exitCode} ${r.stderr.trim().split('\n')[0] ?? ''}`.slice(0, 200);
      console.log(`${t.mode} ${name}: tsrun ${first(ours)} | runc ${first(runc)}`);
      // The one failure this machine causes: --privileged and --cap-add ALL ask for CAP_SYS_RESOURCE, not in its bounding set.
      if (runc.exitCode !== 0) expect(runc.stderr, `runc failed on an adapted config:\n${show(runc)}`).toMatch(/unable to apply caps/);
      if (ours.exitCode === 0) expect(ours.stderr, 'tsrun wrote to the container\'s stderr').not.toMatch(/tsrun/);
      if (!otherRuntime) expect(check.exitCode === 0, `check:\n${check.stdout}\ntsrun:\n${show(ours)}`).toBe(ours.exitCode === 0);
      expect(outcome(ours), `tsrun:\n${show(ours)}\nrunc:\n${show(runc)}`).toEqual(outcome(runc));
    });
  }
});

describe('the corpus', () => {
  it('holds every engine and flag set the issue lists, with their versions', () => {
    const want = ['cri-pod-sandbox', 'cri-container', 'docker-default', 'docker-privileged', 'docker-read-only', 'docker-user-1000', 'docker-cap-add-all', 'docker-seccomp-unconfined', 'docker-network-none', 'docker-network-host', 'podman-root-default', 'podman-root-privileged', 'podman-root-device', 'podman-rootless-default', 'podman-rootless-privileged', 'podman-rootless-userns-keep-id', 'podman-rootless-device', 'buildah-run', 'ctr-run'];
    expect(fixtures.map((f) => f.replace(/\.json$/, ''))).toEqual(expect.arrayContaining(want));
    expect(readFileSync(join(dir, 'VERSIONS.txt'), 'utf8')).toMatch(/docker[\s\S]*podman[\s\S]*buildah[\s\S]*containerd/);
  });
});
