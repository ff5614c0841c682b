import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { ACTIONS, OPERATORS, normalizeSeccomp } from '../../src/seccomp/compile.js';
import type { Seccomp } from '../../src/spec/types.js';

const ALLOW = 0x7fff0000;
const ERRNO = (e: number): number => (0x00050000 | e) >>> 0;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('normalizeSeccomp', () => {
  it('maps the spec example (errno defaults to EPERM, architectures to libseccomp names)', () => {
    const s: Seccomp = {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [{ names: ['getcwd', 'chmod'], action: 'SCMP_ACT_ERRNO' }],
    };
    expect(normalizeSeccomp(s, 'x64')).toEqual({
      defaultAction: ALLOW,
      architectures: ['x86', 'x32'],
      rules: [
        { name: 'getcwd', action: ERRNO(1), args: [] },
        { name: 'chmod', action: ERRNO(1), args: [] },
      ],
      flags: 0,
      skipped: [],
      notify: false,
      droppedFlags: [],
    });
  });

  it('maps every action', () => {
    const act = (a: string, errnoRet?: number): number =>
      normalizeSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: a, errnoRet }] }, 'x64').rules[0]!.action;
    expect(act('SCMP_ACT_KILL')).toBe(0);
    expect(act('SCMP_ACT_KILL_THREAD')).toBe(0);
    expect(act('SCMP_ACT_KILL_PROCESS')).toBe(0x80000000);
    expect(act('SCMP_ACT_TRAP')).toBe(0x00030000);
    expect(act('SCMP_ACT_ERRNO', 38)).toBe(0x00050026);
    expect(act('SCMP_ACT_TRACE')).toBe(0x7ff00001);
    expect(act('SCMP_ACT_TRACE', 7)).toBe(0x7ff00007);
    expect(act('SCMP_ACT_LOG')).toBe(0x7ffc0000);
    expect(normalizeSeccomp({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 }).defaultAction).toBe(0x00050026);
    expect(normalizeSeccomp({ defaultAction: 'SCMP_ACT_KILL_PROCESS' }).defaultAction).toBe(0x80000000);
  });

  it('uses the native architecture when none is listed, and dedupes', () => {
    expect(normalizeSeccomp({ defaultAction: 'SCMP_ACT_ALLOW' }, 'x64').architectures).toEqual(['x86_64']);
    expect(normalizeSeccomp({ defaultAction: 'SCMP_ACT_ALLOW' }, 'arm64').architectures).toEqual(['aarch64']);
    expect(normalizeSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'] }, 'x64').architectures).toEqual(['x86_64', 'aarch64']);
  });

  it('maps operators and keeps u64 values as bigint (MASKED_EQ: value is the mask, valueTwo the expected value)', () => {
    const n = normalizeSeccomp(
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [
          {
            names: ['personality'],
            action: 'SCMP_ACT_ERRNO',
            args: [
              { index: 0, value: 0xffff, valueTwo: 8, op: 'SCMP_CMP_MASKED_EQ' },
              { index: 1, value: Number.MAX_SAFE_INTEGER, op: 'SCMP_CMP_GT' },
              { index: 2, value: -1, op: 'SCMP_CMP_NE' },
            ],
          },
        ],
      },
      'x64',
    );
    expect(n.rules).toEqual([
      {
        name: 'personality',
        action: ERRNO(1),
        args: [
          { index: 0, value: 0xffffn, valueTwo: 8n, op: 7 },
          { index: 1, value: 9007199254740991n, valueTwo: 0n, op: 6 },
          { index: 2, value: 0xffffffffffffffffn, valueTwo: 0n, op: 1 },
        ],
      },
    ]);
  });

  it('splits a rule that compares the same argument twice into one rule per comparison (as runc)', () => {
    const n = normalizeSeccomp(
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [
          {
            names: ['clone'],
            action: 'SCMP_ACT_ALLOW',
            args: [
              { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
              { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
            ],
          },
        ],
      },
      'x64',
    );
    expect(n.rules.map((r) => r.args.map((a) => a.value))).toEqual([[1n], [2n]]);
  });

  it('skips rules whose action equals the default action', () => {
    const n = normalizeSeccomp(
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [
          { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
          { names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
          { names: ['rmdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 2 },
        ],
      },
      'x64',
    );
    expect(n.rules.map((r) => r.name)).toEqual(['read', 'write', 'rmdir']);
    expect(n.skipped).toEqual(['mkdir']);
  });

  it('maps flags; NOTIFY adds NEW_LISTENER (and TSYNC_ESRCH with TSYNC)', () => {
    // WAIT_KILLABLE_RECV concerns notifications only: without a NOTIFY rule it is not applied.
    expect(normalizeSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] }).flags).toBe(2 | 4);
    const killable = normalizeSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/a', flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'], syscalls: [{ names: ['mount'], action: 'SCMP_ACT_NOTIFY' }] });
    expect(killable.flags).toBe(8 | 32);
    const n = normalizeSeccomp({
      defaultAction: 'SCMP_ACT_ALLOW',
      listenerPath: '/run/agent.sock',
      flags: ['SECCOMP_FILTER_FLAG_TSYNC'],
      syscalls: [{ names: ['mount'], action: 'SCMP_ACT_NOTIFY' }],
    });
    expect(n.notify).toBe(true);
    expect(n.flags).toBe(1 | 8 | 16);
    expect(n.rules[0]!.action).toBe(0x7fc00000);
  });

  it('flags the kernel lacks are dropped and reported, not applied (as runc)', () => {
    const n = normalizeSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'] }, 'x64', 1 | 2);
    expect(n.flags).toBe(2);
    expect(n.droppedFlags).toEqual(['SECCOMP_FILTER_FLAG_SPEC_ALLOW']);
  });

  it('reports every broken field with its JSON pointer', () => {
    const e = configError(() =>
      normalizeSeccomp({
        defaultAction: 'SCMP_ACT_ALLOW',
        defaultErrnoRet: 3,
        architectures: ['SCMP_ARCH_VAX'],
        flags: ['SECCOMP_FILTER_FLAG_NOPE'],
        syscalls: [
          { names: ['a'], action: 'SCMP_ACT_DANCE' },
          { names: ['b'], action: 'SCMP_ACT_KILL', errnoRet: 1 },
          { names: [], action: 'SCMP_ACT_ERRNO', errnoRet: 70000 },
          { names: ['c'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1.5, op: 'SCMP_CMP_ABOUT' }] },
          { names: ['d'], action: 'SCMP_ACT_NOTIFY' },
        ],
      }),
    );
    expect(e.issues.map((i) => i.pointer).sort()).toEqual(
      [
        '/linux/seccomp/defaultErrnoRet',
        '/linux/seccomp/architectures/0',
        '/linux/seccomp/flags/0',
        '/linux/seccomp/syscalls/0/action',
        '/linux/seccomp/syscalls/1/errnoRet',
        '/linux/seccomp/syscalls/2/names',
        '/linux/seccomp/syscalls/2/errnoRet',
        '/linux/seccomp/syscalls/3/args/0/op',
        '/linux/seccomp/syscalls/3/args/0/index',
        '/linux/seccomp/syscalls/3/args/0/value',
        '/linux/seccomp/listenerPath',
      ].sort(),
    );
    expect(e.issues.every((i) => i.section === 'config-linux.md#seccomp')).toBe(true);
    expect(configError(() => normalizeSeccomp({ defaultAction: 'SCMP_ACT_NOTIFY' })).issues[0]!.pointer).toBe('/linux/seccomp/defaultAction');
    expect(configError(() => normalizeSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', listenerMetadata: 'x' })).issues[0]!.pointer).toBe('/linux/seccomp/listenerMetadata');
  });

  // The numbers are libseccomp's ABI: check them against the header when it is installed.
  it.skipIf(!existsSync('/usr/include/seccomp.h'))('matches <seccomp.h>', () => {
    const h = readFileSync('/usr/include/seccomp.h', 'utf8');
    const define = (name: string): number => {
      const m = new RegExp(`#define\\s+${name}(?:\\(x\\))?\\s+\\(?(0x[0-9a-fA-F]+)U`).exec(h);
      if (!m) throw new Error(`${name} not in seccomp.h`);
      return Number(m[1]);
    };
    for (const [name, value] of Object.entries(ACTIONS)) {
      if (name === 'SCMP_ACT_KILL') continue; // #define SCMP_ACT_KILL SCMP_ACT_KILL_THREAD
      expect([name, value]).toEqual([name, define(name)]);
    }
    for (const [name, value] of Object.entries(OPERATORS)) {
      expect([name, value]).toEqual([name, Number(new RegExp(`${name}\\s*=\\s*(\\d+)`).exec(h)![1])]);
    }
  });
});
