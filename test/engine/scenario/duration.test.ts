import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DURATION_EXPECTATION, durationSeconds, parseDuration } from '../../../engine/scenario/duration.js';

describe('parseDuration(value)', () => {
  it.each([
    ['250ms', 0.25],
    ['2s', 2],
    ['10m', 600],
    ['1h', 3600],
    ['1.5s', 1.5],
    ['.5h', 1800],
    ['0s', 0],
    ['2 s', 2],
    ['1e3ms', 1],
    [0, 0],
    [2.5, 2.5],
  ] as const)('parseDuration(%j) is %f seconds', (input, seconds) => {
    const result = parseDuration(input);
    expect(result).toEqual({ ok: true, seconds: expect.closeTo(seconds, 12) });
  });

  it.each([
    ['2 parsecs', DURATION_EXPECTATION],
    ['2', DURATION_EXPECTATION],
    ['s', DURATION_EXPECTATION],
    ['', DURATION_EXPECTATION],
    ['2S', DURATION_EXPECTATION],
    ['1d', DURATION_EXPECTATION],
    ['-2s', 'a non-negative duration'],
    [-1, 'a non-negative duration'],
    [Number.NaN, `${DURATION_EXPECTATION} (finite)`],
    [Number.POSITIVE_INFINITY, `${DURATION_EXPECTATION} (finite)`],
    [true, DURATION_EXPECTATION],
    [null, DURATION_EXPECTATION],
    [{ seconds: 2 }, DURATION_EXPECTATION],
    ['2e400s', `${DURATION_EXPECTATION} (finite)`],
    [2e9, 'a duration of at most 1000000000 seconds'],
  ] as const)('parseDuration(%j) is rejected with the expectation %j', (input, expected) => {
    expect(parseDuration(input)).toEqual({ ok: false, expected });
  });

  it('parseDuration(n) is n seconds and parseDuration(`${n}ms`) is n / 1000 for every n in [0, 1e9]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (n) => {
        const plain = parseDuration(n);
        const ms = parseDuration(`${n}ms`);
        return plain.ok && plain.seconds === n && ms.ok && Math.abs(ms.seconds - n / 1000) <= 1e-12 * Math.max(1, n);
      }),
    );
  });

  it('parseDuration(anything) never throws', () => {
    fc.assert(fc.property(fc.anything(), (value) => typeof parseDuration(value).ok === 'boolean'));
  });
});

describe('durationSeconds(value)', () => {
  it('durationSeconds("10m") is 600 and a bad duration throws a RangeError naming it', () => {
    expect(durationSeconds('10m')).toBe(600);
    expect(() => durationSeconds('2 parsecs')).toThrow(/expected a duration like .*, got "2 parsecs"/);
  });
});
