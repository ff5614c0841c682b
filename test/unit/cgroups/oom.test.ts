import { describe, expect, it } from 'vitest';
import { oomStateV1 } from '../../../src/cgroups/v1/stats.js';
import { newOoms } from '../../../src/runtime/events.js';

describe('oom events', () => {
  it('v1 memory.oom_control: kills and under_oom', () => {
    expect(oomStateV1('oom_kill_disable 1\nunder_oom 1\noom_kill 0\n')).toEqual({ kills: 0, underOom: true });
    expect(oomStateV1('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n')).toEqual({ kills: 3, underOom: false });
    expect(oomStateV1(undefined)).toEqual({ kills: 0, underOom: false });
  });
  it('one event per new kill, one when a stall under OOM starts, none otherwise', () => {
    const s = (kills: number, underOom = false) => ({ kills, underOom });
    expect(newOoms(s(0), s(2))).toBe(2);
    expect(newOoms(s(2), s(2))).toBe(0);
    expect(newOoms(s(0), s(0, true))).toBe(1);
    expect(newOoms(s(0, true), s(0, true))).toBe(0); // the same stall
    expect(newOoms(s(0, true), s(1, false))).toBe(1);
  });
});
