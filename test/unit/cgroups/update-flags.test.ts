import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseDurationMs } from '../../../src/runtime/duration.js';
import { filterPsOutput } from '../../../src/runtime/ps.js';
import { parseBytes, resourcesFromFlags } from '../../../src/runtime/update-flags.js';

describe('update flags', () => {
  it('sizes', () => {
    expect(parseBytes('memory', '512m')).toBe(512 * 1024 ** 2);
    expect(parseBytes('memory', '1G')).toBe(1024 ** 3);
    expect(parseBytes('memory', '4096')).toBe(4096);
    expect(parseBytes('memory', '-1')).toBe(-1);
    expect(() => parseBytes('memory', 'lots')).toThrow(/--memory: invalid size/);
  });
  it('only given flags, over --resources', () => {
    expect(resourcesFromFlags({})).toEqual({});
    expect(resourcesFromFlags({ memory: '1m', 'pids-limit': 5, 'cpu-quota': 1000, 'cpuset-cpus': '0' }, { memory: { swap: -1 }, cpu: { shares: 10 } })).toEqual({
      memory: { swap: -1, limit: 1024 * 1024 },
      cpu: { shares: 10, quota: 1000, cpus: '0' },
      pids: { limit: 5 },
    });
  });
});

describe('ps output filter', () => {
  it('keeps the header and the rows of the given pids', () => {
    const out = 'UID PID PPID CMD\nroot 1 0 init\nroot 42 1 sleep 30\nroot 420 1 other\n';
    expect(filterPsOutput(out, [42])).toEqual(['UID PID PPID CMD', 'root 42 1 sleep 30']);
    expect(() => filterPsOutput('A B\n1 2\n', [1])).toThrow(/no PID column/);
  });
});

describe('events --interval', () => {
  it('Go durations and bare seconds', () => {
    expect(['5s', '250ms', '1m', '2', '0.5'].map((d) => parseDurationMs('interval', d))).toEqual([5000, 250, 60_000, 2000, 500]);
    expect(() => parseDurationMs('interval', '0')).toThrow(/--interval: invalid duration "0"/);
    expect(() => parseDurationMs('interval', '5 parsecs')).toThrow(UsageError);
  });
});
