import Table from 'cli-table3';
import { describeEngines, gpusInUse } from '../../engine/scenario/deployment.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { formatCount, formatPercent, formatPercentDown, formatRate, formatSeconds } from './format-units.js';

const LATENCY_ROWS = [
  ['ttft', 'TTFT (time to first token)'],
  ['tpot', 'TPOT (time per output token)'],
  ['itl', 'ITL (inter-token latency)'],
  ['e2e', 'E2E (end-to-end)'],
  ['queueWait', 'Queue wait'],
] as const;

/**
 * One line on where the step-time constants come from: "calibrated: ..." when this GPU family and
 * dtype were fitted on measurements, "uncalibrated: constants borrowed from X" when not.
 */
export function describeCalibration(c: SimulationResult['calibration']): string {
  if (c.profile !== undefined) return `calibrated from telemetry: ${c.source}`;
  if (c.fitted) return `calibrated: ${c.gpuFamily} constants fitted on measurements (${c.source})`;
  return `uncalibrated: constants borrowed from ${c.borrowedFrom ?? 'another GPU family'} (no measurements of this GPU and dtype were fitted); figures are extrapolations`;
}

const usd = (v: number | null, digits = 2) => (v === null ? '-' : `$${v.toFixed(digits)}`);

/** "cost at this load: $20.00/h for 8 GPUs: $0.52 per 1M output tokens, ..." */
export function describeCost(c: NonNullable<SimulationResult['cost']>, where: string): string {
  return (
    `cost ${where}: ${usd(c.usdPerHour)}/h for ${c.gpus} GPU${c.gpus === 1 ? '' : 's'} at ${usd(c.gpuHourUsd)}/GPU-hour: ` +
    `${usd(c.usdPerMillionOutputTokens)} per 1M output tokens, ${usd(c.usdPerMillionTotalTokens)} per 1M tokens (prompt + output), ` +
    `${usd(c.usdPerThousandRequests, 3)} per 1k requests` +
    // A catalog price is a market typical, not what this deployment pays: say so.
    (c.priceSource.startsWith('catalog') ? ' (the catalog\'s typical rental price, cost.priceSource says whose; state yours in cost.gpuHourUsd)' : '')
  );
}

/** A readable summary of one simulation for people at a terminal. */
/**
 * Whether the completions say the deployment carried its load: kept up (perhaps trailing the
 * arrivals while the batch filled), or fell behind, which near capacity a longer run confirms.
 */
export function keepUpVerdict(w: SimulationResult['throughput']['window']): string {
  if (w.keptUp) return w.completionsPerSecond < w.acceptedPerSecond * 0.99 ? 'kept up, trailing while the batch filled' : 'kept up';
  const short = 1 - w.completionsPerSecond / w.stableCompletionsPerSecond;
  return `FELL BEHIND by ${formatPercent(short)} (a queue builds; near capacity, a longer run tells this from a batch still filling)`;
}

export function formatSimulationSummary(result: SimulationResult): string {
  const { scenario: s, requests: r, latency, throughput, slo, utilization: u, memory, run } = result;
  const sv = s.serving;
  const gpus = gpusInUse(s);
  const lines: string[] = [];
  lines.push(`Headroom simulation: ${s.name} (seed ${result.seed})`);
  lines.push(
    `  ${s.model.name} on ${gpus} x ${s.cluster.gpu.name}: ${describeEngines(s)}, ` +
      `${sv.quantization} weights, ${sv.scheduler} batching (maxNumSeqs ${sv.maxNumSeqs}, maxNumBatchedTokens ${sv.maxNumBatchedTokens}` +
      `${sv.enableChunkedPrefill ? ', chunked prefill' : ''}), router ${sv.router}`,
  );
  lines.push(`  ${describeCalibration(result.calibration)}`);
  lines.push(
    `  memory per GPU: ${memory.weightGiBPerGpu.toFixed(1)} GiB weights, ${memory.kvGiBPerGpu.toFixed(1)} GiB KV cache ` +
      `= ${formatCount(memory.kvTokensPerReplica)} tokens per replica${result.disaggregation === undefined ? '' : ' (a decode engine)'}`,
  );
  const d = result.disaggregation;
  if (d !== undefined) {
    const t = d.kvTransfer;
    lines.push(
      `  KV hand-off, prefill done to KV landed on a decode engine: ${formatCount(t.count)} moved, ${d.kvTransferGBPerRequest.toFixed(3)} GB each on average, ` +
        `mean ${formatSeconds(t.mean ?? 0)}, p99 ${formatSeconds(t.p99 ?? 0)} (part of every TTFT)`,
    );
  }
  const reasons = Object.entries(r.droppedByReason)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${formatCount(n)} ${why}`);
  lines.push(
    `  requests: ${formatCount(r.arrived)} arrived, ${formatCount(r.completed)} completed, ${formatCount(r.dropped)} dropped` +
      `${reasons.length > 0 ? ` (${reasons.join(', ')}; dropped requests count against the SLO)` : ''}, ${formatCount(r.preempted)} preemptions`,
  );
  const table = new Table({
    head: ['latency', 'mean', 'p50', 'p90', 'p99', 'max'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const [key, label] of LATENCY_ROWS) {
    const l = latency[key];
    table.push([label, formatSeconds(l.mean), formatSeconds(l.p50), formatSeconds(l.p90), formatSeconds(l.p99), formatSeconds(l.max)]);
  }
  lines.push(table.toString());
  const fo = sv.frontendOverhead;
  if (fo.perRequest > 0 || fo.perOutputToken > 0) {
    lines.push(
      `  latencies are as a client measures them, with the API server's ${formatSeconds(fo.perRequest)} per request` +
        `${fo.perOutputToken > 0 ? ` and ${formatSeconds(fo.perOutputToken)} per output token` : ''} (serving.frontendOverhead); ` +
        `at the engine: TTFT mean ${formatSeconds(latency.engineTtft.mean)}, E2E mean ${formatSeconds(latency.engineE2e.mean)}`,
    );
  }
  const w = throughput.window;
  lines.push(
    `  throughput: ${formatRate(throughput.requestsPerSecond, 'req/s')}, ${formatRate(throughput.inputTokensPerSecond, 'input tok/s')}, ` +
      `${formatRate(throughput.outputTokensPerSecond, 'output tok/s')} (${formatRate(throughput.outputTokensPerSecondPerGpu, 'output tok/s per GPU')}) ` +
      `sustained while load was offered (${formatSeconds(w.fromSeconds)}-${formatSeconds(w.toSeconds)}: ${formatRate(w.arrivalsPerSecond, 'req/s')} arrived, ` +
      `${formatRate(w.completionsPerSecond, 'req/s')} completed, ${keepUpVerdict(w)}); ` +
      `whole run with the drain: ${formatRate(throughput.wholeRun.requestsPerSecond, 'req/s')}`,
  );
  if (result.cost !== null) lines.push(`  ${describeCost(result.cost, 'at this load')}`);
  if (slo.met !== null) {
    for (const b of slo.bounds) {
      const observed = b.observed === null && r.dropped > 0 ? 'unbounded (dropped requests never finish)' : formatSeconds(b.observed);
      lines.push(`  SLO ${b.key} <= ${formatSeconds(b.bound)}: observed ${observed} ${b.met ? 'met' : 'MISSED'}`);
    }
    lines.push(
      `  SLO attainment ${formatPercentDown(slo.attainment)} of requests, goodput ${formatRate(slo.goodputRequestsPerSecond ?? 0, 'req/s')}: ` +
        `${slo.met ? 'SLO met' : 'SLO MISSED'}`,
    );
  }
  lines.push(
    `  utilization: replicas stepping ${formatPercent(u.gpuBusyFraction)} of the time, KV occupancy mean ${formatPercent(u.kvOccupancyMean)}, ` +
      `peak ${formatPercent(u.kvOccupancyPeak)}; requests waited for a slot ${formatPercent(u.admissionBlocked.batchLimit)}, ` +
      `for token budget ${formatPercent(u.admissionBlocked.tokenBudget)}, for KV ${formatPercent(u.admissionBlocked.kvMemory)} of the time`,
  );
  const cache = result.prefixCache;
  if (cache !== undefined) lines.push(`  ${describePrefixCache(cache, s.serving.router)}`);
  lines.push(`  simulated ${formatSeconds(run.simulatedSeconds)} of serving: ${formatCount(run.steps)} scheduler steps, ${formatCount(run.events)} events`);
  return `${lines.join('\n')}\n`;
}

/** One line: how much prefill the prefix cache saved, and how evenly the replicas hit it. */
export function describePrefixCache(cache: NonNullable<SimulationResult['prefixCache']>, router: string): string {
  const rates = cache.perReplica.filter((r) => r.queriedTokens > 0).map((r) => r.hitRate);
  const spread = rates.length > 1 ? `, per replica ${formatPercent(Math.min(...rates))}-${formatPercent(Math.max(...rates))}` : '';
  return (
    `prefix cache: ${formatPercent(cache.hitRate.tokens)} of prompt tokens hit (${formatCount(cache.prefillTokensSaved)} prefill tokens saved, ` +
    `${formatCount(Math.round(cache.cachedTokensPerRequest))} cached per request${spread}, router ${router}); ${formatCount(cache.evictedBlocks)} blocks evicted`
  );
}
