import { describe, expect, it } from 'vitest';
import { analyzeSaturation } from '../../../analyzers/saturation/analyze-saturation.js';
import { NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';
import { ScenarioError } from '../../../engine/scenario/scenario-issue.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

function writeScenario(dir: string, trace: string): string {
  const file = join(dir, 'trace.yaml');
  writeFileSync(
    file,
    `name: trace\nmodel: llama-3.1-8b\ncluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }\nworkload:\n  arrival: { process: trace, file: ${trace} }\nslo: { ttftP99: 2s }\n`,
  );
  return file;
}

const chat = (overrides: Record<string, unknown> = {}) =>
  tinyScenario({
    seed: 3,
    stop: { requests: 3000 },
    workload: {
      arrival: { process: 'poisson', rate: 4 },
      inputTokens: { dist: 'lognormal', mean: 600, sd: 400 },
      outputTokens: { dist: 'lognormal', mean: 150, sd: 100 },
    },
    slo: { ttftP99: '2s', tpotP99: '100ms' },
    ...overrides,
  });
const analyze = (scenario: ReturnType<typeof chat>, options = {}) =>
  analyzeSaturation({ scenario, data: NO_WORKLOAD_DATA }, { workers: 1, replications: 2, ...options });

describe('analyzeSaturation', () => {
  it('is byte-identical with 1 and 2 worker threads', async () => {
    const scenario = chat();
    const one = await analyze(scenario, { workers: 1, rates: [4, 8, 12, 16] });
    const two = await analyze(scenario, { workers: 2, rates: [4, 8, 12, 16] });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });

  it('reports headroom at the scenario rate as (saturation - current) / saturation', async () => {
    const r = await analyze(chat());
    expect(r.currentRate).toBe(4);
    const sat = r.saturationRate!.mean;
    expect(r.headroom!.requestsPerSecond).toBeCloseTo(sat - 4, 9);
    expect(r.headroom!.percent).toBeCloseTo((100 * (sat - 4)) / sat, 9);
    expect(r.points.map((p) => p.rate)).toEqual([...r.points.map((p) => p.rate)].sort((a, b) => a - b));
  });

  it('names kv-memory the first bottleneck when KV blocks run out before anything else', async () => {
    const r = await analyze(chat({ serving: { gpuMemoryUtilization: 0.25, maxNumSeqs: 256, maxModelLen: 4096 } }));
    expect(r.bottleneck!.name).toBe('kv-memory');
    expect(r.bottleneck!.evidence).toMatch(/KV cache/);
    // Pressure shows at or before the SLO breaks.
    expect(r.pressureOnsetRate!).toBeLessThanOrEqual(r.saturationRate!.high);
    // The knob the evidence points at is tried at the first broken rate, and the KV it frees helps.
    const [trial] = r.bottleneck!.tried;
    expect(r.bottleneck!.tried).toHaveLength(1);
    expect(trial).toMatchObject({ key: 'serving.kvCacheDtype', value: 'fp8' });
    expect(trial!.rate).toBe(r.points.find((p) => p.meetsSlo === false)!.rate);
    expect(trial!.worstAfter).toBeLessThan(trial!.worstBefore);
  });

  it('names batch-limit when maxNumSeqs slots fill while KV has room, and shows what twice the slots do', async () => {
    const r = await analyze(chat({ serving: { maxNumSeqs: 4 } }));
    expect(r.bottleneck!.name).toBe('batch-limit');
    const [trial] = r.bottleneck!.tried;
    expect(trial).toMatchObject({ key: 'serving.maxNumSeqs', value: '8' });
    expect(trial!.worstAfter).toBeLessThan(trial!.worstBefore);
    expect(r.method.simulations).toBe(r.points.length * 2 + 2);
  });

  it('says "indeterminate" with a reason instead of inventing a knee when the SLO cannot be met at all', async () => {
    const r = await analyze(chat({ slo: { ttftP99: '1ms' } }));
    expect(r.saturationRate).toBeNull();
    expect(r.saturationReason).toMatch(/not met even at/);
    expect(r.headroom).toBeNull();
  });

  it('a --rates sweep without an SLO reports the curve and no saturation rate', async () => {
    const s = chat();
    const r = await analyze({ ...s, slo: null }, { rates: [2, 4] });
    expect(r.points).toHaveLength(2);
    expect(r.saturationRate).toBeNull();
    expect(r.saturationReason).toMatch(/no slo/);
  });

  it('refuses to search without an SLO, naming the slo key', async () => {
    const s = chat();
    await expect(analyze({ ...s, slo: null })).rejects.toBeInstanceOf(ScenarioError);
  });

  it('refuses a closed-loop workload: there is no offered rate to sweep', async () => {
    await expect(analyze(chat({ workload: { arrival: { process: 'closed', concurrency: 4 } } }))).rejects.toThrow(/open-loop/);
  });
});

describe('saturation intervals are never of zero width', () => {
  it('with one replication the interval is the bracket of evaluated rates around the break, and says so', async () => {
    const r = await analyze(chat(), { replications: 1 });
    const s = r.saturationRate!;
    expect(s.high - s.low).toBeGreaterThan(0);
    const met = r.points.filter((p) => p.meetsSlo && p.rate <= s.mean).at(-1)!;
    const broken = r.points.find((p) => p.meetsSlo === false && p.rate >= s.mean)!;
    expect(s.low).toBeLessThanOrEqual(met.rate);
    expect(s.high).toBeGreaterThanOrEqual(broken.rate);
    expect(r.intervalNote).toMatch(/one replication/);
  });

  it('on a grid the break is refined to the precision, as a search would, and the two agree within it', async () => {
    const grid = await analyze(chat(), { rates: [8, 16, 24, 32, 40, 48, 56, 64] });
    const search = await analyze(chat());
    expect(grid.saturationReason).toBeNull();
    const g = grid.saturationRate!;
    expect(g.high - g.low).toBeGreaterThan(0);
    expect(grid.intervalNote).toMatch(/grid, refined/);
    // Rates between the grid's own were evaluated around the break.
    expect(grid.points.some((p) => p.rate % 8 !== 0)).toBe(true);
    expect(Math.abs(g.mean / search.saturationRate!.mean - 1)).toBeLessThan(0.05);
    expect(grid.pressureOnsetRate === null).toBe(search.pressureOnsetRate === null);
  });

  it('a deterministic trace runs one replication, whatever --replications says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-trace-'));
    const file = join(dir, 'burst.csv');
    const rows = Array.from({ length: 400 }, (_, i) => `${i},${(i * 0.25).toFixed(2)},500,100`);
    writeFileSync(file, `request_id,arrived_at_s,num_prefill_tokens,num_decode_tokens\n${rows.join('\n')}\n`);
    const loaded = loadScenario(writeScenario(dir, file));
    const r = await analyzeSaturation(loaded, { workers: 1, replications: 3, rates: [1, 2, 4] });
    expect(r.method.replications).toBe(1);
    expect(r.points.every((p) => p.replications === 1)).toBe(true);
    expect(r.intervalNote).toMatch(/deterministic/);
  });
});

describe('the knee does not depend on run length', () => {
  it('a run too short to reach steady state is declared so, with how much longer to run', async () => {
    const r = await analyze(chat({ stop: { requests: 600 } }));
    expect(r.saturationRate).toBeNull();
    expect(r.saturationReason).toMatch(/^run too short: .* multiply stop\.requests \(or stop\.duration\) by \d+ or more$/);
    expect(r.bottleneck).toBeNull();
  });

  it('a rate the deployment falls behind at misses the SLO though its bounds read met, and the knee never exceeds what it sustained there', async () => {
    // A minute of e2e p99 allowed: an 8,000-request run ends before an overload's queue breaks
    // it, though it is long enough to reach steady state (so falling behind is decided).
    const r = await analyze(chat({ stop: { requests: 8000 }, slo: { e2eP99: '60s' } }));
    const behind = r.points.filter((p) => !p.keepsUp);
    const hidden = behind.filter((p) => p.slo.every((b) => b.met));
    expect(hidden.length).toBeGreaterThan(0);
    for (const p of behind) {
      expect(p.meetsSlo).toBe(false);
      // Decided only at steady state: before it, a batch still filling trails its arrivals too.
      expect(p.decided).toBe(p.steady.reached || p.slo.some((b) => !b.met));
      expect(p.keepUp.margin).toBeGreaterThan(1);
      expect(p.pressure.pressured).toContain('falling-behind');
    }
    const capacity = Math.max(...behind.filter((p) => p.steady.reached).map((p) => p.throughput.requestsPerSecond.mean));
    expect(r.sustainedCapacity!.requestsPerSecond).toBe(capacity);
    expect(r.saturationRate!.mean).toBeLessThanOrEqual(capacity);
    expect(r.saturationRate!.mean).toBeLessThanOrEqual(Math.min(...behind.map((p) => p.rate)));
    // The kept-up rates below the knee completed what arrived: the knee is a sustainable rate.
    for (const p of r.points.filter((q) => q.rate < r.saturationRate!.mean)) expect(p.keepsUp).toBe(true);
  });

  it('with 5x the requests the knee moves by less than the search precision plus its interval', async () => {
    const base = (await analyze(chat(), { replications: 3 })).saturationRate!;
    const long = (await analyze(chat({ stop: { requests: 15000 } }), { replications: 3 })).saturationRate!;
    console.log(`knee at 3,000 requests ${JSON.stringify(base)}, at 15,000 ${JSON.stringify(long)}`);
    const tolerance = 0.02 * base.mean + Math.max(base.high - base.mean, base.mean - base.low);
    expect(Math.abs(long.mean - base.mean)).toBeLessThanOrEqual(tolerance);
  });
});
