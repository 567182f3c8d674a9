import type { ConcurrencySweepResult } from '../../../analyzers/saturation/concurrency-sweep.js';
import type { SaturationComparison, SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { formatCount, formatPercent, formatRate, formatSeconds, formatSecondsTick } from '../format.js';

/** The one line at the top of a view: what the result says, in words, and whether it is good news. */
export interface Verdict {
  status: 'met' | 'missed' | 'none' | 'indeterminate';
  text: string;
}

/** Short names for the verdict line (the bottleneck sentence below it has the long ones). */
const SHORT_BOTTLENECK: Record<string, string> = {
  queue: 'the request queue',
  compute: 'compute',
  'kv-memory': 'KV-cache memory',
  'batch-limit': 'the batch limit',
  communication: 'TP communication',
};

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const plural = (n: number | null, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

/** simulationVerdict(result) -> "SLO met: 100.0% of requests within ttftP99 <= 2 s and tpotP99 <= 100 ms at 12.1 req/s", or MISSED, or no SLO. */
export function simulationVerdict(result: SimulationResult): Verdict {
  const { slo, throughput, latency, requests } = result;
  const rate = formatRate(throughput.requestsPerSecond, 'req/s');
  const dropped = requests.dropped > 0 ? `; ${formatCount(requests.dropped)} of ${formatCount(requests.arrived)} requests dropped` : '';
  if (slo.met === null || slo.bounds.length === 0) {
    return { status: 'none', text: `No SLO stated: ${rate}, TTFT p99 ${formatSeconds(latency.ttft.p99)}${dropped}` };
  }
  const within = slo.bounds.map((b) => `${b.key} <= ${formatSecondsTick(b.bound)}`).join(' and ');
  const share = finite(slo.attainment) ? `${formatPercent(slo.attainment)} of requests` : 'requests';
  if (slo.met) return { status: 'met', text: `SLO met: ${share} within ${within} at ${rate}${dropped}` };
  // Name the bounds that broke, with what was observed, so the line says why without the cards.
  const broken = slo.bounds.filter((b) => !b.met).map((b) => `${b.key} observed ${b.observed === null ? 'unbounded' : formatSeconds(b.observed)}`);
  return { status: 'missed', text: `SLO MISSED: ${share} within ${within} at ${rate} (${broken.join(', ')})${dropped}` };
}

/** saturationVerdict(result) -> "Saturates at 19.6 req/s (interval ...); 39% headroom at today's 12 req/s; first bottleneck KV-cache memory", or why it is unknown. */
export function saturationVerdict(result: SaturationResult): Verdict {
  const s = result.saturationRate;
  if (!s) return { status: 'indeterminate', text: `Saturation rate not determined: ${result.saturationReason ?? 'no reason recorded'}` };
  const parts = [`Saturates at ${formatRate(s.mean, 'req/s')}${s.low !== s.high ? ` (interval ${formatRate(s.low, 'req/s')} to ${formatRate(s.high, 'req/s')})` : ''}`];
  let status: Verdict['status'] = 'none';
  if (result.headroom && finite(result.currentRate)) {
    const today = `today's ${formatRate(result.currentRate, 'req/s')}`;
    const pct = formatPercent(Math.abs(result.headroom.percent) / 100, 0);
    status = result.headroom.percent >= 0 ? 'met' : 'missed';
    parts.push(result.headroom.percent >= 0 ? `${pct} headroom at ${today}` : `${today} is ${pct} over it`);
  }
  const z = result.sizing;
  if (z && finite(z.replicasNeeded)) {
    parts.push(`${formatRate(z.targetRate, 'req/s')} needs ${plural(z.replicasNeeded, 'replica')} (${plural(z.gpusNeeded, 'GPU')}${finite(z.marginPercent) ? `, ${formatPercent(z.marginPercent / 100, 0)} margin` : ''})`);
  }
  parts.push(result.bottleneck ? `first bottleneck ${SHORT_BOTTLENECK[result.bottleneck.name] ?? String(result.bottleneck.name)}` : 'no bottleneck identified');
  return { status, text: parts.join('; ') };
}

/** comparisonVerdict(result) -> which configuration carries the most load, and which are Pareto-optimal. */
export function comparisonVerdict(result: SaturationComparison): Verdict {
  const found = result.configurations.filter((c) => finite(c.saturationRate));
  if (found.length === 0) return { status: 'indeterminate', text: `No configuration's saturation rate was determined (${result.configurations.length} compared)` };
  const best = found.reduce((a, b) => (b.saturationRate! > a.saturationRate! ? b : a));
  const optimal = result.configurations.filter((c) => c.paretoOptimal).map((c) => c.label);
  const pareto = optimal.length > 0 ? `; Pareto-optimal: ${optimal.join(', ')}` : '';
  return { status: 'none', text: `Most load: ${best.label} saturates at ${formatRate(best.saturationRate, 'req/s')} on ${plural(best.gpus, 'GPU')}${pareto}` };
}

/**
 * concurrencyVerdict(result) -> "SLO holds up to 16 clients (12.1 req/s); missed at 64 clients; most
 * throughput 20.3 req/s at 64 clients", or that no level meets it, or no SLO.
 */
export function concurrencyVerdict(result: ConcurrencySweepResult): Verdict {
  const levels = [...result.levels].sort((a, b) => a.concurrency - b.concurrency);
  if (levels.length === 0) return { status: 'indeterminate', text: 'No concurrency level was run' };
  const clients = (n: number) => plural(n, 'client');
  const best = levels.reduce((a, b) => (b.throughput.requestsPerSecond.mean > a.throughput.requestsPerSecond.mean ? b : a));
  const most = `most throughput ${formatRate(best.throughput.requestsPerSecond.mean, 'req/s')} at ${clients(best.concurrency)}`;
  if (levels.every((l) => l.meetsSlo === null)) return { status: 'none', text: `No SLO stated; ${most}` };
  const meeting = levels.filter((l) => l.meetsSlo === true);
  if (meeting.length === 0) return { status: 'missed', text: `SLO MISSED at every level, from ${clients(levels[0]!.concurrency)}; ${most}` };
  const top = meeting[meeting.length - 1]!;
  const missing = levels.filter((l) => l.meetsSlo === false);
  const parts = [`SLO holds ${missing.length === 0 ? 'at every level, ' : ''}up to ${clients(top.concurrency)} (${formatRate(top.throughput.requestsPerSecond.mean, 'req/s')})`];
  if (missing.length > 0) parts.push(`missed at ${missing.length === 1 ? clients(missing[0]!.concurrency) : `${missing.map((l) => l.concurrency).join(', ')} clients`}`);
  parts.push(most);
  return { status: missing.length > 0 ? 'none' : 'met', text: parts.join('; ') };
}
