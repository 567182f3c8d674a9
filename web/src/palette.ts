/**
 * Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/), ordered so the first
 * colours stay apart under every common colour-vision deficiency; the yellow comes last because it
 * is faint on white. Comparisons add a dash pattern per series, so no reading depends on colour
 * alone (and the printed page in grey still tells series apart).
 */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;

export const DASHES = ['', '7 3', '2 3', '10 3 2 3', '4 4', '1 2'] as const;

export const INK = '#1a1a1a';
export const MUTED = '#6b6b6b';
export const SLO_COLOR = '#CC79A7';

export interface SeriesStyle {
  color: string;
  dash: string;
  width: number;
}

/** seriesStyle(i) -> the i-th series of a comparison: colour and dash both cycle. */
export function seriesStyle(i: number): SeriesStyle {
  return { color: OKABE_ITO[i % 7]!, dash: DASHES[i % DASHES.length]!, width: 2 };
}

/** The colours replica lines take (no black: black is the total they sit under). */
export const REPLICA_COLORS = OKABE_ITO.filter((c) => c !== '#000000');

/** replicaLineStyle(i) -> replica i's line: a colour, dashed once the colours have all been used. */
export function replicaLineStyle(i: number): { color: string; dash: string } {
  return { color: REPLICA_COLORS[i % REPLICA_COLORS.length]!, dash: i >= REPLICA_COLORS.length ? '5 3' : '' };
}

/**
 * A calibration check's two sides: what the deployment measured (black, the reference every
 * simulation is read against, as the cluster total is in the time series) and what the simulator
 * gave, in the i-th result's colour (never black, so measured and simulated never share one).
 */
export const MEASURED_COLOR = OKABE_ITO[6];

/** simulatedColor(i) -> the i-th compared calibration result's colour: seriesStyle's colours without black. */
export function simulatedColor(i: number): string {
  return REPLICA_COLORS[i % REPLICA_COLORS.length]!;
}

/**
 * A survivability outcome's colour (Okabe & Ito): absorbed bluish green, degraded orange, collapsed
 * vermillion, metastable reddish purple. Black text reads on each; cells also carry the outcome's
 * letter (A, D, C, M), so the boundary map reads without colour.
 */
export const OUTCOME_COLORS = { absorbed: '#009E73', degraded: '#E69F00', collapsed: '#D55E00', metastable: '#CC79A7' } as const;
