// `tsrun features` (features.md, features-linux.md) from the built CLI: it validates against our
// features schema, and what it claims works here: every namespace it lists makes a container,
// the hooks it lists run (hooks.test.ts runs all six), tmpcopyup (for podman) fills a tmpfs.
// And `tsrun spec` (--rootless as the unprivileged tier, --bundle) writes a config that runs.
import { chownSync, existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { NamespaceType } from '../../src/spec/types.js';
import { validateFeatures } from '../../src/spec/validate.js';
import { forEachMode } from '../helpers/modes.js';
import { defaultCgroupDirs } from '../helpers/leftovers.js';
import { isRoot, otherRuntime, runnerOf } from '../helpers/host.js';
import { testRootfs } from '../helpers/rootfs.js';
import { startConsoleReceiver } from '../helpers/console.js';
import { expectFail, expectOk } from '../helpers/tsrun.js';

interface Features {
  hooks: string[];
  mountOptions: string[];
  linux: { namespaces: string[] };
}

forEachMode((t) => {
  async function features(): Promise<Features> {
    const r = expectOk(await t.tsrun(['features']));
    const doc: unknown = JSON.parse(r.stdout);
    expect(() => validateFeatures(doc)).not.toThrow();
    return doc as Features;
  }

  it('validates against the features schema and lists the six hook kinds', async () => {
    expect((await features()).hooks).toEqual(['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']);
  });

  it('every namespace it lists makes a container whose process is in a new one of that type', async () => {
    const { namespaces } = (await features()).linux;
    const file: Record<string, string> = { pid: 'pid', network: 'net', mount: 'mnt', ipc: 'ipc', uts: 'uts', user: 'user', cgroup: 'cgroup', time: 'time' };
    for (const type of namespaces) {
      expect(existsSync(`/proc/self/ns/${file[type]}`), `this kernel has ${type} namespaces`).toBe(true);
      const base = t.base();
      const list = base.linux!.namespaces!.some((n) => n.type === type) ? base.linux!.namespaces! : [...base.linux!.namespaces!, { type: type as NamespaceType }];
      // As root a new user namespace needs maps: the identity over the ids the base mounts use (devpts gid=5).
      const maps = type === 'user' && t.mode === 'root' ? { uidMappings: [{ containerID: 0, hostID: 0, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 0, size: 65536 }] } : {};
      const config = t.args(['readlink', `/proc/self/ns/${file[type]}`], { linux: { namespaces: list, ...maps } });
      const r = expectOk(await t.tsrun(['run', t.id('ns'), '-b', t.bundle(config)]));
      expect(r.stdout.trim(), type).toMatch(new RegExp(`^${file[type]}:\\[\\d+\\]$`));
      expect(r.stdout.trim(), `${type}: a new namespace`).not.toBe(readlinkSync(`/proc/self/ns/${file[type]}`));
    }
  });

  // runc 1.1 lchowns each copy to its owner, which rootless is unmapped (the test rootfs is host
  // root's): EINVAL, the run fails. tsrun keeps such a copy its creator's (addon/init/copyup.cc).
  const copyupRunc = otherRuntime && t.mode === 'rootless';
  it.skipIf(copyupRunc)(`tmpcopyup, which it lists, starts a tmpfs with what the directory held${t.mode === 'rootless' ? ' (rootless: deliberate difference from runc: runc 1.1 fails lchown EINVAL on files of unmapped owners)' : ''}${copyupRunc ? ' — SKIPPED under the oracle: runc 1.1 fails it rootless' : ''}`, async () => {
    expect((await features()).mountOptions).toContain('tmpcopyup');
    const config = t.args(['sh', '-c', 'ls /etc | head -3; touch /etc/new && echo writable'], {
      mounts: [...t.base().mounts!, { destination: '/etc', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'tmpcopyup'] }],
    });
    const r = expectOk(await t.tsrun(['run', t.id('copyup'), '-b', t.bundle(config)]));
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('writable');
    expect(lines.length, 'files of the read-only root were copied into the tmpfs').toBeGreaterThan(1);
  });

  const specBundle = (name: string) => {
    const bundle = join(t.scratch(), `${name}-${t.id('spec')}`);
    mkdirSync(bundle);
    if (isRoot) chownSync(bundle, runnerOf(t.mode).uid, runnerOf(t.mode).gid);
    symlinkSync(testRootfs(), join(bundle, 'rootfs'));
    return bundle;
  };
  // runc 1.1 refuses a root.path through a symlink ("invalid rootfs: not an absolute path, or a
  // symlink"; README: runc compatibility): under the oracle the spec's root goes to the real path.
  const runnable = (bundle: string) => {
    if (!otherRuntime) return;
    const file = join(bundle, 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as { root: { path: string } };
    config.root.path = testRootfs();
    writeFileSync(file, JSON.stringify(config, null, '\t'));
  };
  const rootlessFlag = t.mode === 'rootless' ? ['--rootless'] : [];

  it(`spec${rootlessFlag.map((f) => ` ${f}`).join('')} writes byte for byte what runc spec${rootlessFlag.map((f) => ` ${f}`).join('')} writes, but ociVersion (tsrun's); it runs with --console-socket`, async () => {
    const ours = specBundle('spec-ours');
    const theirs = specBundle('spec-runc');
    expectOk(await t.tsrun(['spec', '--bundle', ours, ...rootlessFlag]));
    expectOk(await t.runc(['spec', '--bundle', theirs, ...rootlessFlag]));
    const text = (b: string) => readFileSync(join(b, 'config.json'), 'utf8').replace(/^\t"ociVersion": "[^"]*",$/m, '\t"ociVersion": "",');
    expect(text(ours)).toBe(text(theirs));
    expect(JSON.parse(readFileSync(join(ours, 'config.json'), 'utf8'))).toMatchObject({ ...(otherRuntime ? {} : { ociVersion: '1.3.0' }), process: { terminal: true, args: ['sh'] } });
    runnable(ours);
    // What scripts do with it: create with a console socket, type into the shell.
    const id = t.id('spec-tty');
    const rcv = await startConsoleReceiver(join(t.scratch(), `${id}.sock`), 'echo typed-$((6*7)); exit 3\n');
    expectOk(await t.tsrun(['create', '--console-socket', rcv.socket, '-b', ours, id]));
    expectOk(await t.tsrun(['start', id]));
    expect((await rcv.done).stdout).toContain('typed-42');
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
  });

  it('spec --bundle writes a config.json that runs (--rootless for the unprivileged tier; terminal off for a run without one), and never overwrites one', async () => {
    const bundle = specBundle('spec');
    expectOk(await t.tsrun(['spec', '--bundle', bundle, ...rootlessFlag]));
    const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    expect(config.process.args).toEqual(['sh']);
    config.process.terminal = false;
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
    runnable(bundle);
    // runc's default: every device denied but the defaults (root only: rootless sets no rules).
    if (t.mode === 'root') {
      expect(config.linux.resources).toEqual({ devices: [{ allow: false, access: 'rwm' }] });
      const id = t.id('spec-devices');
      expectOk(await t.tsrun(['create', id, '-b', bundle]));
      // cgroup v1 shows the rules in devices.list (v2 compiles them into an eBPF program).
      const v1List = join(defaultCgroupDirs(id).find((d) => d.startsWith('/sys/fs/cgroup/devices/')) ?? '/nonexistent', 'devices.list');
      const list = existsSync(v1List) ? readFileSync(v1List, 'utf8') : undefined;
      expectOk(await t.tsrun(['delete', '--force', id]));
      if (list !== undefined) {
        expect(list).not.toContain('a *:* rwm');
        expect(list).toContain('c 1:3 rwm'); // /dev/null
      }
    } else expect(config.linux.resources).toBeUndefined();
    // The default process is a shell reading stdin (/dev/null here): it exits 0 at once.
    expectOk(await t.tsrun(['run', t.id('spec'), '-b', bundle]));
    expectFail(await t.tsrun(['spec', '--bundle', bundle]), /already exists/);
  });
});
