import type { SurvivabilityResult, SurvivalOutcome } from '../../../analyzers/survivability/survival-result.js';
import { formatCount, formatPercent, formatRate, formatSeconds, MISSING } from '../format.js';
import type { HeadlineCard } from './headline.js';
import type { Verdict } from './verdict.js';

/**
 * The view models of a survivability result (`headroom survive --json`): the verdict, the cards,
 * the goodput timeline with its failure markers, the survival curve over trials, the per-trial
 * table and the boundary map. Pure and DOM-free (test/web/survival.test.ts).
 */

/** The outcomes, from best to worst, in the order the legend and the counts list them. */
export const OUTCOMES: readonly SurvivalOutcome[] = ['absorbed', 'degraded', 'collapsed', 'metastable'];

/** What each outcome means, for the legend and tooltips (the analyzer's definitions). */
export const OUTCOME_MEANING: Record<SurvivalOutcome, string> = {
  absorbed: 'goodput stayed within 5% of the baseline’s',
  degraded: 'goodput dipped and came back',
  collapsed: 'goodput did not come back while the failed part was down',
  metastable: 'goodput did not come back although the failed part recovered',
};

/** The letter a boundary cell carries besides its colour. */
export const OUTCOME_LETTER: Record<SurvivalOutcome, string> = { absorbed: 'A', degraded: 'D', collapsed: 'C', metastable: 'M' };

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

/** outcomeCounts(result) -> "3 absorbed, 1 collapsed": the non-zero outcomes, best first. */
export function outcomeCounts(result: SurvivabilityResult): string {
  const parts = OUTCOMES.filter((o) => (result.trials.outcomes[o] ?? 0) > 0).map((o) => `${formatCount(result.trials.outcomes[o])} ${o}`);
  return parts.length > 0 ? parts.join(', ') : 'no trials';
}

/** survivalVerdict(result) -> one line: how the trials came through the failures. */
export function survivalVerdict(result: SurvivabilityResult): Verdict {
  const t = result.trials;
  const bad = (t.outcomes.collapsed ?? 0) + (t.outcomes.metastable ?? 0);
  const figures = `SLO attainment ${formatPercent(t.attainment.mean)} (p5 ${formatPercent(t.attainment.p5)}) against ${formatPercent(t.baselineAttainment)} without the failures over ${plural(t.count, 'trial')}`;
  if (t.count === 0) return { status: 'none', text: 'No trials were run' };
  if (bad > 0) return { status: 'missed', text: `Does not survive: ${formatCount(bad)} of ${plural(t.count, 'trial')} collapsed (${outcomeCounts(result)}); ${figures}` };
  if ((t.outcomes.degraded ?? 0) > 0) return { status: 'met', text: `Survives, degraded: ${outcomeCounts(result)}; ${figures}` };
  return { status: 'met', text: `Survives: every trial absorbed the failures; ${figures}` };
}

/** survivalCards(result) -> attainment (mean, p5) vs baseline, goodput loss, outcomes, spares needed. */
export function survivalCards(result: SurvivabilityResult): HeadlineCard[] {
  const t = result.trials;
  const bad = (t.outcomes.collapsed ?? 0) + (t.outcomes.metastable ?? 0);
  const spares = result.spares;
  const sparesValue = spares === null ? MISSING : finite(spares.needed) ? `+${formatCount(spares.needed)}` : MISSING;
  const sparesDetail =
    spares === null
      ? 'not worked out · survive.sparesNeeded'
      : finite(spares.needed)
        ? `extra replicas that keep the SLO through ${spares.failure} at ${formatRate(spares.rate, 'req/s')} · survive.sparesNeeded`
        : `${spares.reason ?? `none of ${spares.tried.length} tried keeps the SLO`} · survive.sparesNeeded`;
  return [
    {
      key: 'attainment',
      label: 'SLO attainment, mean over trials',
      value: formatPercent(t.attainment.mean),
      detail: `p5 ${formatPercent(t.attainment.p5)}, p95 ${formatPercent(t.attainment.p95)}; baseline ${formatPercent(t.baselineAttainment)} · survive.attainment`,
      status: t.attainment.mean < t.baselineAttainment - 0.01 ? 'missed' : 'met',
      statusText: t.attainment.mean < t.baselineAttainment - 0.01 ? 'below the baseline' : 'close to the baseline',
    },
    { key: 'attainmentP5', label: 'SLO attainment, 5th percentile', value: formatPercent(t.attainment.p5), detail: `the worst trials; baseline ${formatPercent(t.baselineAttainment)}`, status: 'none' },
    { key: 'goodputLoss', label: 'Goodput lost', value: formatPercent(Math.max(0, t.goodputLoss)), detail: 'share of the baseline’s goodput, mean over trials', status: 'none' },
    {
      key: 'outcomes',
      label: 'Outcomes',
      value: `${formatCount(t.count - bad)} / ${formatCount(t.count)} survived`,
      detail: outcomeCounts(result),
      status: t.count === 0 ? 'none' : bad > 0 ? 'missed' : 'met',
      statusText: bad > 0 ? `${formatCount(bad)} collapsed` : 'none collapsed',
    },
    { key: 'sparesNeeded', label: 'Spares needed (N+k)', value: sparesValue, detail: sparesDetail, status: spares === null || !finite(spares.needed) ? 'none' : 'met', statusText: finite(spares?.needed) ? 'keeps the SLO' : undefined },
  ];
}

/** One point of a timeline line: the bucket [t0, t1) in seconds and its value (req/s). */
export interface SurvivalTimePoint {
  t0: number;
  t1: number;
  value: number;
}

export interface SurvivalTimeLine {
  key: 'goodput' | 'baseline' | 'arrivals';
  label: string;
  points: SurvivalTimePoint[];
}

/** A failure on the timeline: failed at `at`, detected at `detectedAt`, back at `recoveredAt` (null: not within the run). */
export interface SurvivalMarker {
  index: number;
  kind: string;
  at: number;
  detectedAt: number | null;
  recoveredAt: number | null;
  /** Where its "down" band ends on the chart: recovery, or the end of the run when it did not recover. */
  bandEnd: number;
  title: string;
}

export interface SurvivalTimeline {
  bucketSeconds: number;
  lines: SurvivalTimeLine[];
  markers: SurvivalMarker[];
  /** [0, the end of the last bucket], seconds (at least one bucket). */
  extent: [number, number];
}

function linePoints(values: readonly number[], bucket: number): SurvivalTimePoint[] {
  return values.map((v, i) => ({ t0: i * bucket, t1: (i + 1) * bucket, value: finite(v) ? v : 0 }));
}

/** survivalTimeline(result) -> goodput (mean over trials), the baseline's and the arrivals per bucket, and the failure markers. */
export function survivalTimeline(result: SurvivabilityResult): SurvivalTimeline {
  const tl = result.timeline;
  const bucket = finite(tl.bucketSeconds) && tl.bucketSeconds > 0 ? tl.bucketSeconds : 1;
  const buckets = Math.max(1, tl.goodputPerSecond.length, tl.baselineGoodputPerSecond.length, tl.arrivalsPerSecond.length);
  const end = buckets * bucket;
  const lines: SurvivalTimeLine[] = [
    { key: 'arrivals', label: 'Arrivals (offered)', points: linePoints(tl.arrivalsPerSecond, bucket) },
    { key: 'baseline', label: 'Goodput without the failures', points: linePoints(tl.baselineGoodputPerSecond, bucket) },
    { key: 'goodput', label: 'Goodput with the failures (mean over trials)', points: linePoints(tl.goodputPerSecond, bucket) },
  ];
  const markers = tl.markers.map((m, index): SurvivalMarker => {
    const detected = m.detectedAt === null ? 'never detected' : `detected ${formatSeconds(m.detectedAt)}`;
    const recovered = m.recoveredAt === null ? 'not recovered within the run' : `recovered ${formatSeconds(m.recoveredAt)}`;
    return {
      index,
      kind: m.kind,
      at: m.at,
      detectedAt: m.detectedAt,
      recoveredAt: m.recoveredAt,
      bandEnd: m.recoveredAt ?? Math.max(end, m.at),
      title: `${m.kind} failure at ${formatSeconds(m.at)}, ${detected}, ${recovered}`,
    };
  });
  return { bucketSeconds: bucket, lines, markers, extent: [0, Math.max(end, ...markers.map((m) => m.at))] };
}

/** One step of the survival curve: the share of trials at or below this attainment. */
export interface SurvivalStep {
  attainment: number;
  /** (rank + 1) / n: the empirical CDF at this trial. */
  share: number;
}

/** survivalSteps(result) -> the trial attainments ascending as an empirical CDF (sorted again, should a file not be). */
export function survivalSteps(result: SurvivabilityResult): SurvivalStep[] {
  const values = result.trials.survivalCurve.filter(finite).slice().sort((a, b) => a - b);
  return values.map((attainment, i) => ({ attainment, share: (i + 1) / values.length }));
}

/** survivalCurveSentence(result) -> "4 trials: the worst 99.8%, the median 99.9%, the best 99.9%; 100.0% without the failures." */
export function survivalCurveSentence(result: SurvivabilityResult): string {
  const steps = survivalSteps(result);
  if (steps.length === 0) return 'No trial attainments to draw.';
  const at = (q: number) => steps[Math.min(steps.length - 1, Math.floor(q * steps.length))]!.attainment;
  return `${plural(steps.length, 'trial')}: the worst ${formatPercent(steps[0]!.attainment)}, the median ${formatPercent(at(0.5))}, the best ${formatPercent(steps[steps.length - 1]!.attainment)}; ${formatPercent(result.trials.baselineAttainment)} without the failures.`;
}

/** One row of the per-trial table, as text. */
export interface TrialRow {
  outcome: SurvivalOutcome;
  cells: string[];
}

export const TRIAL_COLUMNS = ['#', 'seed', 'attainment', 'baseline', 'lost in flight', 'retried', 'failed after retries', 'timed out', 'recovery', 'outcome'] as const;

/** trialRows(result) -> the per-trial table: one row per trial, in the file's order. */
export function trialRows(result: SurvivabilityResult): TrialRow[] {
  return result.trials.perTrial.map((t, i) => ({
    outcome: t.outcome,
    cells: [
      String(i + 1),
      String(t.seed),
      formatPercent(t.attainment),
      formatPercent(t.baselineAttainment),
      formatCount(t.lostInFlight),
      formatCount(t.retried),
      formatCount(t.failedAfterRetries),
      formatCount(t.timedOut),
      t.recoverySeconds === null ? 'not recovered' : formatSeconds(t.recoverySeconds),
      t.outcome,
    ],
  }));
}

/** One cell of the boundary map: a failure size at an offered rate (null outcome: not swept). */
export interface BoundaryCell {
  row: number;
  column: number;
  rate: number;
  outcome: SurvivalOutcome | null;
  attainment: number | null;
  endGoodputShare: number | null;
  /** What the cell shows: the attainment, or a dash. */
  text: string;
  title: string;
}

export interface BoundaryRow {
  size: string;
  boundaryRate: number | null;
  /** "survives up to 18 req/s" / "survives none of the swept rates". */
  summary: string;
}

export interface BoundaryMap {
  rates: number[];
  rows: BoundaryRow[];
  cells: BoundaryCell[];
}

/** boundaryMap(result) -> the load x failure size grid (rows: sizes, columns: the swept rates), or null without a boundary. */
export function boundaryMap(result: SurvivabilityResult): BoundaryMap | null {
  const b = result.boundary;
  if (b === null || b.sizes.length === 0) return null;
  const rates = b.rates.length > 0 ? b.rates.slice() : [...new Set(b.sizes.flatMap((s) => s.points.map((p) => p.rate)))].sort((x, y) => x - y);
  const cells: BoundaryCell[] = [];
  const rows = b.sizes.map((size, row): BoundaryRow => {
    rates.forEach((rate, column) => {
      const p = size.points.find((q) => q.rate === rate);
      const rateText = formatRate(rate, 'req/s');
      cells.push(
        p === undefined
          ? { row, column, rate, outcome: null, attainment: null, endGoodputShare: null, text: MISSING, title: `${size.size} at ${rateText}: not swept` }
          : {
              row,
              column,
              rate,
              outcome: p.outcome,
              attainment: p.attainment,
              endGoodputShare: p.endGoodputShare,
              text: formatPercent(p.attainment, p.attainment >= 0.9995 || p.attainment < 0.1 ? 0 : 1),
              title: `${size.size} at ${rateText}: ${p.outcome} (${OUTCOME_MEANING[p.outcome]}); SLO attainment ${formatPercent(p.attainment)}, goodput at the end ${formatPercent(p.endGoodputShare)} of the offered rate`,
            },
      );
    });
    const summary = size.boundaryRate === null ? 'survives none of the swept rates' : `survives up to ${formatRate(size.boundaryRate, 'req/s')}`;
    return { size: size.size, boundaryRate: size.boundaryRate, summary };
  });
  return { rates, rows, cells };
}
