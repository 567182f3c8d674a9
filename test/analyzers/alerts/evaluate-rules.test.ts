import { describe, expect, it } from 'vitest';
import type { RuleFile } from '../../../analyzers/alerts/alert-rules.js';
import { evaluateRules, RuleEvaluationError, TooManyEvaluations } from '../../../analyzers/alerts/evaluate-rules.js';
import { labelsToJson } from '../../../analyzers/alerts/labels.js';
import { parseRulesText } from '../../../analyzers/alerts/read-rules-file.js';
import { sampled, storeOf, type HandSeries } from './store-helpers.js';

function rules(text: string): RuleFile {
  const parsed = parseRulesText('r.yaml', text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.rules;
}

const alertRule = (expr: string, extra = '') => rules(`groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: ${expr}\n${extra}`);

/** A gauge sampled every 10 s up to 300 s: 5 while `high(t)`, else 0. */
const gauge = (high: (t: number) => boolean): HandSeries[] => [{ labels: { __name__: 'g', engine: '0' }, samples: sampled(10, 300, 10, (t) => (high(t) ? 5 : 0)) }];
const run = (r: RuleFile, series: HandSeries[], intervalMs = 10_000) => evaluateRules(r, storeOf(series), { defaultIntervalMs: intervalMs, endMs: 300_000 });

describe('evaluateRules: alerting rules over a run, as Prometheus\'s rule manager', () => {
  it('for: 1m turns pending at the first evaluation that holds and firing 60 s later', () => {
    const [o] = run(alertRule('g > 1', '        for: 1m\n'), gauge((t) => t >= 30 && t <= 200));
    expect(o!.pendingAt).toBe(30);
    expect(o!.firesAt).toBe(90);
    // Firing from 90 s through 200 s: 12 evaluations of 10 s.
    expect(o!.firingSeconds).toBe(120);
    expect(labelsToJson(o!.firedLabels!)).toEqual({ alertname: 'A', engine: '0' });
  });

  it('without for it fires at the first evaluation that holds', () => {
    const [o] = run(alertRule('g > 1'), gauge((t) => t >= 30 && t <= 200));
    expect([o!.pendingAt, o!.firesAt]).toEqual([30, 30]);
  });

  it('a break in the condition resets pending: for counts continuous truth only', () => {
    // Holds 30-70 s, not at 80 s, holds again from 90 s: pending restarts at 90, fires at 150.
    const [o] = run(alertRule('g > 1', '        for: 1m\n'), gauge((t) => (t >= 30 && t <= 70) || t >= 90));
    expect(o!.pendingAt).toBe(30);
    expect(o!.firesAt).toBe(150);
  });

  it('never fires when the condition never holds for long enough, and says it was pending', () => {
    const [o] = run(alertRule('g > 1', '        for: 2m\n'), gauge((t) => t >= 30 && t <= 100));
    expect(o!.firesAt).toBeNull();
    expect(o!.pendingAt).toBe(30);
    expect(o!.firingSeconds).toBe(0);
  });

  it('keep_firing_for keeps a firing alert firing after the condition stops', () => {
    const plain = run(alertRule('g > 1'), gauge((t) => t >= 30 && t <= 100))[0]!;
    const kept = run(alertRule('g > 1', '        keep_firing_for: 30s\n'), gauge((t) => t >= 30 && t <= 100))[0]!;
    expect(plain.firingSeconds).toBe(80); // 30..100 s
    expect(kept.firingSeconds).toBe(80 + 30); // and 110, 120, 130 s
  });

  it('evaluates at the group interval and at the run interval otherwise', () => {
    const [slow] = evaluateRules(
      rules('groups:\n  - name: g\n    interval: 1m\n    rules:\n      - alert: A\n        expr: g > 1\n'),
      storeOf(gauge((t) => t >= 30)),
      { defaultIntervalMs: 10_000, endMs: 300_000 },
    );
    expect(slow!.firesAt).toBe(60);
    expect(slow!.evaluations).toBe(5);
  });

  it('a recording rule\'s series is readable by the rules after it, at the same evaluation', () => {
    const r = rules(
      'groups:\n  - name: g\n    rules:\n      - record: job:g:doubled\n        expr: 2 * g\n      - alert: A\n        expr: job:g:doubled > 8\n',
    );
    const [o] = run(r, gauge((t) => t >= 50));
    expect(o!.firesAt).toBe(50);
  });

  it('tracks how close the compared side came to its threshold', () => {
    const series: HandSeries[] = [{ labels: { __name__: 'g' }, samples: sampled(10, 300, 10, (t) => t / 100) }];
    const [o] = run(alertRule('g > 5'), series);
    expect(o!.firesAt).toBeNull();
    expect(o!.subjectMax).toBe(3);
    expect(o!.subjectMin).toBe(0.1);
  });

  it('a query Prometheus would fail names the rule and the time', () => {
    const series: HandSeries[] = [
      { labels: { __name__: 'a', x: '1' }, samples: [[10, 1]] },
      { labels: { __name__: 'b', x: '1', y: '1' }, samples: [[10, 1]] },
      { labels: { __name__: 'b', x: '1', y: '2' }, samples: [[10, 1]] },
    ];
    expect(() => run(alertRule('a / ignoring(y) b'), series)).toThrow(RuleEvaluationError);
    expect(() => run(alertRule('a / ignoring(y) b'), series)).toThrow(/^alert "A" \(line 4\): at 10\.0 s into the run: many-to-many/);
  });

  it('refuses an evaluation interval that would need more than 100,000 evaluations', () => {
    expect(() => evaluateRules(alertRule('g > 1'), storeOf(gauge(() => true)), { defaultIntervalMs: 1, endMs: 300_000 })).toThrow(TooManyEvaluations);
  });
});
