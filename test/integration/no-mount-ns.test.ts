// A container without its own mount namespace (issue 12 item 9; no "mount" in linux.namespaces,
// as the runtime conformance tests use): runc 1.1 sets its rootfs up in the caller's mount
// namespace (prepareRootfs: "/" made rslave, the rootfs bound onto itself, the config's mounts
// below it) and chroot(2)s into it (rootfs_linux.go chroot()). Those mounts land in the caller's
// namespace, so every runtime call here runs inside `unshare -m --propagation slave` over a copy
// of the test rootfs: nothing reaches the host's namespace, and the namespace dies with the call.
// Rootless, the same inside the runner's own user namespace (`unshare -Ur`, the runner mapped to
// root), where the kernel lets it mount: the container then has no user namespace of its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Spec } from '../helpers/config.js';
import { BASE_HOSTNAME } from '../helpers/config.js';
import { parseMountinfo, rootfsCopy } from '../helpers/fs.js';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { stateRoot } from '../helpers/sandbox.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

/** tsrun unmounts what it mounted in the caller's namespace on delete and on a failed create; runc 1.1.5 leaves it. */
const CLEANUP = otherRuntime ? 'runc 1.1 leaves the rootfs bind and its mounts in the caller\'s namespace' : 'tsrun detaches the rootfs bind it made (runc 1.1 leaves it and its mounts)';
/** config.md#root: "the root filesystem MUST be read-only"; runc 1.1 skips finalizeRootfs without NEWNS. */
const READONLY = otherRuntime ? 'runc 1.1 ignores root.readonly here' : 'root.readonly holds, as config.md#root says (runc 1.1 ignores it here)';

let outputs = 0;

/**
 * The runtime's argv under `unshare [-Ur] -m --propagation slave sh -c SCRIPT DIR` (-Ur rootless:
 * the runner's own user namespace owns the new mount namespace): the script sees the runtime
 * command line (with --root) as "$@", a fresh directory for its files as $0.
 */
function inOwnMountNs(t: Tier, script: string): { wrap: string[]; dir: string } {
  const dir = join(t.scratch(), `nomnt-${++outputs}`);
  const userns = t.mode === 'rootless' ? ['-Ur'] : [];
  return { wrap: ['unshare', ...userns, '-m', '--propagation', 'slave', 'sh', '-c', `mkdir -p "$0" && readlink /proc/self/ns/mnt > "$0/ns" && ${script}`, dir], dir };
}

/** Mount points at or under dir in a mountinfo text. */
const mountsIn = (mountinfo: string, dir: string): string[] =>
  parseMountinfo(mountinfo).map((m) => m.mountPoint).filter((p) => p === dir || p.startsWith(dir + '/'));

forEachMode((t) => {
  const withoutMountNs = (config: Spec, linux: Record<string, unknown> = {}): Spec => {
    const namespaces = (config.linux?.namespaces ?? []).filter((n) => n.type !== 'mount');
    return { ...config, linux: { ...config.linux, namespaces, ...linux } };
  };

  it.each([['maskedPaths', '/proc/kcore'], ['readonlyPaths', '/proc/sys']])('create refuses linux.%s without a mount namespace (runc: "unable to restrict sys entries"), leaves nothing', async (field, path) => {
    const id = t.id('nomnt');
    const r = await t.tsrun(['create', id, '-b', t.bundle(withoutMountNs(t.args(['true']), { [field]: [path] }))]);
    expectFail(r, /unable to restrict sys entries without a private MNT namespace/);
    expect(existsSync(join(stateRoot(t.mode), id))).toBe(false);
  });

  // A new user namespace owns no mount namespace but one it creates (mount_namespaces(7)): runc's
  // first mount ("/" rslave) fails EPERM; tsrun says so before anything exists. So a rootless
  // runtime runs such a container only inside a user namespace of its own (the cases below).
  it('create with a new user namespace and no mount namespace fails (runc: mount "/": operation not permitted), leaves nothing', async () => {
    const rootfs = rootfsCopy();
    const maps = t.mode === 'root' ? { uidMappings: [{ containerID: 0, hostID: 0, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 0, size: 65536 }] } : {};
    const namespaces = [...(t.base().linux?.namespaces ?? []).filter((n) => n.type !== 'mount' && n.type !== 'user'), { type: 'user' as const }];
    const config = withoutMountNs(t.args(['true'], { root: { path: rootfs } }), { namespaces, ...maps });
    const id = t.id('nomnt');
    // As root the runtime could mount: in a namespace of its own, so a runtime that did leaks nothing.
    const own = t.mode === 'root' ? inOwnMountNs(t, '"$@"; rc=$?; cat /proc/self/mountinfo > "$0/mountinfo"; exit $rc') : undefined;
    const r = await t.tsrun(['create', id, '-b', t.bundle(config)], own ? { wrap: own.wrap } : {});
    expectFail(r, /mount.*operation not permitted/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
    if (own) expect(mountsIn(readFileSync(join(own.dir, 'mountinfo'), 'utf8'), rootfs), show(r)).toEqual([]);
  });

  // The cases below run in inOwnMountNs; rootless, its user namespace is the container's.
  const WHERE = t.mode === 'rootless' ? ' (rootless: in the runner\'s own user namespace, unshare -Ur, with no user namespace of its own)' : '';
  const shared = (config: Spec): Spec => {
    const out = withoutMountNs(config);
    if (t.mode === 'root') return out;
    const { uidMappings: _u, gidMappings: _g, ...linux } = out.linux!;
    return { ...out, linux: { ...linux, namespaces: linux.namespaces!.filter((n) => n.type !== 'user') } };
  };

  it(`run: the process shares the caller's mount namespace, chrooted into its rootfs with its own /proc, /dev and hostname; ${READONLY}; after delete ${CLEANUP}${WHERE}`, async () => {
    const rootfs = rootfsCopy();
    writeFileSync(join(rootfs, 'nomnt-marker'), 'the rootfs copy\n');
    const script = [
      'echo ns=$(readlink /proc/self/ns/mnt) pid=$$ host=$(hostname)',
      'cat /nomnt-marker',
      'test -c /dev/null && echo devnull',
      'grep -q "^proc /proc proc " /proc/self/mounts && echo proc',
      'awk \'$5 == "/" { split($6, o, ","); print "root=" o[1] }\' /proc/self/mountinfo',
    ].join('; ');
    const config = shared(t.args(['sh', '-c', script], { root: { path: rootfs, readonly: true } }));
    const own = inOwnMountNs(t, '"$@"; rc=$?; cat /proc/self/mountinfo > "$0/mountinfo"; exit $rc');
    const r = expectOk(await t.tsrun(['run', t.id('nomnt'), '-b', t.bundle(config)], { wrap: own.wrap }));
    const ns = readFileSync(join(own.dir, 'ns'), 'utf8').trim();
    expect(r.stdout).toContain(`ns=${ns} pid=1 host=${BASE_HOSTNAME}\nthe rootfs copy\ndevnull\nproc\n`);
    expect(r.stdout).toContain(otherRuntime ? 'root=rw' : 'root=ro');
    const left = mountsIn(readFileSync(join(own.dir, 'mountinfo'), 'utf8'), rootfs);
    if (otherRuntime) expect(left, show(r)).toEqual(expect.arrayContaining([rootfs, `${rootfs}/proc`, `${rootfs}/dev`]));
    else expect(left, show(r)).toEqual([]);
  });

  it(`create binds the rootfs in the caller's namespace, state says created, delete ends it; ${CLEANUP}${WHERE}`, async () => {
    const rootfs = rootfsCopy();
    const id = t.id('nomnt');
    const script = '"$@" create -b "$NOMNT_BUNDLE" "$NOMNT_ID" || exit $?; cat /proc/self/mountinfo > "$0/created"; "$@" state "$NOMNT_ID" > "$0/state" || exit $?; "$@" delete "$NOMNT_ID"; rc=$?; cat /proc/self/mountinfo > "$0/deleted"; exit $rc';
    const own = inOwnMountNs(t, script);
    const env = { NOMNT_BUNDLE: t.bundle(shared(t.args(['true'], { root: { path: rootfs } }))), NOMNT_ID: id };
    const r = expectOk(await t.tsrun([], { wrap: own.wrap, env }));
    expect(JSON.parse(readFileSync(join(own.dir, 'state'), 'utf8')).status, show(r)).toBe('created');
    expect(mountsIn(readFileSync(join(own.dir, 'created'), 'utf8'), rootfs), show(r)).toEqual(expect.arrayContaining([rootfs, `${rootfs}/proc`, `${rootfs}/dev`]));
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
    const left = mountsIn(readFileSync(join(own.dir, 'deleted'), 'utf8'), rootfs);
    if (otherRuntime) expect(left, show(r)).toContain(rootfs);
    else expect(left, show(r)).toEqual([]);
  });

  it(`a create that fails after the rootfs bind (a mount of an unknown type) leaves no state${otherRuntime ? '' : ' and no mount'} (${CLEANUP})${WHERE}`, async () => {
    const rootfs = rootfsCopy();
    const base = t.args(['true'], { root: { path: rootfs } });
    const config = shared({ ...base, mounts: [...(base.mounts ?? []), { destination: '/mnt', type: 'nosuchfs', source: 'none' }] });
    const id = t.id('nomnt');
    const own = inOwnMountNs(t, '"$@"; rc=$?; cat /proc/self/mountinfo > "$0/mountinfo"; exit $rc');
    const r = await t.tsrun(['create', id, '-b', t.bundle(config)], { wrap: own.wrap });
    expectFail(r, /no such device/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
    const left = mountsIn(readFileSync(join(own.dir, 'mountinfo'), 'utf8'), rootfs);
    if (otherRuntime) expect(left, show(r)).toContain(rootfs);
    else expect(left, show(r)).toEqual([]);
  });

  // runc 1.1.5 closes its fds through /proc/self/fd after the chroot, which only the config's /proc gives it.
  const NO_PROC = otherRuntime ? 'runc 1.1 fails: "error closing exec fds: open /proc/self/fd"' : 'it runs (runc 1.1 fails: "error closing exec fds: open /proc/self/fd")';
  it(`without a /proc mount in the config: ${NO_PROC}${WHERE}`, async () => {
    const rootfs = rootfsCopy();
    const base = t.args(['sh', '-c', 'echo ran; ls /proc | wc -l'], { root: { path: rootfs } });
    const config = shared({ ...base, mounts: (base.mounts ?? []).filter((m) => m.destination !== '/proc') });
    const own = inOwnMountNs(t, '"$@"; rc=$?; cat /proc/self/mountinfo > "$0/mountinfo"; exit $rc');
    const r = await t.tsrun(['run', t.id('nomnt'), '-b', t.bundle(config)], { wrap: own.wrap });
    if (otherRuntime) return void expectFail(r, /error closing exec fds: open \/proc\/self\/fd/);
    expectOk(r);
    expect(r.stdout).toBe('ran\n0\n');
    expect(mountsIn(readFileSync(join(own.dir, 'mountinfo'), 'utf8'), rootfs), show(r)).toEqual([]);
  });

  const EXEC_ROOT = otherRuntime
    ? 'at the caller\'s root: runc 1.1 does not chroot it, it sees the host\'s filesystem'
    : 'chrooted into the container\'s rootfs (runc 1.1 leaves it at the caller\'s root, the host\'s filesystem)';
  it(`exec: the process stays in the caller's mount namespace, ${EXEC_ROOT}${WHERE}`, async () => {
    const rootfs = rootfsCopy();
    writeFileSync(join(rootfs, 'nomnt-marker'), 'the rootfs copy\n');
    const id = t.id('nomnt');
    const probe = 'cat /nomnt-marker 2>/dev/null || echo no marker; echo ns=$(readlink /proc/self/ns/mnt)';
    const script = `"$@" create -b "$NOMNT_BUNDLE" "$NOMNT_ID" || exit $?; "$@" start "$NOMNT_ID" || exit $?; "$@" exec "$NOMNT_ID" sh -c '${probe}' > "$0/exec"; rc=$?; "$@" delete --force "$NOMNT_ID"; exit $rc`;
    const own = inOwnMountNs(t, script);
    const env = { NOMNT_BUNDLE: t.bundle(shared(t.args(['sleep', '30'], { root: { path: rootfs } }))), NOMNT_ID: id };
    const r = expectOk(await t.tsrun([], { wrap: own.wrap, env }));
    const ns = readFileSync(join(own.dir, 'ns'), 'utf8').trim();
    const seen = readFileSync(join(own.dir, 'exec'), 'utf8');
    expect(seen, show(r)).toContain(`ns=${ns}\n`);
    expect(seen, show(r)).toContain(otherRuntime ? 'no marker\n' : 'the rootfs copy\n');
  });

  const NO_CRASH = otherRuntime ? ' — SKIPPED: TSRUN_TEST_CRASH_AT is tsrun\'s fault injection' : '';
  it.skipIf(!!NO_CRASH).each(['created-received', 'state-pid', 'acked'])(`tsrun killed at create step %s: delete --force detaches the rootfs bind the init made (the record names it from before the init ran)${NO_CRASH || WHERE}`, async (step) => {
    const rootfs = rootfsCopy();
    const id = t.id('nomnt');
    const script = 'TSRUN_TEST_CRASH_AT=$NOMNT_STEP "$@" create -b "$NOMNT_BUNDLE" "$NOMNT_ID"; cat /proc/self/mountinfo > "$0/crashed"; "$@" delete --force "$NOMNT_ID" || exit $?; cat /proc/self/mountinfo > "$0/deleted"';
    const own = inOwnMountNs(t, script);
    const env = { NOMNT_BUNDLE: t.bundle(shared(t.args(['true'], { root: { path: rootfs } }))), NOMNT_ID: id, NOMNT_STEP: step };
    const r = expectOk(await t.tsrun([], { wrap: own.wrap, env }));
    expect(r.stderr).toContain(`TSRUN_TEST_CRASH_AT=${step}: killing myself`);
    expect(mountsIn(readFileSync(join(own.dir, 'crashed'), 'utf8'), rootfs), show(r)).toContain(rootfs);
    expect(mountsIn(readFileSync(join(own.dir, 'deleted'), 'utf8'), rootfs), show(r)).toEqual([]);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });
});
