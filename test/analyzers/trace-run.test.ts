import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceRun, type TraceEvent } from '../../analyzers/trace/trace-run.js';
import { simulate } from '../../engine/simulate.js';
import { PROJECT_ROOT, runCli } from '../cli/run-cli.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';

/**
 * `simulate --trace`: a Perfetto trace-event file of a bounded window, in which an engineer sees
 * why a request waited: each engine's steps and what they held, each request's queued / prefill /
 * decode spans, and the router's reason for every decision.
 */
const scenario = tinyScenario({
  stop: { requests: 600 },
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 3 },
  serving: { tensorParallelSize: 1, replicas: 3, maxNumSeqs: 8 },
  workload: { arrival: { process: 'poisson', rate: 30 }, inputTokens: { dist: 'lognormal', mean: 900, sd: 700 }, outputTokens: { dist: 'lognormal', mean: 120, sd: 100 } },
});
const window = { from: 5, to: 12, maxEvents: 1_000_000 };
const { result, trace } = traceRun(scenario, undefined, window);
const events = trace.traceEvents;
const steps = events.filter((e) => e.cat === 'step');
const requestEvents = events.filter((e) => e.cat === 'request' && (e.ph === 'b' || e.ph === 'e'));

describe('simulate --trace', () => {
  it('recording a trace leaves the result byte-identical', () => {
    expect(JSON.stringify(result)).toBe(JSON.stringify(simulate(scenario)));
  });

  it('keeps only what starts inside the window', () => {
    expect(steps.length).toBeGreaterThan(100);
    for (const e of events.filter((x) => x.ph === 'X' || x.cat === 'router')) {
      expect(e.ts!).toBeGreaterThanOrEqual(window.from * 1e6);
      expect(e.ts!).toBeLessThan(window.to * 1e6);
    }
    expect(trace.otherData.truncatedAtSeconds).toBeNull();
  });

  it("an engine's steps never overlap and carry their batch composition", () => {
    for (const pid of new Set(steps.map((s) => s.pid))) {
      const mine = steps.filter((s) => s.pid === pid).sort((a, b) => a.ts! - b.ts!);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.ts!).toBeGreaterThanOrEqual(mine[i - 1]!.ts! + mine[i - 1]!.dur! - 2e-3);
      for (const s of mine) {
        const a = s.args!;
        expect(Number(a.prefillTokens) + Number(a.decodeSeqs)).toBeGreaterThan(0);
        expect(s.name).toMatch(/^(prefill \d+ \(\d+ seq\)( \+ decode \d+)?|decode \d+)$/);
      }
    }
  });

  it('each request in the window has queued, prefill and decode spans in order, inside its whole span, begun and ended', () => {
    const byId = new Map<number, TraceEvent[]>();
    for (const e of requestEvents) byId.set(e.id!, [...(byId.get(e.id!) ?? []), e]);
    expect(byId.size).toBeGreaterThan(100);
    for (const list of byId.values()) {
      const t = (name: string, ph: 'b' | 'e') => list.find((e) => e.ph === ph && (name === 'request' ? e.name.startsWith('request') : e.name === name))!.ts!;
      expect(list).toHaveLength(8);
      expect(t('request', 'b')).toBe(t('queued', 'b'));
      expect(t('queued', 'e')).toBe(t('prefill', 'b'));
      expect(t('prefill', 'e')).toBe(t('decode', 'b'));
      expect(t('decode', 'e')).toBe(t('request', 'e'));
      expect(t('queued', 'b')).toBeLessThanOrEqual(t('queued', 'e'));
      expect(t('prefill', 'b')).toBeLessThan(t('prefill', 'e'));
    }
  });

  it('shows why a request waited: a request queued for long sat behind full batches of its engine', () => {
    const queued = requestEvents.filter((e) => e.name === 'queued');
    const waits = queued.filter((e) => e.ph === 'b').map((b) => ({ b, e: queued.find((x) => x.ph === 'e' && x.id === b.id)! }));
    const longest = waits.sort((x, y) => y.e.ts! - y.b.ts! - (x.e.ts! - x.b.ts!))[0]!;
    expect(longest.e.ts! - longest.b.ts!).toBeGreaterThan(0);
    const behind = steps.filter((s) => s.pid === longest.b.pid && s.ts! >= longest.b.ts! && s.ts! + s.dur! <= longest.e.ts!);
    expect(behind.length).toBeGreaterThan(0);
    // maxNumSeqs is 8: the steps it waited behind held the batch full.
    expect(behind.some((s) => Number(s.args!.runningAfter) >= 8)).toBe(true);
  });

  it("the router's decisions name the engine picked and why; least-outstanding picks the fewest held", () => {
    const decisions = events.filter((e) => e.cat === 'router' && e.ph === 'i' && String(e.args?.reason ?? '').startsWith('least-outstanding'));
    expect(decisions.length).toBeGreaterThan(100);
    for (const d of decisions) {
      const reason = String(d.args!.reason);
      expect(reason).toContain(`replica ${d.args!.engine}`);
      const m = /holds (\d+) \(next fewest (\d+)/.exec(reason);
      if (m !== null) expect(Number(m[1])).toBeLessThanOrEqual(Number(m[2]));
    }
  });

  it('stops recording at the event cap and says when', () => {
    const small = traceRun(scenario, undefined, { from: 0, to: Infinity, maxEvents: 500 });
    expect(small.trace.traceEvents.length).toBeLessThanOrEqual(500);
    expect(small.trace.otherData.truncatedAtSeconds).toBeGreaterThan(0);
    expect(JSON.stringify(small.result)).toBe(JSON.stringify(result));
  });
});

describe('headroom simulate --trace (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-trace-'));
  const chat = join(PROJECT_ROOT, 'scenarios', 'llama-3.1-8b-h100-chat.yaml');

  it('writes a trace-event file Perfetto opens (traceEvents, displayTimeUnit) and says where', () => {
    const file = join(dir, 'trace.json');
    const run = runCli('simulate', chat, '--set', 'stop.requests=400', '--trace', file, '--trace-window', '10s:20s');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/trace: \d+ events in 10-20\.0 s written to .*trace\.json; open it in ui\.perfetto\.dev/);
    const t = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
    expect(t.displayTimeUnit).toBe('ms');
    expect(t.traceEvents.some((e) => e.ph === 'X')).toBe(true);
  });

  it('refuses a bad window, or a window without --trace, with exit 2 and no file', () => {
    const file = join(dir, 'never.json');
    for (const args of [
      ['--trace', file, '--trace-window', '20s'],
      ['--trace', file, '--trace-window', '30s:10s'],
      ['--trace', file, '--trace-window', 'soon:later'],
      ['--trace-window', '0:10s'],
    ]) {
      const run = runCli('simulate', chat, '--set', 'stop.requests=50', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/--trace-window/);
      expect(existsSync(file)).toBe(false);
    }
  });
});
