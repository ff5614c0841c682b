// Kernel and plan limits checked before create (src/spec/limits.ts) and the u64 encoding of
// JSON numbers that cannot hold 2^64-1 (src/plan/encode.ts).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { encodePlan } from '../../src/plan/encode.js';
import { defaultSpec } from '../../src/runtime/spec.js';
import { largestPlanPart, limitIssues } from '../../src/spec/limits.js';
import { validateConfig } from '../../src/spec/validate.js';

const base = () => JSON.parse(JSON.stringify(defaultSpec(undefined))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const pointers = (doc: unknown) => limitIssues(doc).map((i) => i.pointer);

describe('limits beyond the schema', () => {
  it('a NUL byte anywhere names its JSON pointer (keys escaped as RFC 6901 says)', () => {
    const doc = base();
    doc.process.env.push('A=\0');
    doc.annotations = { 'a/b': 'x\0' };
    expect(pointers(doc)).toEqual([`/process/env/${doc.process.env.length - 1}`, '/annotations/a~1b']);
  });

  it('hostname and domainname: at most 64 bytes (HOST_NAME_MAX)', () => {
    const doc = { ...base(), hostname: 'h'.repeat(64), domainname: 'd'.repeat(65) };
    expect(pointers(doc)).toEqual(['/domainname']);
  });

  it('an argument or environment string of 128 KiB or more (MAX_ARG_STRLEN) names its index', () => {
    const doc = base();
    doc.process.args = ['sh', 'a'.repeat(131071), 'b'.repeat(131072)];
    expect(pointers(doc)).toEqual(['/process/args/2']);
  });

  it('more than 65534 argument and environment strings together (one u16-counted op) are refused', () => {
    const doc = base();
    doc.process.args = Array.from({ length: 65534 }, () => 'x');
    expect(pointers(doc)).toEqual(['/process/args']);
  });

  it('validateConfig reports them as ConfigErrors with the spec section filled in', () => {
    const doc = { ...base(), hostname: 'a\0b' };
    expect(() => validateConfig(doc)).toThrow(ConfigError);
    expect(() => validateConfig(doc)).toThrow(/^config\.json: \/hostname: must not contain a NUL byte .*\(config\.md#hostname\)$/m);
  });

  it('largestPlanPart names the biggest part of a config', () => {
    const doc = base();
    doc.mounts = Array.from({ length: 1000 }, () => ({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' }));
    expect(largestPlanPart(doc)).toBe('/mounts');
  });
});

describe('u64 plan arguments', () => {
  const u64At = (arg: number | bigint) => Buffer.from(encodePlan([{ op: 40, args: [arg] }])).readBigUInt64LE(8 + 4 + 4);
  it('18446744073709551615 (RLIM_INFINITY), which a JSON number holds as 2^64, encodes as 2^64-1, not 0', () => {
    expect(u64At(18446744073709551615)).toBe(2n ** 64n - 1n);
    expect(u64At(BigInt(2 ** 64))).toBe(2n ** 64n - 1n);
  });
  it('negative values are two\'s complement, others as they are', () => {
    expect(u64At(-1)).toBe(2n ** 64n - 1n);
    expect(u64At(7)).toBe(7n);
  });
});
