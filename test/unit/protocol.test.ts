import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { initPath } from '../../src/native/paths.js';
import { HookPoint, Msg, Op, PLAN_MAGIC, PLAN_VERSION } from '../../src/process/protocol.js';

describe('sync protocol', () => {
  it('has the same numbers in TypeScript and in tsrun-init', () => {
    const lines = execFileSync(initPath, ['--protocol'], { encoding: 'utf8' }).trim().split('\n');
    const expected = [
      ...Object.entries(Msg).map(([k, v]) => `msg ${k} ${v}`),
      ...Object.entries(Op).map(([k, v]) => `op ${k} ${v}`),
      ...Object.entries(HookPoint).map(([k, v]) => `hook ${k} ${v}`),
      `plan magic ${PLAN_MAGIC}`,
      `plan version ${PLAN_VERSION}`,
    ];
    expect(new Set(lines)).toEqual(new Set(expected));
  });
});
