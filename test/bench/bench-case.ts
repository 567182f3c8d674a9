/**
 * One benchmark case, run in its own process so wall time and peak RSS are its own:
 *   node dist/test/bench/bench-case.js <case>
 * Prints one JSON line of figures. Never asserted anywhere: benchmarks print, tests check.
 */
import { existsSync } from 'node:fs';
import { analyzeSaturation } from '../../analyzers/saturation/analyze-saturation.js';
import { loadScenario } from '../../engine/scenario/load-scenario.js';
import { simulate } from '../../engine/simulate.js';

/** Saturation search cases: `saturation-70b-w1`, `saturation-70b-w2` (workers). */
const SATURATION_FILE = 'scenarios/llama-3.1-70b-h100-tp4.yaml';
const saturationMatch = /^saturation-70b-w(\d+)$/.exec(process.argv[2] ?? '');
if (saturationMatch) {
  const workers = Number(saturationMatch[1]);
  const t0 = performance.now();
  const result = await analyzeSaturation(loadScenario(SATURATION_FILE), { replications: 5, workers, file: SATURATION_FILE });
  const t1 = performance.now();
  console.log(
    JSON.stringify({
      case: process.argv[2],
      kind: 'saturation',
      workers,
      processWallSeconds: t1 / 1000,
      analysisSeconds: (t1 - t0) / 1000,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      simulations: result.method.simulations,
      rates: result.points.length,
      saturationRate: result.saturationRate,
      pressureOnsetRate: result.pressureOnsetRate,
      bottleneck: result.bottleneck?.name ?? null,
      headroomPercent: result.headroom?.percent ?? null,
    }),
  );
  process.exit(0);
}

/**
 * Issue 12's survivability bench: Monte Carlo trials of a one-hour, 16-replica scenario (Llama-3.1-8B
 * on 16 H100s at 4 req/s, random GPU failures at 50x the catalog rate so a trial sees some, one spare).
 * `survive-trials` runs BENCH_TRIALS trials (default 1000) without the boundary map.
 */
if (process.argv[2] === 'survive-trials') {
  const { analyzeSurvival } = await import('../../analyzers/survivability/analyze-survival.js');
  const trials = Number(process.env.BENCH_TRIALS ?? 1000);
  const loaded = loadScenario('scenarios/llama-3.1-8b-h100-chat.yaml', {
    sets: [
      'cluster.gpusPerNode=8',
      'cluster.nodes=2',
      'serving.replicas=16',
      'workload.arrival.rate=4',
      'stop={duration: 1h}',
      'failures=[{kind: gpu, rate: 0.001}]',
      'recovery={spares: 1}',
    ],
  });
  const t0 = performance.now();
  const result = await analyzeSurvival(loaded, { trials, rates: [], file: 'bench' });
  const t1 = performance.now();
  console.log(
    JSON.stringify({
      case: 'survive-trials',
      kind: 'survive',
      trials,
      analysisSeconds: (t1 - t0) / 1000,
      processWallSeconds: t1 / 1000,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      attainment: result.trials.attainment,
      outcomes: result.trials.outcomes,
      failuresPerTrial: result.trials.perTrial.reduce((a, t) => a + (t.lostInFlight > 0 ? 1 : 0), 0) / trials,
    }),
  );
  process.exit(0);
}

const CASES: Record<string, { file: string; sets: string[]; needsShared: boolean }> = {
  // Vidur's standard workload, replayed from ../shared/data (see the scenario's comment).
  'vidur-trace': { file: 'scenarios/vidur-benchmark-llama-2-7b-a100.yaml', sets: [], needsShared: true },
  // A million chat requests on 8 replicas of Llama-3.1-8B (one H100 each), ~75% loaded.
  'million-chat': {
    file: 'scenarios/llama-3.1-8b-h100-chat.yaml',
    sets: [
      'cluster.gpusPerNode=8',
      'serving.replicas=8',
      `stop.requests=${process.env.BENCH_REQUESTS ?? 1000000}`,
      'workload.arrival.rate=96',
      'limits.eventBudget=1000000000',
    ],
    needsShared: false,
  },
  // Issue 13's benches: the Mooncake FAST'25 conversation trace replayed whole (12,031 requests,
  // its hash_ids as prefix blocks) on four H100 replicas routed kv-aware; and the million-request
  // chat bench with prefix caching at work (32 shared 1,000-token system prompts, 3-turn
  // conversations, kv-aware routing; the rate is of new conversations, 3 turns each: 60 req/s).
  'mooncake-prefix': {
    file: 'scenarios/llama-3.1-8b-h100-chat.yaml',
    sets: [
      'cluster.gpusPerNode=4',
      'serving.replicas=4',
      'serving.router=kv-aware',
      'workload.arrival={process: trace, file: ../../shared/data/traces/mooncake_fast25_conversation_trace.jsonl}',
      `stop.requests=${process.env.BENCH_REQUESTS ?? 12031}`,
    ],
    needsShared: true,
  },
  'million-chat-prefix': {
    file: 'scenarios/llama-3.1-8b-h100-chat.yaml',
    sets: [
      'cluster.gpusPerNode=8',
      'serving.replicas=8',
      'serving.router=kv-aware',
      'workload.prefix={groups: 32, tokens: 1000, share: 1}',
      'workload.sessions={turns: 3, thinkTime: 5s}',
      `stop.requests=${process.env.BENCH_REQUESTS ?? 1000000}`,
      'workload.arrival.rate=20',
      'limits.eventBudget=1000000000',
    ],
    needsShared: false,
  },
  // Issue 11's fabric bench: 64 nodes x 8 H100 in 8 racks (2:1 spine), P/D disaggregated (256
  // prefill engines TP1, 64 decode engines TP4), 100,000 long-prompt requests: every KV hand-off
  // is a set of flows on the shared fabric.
  'fabric-64-nodes': {
    file: 'scenarios/llama-3.1-8b-pd-disaggregated.yaml',
    sets: [
      'cluster.nodes=64',
      'cluster.topology={racks: 8, spine: {oversubscription: 2}}',
      'serving.disaggregation={prefill: {replicas: 256, tensorParallelSize: 1}, decode: {replicas: 64, tensorParallelSize: 4}}',
      `stop.requests=${process.env.BENCH_REQUESTS ?? 100000}`,
      'workload.arrival.rate=600',
      'limits.eventBudget=1000000000',
    ],
    needsShared: false,
  },
};

const name = process.argv[2] ?? '';
const spec = CASES[name];
if (!spec) {
  console.error(`unknown case "${name}"; expected one of ${Object.keys(CASES).join(', ')}`);
  process.exit(2);
}
if (spec.needsShared && !existsSync('../shared/data')) {
  console.log(JSON.stringify({ case: name, skipped: '../shared/data not found beside the project' }));
  process.exit(0);
}
const t0 = performance.now();
const { scenario, data } = loadScenario(spec.file, { sets: spec.sets });
const t1 = performance.now();
// BENCH_LOAD_ONLY: stop once loaded; an instruction count of this process is the baseline the
// bench subtracts from a whole run's to count the simulation's own instructions.
if (process.env.BENCH_LOAD_ONLY === '1') process.exit(0);
const result = simulate(scenario, data);
const t2 = performance.now();
// Re-runs in the same process (BENCH_WARM_RUNS): what a sweep's worker pays per simulation once V8
// has optimised the hot path; the first run above also pays the JIT's warm-up.
let warmSimulateSeconds: number | null = null;
for (let i = 0; i < Number(process.env.BENCH_WARM_RUNS ?? 0); i++) {
  const w0 = performance.now();
  simulate(scenario, data);
  const seconds = (performance.now() - w0) / 1000;
  warmSimulateSeconds = warmSimulateSeconds === null ? seconds : Math.min(warmSimulateSeconds, seconds);
}
const l = result.latency;
console.log(
  JSON.stringify({
    case: name,
    processWallSeconds: t2 / 1000, // performance.now() counts from process start
    loadSeconds: (t1 - t0) / 1000,
    simulateSeconds: (t2 - t1) / 1000,
    warmSimulateSeconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    requests: result.requests.completed,
    events: result.run.events,
    steps: result.run.steps,
    eventsPerSecond: result.run.events / ((t2 - t1) / 1000),
    requestsPerSecond: result.requests.completed / ((t2 - t1) / 1000),
    ttft: { p50: l.ttft.p50, p99: l.ttft.p99 },
    tpot: { p50: l.tpot.p50, p99: l.tpot.p99 },
    e2e: { p50: l.e2e.p50, p99: l.e2e.p99 },
    preempted: result.requests.preempted,
    ...(result.prefixCache === undefined ? {} : { prefixHitRate: result.prefixCache.hitRate.tokens, evictedBlocks: result.prefixCache.evictedBlocks }),
    ...(result.fabric === undefined
      ? {}
      : { flowEvents: result.fabric.flows.events, flowEventsPerSecond: result.fabric.flows.events / ((t2 - t1) / 1000), linkUtilizationP99: result.fabric.linkUtilizationP99, hottestLink: result.fabric.hottest[0]?.id ?? null }),
  }),
);
