import type { CalibrationComparison } from '../../analyzers/calibration/compare-runs.js';
import type { FabricComparison, FabricResult } from '../../analyzers/fabric/fabric-result.js';
import type { ConcurrencySweepResult } from '../../analyzers/saturation/concurrency-sweep.js';
import type { SaturationComparison, SaturationResult } from '../../analyzers/saturation/saturation-result.js';
import type { SurvivabilityResult } from '../../analyzers/survivability/survival-result.js';
import type { SimulationResult } from '../../engine/simulation-result.js';

/** A result the report can draw. */
export type ReportableResult = SimulationResult | SaturationResult | SaturationComparison | ConcurrencySweepResult | CalibrationComparison | FabricResult | FabricComparison | SurvivabilityResult;

/** One input file of `headroom report`, as given on the command line. */
export interface ReportEntry {
  /** The file's base name, shown beside the scenario name (text only, never HTML). */
  file: string;
  result: ReportableResult;
}

/**
 * What reports/writers/html.ts embeds in the page (a `<script type="application/json">` element)
 * and web/src/main.ts reads back. `entries` keep the command line's order: the first is the
 * baseline of every comparison.
 */
export interface ReportPayload {
  format: 'headroom-report';
  version: 1;
  /** "headroom 0.1.0": the version that wrote the report. */
  generator: string;
  /** How the page was made; absent in pages written before it was recorded. */
  madeBy?: MadeBy;
  entries: ReportEntry[];
}

/** The command line that wrote a report and when (ISO 8601). Shown as text only. */
export interface MadeBy {
  command: string;
  at: string;
}

/** The id of the element that holds the payload. */
export const PAYLOAD_ELEMENT_ID = 'headroom-data';
