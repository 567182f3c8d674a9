import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-alerts-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Four batch slots: the queue builds well below the 5 s p99 TTFT break. */
const scenario = join(dir, 'slots.yaml');
writeFileSync(
  scenario,
  `name: slots
seed: 7
stop: { requests: 1500 }
model: llama-3.1-8b
cluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }
serving: { tensorParallelSize: 1, replicas: 1, maxNumSeqs: 4 }
workload:
  arrival: { process: poisson, rate: 2 }
  inputTokens: { dist: fixed, value: 256 }
  outputTokens: { dist: fixed, value: 64 }
slo: { ttftP99: 5s }
`,
);

const rules = join(dir, 'rules.yaml');
writeFileSync(
  rules,
  `groups:
  - name: g
    rules:
      - alert: QueueBuilding
        expr: sum(vllm:num_requests_waiting) > 2
        for: 30s
      - alert: TtftP99AboveSlo
        expr: histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[5m]))) > 5
        for: 1m
`,
);

const sat = join(dir, 'sat.json');
const sim = join(dir, 'sim.json');
beforeAll(() => {
  const s = runCli('saturation', scenario, '--rates', '2,4,6,8,10', '--replications', '1', '--workers', '1', '-o', sat);
  if (s.code !== 0) throw new Error(s.stderr);
  const r = runCli('simulate', scenario, '--set', 'workload.arrival.rate=9', '-o', sim);
  if (r.code !== 0) throw new Error(r.stderr);
});

/** Writes a rule file and runs `alerts` on it, expecting exit 2 and no output file. */
function refused(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  const out = join(dir, `${name}.out.json`);
  const run = runCli('alerts', file, sat, '-o', out);
  expect(run.code, run.stderr).toBe(2);
  expect(existsSync(out)).toBe(false);
  return run.stderr;
}

describe('headroom alerts', () => {
  it('`alerts <rules> <saturation.json> --json` prints kind "alerts" with a verdict per alert, and nothing else', () => {
    const run = runCli('alerts', rules, sat, '--json');
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r.kind).toBe('alerts');
    expect(r.version).toBe(1);
    expect(r.alerts.map((a: { name: string }) => a.name)).toEqual(['QueueBuilding', 'TtftP99AboveSlo']);
    const [queue, ttft] = r.alerts;
    expect(queue.verdict).toBe('warns-early');
    expect(queue.for).toBe(30);
    expect(queue.firstFiringRate).toBeLessThan(r.sloBreak.rate);
    expect(['fires-late', 'never-fires']).toContain(ttft.verdict);
    for (const a of r.alerts) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['name', 'expr', 'for', 'firstFiringRate', 'perRate', 'verdict', 'margin']));
      expect(a.perRate).toHaveLength(r.runs.length);
    }
  });

  it('is deterministic: the same inputs give byte-identical JSON', () => {
    const a = runCli('alerts', rules, sat, '--json');
    const b = runCli('alerts', rules, sat, '--json');
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('prints the table and writes the JSON atomically with -o', () => {
    const out = join(dir, 'alerts.json');
    const run = runCli('alerts', rules, sat, '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/QueueBuilding .*warns early/);
    expect(run.stdout).toMatch(/SLO breaks at /);
    expect(run.stdout).toContain(`wrote ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8')).kind).toBe('alerts');
  });

  it('--fail-on-late exits 1 when an alert first fires at or above the SLO break, 0 when none does', () => {
    const lateOnly = join(dir, 'late.yaml');
    // A hundred requests waiting only happens past the break (about 8.8 req/s): at 10 req/s.
    writeFileSync(lateOnly, 'groups:\n  - name: g\n    rules:\n      - alert: Swamped\n        expr: sum(vllm:num_requests_waiting) > 100\n        for: 30s\n');
    const late = runCli('alerts', lateOnly, sat, '--json', '--fail-on-late');
    const verdict = JSON.parse(late.stdout).alerts[0].verdict;
    expect(verdict).toBe('fires-late');
    expect(late.code).toBe(1);
    const early = join(dir, 'early.yaml');
    writeFileSync(early, 'groups:\n  - name: g\n    rules:\n      - alert: Queue\n        expr: sum(vllm:num_requests_waiting) > 2\n        for: 30s\n');
    expect(runCli('alerts', early, sat, '--fail-on-late').code).toBe(0);
  });

  it('reads a simulation result: which alerts fire in its one run', () => {
    const run = runCli('alerts', rules, sim, '--json');
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r.source.kind).toBe('simulation');
    expect(r.sloBreak).toBeNull();
    expect(r.alerts[0].verdict).toBe('fires');
  });

  it('refuses bad YAML with exit 2, naming the file and line', () => {
    expect(refused('bad-yaml.yaml', 'groups:\n  - name: g\n    rules: [\n')).toMatch(/bad-yaml\.yaml: line \d+: /);
  });

  it('refuses a rule without expr, naming the file, line and key path', () => {
    expect(refused('no-expr.yaml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        for: 1m\n')).toContain(
      'no-expr.yaml: line 4: groups[0].rules[0].expr: expected a PromQL expression, got nothing',
    );
  });

  it('refuses an unsupported function, naming the rule and the function', () => {
    expect(refused('fn.yaml', 'groups:\n  - name: g\n    rules:\n      - alert: Predict\n        expr: predict_linear(vllm:kv_cache_usage_perc[30m], 3600) > 1\n')).toMatch(
      /fn\.yaml: line 5: groups\[0\]\.rules\[0\]\.expr: alert "Predict": unsupported in headroom alerts: the function predict_linear\(\)/,
    );
  });

  it('refuses a bad duration, naming the line and key path', () => {
    expect(refused('dur.yaml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up > 1\n        for: soon\n')).toContain(
      'dur.yaml: line 6: groups[0].rules[0].for: expected a duration like 30s, 5m or 1h30m',
    );
  });

  it('refuses a result that is not a saturation or simulation result, or not JSON, or missing', () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ kind: 'calibration', version: 1 }));
    const wrong = runCli('alerts', rules, other);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('other.json: kind: expected a "saturation" or "simulation" result');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    expect(runCli('alerts', rules, notJson).stderr).toContain('not.json: not valid JSON');
    expect(runCli('alerts', rules, join(dir, 'none.json')).stderr).toContain('none.json: file not found');
    const poisoned = join(dir, 'proto.json');
    writeFileSync(poisoned, '{"kind": "saturation", "__proto__": {"x": 1}}');
    expect(runCli('alerts', rules, poisoned).code).toBe(2);
  });

  it('says so clearly when the trace a result needs cannot be read again', () => {
    const trace = join(dir, 'trace.csv');
    const rows = Array.from({ length: 200 }, (_, i) => `${i},${(i * 0.25).toFixed(2)},500,100`);
    writeFileSync(trace, `request_id,arrived_at_s,num_prefill_tokens,num_decode_tokens\n${rows.join('\n')}\n`);
    const traced = join(dir, 'traced.yaml');
    writeFileSync(traced, `name: traced\nmodel: llama-3.1-8b\ncluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }\nworkload:\n  arrival: { process: trace, file: ${trace} }\n`);
    const result = join(dir, 'traced.json');
    expect(runCli('simulate', traced, '-o', result).code).toBe(0);
    expect(runCli('alerts', rules, result).code).toBe(0);
    rmSync(trace);
    const run = runCli('alerts', rules, result);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("traced.json: the scenario's workload files cannot be read again");
    expect(run.stderr).toContain('trace.csv');
  });

  it('refuses a bad --eval-interval and an output over an input before simulating', () => {
    expect(runCli('alerts', rules, sat, '--eval-interval', 'fast').stderr).toContain('--eval-interval fast: expected a positive duration');
    const clash = runCli('alerts', rules, sat, '-o', sat);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('cannot write there (it is the input');
  });

  it('--help shows an example with the shipped rule file', () => {
    const run = runCli('alerts', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('headroom alerts scenarios/alerts/vllm-alerts.yaml sat.json');
  });
});
