// forEachMode(): every integration test runs once per tier, root and rootless, each in its
// own describe with its own --root; after each test every container it made is deleted
// (`delete --force`) and nothing may be left: no state directory, no process, no mount.
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect } from 'vitest';
import { baseConfig, bindMount, type DeepPartial, type Spec, withArgs } from './config.js';
import { isRoot, type Mode, MODES, mountsUnder, pidAlive, poll, ROOT_SKIP_REASON, runnerOf, TEST_USER } from './host.js';
import { makeBundle, testRootfs } from './rootfs.js';
import { removeSandbox, sandbox, scratchDir, stateRoot } from './sandbox.js';
import { getState, type State, tsrun, type TsrunCall, type TsrunOptions, type TsrunResult, tsrunStart } from './tsrun.js';

export interface Tier {
  mode: Mode;
  /** A fresh container id, deleted after the test. */
  id(prefix?: string): string;
  /** baseConfig(mode, overrides). */
  base(overrides?: DeepPartial<Spec>): Spec;
  /** baseConfig(mode) running `args`. */
  args(args: string[], overrides?: DeepPartial<Spec>): Spec;
  /** A bundle dir with this config.json (object, or `text` verbatim; null: no config.json). */
  bundle(config: unknown, opts?: { text?: string }): string;
  tsrun(args: string[], opts?: TsrunOptions): Promise<TsrunResult>;
  /** The same command line through runc 1.1 (own --root, its containers deleted after the test): the oracle in the same test. */
  runc(args: string[], opts?: TsrunOptions): Promise<TsrunResult>;
  /** Start tsrun without waiting for it (a `run` to signal, say); ended after the test. */
  spawn(args: string[], opts?: TsrunOptions): TsrunCall;
  /** `state id`, asserted valid; remembers the pid for the leftover check. */
  state(id: string): Promise<State>;
  /** Poll `state id` until the status is `status` (or time is up); returns the last state. */
  waitStatus(id: string, status: State['status'], timeoutMs?: number): Promise<State>;
  /** The container's directory under --root. */
  stateDir(id: string): string;
  /** A directory the tier's runner can write to. */
  scratch(): string;
  /**
   * A host directory bound read-write at /mnt in the container (container root can write
   * it in both tiers): a channel from the container that does not depend on its stdio.
   * Returns the config with the mount added and a reader of files in the directory.
   */
  withHostDir(config: Spec): { config: Spec; read(name: string): string };
}

let seq = 0;

function makeTier(mode: Mode): Tier & { cleanup(): Promise<void> } {
  const ids = new Set<string>();
  const pids = new Map<string, number>();
  const spawned: TsrunCall[] = [];
  const tier = {
    mode,
    id(prefix = 'c') {
      const id = `${prefix}-${mode}-${process.pid}-${++seq}`;
      ids.add(id);
      return id;
    },
    base: (overrides?: DeepPartial<Spec>) => baseConfig(mode, overrides),
    args: (args: string[], overrides?: DeepPartial<Spec>) => withArgs(mode, args, overrides),
    bundle: (config: unknown, opts?: { text?: string }) => makeBundle(config, opts),
    tsrun: (args: string[], opts?: TsrunOptions) => tsrun(mode, args, opts),
    runc: (args: string[], opts?: TsrunOptions) => tsrun(mode, args, { ...opts, runc: true }),
    spawn(args: string[], opts?: TsrunOptions) {
      const call = tsrunStart(mode, args, opts);
      spawned.push(call);
      return call;
    },
    async state(id: string) {
      const s = await getState(mode, id);
      if (s.pid) pids.set(id, s.pid);
      return s;
    },
    async waitStatus(id: string, status: State['status'], timeoutMs = 5000) {
      let last: State | undefined;
      await poll(async () => (last = await tier.state(id)).status === status, timeoutMs, 50);
      return last!;
    },
    stateDir: (id: string) => join(stateRoot(mode), id),
    scratch: () => scratchDir(mode),
    withHostDir(config: Spec) {
      const dir = join(scratchDir(mode), `mnt-${++seq}`);
      mkdirSync(dir, { mode: 0o755 });
      const { uid, gid } = runnerOf(mode);
      if (isRoot) chownSync(dir, uid, gid);
      const read = (name: string) => {
        try {
          return readFileSync(join(dir, name), 'utf8');
        } catch {
          return '';
        }
      };
      return { config: { ...config, mounts: [...(config.mounts ?? []), bindMount(dir)] }, read };
    },

    async cleanup() {
      const root = stateRoot(mode);
      const present = existsSync(root) ? readdirSync(root) : [];
      const unregistered = present.filter((name) => !ids.has(name));
      const problems: string[] = [];
      for (const id of [...ids, ...unregistered]) {
        if (!existsSync(join(root, id))) continue;
        const s = await tsrun(mode, ['state', id]);
        if (s.exitCode === 0) {
          try {
            const pid = (JSON.parse(s.stdout) as State).pid;
            if (pid) pids.set(id, pid);
          } catch {
            /* the delete below still runs; the leftover checks judge */
          }
        }
        const d = await tsrun(mode, ['delete', '--force', id]);
        if (d.exitCode !== 0) problems.push(`delete --force ${id} failed (exit ${d.exitCode}): ${d.stderr.trim()}`);
      }
      const runcRoot = `${root}-runc`;
      for (const id of existsSync(runcRoot) ? readdirSync(runcRoot) : []) {
        const d = await tsrun(mode, ['delete', '--force', id], { runc: true });
        if (d.exitCode !== 0) problems.push(`runc delete --force ${id} failed (exit ${d.exitCode}): ${d.stderr.trim()}`);
      }
      for (const call of spawned.splice(0)) {
        const done = await Promise.race([call.result.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
        if (!done) {
          call.process.kill('SIGKILL');
          problems.push(`a spawned tsrun was still running 5s after its containers were deleted`);
        }
      }
      for (const id of unregistered) problems.push(`state root held ${id}, a container the test did not make through tier.id()`);
      for (const id of ids) if (existsSync(join(root, id))) problems.push(`state directory left: ${join(root, id)}`);
      for (const [id, pid] of pids) {
        if (await poll(() => !pidAlive(pid), 3000)) continue;
        problems.push(`process ${pid} of container ${id} still alive after delete`);
      }
      const mounts = [...mountsUnder(testRootfs()), ...mountsUnder(sandbox())];
      if (mounts.length) problems.push(`mounts left in the host namespace: ${mounts.join(', ')}`);
      ids.clear();
      pids.clear();
      expect(problems, `leftovers after the test (${mode})`).toEqual([]);
    },
  };
  return tier;
}

let registered = false;

/** Define the tests of `body` once per tier: `root` (skipped, saying why, when not root) and `rootless`. */
export function forEachMode(body: (t: Tier) => void): void {
  if (!registered) {
    registered = true;
    afterAll(() => removeSandbox());
  }
  for (const mode of MODES) {
    const skip = mode === 'root' && !isRoot;
    const who = mode === 'rootless' && isRoot ? TEST_USER : 'this user';
    const title = mode === 'root' ? (skip ? `root — ${ROOT_SKIP_REASON}` : 'root') : `rootless (as ${who})`;
    describe.skipIf(skip)(title, () => {
      const t = makeTier(mode);
      afterEach(() => t.cleanup());
      body(t);
    });
  }
}
