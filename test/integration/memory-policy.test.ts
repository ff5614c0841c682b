// linux.memoryPolicy (config-linux.md#memory-policy): set_mempolicy(2) in the container, seen by
// the probe through get_mempolicy(2). This host has one memory node, node 0, so every mode is
// tried with that node. set_mempolicy needs no privilege: the rootless tier gets the same policy.
// runc 1.1.5 predates the field (runc 1.4 added it) and ignores it: under TSRUN_TEST_RUNTIME the
// tests that expect the policy applied are skipped, the title says so.
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { DeepPartial, Spec } from '../helpers/config.js';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { parseProbe, probeArgs } from '../helpers/probe.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const NO_RUNC = otherRuntime ? ' — SKIPPED: runc 1.1.5 has no linux.memoryPolicy' : '';
const STATIC = 0x8000;
const RELATIVE = 0x4000;
const BALANCING = 0x2000;
const node0 = existsSync('/sys/devices/system/node/node0');

forEachMode((t) => {
  async function policy(over: DeepPartial<Spec>, args = probeArgs()): Promise<unknown> {
    const r = expectOk(await t.tsrun(['run', t.id('mpol'), '-b', t.bundle(t.args(args, over))]));
    return parseProbe(r.stdout).mempolicy;
  }
  async function refused(memoryPolicy: unknown, message: RegExp): Promise<void> {
    const id = t.id('mpol-bad');
    const r = await t.tsrun(['create', id, '-b', t.bundle(t.args(probeArgs(), { linux: { memoryPolicy } as DeepPartial<Spec>['linux'] }))]);
    expectFail(r, message);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  }

  it('without memoryPolicy the process has the default policy', async () => {
    expect(await policy({})).toEqual({ mode: 0, nodes: [] });
  });

  const cases: [string, Record<string, unknown>, { mode: number; nodes: number[] }][] = [
    ['MPOL_BIND on node 0', { mode: 'MPOL_BIND', nodes: '0' }, { mode: 2, nodes: [0] }],
    ['MPOL_INTERLEAVE with MPOL_F_STATIC_NODES', { mode: 'MPOL_INTERLEAVE', nodes: '0', flags: ['MPOL_F_STATIC_NODES'] }, { mode: 3 | STATIC, nodes: [0] }],
    ['MPOL_WEIGHTED_INTERLEAVE with MPOL_F_RELATIVE_NODES', { mode: 'MPOL_WEIGHTED_INTERLEAVE', nodes: '0', flags: ['MPOL_F_RELATIVE_NODES'] }, { mode: 6 | RELATIVE, nodes: [0] }],
    ['MPOL_PREFERRED on node 0', { mode: 'MPOL_PREFERRED', nodes: '0' }, { mode: 1, nodes: [0] }],
    ['MPOL_PREFERRED_MANY on node 0', { mode: 'MPOL_PREFERRED_MANY', nodes: '0' }, { mode: 5, nodes: [0] }],
    ['MPOL_BIND with MPOL_F_NUMA_BALANCING', { mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_NUMA_BALANCING'] }, { mode: 2 | BALANCING, nodes: [0] }],
    ['MPOL_LOCAL', { mode: 'MPOL_LOCAL' }, { mode: 4, nodes: [] }],
    ['MPOL_DEFAULT', { mode: 'MPOL_DEFAULT' }, { mode: 0, nodes: [] }],
  ];
  for (const [title, memoryPolicy, want] of cases) {
    it.skipIf(!!otherRuntime || !node0)(`${title}: get_mempolicy in the container returns it${NO_RUNC}${node0 ? '' : ' — SKIPPED: no NUMA node 0'}`, async () => {
      expect(await policy({ linux: { memoryPolicy } as DeepPartial<Spec>['linux'] })).toEqual(want);
    });
  }

  it.skipIf(!!otherRuntime)(`an exec'd process gets the container's policy too${NO_RUNC}`, async () => {
    const id = t.id('mpol-exec');
    expectOk(await t.tsrun(['run', '-d', id, '-b', t.bundle(t.args(['sleep', '30'], { linux: { memoryPolicy: { mode: 'MPOL_BIND', nodes: '0' } } }))]));
    const r = expectOk(await t.tsrun(['exec', id, '/bin/probe']));
    expect(parseProbe(r.stdout).mempolicy).toEqual({ mode: 2, nodes: [0] });
  });

  it.skipIf(!!otherRuntime)(`a node the host lacks fails create with set_mempolicy's EINVAL, leaving nothing${NO_RUNC}`, async () => {
    await refused({ mode: 'MPOL_BIND', nodes: '1000' }, /memory policy: set_mempolicy mode 0x2 maxnode 1025: EINVAL/);
  });

  it.skipIf(!!otherRuntime)(`bad values are ConfigErrors naming the field${NO_RUNC}`, async () => {
    await refused({ mode: 'MPOL_BIND' }, /\/linux\/memoryPolicy\/nodes: MPOL_BIND needs at least one node \(config-linux.md#memory-policy\)/);
    await refused({ mode: 'MPOL_DEFAULT', nodes: '0' }, /\/linux\/memoryPolicy\/nodes: MPOL_DEFAULT takes no nodes/);
    await refused({ mode: 'MPOL_LOCAL', nodes: '0-1' }, /\/linux\/memoryPolicy\/nodes: MPOL_LOCAL takes no nodes/);
    await refused({ mode: 'MPOL_BIND', nodes: '3-1' }, /\/linux\/memoryPolicy\/nodes: range 3-1 ends before it starts/);
    await refused({ mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_STATIC_NODES', 'MPOL_F_RELATIVE_NODES'] }, /\/linux\/memoryPolicy\/flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES are mutually exclusive/);
    await refused({ mode: 'MPOL_INTERLEAVE', nodes: '0', flags: ['MPOL_F_NUMA_BALANCING'] }, /\/linux\/memoryPolicy\/flags: MPOL_F_NUMA_BALANCING needs mode MPOL_BIND or MPOL_PREFERRED_MANY/);
    // The schema's enums and pattern, before the compiler.
    await refused({ mode: 'MPOL_SOMETIMES' }, /\/linux\/memoryPolicy\/mode: must be one of MPOL_DEFAULT/);
    await refused({ mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_FAST'] }, /\/linux\/memoryPolicy\/flags\/0: must be one of/);
    await refused({ mode: 'MPOL_BIND', nodes: 'zero' }, /\/linux\/memoryPolicy\/nodes: must be a comma-separated list/);
  });
});
