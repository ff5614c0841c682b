// isoTime must print what Date.prototype.toISOString prints.
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/iso-time.js';

describe('isoTime', () => {
  it('equals toISOString at the epoch, leap days, century and 400-year boundaries, the end of 9999, now and 10,000 random instants', () => {
    const fixed = [0, 1, 999, 86_399_999, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 1, 28), Date.UTC(2100, 2, 1), Date.UTC(1900, 0, 1), Date.UTC(1600, 11, 31, 12), Date.UTC(1969, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.now()];
    const random = Array.from({ length: 10_000 }, () => Math.floor(Math.random() * Date.UTC(9999, 11, 31)) - Math.floor(Math.random() * 62_000_000_000_000));
    for (const ms of [...fixed, ...random]) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
