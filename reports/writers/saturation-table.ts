import { describeTrial } from '../../analyzers/saturation/knob-trial.js';
import Table from 'cli-table3';
import type { SaturationComparison, SaturationResult } from '../../analyzers/saturation/saturation-result.js';
import type { ConcurrencySweepResult } from '../../analyzers/saturation/concurrency-sweep.js';
import { formatPercent, formatRate, formatSeconds } from './format-units.js';
import { describeCalibration, describeCost } from './terminal-table.js';

const rate = (r: number | null) => (r === null ? '-' : formatRate(r, 'req/s'));

/** The saturation curve as a table, with the knee, the pressure onset and today's rate marked. */
export function formatSaturation(result: SaturationResult): string {
  const { scenario: s, method, saturationRate: sat } = result;
  const lines: string[] = [];
  lines.push(`Headroom saturation analysis: ${s.name} (seed ${result.seed})`);
  lines.push(
    `  ${method.mode === 'search' ? `knee search (doubling, then bisection to ${((method.precision ?? 0) * 100).toFixed(0)}%)` : 'sweep of the given rates'}: ` +
      `${method.simulations} simulations, ${method.replications} replication(s) per rate, rate set through workload.${method.rateKnob}`,
  );
  // Older result files (before calibration provenance) have no calibration key.
  if (result.calibration !== undefined) lines.push(`  ${describeCalibration(result.calibration)}`);
  if (s.slo !== null) lines.push(`  SLO: ${result.points[0]?.slo.map((b) => `${b.key} <= ${formatSeconds(b.bound)}`).join(', ')}`);
  // The latency columns are the statistics the SLO names (a p90 SLO shows p90), else the p99s.
  const sloColumns = (result.points[0]?.slo ?? []).map((b) => {
    const [, metric, stat] = /^(ttft|tpot|itl|e2e|queueWait)(Mean|P50|P90|P95|P99)$/.exec(b.key) ?? [];
    return { metric: metric as keyof SaturationResult['points'][number]['latency'], stat: (stat ?? 'P99').toLowerCase() as 'mean' | 'p50' | 'p90' | 'p95' | 'p99' };
  });
  const columns = sloColumns.length > 0 ? sloColumns : (['ttft', 'tpot', 'e2e'] as const).map((metric) => ({ metric, stat: 'p99' as const }));
  const label = (m: string) => ({ ttft: 'TTFT', tpot: 'TPOT', itl: 'ITL', e2e: 'E2E', queueWait: 'queue wait' })[m] ?? m;
  const table = new Table({
    head: ['rate req/s', ...columns.map((c) => `${label(c.metric)} ${c.stat}`), 'tput req/s', 'KV mean', 'preempt', 'attain', 'SLO', 'pressure', ''],
    colAligns: ['right', ...columns.map(() => 'right' as const), 'right', 'right', 'right', 'right', 'left', 'left', 'left'],
    style: { head: [], border: [] },
  });
  const knee = sat?.mean ?? null;
  let kneeMarked = false;
  for (const p of result.points) {
    const marks: string[] = [];
    if (result.currentRate !== null && Math.abs(p.rate - result.currentRate) < 1e-9 * p.rate) marks.push('<- today');
    if (p.rate === result.pressureOnsetRate) marks.push('<- pressure onset');
    if (!kneeMarked && knee !== null && p.rate > knee) {
      marks.push(`<- SLO breaks (knee ${knee.toPrecision(3)})`);
      kneeMarked = true;
    }
    table.push([
      p.rate.toPrecision(4),
      ...columns.map((c) => formatSeconds(p.latency[c.metric][c.stat])),
      p.throughput.requestsPerSecond.mean.toPrecision(3),
      formatPercent(p.pressure.kvOccupancy),
      p.preemptions.mean.toFixed(0),
      p.attainment === null ? '-' : formatPercent(p.attainment.mean),
      p.meetsSlo === null ? '-' : p.meetsSlo ? 'met' : p.keepsUp ? 'MISSED' : 'MISSED (fell behind)',
      p.pressure.pressured.join(',') || '-',
      marks.join(' '),
    ]);
  }
  lines.push(table.toString());
  if (sat !== null) {
    const widened = result.calibration?.intervalWidening ?? null;
    const interval = widened === null ? 'interval' : `interval widened by +-${(100 * widened).toFixed(0)}% for borrowed constants`;
    lines.push(`  saturation rate: ${rate(sat.mean)} (${interval} ${sat.low.toPrecision(3)}-${sat.high.toPrecision(3)}), goodput there ${rate(result.goodputAtSaturation)}`);
    if (result.intervalNote !== undefined) lines.push(`    interval: ${result.intervalNote}`);
    if (result.costAtSaturation != null) lines.push(`  ${describeCost(result.costAtSaturation, 'at the saturation rate')}`);
  } else lines.push(`  saturation rate: indeterminate: ${result.saturationReason}`);
  const cap = result.sustainedCapacity;
  if (cap != null) {
    lines.push(`  sustained capacity: ${rate(cap.requestsPerSecond)} completed at ${rate(cap.measuredAtRate)} offered, where the deployment fell behind (the most it carries, whatever the SLO)`);
  }
  if (result.pressureOnsetRate !== null) {
    const leadPct = result.pressureLeadPercent;
    const lead =
      leadPct === null
        ? ''
        : leadPct >= 0
          ? `, ${leadPct.toFixed(0)}% below the SLO break: the early warning`
          : `, ${(-leadPct).toFixed(0)}% above the SLO break: latency broke before state pressure built up (steps too slow, not a full queue or cache)`;
    lines.push(`  pressure onset: ${rate(result.pressureOnsetRate)}${lead}`);
  } else lines.push(`  pressure onset: none found (${result.pressureOnsetReason})`);
  const z = result.sizing;
  if (z != null) {
    if (z.replicasNeeded === null) lines.push(`  sizing for ${rate(z.targetRate)}: none found (${z.reason})`);
    else {
      lines.push(
        `  sizing for ${rate(z.targetRate)}: ${z.replicasNeeded} replica${z.replicasNeeded === 1 ? '' : 's'} (${z.gpusNeeded} GPUs), ` +
          `${z.marginPercent!.toFixed(1)}% capacity to spare; ${z.nextSize!.replicas} (${z.nextSize!.gpus} GPUs) would leave ${z.nextSize!.marginPercent.toFixed(1)}% ` +
          `(from ${rate(z.perReplicaSaturationRate)} per replica; checked by simulating ${z.checked.map((c) => `${c.replicas}: ${c.meetsSlo ? 'met' : 'MISSED'}`).join(', ')})` +
          `${z.reason === null ? '' : `; ${z.reason}`}`,
      );
      if (z.cost !== null) lines.push(`  ${describeCost(z.cost, `serving ${rate(z.targetRate)} at that size`)}`);
    }
  }
  if (result.bottleneck !== null) {
    lines.push(`  first bottleneck: ${result.bottleneck.name}: ${result.bottleneck.evidence}`);
    for (const t of result.bottleneck.tried ?? []) lines.push(`    tried ${describeTrial(t)}`);
  }
  if (result.headroom !== null && result.currentRate !== null) {
    lines.push(
      `  headroom at today's ${rate(result.currentRate)}: ${result.headroom.percent.toFixed(1)}% (${rate(result.headroom.requestsPerSecond)} more before the SLO breaks)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The --vary comparison: one row per configuration, Pareto-optimal ones starred. */
export function formatComparison(c: SaturationComparison): string {
  // With a GPU price, each configuration's cost per 1M output tokens at its saturation rate, and
  // the cheapest marked: what a planner ranks configurations by.
  const costs = c.configurations.map((k) => k.costAtSaturation?.usdPerMillionOutputTokens ?? null);
  const priced = costs.some((v) => v !== null);
  const cheapest = Math.min(...costs.filter((v): v is number => v !== null));
  // With prefix caching on prompts that share prefixes: how much of the prompts each served from cache.
  const cached = c.configurations.some((k) => k.prefixHitRate !== null && k.prefixHitRate !== undefined);
  const table = new Table({
    head: ['configuration', 'replicas x GPUs', 'saturation req/s', 'goodput req/s', 'tok/s per GPU', 'tok/s per user', ...(priced ? ['$/1M out'] : []), ...(cached ? ['prefix hit'] : []), 'bottleneck', 'Pareto'],
    style: { head: [], border: [] },
  });
  c.configurations.forEach((k, i) => {
    const f = (v: number | null) => (v === null ? '-' : v.toPrecision(3));
    const cost = costs[i] ?? null;
    const costCell = cost === null ? '-' : `$${cost.toFixed(3)}${cost === cheapest ? ' (cheapest)' : ''}`;
    table.push([k.label, `${k.replicas ?? '-'} (${k.gpus} GPUs)`, f(k.saturationRate), f(k.goodputAtSaturation), f(k.tokensPerSecondPerGpu), f(k.tokensPerSecondPerUser), ...(priced ? [costCell] : []), ...(cached ? [k.prefixHitRate === null || k.prefixHitRate === undefined ? '-' : `${(100 * k.prefixHitRate).toFixed(1)}%`] : []), k.result.bottleneck?.name ?? '-', k.paretoOptimal ? '*' : '']);
  });
  const parts = c.configurations.map((k) => `\n== ${k.label}\n${formatSaturation(k.result)}`);
  const refused = (c.infeasible ?? []).map((k) => `  infeasible: ${k.label}: ${k.reason}\n`).join('');
  return `${parts.join('')}${refused === '' ? '' : `\nNot compared (the scenario rules refuse them):\n${refused}`}\nComparison at each configuration's saturation rate (* = Pareto-optimal in tokens/s per GPU vs per user):\n${table.toString()}\n`;
}

/** A concurrency sweep as a table: per level, the latencies benchmark tools print and the throughput. */
export function formatConcurrencySweep(r: ConcurrencySweepResult): string {
  const table = new Table({
    head: ['concurrency', 'req/s', 'output tok/s', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'ITL p99', 'SLO', 'pressure'],
    colAligns: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    style: { head: [], border: [] },
  });
  for (const p of r.levels) {
    table.push([
      p.concurrency,
      p.throughput.requestsPerSecond.mean.toPrecision(3),
      p.throughput.outputTokensPerSecond.mean.toFixed(0),
      formatSeconds(p.latency.ttft.p50),
      formatSeconds(p.latency.ttft.p99),
      formatSeconds(p.latency.tpot.p50),
      formatSeconds(p.latency.tpot.p99),
      formatSeconds(p.latency.itl.p99),
      p.meetsSlo === null ? '-' : p.meetsSlo ? 'met' : 'MISSED',
      p.pressure.pressured.join(',') || '-',
    ]);
  }
  return `Headroom concurrency sweep: ${r.scenario.name} (seed ${r.seed}, ${r.replications} replication(s) per level, closed loop, no think time)\n${table.toString()}\n`;
}
