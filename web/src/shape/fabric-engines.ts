import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { formatCount, formatNumber, formatPercent, formatSeconds } from '../format.js';
import { finite } from './fabric-links.js';

/**
 * The engines of a fabric run: their roles (prefill or decode under disaggregation), the coupling
 * matrix (whose traffic made whom wait) and each engine's communication share. Pure and DOM-free.
 */

export type EngineRole = 'prefill' | 'decode' | 'engine';

/** Most engines the coupling matrix holds (engine/fabric COUPLING_LIMIT). */
export const COUPLING_ENGINES = 64;

/** engineRoles(scenario, n) -> each engine's role: the first prefill.replicas engines prefill, the rest decode; 'engine' without disaggregation. */
export function engineRoles(scenario: FabricResult['scenario'], n: number): EngineRole[] {
  const d = (scenario.serving.disaggregation as FabricResult['scenario']['serving']['disaggregation'] | undefined) ?? null;
  const prefill = d !== null && finite(d.prefill?.replicas) ? d.prefill.replicas : null;
  return Array.from({ length: Math.max(0, n) }, (_, i) => (prefill === null ? 'engine' : i < prefill ? 'prefill' : 'decode'));
}

/** engineName(3, 'prefill') -> "engine 3 (prefill)". */
export function engineName(i: number, role: EngineRole): string {
  return role === 'engine' ? `engine ${i}` : `engine ${i} (${role})`;
}

export interface CouplingCell {
  i: number;
  j: number;
  seconds: number;
  title: string;
}

export interface CouplingModel {
  /** 'matrix': drawn; 'not-recorded': more engines than the result records a matrix for. */
  status: 'matrix' | 'not-recorded';
  n: number;
  roles: EngineRole[];
  cells: CouplingCell[];
  max: number;
  /** Seconds each engine waited in all (its row), attributed to the others. */
  rowTotals: number[];
  /** Sentences: the strongest pair, where the waiting sits between roles, or why nothing is drawn. */
  sentences: string[];
}

/**
 * couplingModel(result) -> the matrix as cells (row i waited, attributed to column j), bounded to
 * COUPLING_ENGINES, each figure finite and non-negative, with the strongest pair and the split by
 * role in words; or, when the result records none (past COUPLING_ENGINES engines), why.
 */
export function couplingModel(result: Pick<FabricResult, 'run' | 'scenario'>): CouplingModel {
  const engines = result.run.engines.length;
  const c = result.run.coupling;
  if (c === null || !Array.isArray(c)) {
    return {
      status: 'not-recorded',
      n: 0,
      roles: [],
      cells: [],
      max: 0,
      rowTotals: [],
      sentences: [`The coupling matrix is not recorded past ${COUPLING_ENGINES} engines; this run has ${formatCount(engines)}. Each engine's stretch and hand-off waits are in the bars below.`],
    };
  }
  const n = Math.min(COUPLING_ENGINES, c.length);
  const roles = engineRoles(result.scenario, n);
  const cells: CouplingCell[] = [];
  const rowTotals = new Array<number>(n).fill(0);
  let max = 0;
  let best: CouplingCell | null = null;
  const blocks = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const row = Array.isArray(c[i]) ? c[i]! : [];
    for (let j = 0; j < n; j++) {
      const raw = row[j];
      const seconds = i !== j && finite(raw) && raw > 0 ? raw : 0;
      const cell = { i, j, seconds, title: `${engineName(i, roles[i]!)} waited ${formatSeconds(seconds)} on ${engineName(j, roles[j]!)}'s traffic` };
      cells.push(cell);
      rowTotals[i]! += seconds;
      max = Math.max(max, seconds);
      if (seconds > 0 && (best === null || seconds > best.seconds)) best = cell;
      if (seconds > 0) blocks.set(`${roles[i]}|${roles[j]}`, (blocks.get(`${roles[i]}|${roles[j]}`) ?? 0) + seconds);
    }
  }
  const sentences: string[] = [];
  const total = rowTotals.reduce((a, b) => a + b, 0);
  if (best === null) sentences.push('No engine waited on another engine\'s traffic: the engines are not coupled through the fabric in this run.');
  else {
    sentences.push(`Strongest pair: ${engineName(best.i, roles[best.i]!)} waited ${formatSeconds(best.seconds)} in all on ${engineName(best.j, roles[best.j]!)}'s traffic (step stretch and KV hand-off waits, by its share of the links they shared).`);
    if (roles.some((r) => r !== 'engine')) {
      const parts = [...blocks].sort((a, b) => b[1] - a[1]).map(([k, s]) => {
        const [waiter, cause] = k.split('|');
        return `${formatPercent(s / total, 0)} is ${waiter} engines waiting on ${cause} engines`;
      });
      sentences.push(`Of the ${formatSeconds(total)} of waiting attributed between engines, ${parts.join(', ')}.`);
    }
  }
  if (c.length > n) sentences.push(`The first ${n} of ${c.length} rows are drawn.`);
  return { status: 'matrix', n, roles, cells, max, rowTotals, sentences };
}

/** One engine's bar: its communication share and hand-off wait, with everything else for the tooltip and table. */
export interface EngineBar {
  engine: number;
  role: EngineRole;
  /** "engine 3 (prefill)". */
  name: string;
  communicationShare: number;
  handOffWait: number;
  handOffs: number;
  /** Every figure of the engine as label/value pairs (the tooltip), and in one line (the title). */
  details: [string, string][];
  title: string;
}

/** engineBars(result) -> one bar per engine (at most the report's replica bound), figures finite and non-negative. */
export function engineBars(result: Pick<FabricResult, 'run' | 'scenario'>, max = 4096): EngineBar[] {
  const engines = result.run.engines.slice(0, max);
  const roles = engineRoles(result.scenario, engines.length);
  const nn = (v: unknown) => (finite(v) && v > 0 ? v : 0);
  return engines.map((e, k) => {
    const i = finite(e.engine) ? e.engine : k;
    const role = roles[k]!;
    const share = nn(e.communicationShare);
    const wait = nn(e.handOffWaitMeanSeconds);
    const handOffs = nn(e.handOffs);
    const details: [string, string][] = [
      ['communication', `${formatPercent(share)} of busy time`],
      ['stretch', `${formatSeconds(nn(e.stretchSeconds))} over ${formatCount(nn(e.stretchedSteps))} steps`],
      ['on the fabric', `${formatNumber(nn(e.flowGB))} GB`],
      ['KV hand-offs', handOffs > 0 ? `${formatCount(handOffs)}, ${formatSeconds(wait)} mean wait` : 'none'],
    ];
    const name = engineName(i, role);
    return { engine: i, role, name, communicationShare: share, handOffWait: wait, handOffs, details, title: `${name}: ${details.map(([a, b]) => `${a} ${b}`).join('; ')}` };
  });
}

export const ENGINE_COLUMNS = ['Engine', 'Role', 'Communication share', 'Stretch', 'Stretched steps', 'On the fabric', 'KV hand-offs', 'Hand-off wait (mean)'] as const;

/** engineRows(result) -> the engines table, a row of text per engine (ENGINE_COLUMNS). */
export function engineRows(result: Pick<FabricResult, 'run' | 'scenario'>, max = 4096): string[][] {
  const engines = result.run.engines.slice(0, max);
  const roles = engineRoles(result.scenario, engines.length);
  return engines.map((e, k) => [
    String(finite(e.engine) ? e.engine : k),
    roles[k]!,
    formatPercent(e.communicationShare),
    formatSeconds(e.stretchSeconds),
    formatCount(e.stretchedSteps),
    `${formatNumber(e.flowGB)} GB`,
    formatCount(e.handOffs),
    e.handOffs > 0 ? formatSeconds(e.handOffWaitMeanSeconds) : '–',
  ]);
}

/** engineSentence(bars) -> the spread of communication share in one sentence (which engine, how far from the median). */
export function engineSentence(bars: readonly EngineBar[]): string {
  if (bars.length === 0) return 'No engine ran.';
  const sorted = [...bars].sort((a, b) => a.communicationShare - b.communicationShare);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!.communicationShare;
  // Ties go to the lowest engine index, as the worst hand-off wait below does.
  const top = bars.reduce((a, b) => (b.communicationShare > a.communicationShare ? b : a));
  const parts = [`Communication share: median ${formatPercent(median)}, highest ${formatPercent(top.communicationShare)} on ${engineName(top.engine, top.role)}`];
  const waiting = bars.filter((b) => b.handOffs > 0);
  if (waiting.length > 0) {
    const worst = waiting.reduce((a, b) => (b.handOffWait > a.handOffWait ? b : a));
    parts.push(`KV hand-offs wait up to ${formatSeconds(worst.handOffWait)} on average beyond an idle fabric's time, on ${engineName(worst.engine, worst.role)}`);
  }
  return `${parts.join('; ')}.`;
}
