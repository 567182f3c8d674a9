import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAlerts } from '../../../analyzers/alerts/analyze-alerts.js';
import type { RuleFile } from '../../../analyzers/alerts/alert-rules.js';
import { saturationRuns, simulateRun } from '../../../analyzers/alerts/point-runs.js';
import { parseRulesText, readRulesFile } from '../../../analyzers/alerts/read-rules-file.js';
import { analyzeSaturation } from '../../../analyzers/saturation/analyze-saturation.js';
import type { SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { simulate } from '../../../engine/simulate.js';
import { loadWorkloadData, NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/**
 * Four batch slots on one H100, 64-token answers: the queue builds well below the rate where the
 * 5 s p99 TTFT breaks (about 8.8 req/s), so a queue-depth alert can warn before users are hurt.
 */
const slots = () =>
  tinyScenario({
    seed: 7,
    stop: { requests: 1500 },
    serving: { maxNumSeqs: 4 },
    workload: { arrival: { process: 'poisson', rate: 2 }, inputTokens: { dist: 'fixed', value: 256 }, outputTokens: { dist: 'fixed', value: 64 } },
    slo: { ttftP99: '5s' },
  });

const RULES = `groups:
  - name: early
    rules:
      - alert: QueueBuilding
        expr: sum(vllm:num_requests_waiting) > 2
        for: 30s
  - name: late
    rules:
      - alert: TtftP99AboveSlo
        expr: histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[5m]))) > 5
        for: 1m
      - alert: Impossible
        expr: sum(vllm:num_requests_running) > 1e9
  - name: notes
    rules:
      - alert: Slow
        expr: sum(vllm:num_requests_running) >= 0
        for: 1h
      - alert: Always
        expr: sum(vllm:num_requests_running) >= 0
`;

function rulesOf(text: string): RuleFile {
  const parsed = parseRulesText('rules.yaml', text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.rules;
}

/** The result as a file gives it back (JSON turns -0, undefined and Infinity into what a reader sees). */
const asRead = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

let sat: SaturationResult;
/** The rules above over the sweep, evaluated once for the tests that read it. */
let base: ReturnType<typeof analyzeAlerts>;
beforeAll(async () => {
  sat = asRead(await analyzeSaturation({ scenario: slots(), data: NO_WORKLOAD_DATA }, { workers: 1, replications: 1, rates: [2, 4, 6, 7, 8, 9, 10] }));
  base = analyzeAlerts(rulesOf(RULES), sat);
});

describe('analyzeAlerts(rules, saturation result)', () => {
  it('a queue-depth alert warns early and a TTFT p99 alert at the SLO fires late; an impossible one never fires', () => {
    const r = base;
    expect(r.kind).toBe('alerts');
    expect(r.sloBreak).toEqual({ rate: sat.saturationRate!.mean, from: 'saturationRate' });
    const [queue, ttft, never] = r.alerts;
    expect(queue!.verdict).toBe('warns-early');
    expect(queue!.firstFiringRate!).toBeLessThan(r.sloBreak!.rate);
    expect(queue!.margin!.requestsPerSecond).toBeCloseTo(r.sloBreak!.rate - queue!.firstFiringRate!, 12);
    expect(queue!.margin!.percent).toBeGreaterThan(0);
    expect(queue!.firesAt!).toBeGreaterThanOrEqual(30);
    expect(['fires-late', 'never-fires']).toContain(ttft!.verdict);
    if (ttft!.verdict === 'fires-late') expect(ttft!.firstFiringRate!).toBeGreaterThanOrEqual(r.sloBreak!.rate);
    // Below the break its p99 stays below 5 s at some rates: the report says how close it came.
    expect(ttft!.perRate[0]!.maxValue!).toBeLessThan(5);
    expect(never!.verdict).toBe('never-fires');
    expect(never!.firstFiringRate).toBeNull();
    expect(r.runs.map((x) => x.rate)).toEqual(sat.points.map((p) => p.rate));
  });

  it('the first firing rate is the lowest rate at which the alert fired, and it fires at every rate it was reported at', () => {
    for (const a of base.alerts) {
      const fired = a.perRate.filter((p) => p.firesAt !== null);
      expect(a.firstFiringRate).toBe(fired[0]?.rate ?? null);
      expect(a.firesAt).toBe(fired[0]?.firesAt ?? null);
    }
  });

  it('is deterministic: the same rules and result give byte-identical JSON', () => {
    expect(JSON.stringify(analyzeAlerts(rulesOf(RULES), asRead(sat)))).toBe(JSON.stringify(base));
  });

  it('re-simulates each rate exactly as the analysis did (replication 0): the same p99 TTFT and completions per point', () => {
    const runs = saturationRuns(sat, loadWorkloadData, 'sat.json');
    expect(runs.map((r) => r.scenario.seed)).toEqual(runs.map(() => sat.scenario.seed));
    for (const [i, run] of runs.entries()) {
      const { result } = simulateRun(run);
      expect(result.latency.ttft.p99, `rate ${run.rate}`).toBe(sat.points[i]!.latency.ttft.p99);
      expect(result.throughput.window?.completionsPerSecond ?? null).toBe(sat.points[i]!.keepUp.completionsPerSecond);
    }
  });

  it('evaluates the load window by default and the drain too with includeDrain', () => {
    const load = base;
    const whole = analyzeAlerts(rulesOf(RULES), sat, { includeDrain: true });
    expect(load.runs.every((r) => r.evaluatedUntilSeconds === r.lastArrivalSeconds)).toBe(true);
    expect(whole.runs.every((r) => r.evaluatedUntilSeconds === r.simulatedSeconds)).toBe(true);
    expect(whole.evaluation.window).toBe('run');
  });

  it('a group interval or --eval-interval sets the evaluation step', () => {
    const r = analyzeAlerts(rulesOf(RULES), sat, { evalIntervalSeconds: 15 });
    expect(r.evaluation.intervalSeconds).toBe(15);
    expect(r.runs.every((x) => x.evalIntervalSeconds === 15)).toBe(true);
    for (const a of r.alerts) for (const p of a.perRate) if (p.firesAt !== null) expect(p.firesAt % 15).toBe(0);
  });

  it('notes an alert whose for: is longer than the runs', () => {
    const slow = base.alerts.find((a) => a.name === 'Slow')!;
    expect(slow.verdict).toBe('never-fires');
    expect(slow.notes.join('\n')).toMatch(/shorter than for: 1h, so it could not fire there: lengthen stop\.requests/);
  });

  it('notes an alert that fires already at the lowest rate', () => {
    const always = base.alerts.find((a) => a.name === 'Always')!;
    expect(always.verdict).toBe('warns-early');
    expect(always.notes[0]).toMatch(/fires already at the lowest rate swept \(2\.000 req\/s\)/);
  });
});

describe('analyzeAlerts(rules, simulation result)', () => {
  it('reports which alerts fire in the one run and when, with no SLO break to compare', () => {
    const scenario = { ...slots(), workload: { ...slots().workload, arrival: { process: 'poisson' as const, rate: 9 } } };
    const result = asRead(simulate(scenario));
    const r = analyzeAlerts(rulesOf(RULES), result);
    expect(r.source.kind).toBe('simulation');
    expect(r.sloBreak).toBeNull();
    expect(r.sloBreakReason).toMatch(/one run at one rate/);
    expect(r.runs).toHaveLength(1);
    expect(r.alerts[0]!.verdict).toBe('fires');
    expect(r.alerts[0]!.firstFiringRate).toBe(9);
    expect(r.alerts[2]!.verdict).toBe('never-fires');
  });
});

describe('analyzeAlerts on a trace sweep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-alerts-trace-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('re-reads the trace at its own pace and rescales it per rate, as the sweep did', async () => {
    const trace = join(dir, 'steady.csv');
    const rows = Array.from({ length: 600 }, (_, i) => `${i},${(i * 0.25).toFixed(2)},500,100`);
    writeFileSync(trace, `request_id,arrived_at_s,num_prefill_tokens,num_decode_tokens\n${rows.join('\n')}\n`);
    const scenarioFile = join(dir, 'trace.yaml');
    writeFileSync(
      scenarioFile,
      `name: trace\nmodel: llama-3.1-8b\ncluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }\nserving: { maxNumSeqs: 4 }\nworkload:\n  arrival: { process: trace, file: ${trace}, timeScale: 2 }\nslo: { ttftP99: 5s }\n`,
    );
    const result = asRead(await analyzeSaturation(loadScenario(scenarioFile), { workers: 1, rates: [2, 6, 12] }));
    const runs = saturationRuns(result, loadWorkloadData, 'sat.json');
    for (const [i, run] of runs.entries()) expect(simulateRun(run).result.latency.ttft.p99).toBe(result.points[i]!.latency.ttft.p99);
    expect(analyzeAlerts(rulesOf(RULES), result).runs).toHaveLength(result.points.length);
  });
});

describe('the shipped scenarios/alerts/vllm-alerts.yaml', () => {
  it('evaluates over a saturation sweep without a refusal, every alert with a verdict', () => {
    const r = analyzeAlerts(readRulesFile('scenarios/alerts/vllm-alerts.yaml'), sat);
    expect(r.records).toEqual(['model:vllm_generation_tokens:rate1m']);
    for (const a of r.alerts) expect(['warns-early', 'fires-late', 'never-fires']).toContain(a.verdict);
  });
});
