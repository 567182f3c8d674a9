import type { Scenario } from '../scenario/scenario-types.js';
import { applyProfile, type CalibrationProfile } from './calibration-profile.js';
import { calibrationFor, type CalibrationProvenance, type StepTimeCalibration } from './step-time-calibration.js';

/**
 * The step-time constants a scenario runs with: the catalog GPU family's, scaled by the
 * calibration profile the scenario names (if any), and where they come from in words. A profile
 * fitted on another GPU, model or TP is applied but said so: its scales carry that deployment's
 * kernels, not necessarily this one's.
 */
export function calibrationOf(scenario: Scenario): { calibration: StepTimeCalibration; provenance: CalibrationProvenance } {
  const base = calibrationFor(scenario.cluster.gpu, scenario.serving.quantization);
  const named = scenario.calibration;
  if (named === null) return base;
  const profile = named.profile;
  if (profile === null) throw new Error(`calibration profile ${named.profileFile} was not read: load the scenario with loadScenario()`);
  const mismatch = [
    profile.gpu !== scenario.cluster.gpu.id ? `GPU ${profile.gpu}` : null,
    profile.model !== scenario.model.id ? `model ${profile.model}` : null,
    profile.tensorParallelSize !== scenario.serving.tensorParallelSize ? `TP${profile.tensorParallelSize}` : null,
  ].filter((m) => m !== null);
  const outside = extrapolation(scenario, profile);
  const check = profile.check.errorPercent === null ? 'no held-out check' : `check error ${profile.check.errorPercent.toFixed(1)}%`;
  const fitError = profile.fit.length === 0 ? 0 : Math.max(...profile.fit.map((f) => Math.abs(f.errorPercent)));
  return {
    calibration: applyProfile(base.calibration, profile, { linkGBps: scenario.cluster.fabric.intraNode.GBpsPerGpu, tensorParallelSize: scenario.serving.tensorParallelSize }),
    provenance: {
      source:
        `calibrated from ${named.profileFile} (memory x${profile.parameters.memoryScale.value.toFixed(3)}, compute x${profile.parameters.computeScale.value.toFixed(3)}; ` +
        `fit error ${fitError.toFixed(1)}%, ${check}) over ${base.provenance.source}` +
        (mismatch.length > 0 ? `; the profile was fitted on ${mismatch.join(', ')}, not this deployment` : '') +
        (outside.length > 0 ? `; extrapolating: ${outside.join(', ')}` : ''),
      gpuFamily: base.provenance.gpuFamily,
      fitted: true,
      profile: named.profileFile,
      ...(outside.length > 0 ? { extrapolating: outside } : {}),
    },
  };
}

/** Slack around the covered ranges before a run counts as outside them (a fit holds near its data). */
const COVERED_SLACK = 1.25;

/** The ways this scenario's load lies outside what the profile's data covered, in words. */
export function extrapolation(scenario: Scenario, profile: CalibrationProfile): string[] {
  const out: string[] = [];
  const check = (what: string, value: number | null, range: [number, number] | null, unit: string) => {
    if (value === null || range === null) return;
    const [lo, hi] = range;
    if (value < lo / COVERED_SLACK || value > hi * COVERED_SLACK) {
      out.push(`${what} ${value.toPrecision(3)}${unit} outside the profile's ${lo.toPrecision(3)}-${hi.toPrecision(3)}${unit}`);
    }
  };
  const a = scenario.workload.arrival;
  const meanOf = (spec: Scenario['workload']['inputTokens']) =>
    spec.dist === 'fixed' ? spec.value : spec.dist === 'uniform' ? (spec.min + spec.max) / 2 : spec.dist === 'lognormal' ? spec.mean : null;
  const measured = profile.covered.requestsPerSecond;
  const perReplica: [number, number] | null = measured === null ? null : [measured[0] / profile.replicas, measured[1] / profile.replicas];
  check('rate', a.process === 'poisson' || a.process === 'gamma' ? a.rate / scenario.serving.replicas : null, perReplica, ' req/s per replica');
  if (a.process !== 'trace') {
    check('mean prompt', meanOf(scenario.workload.inputTokens), profile.covered.meanPromptTokens, ' tokens');
    check('mean answer', meanOf(scenario.workload.outputTokens), profile.covered.meanOutputTokens, ' tokens');
  }
  return out;
}
