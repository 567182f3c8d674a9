import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRulesText, readRulesFile, RulesFileError } from '../../../analyzers/alerts/read-rules-file.js';
import { formatIssues } from '../../../engine/scenario/format-issues.js';

/** The issues of a rule text, formatted as the CLI prints them. */
function problems(text: string): string {
  const parsed = parseRulesText('rules.yaml', text);
  if (parsed.ok) throw new Error('the rules parsed');
  return formatIssues(parsed.issues);
}

const dir = mkdtempSync(join(tmpdir(), 'headroom-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseRulesText(file, text): Prometheus rule files, every issue with its line', () => {
  it('reads groups of alerting and recording rules with for, keep_firing_for, labels and annotations', () => {
    const parsed = parseRulesText(
      'r.yaml',
      `groups:
  - name: g
    interval: 30s
    rules:
      - record: job:x:rate1m
        expr: sum(rate(x_total[1m]))
      - alert: High
        expr: job:x:rate1m > 5
        for: 1m30s
        keep_firing_for: 10s
        labels: { severity: page }
        annotations: { summary: "{{ $value }} is high" }
`,
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [group] = parsed.rules.groups;
    expect(group!.intervalMs).toBe(30_000);
    expect(group!.rules.map((r) => [r.kind, r.name, r.line])).toEqual([
      ['record', 'job:x:rate1m', 5],
      ['alert', 'High', 7],
    ]);
    const alert = group!.rules[1]!;
    expect(alert.kind === 'alert' && [alert.forMs, alert.keepFiringForMs, alert.labels]).toEqual([90_000, 10_000, [['severity', 'page']]]);
  });

  it('names the line of a YAML syntax error', () => {
    expect(problems('groups:\n  - name: g\n    rules: [\n')).toMatch(/^rules\.yaml: line \d+: /);
    // An unclosed quote is found where the file ends.
    expect(problems('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: "up\n')).toMatch(/^rules\.yaml: line 6: Missing closing/);
  });

  it('names the line and key path of a rule without expr', () => {
    expect(problems('groups:\n  - name: g\n    rules:\n      - alert: NoExpr\n        for: 1m\n')).toBe(
      'rules.yaml: line 4: groups[0].rules[0].expr: expected a PromQL expression, got nothing',
    );
  });

  it('names the rule and the function when a function is outside the subset', () => {
    expect(problems('groups:\n  - name: g\n    rules:\n      - alert: Predict\n        expr: predict_linear(x[1h], 3600) < 0\n')).toMatch(
      /^rules\.yaml: line 5: groups\[0\]\.rules\[0\]\.expr: alert "Predict": unsupported in headroom alerts: the function predict_linear\(\)/,
    );
  });

  it('gives the line inside a literal block where its PromQL breaks', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: Broken\n        expr: |\n          sum(rate(x[5m]))\n          > on(\n';
    expect(problems(text)).toMatch(/^rules\.yaml: line 7: groups\[0\]\.rules\[0\]\.expr: alert "Broken": cannot parse PromQL/);
  });

  it('refuses a bad duration with its line and key path', () => {
    expect(problems('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: 5 minutes\n')).toBe(
      'rules.yaml: line 6: groups[0].rules[0].for: expected a duration like 30s, 5m or 1h30m (Prometheus units ms, s, m, h, d, w, y), got "5 minutes"',
    );
    expect(problems('groups:\n  - name: g\n    interval: 60\n    rules: []\n')).toMatch(/line 3: groups\[0\]\.interval: expected a duration/);
  });

  it('refuses unknown keys at the key, a rule with both alert and record, and record-only misuse', () => {
    const out = problems(
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        severity: page\n      - alert: B\n        record: b\n        expr: up\n      - record: c\n        expr: up\n        for: 1m\n',
    );
    expect(out).toContain('rules.yaml: line 6: groups[0].rules[0].severity: unknown key; expected one of alert, expr, for, keep_firing_for, labels, annotations');
    expect(out).toContain('rules.yaml: line 8: groups[0].rules[1].record: expected either alert: or record:, got both');
    expect(out).toContain('rules.yaml: line 12: groups[0].rules[2].for: for is only for alerting rules; a recording rule takes record, expr, labels');
  });

  it('refuses repeated group names, recorded series named vllm:*, bad label names and a range-vector result', () => {
    const out = problems(
      'groups:\n  - name: g\n    rules:\n      - record: vllm:mine\n        expr: up\n  - name: g\n    rules:\n      - alert: A\n        expr: up[5m]\n        labels: { "bad-name": x }\n',
    );
    expect(out).toContain('line 6: groups[1].name: expected a group name used once in the file, got "g" again');
    expect(out).toContain('line 4: groups[0].rules[0].record: expected a recorded series name outside vllm:*');
    expect(out).toContain('groups[1].rules[0].expr: alert "A": expected an expression giving an instant vector or a scalar, got a range vector');
    expect(out).toContain('groups[1].rules[0].labels.bad-name: expected a label name');
  });

  it('refuses what is not a rule file: no groups, a list, an empty document', () => {
    expect(problems('rules: []\n')).toContain('rules.yaml: line 1: rules: unknown key; expected groups');
    expect(problems('- a\n- b\n')).toContain('expected a rule file (a map with groups: [...]), got a list of 2');
    expect(problems('')).toContain('got an empty document');
  });

  it('readRulesFile refuses a folder and a missing file, naming the file', () => {
    expect(() => readRulesFile(dir)).toThrow(RulesFileError);
    expect(() => readRulesFile(join(dir, 'none.yaml'))).toThrow(/none\.yaml: file not found/);
  });

  it('readRulesFile reads the shipped scenarios/alerts/vllm-alerts.yaml: every rule parses in the subset', () => {
    const rules = readRulesFile('scenarios/alerts/vllm-alerts.yaml');
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.filter((r) => r.kind === 'alert').length).toBeGreaterThanOrEqual(6);
    expect(all.some((r) => r.kind === 'record')).toBe(true);
    expect(all.map((r) => r.name)).toEqual(expect.arrayContaining(['VllmRequestsQueueing', 'VllmKvCacheNearlyFull', 'VllmTtftP99High']));
  });

  it('readRulesFile reads a file written to disk', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up > 0\n');
    expect(readRulesFile(file).file).toBe(file);
  });
});
