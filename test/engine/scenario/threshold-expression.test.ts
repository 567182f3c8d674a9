import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatThreshold,
  parseThreshold,
  THRESHOLD_FIELDS,
  THRESHOLD_OPERATORS,
  thresholdNeedsSaturation,
  unitsOfKind,
  type Threshold,
  type ThresholdField,
  type ThresholdUnit,
} from '../../../engine/scenario/threshold-expression.js';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import { writtenScenario } from '../../helpers/tiny-scenario.js';

function parsed(text: string): Threshold {
  const result = parseThreshold(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.message}`);
  return result.threshold;
}

function failure(text: string): { message: string; column: number } {
  const result = parseThreshold(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result.threshold)}`);
  return { message: result.message, column: result.column };
}

describe('parseThreshold: operators', () => {
  it.each(THRESHOLD_OPERATORS.map((op) => [op]))('parseThreshold("ttft.p99 %s 2s") reads the operator', (op) => {
    expect(parsed(`ttft.p99 ${op} 2s`)).toEqual({ text: `ttft.p99 ${op} 2s`, field: 'ttft.p99', op, value: 2, amount: 2, unit: 's' });
  });

  it.each(THRESHOLD_OPERATORS.map((op) => [op]))('parseThreshold reads %s without blanks around it', (op) => {
    const t = parsed(`tpot.p99${op}100ms`);
    expect([t.field, t.op, t.value, t.unit]).toEqual(['tpot.p99', op, 0.1, 'ms']);
  });

  it('parseThreshold keeps the text as written, blanks at either end trimmed, and accepts tabs and blanks anywhere between tokens', () => {
    const t = parsed('  e2e.max\t>=  30 s  ');
    expect(t).toEqual({ text: 'e2e.max\t>=  30 s', field: 'e2e.max', op: '>=', value: 30, amount: 30, unit: 's' });
  });
});

describe('parseThreshold: units and their normalization', () => {
  it.each([
    ['ttft.p99 < 250us', 250e-6, 'us'],
    ['ttft.p99 < 250ms', 0.25, 'ms'],
    ['ttft.p99 < 2s', 2, 's'],
    ['ttft.p99 < 1.5m', 90, 'm'],
    ['ttft.p99 < 2h', 7200, 'h'],
    ['ttft.p99 > 0', 0, null],
  ] as const)('a duration: %s normalizes to %s seconds', (text, seconds, unit) => {
    const t = parsed(text);
    expect(t.value).toBeCloseTo(seconds, 15);
    expect(t.unit).toBe(unit);
  });

  it('a latency without a unit is refused (tpot.p99 < 100 would mean 100 seconds and pass everything), naming the choice', () => {
    const r = parseThreshold('tpot.p99 < 100');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('tpot.p99 < 100: expected a unit after 100 at column 15 (tpot.p99 is a duration: 100ms or 100s?); one of us, ms, s, m, h');
  });

  it('a fraction field takes a bare fraction or a percentage: 0.99 and 99% both mean 0.99', () => {
    expect(parsed('slo.attainment >= 0.99')).toMatchObject({ value: 0.99, amount: 0.99, unit: null });
    expect(parsed('slo.attainment >= 99%')).toMatchObject({ value: 0.99, amount: 99, unit: '%' });
    expect(parsed('utilization.kvOccupancyPeak < 90%').value).toBe(0.9);
  });

  it('a percent field takes a bare number or %: 30 and 30% both mean 30 percent', () => {
    expect(parsed('saturation.headroom >= 30%')).toMatchObject({ value: 30, unit: '%' });
    expect(parsed('saturation.headroom >= 30')).toMatchObject({ value: 30, unit: null });
  });

  it('a request rate takes a bare number or req/s; a token rate a bare number or tok/s; a count a bare number', () => {
    expect(parsed('saturation.rate >= 40')).toMatchObject({ value: 40, unit: null });
    expect(parsed('saturation.rate >= 40 req/s')).toMatchObject({ value: 40, unit: 'req/s' });
    expect(parsed('slo.goodput>=12.5req/s')).toMatchObject({ value: 12.5, unit: 'req/s' });
    expect(parsed('throughput.outputTokensPerSecondPerGpu > 2000 tok/s')).toMatchObject({ value: 2000, unit: 'tok/s' });
    expect(parsed('requests.dropped == 0')).toMatchObject({ value: 0, unit: null });
  });

  it('numbers may be signed, start or end with a point, and carry an exponent', () => {
    expect(parsed('ttft.p99 < .5s').value).toBe(0.5);
    expect(parsed('ttft.p99 < 2.s').value).toBe(2);
    expect(parsed('ttft.p99 < 1e-3s').value).toBe(0.001);
    expect(parsed('saturation.headroom > -1').value).toBe(-1);
    expect(parsed('requests.preempted <= +3').value).toBe(3);
  });

  it.each([
    ['slo.attainment >= 2s', 's', 'a fraction', 20],
    ['ttft.p99 < 50%', '%', 'a duration', 14],
    ['requests.dropped <= 5%', '%', 'a count', 22],
    ['saturation.rate >= 40 tok/s', 'tok/s', 'a rate in requests per second', 23],
    ['throughput.outputTokensPerSecond > 10 req/s', 'req/s', 'a rate in tokens per second', 39],
    ['saturation.headroom >= 30 ms', 'ms', 'a percentage', 27],
  ] as const)('a unit that does not fit the field\'s kind is an error: %s', (text, unit, kind, column) => {
    const f = failure(text);
    expect(f.message).toContain(`unit "${unit}" does not fit`);
    expect(f.message).toContain(`(${kind})`);
    expect(f.message).toContain(`at column ${column}`);
    expect(f.column).toBe(column);
  });
});

describe('parseThreshold: fields', () => {
  it('every field of the registry parses, and only saturation.* fields need a saturation analysis', () => {
    for (const field of Object.keys(THRESHOLD_FIELDS) as ThresholdField[]) {
      const t = parsed(`${field} >= 1${THRESHOLD_FIELDS[field].kind === 'seconds' ? 's' : ''}`);
      expect(t.field).toBe(field);
      expect(thresholdNeedsSaturation(t), field).toBe(field.startsWith('saturation.'));
    }
  });

  it('the latency fields are every <metric>.<stat>, in seconds', () => {
    for (const metric of ['ttft', 'tpot', 'itl', 'e2e', 'queueWait']) {
      for (const stat of ['mean', 'p50', 'p90', 'p95', 'p99', 'max']) {
        expect(THRESHOLD_FIELDS[`${metric}.${stat}` as ThresholdField], `${metric}.${stat}`).toMatchObject({ kind: 'seconds', source: 'simulation' });
      }
    }
  });

  it('an unknown field is an error at column 1 listing the valid fields and patterns, with the likely one', () => {
    const f = failure('ttft.p98 < 2s');
    expect(f.column).toBe(1);
    expect(f.message).toContain('unknown field "ttft.p98" at column 1 (did you mean ttft.p90?)');
    expect(f.message).toContain('<metric>.<stat> with metric one of ttft, tpot, itl, e2e, queueWait and stat one of mean, p50, p90, p95, p99, max');
    expect(f.message).toContain('slo.attainment');
    expect(f.message).toContain('saturation.headroom');
  });

  it('field names are case-sensitive; a wrong case is suggested', () => {
    expect(failure('TTFT.P99 < 2s').message).toContain('(did you mean ttft.p99?)');
  });
});

describe('parseThreshold: malformed expressions', () => {
  it.each([
    ['ttft.p99 <', 11, 'ttft.p99 <: expected a number after "<" at column 11, got the end of the expression'],
    ['< 2s', 1, '< 2s: expected a field name (e.g. ttft.p99) at column 1, got "<"'],
    ['ttft.p99 << 2s', 11, 'ttft.p99 << 2s: expected a number after "<" at column 11, got "<"'],
    ['ttft.p99 < 2 parsecs', 14, 'ttft.p99 < 2 parsecs: unknown unit "parsecs" at column 14; ttft.p99 is a duration: expected us, ms, s, m or h (a bare number only for 0)'],
    ['ttft.p99 < NaN', 12, 'ttft.p99 < NaN: expected a number after "<" at column 12, got "NaN"'],
    ['ttft.p99 < Infinity', 12, 'ttft.p99 < Infinity: expected a number after "<" at column 12, got "Infinity"'],
    ['ttft.p99 < 1e999', 12, 'ttft.p99 < 1e999: expected a finite number at column 12, got 1e999'],
    ['ttft.p99 < 1e306h', 12, 'ttft.p99 < 1e306h: expected a finite value at column 12, got 1e306 h'],
    ['ttft.p99 = 2s', 10, 'ttft.p99 = 2s: expected an operator (<, <=, >, >=, ==, !=) after "ttft.p99" at column 10, got "="'],
    ['ttft.p99 2s', 10, 'ttft.p99 2s: expected an operator (<, <=, >, >=, ==, !=) after "ttft.p99" at column 10, got "2s"'],
    ['ttft.p99', 9, 'ttft.p99: expected an operator (<, <=, >, >=, ==, !=) after "ttft.p99" at column 9, got the end of the expression'],
    ['ttft.p99 < 2s and more', 15, 'ttft.p99 < 2s and more: unexpected "and" at column 15; expected the end of the expression'],
    ['ttft.p99 < 2s s', 15, 'ttft.p99 < 2s s: unexpected "s" at column 15; expected the end of the expression'],
    ['   ', 4, 'expected a threshold like "ttft.p99 < 2s", got an empty expression'],
    ['', 1, 'expected a threshold like "ttft.p99 < 2s", got an empty expression'],
  ])('parseThreshold(%j) fails at column %i saying what was expected', (text, column, message) => {
    expect(failure(text)).toEqual({ message, column });
  });

  it('an expression over 256 characters or on two lines is rejected, never scanned', () => {
    expect(failure(`ttft.p99 < ${'1'.repeat(300)}`).message).toContain('at most 256 characters');
    expect(failure('ttft.p99 < 2s\nrm -rf /').message).toContain('on one line');
  });

  it('parseThreshold never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const result = parseThreshold(text);
        return result.ok ? Number.isFinite(result.threshold.value) : result.column >= 1 && result.message.length > 0;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatThreshold', () => {
  const fields = Object.keys(THRESHOLD_FIELDS) as ThresholdField[];
  const validThreshold = fc
    .record({
      field: fc.constantFrom(...fields),
      op: fc.constantFrom(...THRESHOLD_OPERATORS),
      amount: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1000, max: 1000 })),
      unitIndex: fc.nat(),
    })
    .map(({ field, op, amount, unitIndex }) => {
      // A duration takes no bare number (but 0).
      const kind = THRESHOLD_FIELDS[field].kind;
      const units: (ThresholdUnit | null)[] = [...(kind === 'seconds' ? [] : [null]), ...unitsOfKind(kind)];
      return { field, op, amount: amount === 0 ? 0 : amount, unit: units[unitIndex % units.length] ?? null };
    });

  it('formatting a valid threshold and parsing it back gives the same threshold (and the same text)', () => {
    fc.assert(
      fc.property(validThreshold, (t) => {
        const text = formatThreshold(t);
        const result = parseThreshold(text);
        // A huge amount in hours can leave the finite range, and a bound outside the field's
        // values gates nothing: both are rightly rejected.
        if (!result.ok) return /finite value|can never pass|always passes/.test(result.message);
        expect(result.threshold).toMatchObject({ text, field: t.field, op: t.op, amount: t.amount, unit: t.unit });
        expect(formatThreshold(result.threshold)).toBe(text);
        return true;
      }),
      { numRuns: 3000 },
    );
  });

  it('blanks around the operator and before the unit do not change the threshold', () => {
    fc.assert(
      fc.property(validThreshold, fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('', ' '), (t, around, beforeUnit) => {
        const canonical = parseThreshold(formatThreshold(t));
        if (!canonical.ok) return true;
        const unit = t.unit === null ? '' : `${beforeUnit}${t.unit}`;
        const spaced = parseThreshold(`${t.field}${around}${t.op}${around}${String(t.amount)}${unit}`);
        expect(spaced.ok && { ...spaced.threshold, text: '' }).toEqual({ ...canonical.threshold, text: '' });
        return true;
      }),
    );
  });
});

describe('scenario checks:', () => {
  const opts = { file: 'checks.yaml', baseDir: process.cwd() };

  it('validateScenario keeps a valid checks: list as written and defaults it to []', () => {
    const withChecks = validateScenario(writtenScenario({ checks: ['ttft.p99 < 2s', 'slo.attainment >= 99%'] }), opts);
    expect(withChecks.ok && withChecks.scenario.checks).toEqual(['ttft.p99 < 2s', 'slo.attainment >= 99%']);
    const without = validateScenario(writtenScenario(), opts);
    expect(without.ok && without.scenario.checks).toEqual([]);
  });

  it('validateScenario reports each malformed check at checks[i] with the parse message', () => {
    const result = validateScenario(writtenScenario({ checks: ['ttft.p99 < 2s', 'ttft.p99 <', 42] }), opts);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { file: 'checks.yaml', path: ['checks', 1], message: 'ttft.p99 <: expected a number after "<" at column 11, got the end of the expression' },
      { file: 'checks.yaml', path: ['checks', 2], message: 'expected a string, got 42' },
    ]);
  });
});

describe('a gate must mean something', () => {
  it.each([
    ['ttft.p99 < -1s', 'can never pass: ttft.p99 is at least 0 s'],
    ['ttft.p99 < 0', 'can never pass: ttft.p99 is at least 0 s'],
    ['slo.attainment > 100%', 'can never pass: slo.attainment is between 0 and 1 (0-100%)'],
    ['slo.attainment >= 0', 'always passes: slo.attainment is between 0 and 1 (0-100%)'],
    ['requests.dropped >= 0', 'always passes: requests.dropped is at least 0'],
    ['requests.dropped == 0.5', 'can never pass: requests.dropped is at least 0'],
    ['requests.preempted != -1', 'always passes: requests.preempted is at least 0'],
    ['saturation.headroom > 100%', 'can never pass: saturation.headroom is at most 100%'],
    ['cost.usdPerHour < 0', 'can never pass: cost.usdPerHour is at least 0 US dollars'],
  ])('%s is refused: %s', (text, message) => {
    const r = parseThreshold(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(`${text}: ${message}, so the check gates nothing`);
  });

  it('bounds inside the values stay valid, at the edges too', () => {
    for (const text of ['ttft.p99 > 0', 'slo.attainment >= 100%', 'slo.attainment < 100%', 'requests.dropped == 0', 'saturation.headroom >= -50%', 'cost.usdPerHour <= 0']) {
      expect(parseThreshold(text).ok, text).toBe(true);
    }
  });
});
