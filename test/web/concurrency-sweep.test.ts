import { describe, expect, it } from 'vitest';
import { formatSeconds } from '../../web/src/format.js';
import {
  CONCURRENCY_COLUMNS,
  concurrencyLatencyLines,
  concurrencyRows,
  concurrencySloBounds,
  concurrencyThroughputLines,
  levelTicks,
} from '../../web/src/shape/concurrency-sweep.js';
import { concurrencyVerdict } from '../../web/src/shape/verdict.js';
import { chatScenario, concurrencyFixture } from './fixtures/results.js';

const sweep = concurrencyFixture(chatScenario());

describe('concurrency sweep shaping', () => {
  it('concurrencyRows(result) is one row per level, by rising client count, in CONCURRENCY_COLUMNS order', () => {
    const shuffled = { ...sweep, levels: [...sweep.levels].reverse() };
    const rows = concurrencyRows(shuffled);
    expect(rows).toHaveLength(sweep.levels.length);
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '4', '8', '16', '32', '64']);
    for (const row of rows) expect(row).toHaveLength(CONCURRENCY_COLUMNS.length);
    expect(CONCURRENCY_COLUMNS).toEqual(['Clients', 'Completed', 'Output tok/s', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'ITL p99', 'Meets SLO', 'Pressure signals']);
    const first = sweep.levels[0]!;
    const { ttft, tpot, itl } = first.latency;
    expect(rows[0]).toEqual(['1', '2.00 req/s', '420 tok/s', formatSeconds(ttft.p50), formatSeconds(ttft.p99), formatSeconds(tpot.p50), formatSeconds(tpot.p99), formatSeconds(itl.p99), 'yes', 'none']);
    expect(rows[0]![4]).toBe('204 ms');
    // The top levels break the SLO; past capacity the fixture also falls behind.
    expect(rows.map((r) => r[8])).toEqual(sweep.levels.map((l) => (l.meetsSlo ? 'yes' : l.keepsUp ? 'no' : 'no: fell behind')));
    expect(rows.at(-1)![8]).toBe('no: fell behind');
  });

  it('concurrencyThroughputLines(result) is completed req/s with its interval and goodput, a point per level', () => {
    const lines = concurrencyThroughputLines(sweep);
    expect(lines.map((l) => l.key)).toEqual(['achieved', 'goodput']);
    for (const l of lines) expect(l.points.map((p) => p.concurrency)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    const top = sweep.levels.at(-1)!.throughput.requestsPerSecond;
    expect(lines[0]!.points.at(-1)).toEqual({ concurrency: 64, value: top.mean, low: top.low, high: top.high });
    // No SLO: no goodput line.
    const noSlo = { ...sweep, levels: sweep.levels.map((l) => ({ ...l, goodputRequestsPerSecond: null })) };
    expect(concurrencyThroughputLines(noSlo).map((l) => l.key)).toEqual(['achieved']);
  });

  it('concurrencyLatencyLines(result) is TTFT p99 and TPOT p99 per level, leaving out levels without a sample', () => {
    const lines = concurrencyLatencyLines(sweep);
    expect(lines.map((l) => [l.key, l.label])).toEqual([
      ['ttft-p99', 'TTFT p99'],
      ['tpot-p99', 'TPOT p99'],
    ]);
    expect(lines[1]!.points.map((p) => p.value)).toEqual(sweep.levels.map((l) => l.latency.tpot.p99));
    const gap = { ...sweep, levels: sweep.levels.map((l, i) => (i === 2 ? { ...l, latency: { ...l.latency, ttft: { ...l.latency.ttft, p99: null } } } : l)) };
    expect(concurrencyLatencyLines(gap)[0]!.points).toHaveLength(sweep.levels.length - 1);
  });

  it("concurrencySloBounds(result) is the SLO's p99 bounds on TTFT and TPOT, named by metric", () => {
    expect(concurrencySloBounds(sweep)).toEqual([
      { key: 'ttftP99', value: 2, label: 'TTFT SLO p99 ≤ 2.00 s' },
      { key: 'tpotP99', value: 0.1, label: 'TPOT SLO p99 ≤ 100 ms' },
    ]);
    expect(concurrencySloBounds({ ...sweep, scenario: { ...sweep.scenario, slo: null } })).toEqual([]);
  });

  it('levelTicks(levels, fit) labels every level that fits, else an even spread keeping both ends', () => {
    expect(levelTicks([64, 1, 4, 16, 4], 10)).toEqual([1, 4, 16, 64]);
    const many = Array.from({ length: 64 }, (_, i) => i + 1);
    const ticks = levelTicks(many, 5);
    expect(ticks).toHaveLength(5);
    expect(ticks[0]).toBe(1);
    expect(ticks.at(-1)).toBe(64);
  });

  it('concurrencyVerdict(result) says up to how many clients the SLO holds, where it breaks, and the most throughput', () => {
    const breaking = sweep.levels.filter((l) => l.meetsSlo === false).map((l) => l.concurrency);
    const top = sweep.levels.filter((l) => l.meetsSlo).at(-1)!;
    expect(breaking.length).toBeGreaterThan(0);
    expect(concurrencyVerdict(sweep).text).toBe(`SLO holds up to ${top.concurrency} clients (${top.throughput.requestsPerSecond.mean.toFixed(1)} req/s); missed at ${breaking.join(', ')} clients; most throughput 20.0 req/s at ${sweep.levels.find((l) => l.throughput.requestsPerSecond.mean === 20)!.concurrency} clients`);
    const all = { ...sweep, levels: sweep.levels.slice(0, 2) };
    expect(concurrencyVerdict(all)).toEqual({ status: 'met', text: 'SLO holds at every level, up to 2 clients (6.00 req/s); most throughput 6.00 req/s at 2 clients' });
    const none = { ...sweep, levels: sweep.levels.map((l) => ({ ...l, meetsSlo: false })) };
    expect(concurrencyVerdict(none).status).toBe('missed');
    expect(concurrencyVerdict(none).text).toMatch(/^SLO MISSED at every level, from 1 client; /);
    const noSlo = { ...sweep, levels: sweep.levels.map((l) => ({ ...l, meetsSlo: null })) };
    expect(concurrencyVerdict(noSlo).text).toMatch(/^No SLO stated; most throughput /);
  });
});
