import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatGiB,
  formatNumber,
  formatPercent,
  formatRate,
  formatSeconds,
  formatSecondsTick,
  formatSigned,
  formatSignedPercent,
  formatUsd,
  MISSING,
  timeUnitFor,
} from '../../web/src/format.js';

describe('web/src/format', () => {
  it('formatSeconds(s) picks µs, ms, s, min or h with three significant digits', () => {
    expect(formatSeconds(0.0000421)).toBe('42.1 µs');
    expect(formatSeconds(0.043103)).toBe('43.1 ms');
    expect(formatSeconds(2)).toBe('2.00 s');
    expect(formatSeconds(837.8)).toBe('14.0 min');
    expect(formatSeconds(9000)).toBe('2.50 h');
    expect(formatSeconds(0)).toBe('0 s');
  });

  it('formatSecondsTick(s) drops trailing zeros for axis labels', () => {
    expect(formatSecondsTick(0.1)).toBe('100 ms');
    expect(formatSecondsTick(2)).toBe('2 s');
    expect(formatSecondsTick(0.05)).toBe('50 ms');
    expect(formatSecondsTick(0)).toBe('0');
  });

  it('every formatter shows a missing value (null, undefined, NaN, Infinity) as an en dash', () => {
    for (const f of [formatSeconds, formatCount, formatNumber, (n: number | null) => formatRate(n, 'req/s'), formatPercent, formatGiB, formatSignedPercent]) {
      expect(f(null)).toBe(MISSING);
      expect(f(Number.NaN)).toBe(MISSING);
      expect(f(Infinity)).toBe(MISSING);
    }
  });

  it('formatRate and formatCount group thousands like the terminal table', () => {
    expect(formatRate(11.936, 'req/s')).toBe('11.9 req/s');
    expect(formatRate(2505.73, 'tok/s')).toBe('2,506 tok/s');
    expect(formatRate(1.5, 'req/s')).toBe('1.50 req/s');
    expect(formatCount(447072)).toBe('447,072');
  });

  it('formatPercent(fraction, digits) and the signed forms use a real minus sign', () => {
    expect(formatPercent(0.9999)).toBe('100.0%');
    expect(formatPercent(0.108, 0)).toBe('11%');
    expect(formatSignedPercent(0.051)).toBe('+5.1%');
    expect(formatSignedPercent(-0.2)).toBe('−20.0%');
    expect(formatSigned(-0.012, formatSeconds)).toBe('−12.0 ms');
  });

  it('timeUnitFor(run length) reads seconds under 5 minutes, minutes under 3 hours, then hours', () => {
    expect(timeUnitFor(120).name).toBe('s');
    expect(timeUnitFor(838).name).toBe('min');
    expect(timeUnitFor(4 * 3600).name).toBe('h');
  });
});

describe('formatSecondsTick on long axes', () => {
  it('formatSecondsTick keeps round seconds up to 1,000 s (a 200 s tick is not "3.33 min")', () => {
    expect(formatSecondsTick(200)).toBe('200 s');
    expect(formatSecondsTick(2000)).toBe('33.3 min');
    expect(formatSecondsTick(36000)).toBe('10 h');
  });

  it('formatUsd(usd) shows cents from $1, three significant digits below, no cents from $1,000', () => {
    expect(formatUsd(2.5)).toBe('$2.50');
    expect(formatUsd(0.29074)).toBe('$0.291');
    expect(formatUsd(0.0421)).toBe('$0.0421');
    expect(formatUsd(0.5)).toBe('$0.5');
    expect(formatUsd(1234.5)).toBe('$1,235');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(-3)).toBe('−$3.00');
    expect(formatUsd(null)).toBe(MISSING);
    expect(formatUsd(Number.NaN)).toBe(MISSING);
  });
});
