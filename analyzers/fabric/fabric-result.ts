import type { FabricSummary } from '../../engine/fabric/fabric-summary.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import type { CalibrationProvenance } from '../../engine/step-time/step-time-calibration.js';

export const FABRIC_RESULT_VERSION = 1;

/** What the per-node view (GPU busy, KV occupancy) says at one load. */
export interface PerNodeView {
  gpuBusyFraction: number;
  kvOccupancyMean: number;
  kvOccupancyPeak: number;
  /** Busy under 85% and KV peak under 90%: a per-node dashboard would show green. */
  healthy: boolean;
}

/** One offered rate of the sweep (one seeded simulation, every collective on the flow network). */
export interface FabricPoint {
  rate: number;
  linkUtilizationP99: number;
  linkUtilizationMean: number;
  /** The link with the highest p99 utilization, and what filled it most. */
  hottestLink: { id: string; kind: string; utilizationP99: number; topTraffic: string | null } | null;
  /** Share of the engines' busy time spent communicating (closed form plus stretch). */
  communicationShare: number;
  /** Share of the engines' busy time their steps waited on shared links (the stretch). */
  stretchShare: number;
  /** Mean wait of a KV hand-off beyond its idle-fabric time (disaggregation; 0 without). */
  handOffWaitMean: number;
  perNode: PerNodeView;
  /** Every SLO bound met; null without an slo. */
  sloMet: boolean | null;
  ttftP99: number | null;
  tpotP99: number | null;
}

export interface FabricResult {
  kind: 'fabric';
  version: number;
  seed: number;
  scenario: Scenario;
  calibration: CalibrationProvenance;
  /** The scenario's own load: its offered rate (null for a closed loop). */
  rate: number | null;
  /** The run at the scenario's own load, every collective on the flow network. */
  run: FabricSummary;
  perNode: PerNodeView;
  /** The gate fields (`check` reads fabric.linkUtilizationP99, ...): the run's. */
  linkUtilizationP99: number;
  linkUtilizationMean: number;
  communicationShare: number;
  stretchShare: number;
  handOffWaitMean: number;
  /**
   * The seed's point made explicit: at the scenario's load the per-node view looks healthy while
   * some link's p99 utilization is at or above 80%.
   */
  hiddenFromPerNodeView: boolean;
  points: FabricPoint[];
  /** The lowest swept rate where a fabric signal climbs, and which; null with a reason. */
  pressureOnset: { rate: number; signal: string } | null;
  pressureOnsetReason: string | null;
  /** The lowest swept rate that misses the SLO; null with a reason. */
  sloBreakRate: number | null;
  sloBreakReason: string | null;
  /** What it means, in sentences, for the terminal and the report. */
  findings: string[];
}

/** `headroom fabric --vary`: the analysis per configuration. */
export interface FabricComparison {
  kind: 'fabric';
  version: number;
  configurations: (FabricResult & { label: string; overrides: Record<string, string> })[];
  infeasible: { label: string; overrides: Record<string, string>; reason: string }[];
}
