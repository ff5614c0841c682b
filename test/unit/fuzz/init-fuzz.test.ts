// tsrun-init's plan decoder under libFuzzer (addon/init/fuzz/plan-fuzz.cc, clang with ASan and
// UBSan), seeded with the compiled plans of the test configs: a bounded run (60 s in CI, 15 s
// otherwise; TSRUN_FUZZ_SECONDS overrides) that fails on any crash, leak or hang.
import { spawnSync } from 'node:child_process';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePlan } from '../../../src/plan/compile.js';
import { encodePlan } from '../../../src/plan/encode.js';
import { compileExecPlan } from '../../../src/plan/exec.js';
import type { Spec } from '../../../src/spec/types.js';
import { defaultSpec } from '../../../src/runtime/spec.js';
import { validateConfig } from '../../../src/spec/validate.js';
import { testFacts } from '../plan/facts.js';
import { mutate, rng } from './mutate.js';

const repo = join(import.meta.dirname, '..', '..', '..');
const SECONDS = Number(process.env.TSRUN_FUZZ_SECONDS ?? (process.env.CI ? 60 : 15));
const work = mkdtempSync(join(tmpdir(), 'tsrun-init-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const facts = testFacts({ sourceKind: () => 'directory', cgroupBinds: [] });

/** The encoded plans of the example bundles, the default specs, variants of them and seeded mutations. */
function seedPlans(): Buffer[] {
  const plans: Buffer[] = [];
  const add = (spec: Spec, over = {}, pre = {}) => {
    try {
      plans.push(Buffer.from(encodePlan(compilePlan(spec, { ...facts, ...over }, pre).steps)));
    } catch {
      /* a config the compiler refuses has no plan */
    }
  };
  // `tsrun spec` writes runc's terminal: true, which needs a console socket: seed without one.
  const noTerminal = (spec: Spec): Spec => ({ ...spec, process: { ...spec.process!, terminal: false } });
  const root = noTerminal(defaultSpec(undefined));
  const rootless = noTerminal(defaultSpec({ uid: 1000, gid: 1000 }));
  add(root);
  add(rootless, { euid: 1000, egid: 1000 });
  for (const file of ['config.json', 'config.rootless.json']) add(JSON.parse(readFileSync(join(repo, 'bundles', 'busybox', file), 'utf8')) as Spec);
  const hook = { path: '/bin/true', args: ['true', 'a'], env: ['A=1'], timeout: 5 };
  add({ ...root, hooks: { createContainer: [hook], startContainer: [hook], prestart: [hook] } });
  add({ ...root, process: { ...root.process!, terminal: true, env: [], cwd: '/a/b' } }, { consoleSocket: '/run/c.sock' });
  add({ ...root, mounts: [...root.mounts!, { destination: '/i', type: 'bind', source: '/s', options: ['rbind', 'idmap'], uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] }] });
  add(root, {}, { seccomp: { bpf: Buffer.alloc(16), flags: 8, notify: true } });
  // No mount namespace: OP_CHROOT_SHARED instead of pivot_root (no masked or read-only paths there).
  const linux = root.linux!;
  add({ ...root, linux: { ...linux, namespaces: linux.namespaces!.filter((n) => n.type !== 'mount'), maskedPaths: [], readonlyPaths: [] } });
  plans.push(Buffer.from(encodePlan(compileExecPlan(root.process!, { pid: 42, namespaces: ['mount', 'pid', 'ipc'], capLastCap: 40, preserveFds: 2 }).steps)));
  plans.push(Buffer.from(encodePlan(compileExecPlan(root.process!, { pid: 42, namespaces: ['pid'], sharedMountNs: true, capLastCap: 40, preserveFds: 0 }).steps)));
  const random = rng(0x1e57);
  for (let i = 0; i < 300 && plans.length < 120; i++) {
    const doc = mutate(JSON.parse(JSON.stringify(root)), random);
    try {
      validateConfig(doc);
    } catch {
      continue;
    }
    add(doc as Spec);
  }
  return plans;
}

// Asynchronous on purpose: a worker blocked in spawnSync for a minute misses vitest's RPC
// deadline ("Timeout calling onTaskUpdate"), an unhandled error that fails the whole run.
async function buildFuzzer(): Promise<string> {
  const out = join(work, 'plan-fuzz');
  const init = join(repo, 'addon', 'init');
  await execa('clang++', ['-std=c++17', '-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all', join(init, 'fuzz', 'plan-fuzz.cc'), join(init, 'plan.cc'), '-o', out]);
  return out;
}

describe('tsrun-init plan decoder (libFuzzer)', () => {
  it(`survives ${SECONDS} s of fuzzing from a corpus of compiled plans`, async () => {
    const clang = spawnSync('clang++', ['--version']);
    expect(clang.error, 'clang++ (Debian package clang) is needed for the fuzz target; .ci/run installs it').toBeUndefined();
    const fuzzer = await buildFuzzer();
    const corpus = join(work, 'corpus');
    mkdirSync(corpus);
    const seeds = seedPlans();
    expect(seeds.length).toBeGreaterThan(10);
    seeds.forEach((plan, i) => writeFileSync(join(corpus, `plan-${i}`), plan));
    const artifacts = join(work, 'artifacts') + '/';
    mkdirSync(artifacts);
    const r = await execa(fuzzer, [`-max_total_time=${SECONDS}`, '-timeout=5', '-rss_limit_mb=1024', '-max_len=65536', `-artifact_prefix=${artifacts}`, '-print_final_stats=1', corpus], { reject: false, timeout: (SECONDS + 60) * 1000 });
    const log = r.stderr.split('\n').slice(-30).join('\n');
    expect(readdirSync(artifacts), log).toEqual([]);
    expect(r.exitCode, log).toBe(0);
    expect(log).toMatch(/stat::number_of_executed_units:\s*[1-9]/);
  }, (SECONDS + 120) * 1000);
});
