import { describe, expect, it } from 'vitest';
import { ConfigError, NotSupportedError } from '../../../src/errors.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { encodePlan } from '../../../src/plan/encode.js';
import type { HostFacts } from '../../../src/plan/types.js';
import { defaultSpec } from '../../../src/runtime/spec.js';
import { validateConfig } from '../../../src/spec/validate.js';
import { testFacts } from '../plan/facts.js';
import { mutate, rng } from './mutate.js';

const COUNT = 2000;

const facts: HostFacts = testFacts({ sourceKind: () => 'directory', cgroupBinds: [] });

describe('mutated configs', () => {
  it(`${COUNT} mutations each compile or fail with a ConfigError naming the JSON path (or NotSupportedError naming the field)`, () => {
    const random = rng(0x75a7);
    const base = JSON.parse(JSON.stringify(defaultSpec(undefined)));
    // runc spec's terminal needs a console socket, which these host facts do not have.
    base.process.terminal = false;
    let compiled = 0;
    let refused = 0;
    const crashes: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const doc = mutate(base, random);
      try {
        validateConfig(doc);
        encodePlan(compilePlan(doc, facts).steps);
        compiled++;
      } catch (e) {
        if (e instanceof ConfigError) {
          expect(e.issues.length).toBeGreaterThan(0);
          expect(e.message).toMatch(/^config\.json: \//);
          refused++;
        } else if (e instanceof NotSupportedError) {
          expect(e.message).toMatch(/^not supported yet: [a-z]/);
          refused++;
        } else {
          // Anything else (a bare RuntimeError, a TypeError, a RangeError) names no JSON path.
          crashes.push(`${(e as Error).stack}\n${JSON.stringify(doc).slice(0, 400)}`);
        }
      }
    }
    console.log(`mutated configs: ${COUNT}, compiled: ${compiled}, refused: ${refused}, crashes: ${crashes.length}`);
    expect(crashes.slice(0, 3)).toEqual([]);
    expect(compiled).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
