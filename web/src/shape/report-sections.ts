import type { CalibrationComparison } from '../../../analyzers/calibration/compare-runs.js';
import type { FabricComparison, FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import type { ConcurrencySweepResult } from '../../../analyzers/saturation/concurrency-sweep.js';
import type { SaturationComparison, SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import type { SurvivabilityResult } from '../../../analyzers/survivability/survival-result.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import type { ReportEntry } from '../payload.js';
import { calibrationLabel } from './calibration.js';
import { isFabricComparison } from './fabric-links.js';

/** A result with the name the report calls it by (plain text; may be anything a scenario says). */
export interface Labelled<R> {
  label: string;
  file: string;
  result: R;
}

/**
 * What the page shows, in order: simulations (one view, or a comparison of several), saturation
 * results (likewise), each `--vary` comparison and each concurrency sweep on its own, calibration
 * checks (one view, or a comparison of several), and each fabric analysis or fabric `--vary`
 * comparison on its own, and each survivability analysis on its own.
 */
export type ReportSection =
  | { kind: 'simulation'; entries: Labelled<SimulationResult>[] }
  | { kind: 'saturation'; entries: Labelled<SaturationResult>[] }
  | { kind: 'saturation-comparison'; entries: [Labelled<SaturationComparison>] }
  | { kind: 'concurrency-sweep'; entries: [Labelled<ConcurrencySweepResult>] }
  | { kind: 'calibration'; entries: Labelled<CalibrationComparison>[] }
  | { kind: 'fabric'; entries: [Labelled<FabricResult>] }
  | { kind: 'fabric-comparison'; entries: [Labelled<FabricComparison>] }
  | { kind: 'survivability'; entries: [Labelled<SurvivabilityResult>] };

/** A result's name before collisions are resolved: its scenario's, or what a result without one holds. */
function entryName(result: ReportEntry['result']): string {
  if (result.kind === 'saturation-comparison') return `comparison of ${result.configurations.length} configurations`;
  if (result.kind === 'calibration') return calibrationLabel(result);
  if (result.kind === 'fabric' && isFabricComparison(result)) return `fabric comparison of ${result.configurations.length} configurations`;
  return result.scenario.name;
}

/** entryLabels(entries) -> each scenario's name (a calibration check's profile), with its file name added where two names collide. */
export function entryLabels(entries: readonly ReportEntry[]): string[] {
  const names = entries.map((e) => entryName(e.result));
  return names.map((name, i) => (names.filter((n) => n === name).length > 1 ? `${name} (${entries[i]!.file})` : name));
}

/**
 * reportSections(entries) -> results grouped by kind in order of first appearance; within a kind
 * the command line's order is kept, so the first file is the baseline of a comparison.
 */
export function reportSections(entries: readonly ReportEntry[]): ReportSection[] {
  const labels = entryLabels(entries);
  const sections: ReportSection[] = [];
  let simulations: Labelled<SimulationResult>[] | null = null;
  let saturations: Labelled<SaturationResult>[] | null = null;
  let calibrations: Labelled<CalibrationComparison>[] | null = null;
  entries.forEach((entry, i) => {
    const label = labels[i]!;
    const { file, result } = entry;
    if (result.kind === 'simulation') {
      if (!simulations) sections.push({ kind: 'simulation', entries: (simulations = []) });
      simulations.push({ label, file, result });
    } else if (result.kind === 'saturation') {
      if (!saturations) sections.push({ kind: 'saturation', entries: (saturations = []) });
      saturations.push({ label, file, result });
    } else if (result.kind === 'saturation-comparison') {
      sections.push({ kind: 'saturation-comparison', entries: [{ label, file, result }] });
    } else if (result.kind === 'calibration') {
      if (!calibrations) sections.push({ kind: 'calibration', entries: (calibrations = []) });
      calibrations.push({ label, file, result });
    } else if (result.kind === 'fabric') {
      if (isFabricComparison(result)) sections.push({ kind: 'fabric-comparison', entries: [{ label, file, result }] });
      else sections.push({ kind: 'fabric', entries: [{ label, file, result }] });
    } else if (result.kind === 'survivability') {
      sections.push({ kind: 'survivability', entries: [{ label, file, result }] });
    } else {
      sections.push({ kind: 'concurrency-sweep', entries: [{ label, file, result }] });
    }
  });
  return sections;
}

/** withFile(entry) -> "name (file.json)", once: a label that already names its file is kept. */
export function withFile(entry: { label: string; file: string }): string {
  return entry.label.endsWith(`(${entry.file})`) ? entry.label : `${entry.label} (${entry.file})`;
}
