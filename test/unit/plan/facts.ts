// The HostFacts the plan unit tests compile with: a root runtime on a cgroup v1 host.
import type { HostFacts } from '../../../src/plan/types.js';

export const testFacts = (over: Partial<HostFacts> = {}): HostFacts => ({
  euid: 0,
  egid: 0,
  bundle: '/b',
  fifoPath: '/run/tsrun/x/exec.fifo',
  capLastCap: 40,
  noPivot: false,
  preserveFds: 0,
  sourceKind: (p) => (p.endsWith('.txt') ? 'file' : p.includes('missing') ? 'missing' : 'directory'),
  cgroupBinds: [{ name: 'memory', hostPath: '/sys/fs/cgroup/memory/tsrun/x' }],
  cgroupUnified: false,
  ...over,
});
