import type { Scenario } from '../scenario/scenario-types.js';
import { applyProfile } from './calibration-profile.js';
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
  const check = profile.check.errorPercent === null ? 'no held-out check' : `check error ${profile.check.errorPercent.toFixed(1)}%`;
  const fitError = profile.fit.length === 0 ? 0 : Math.max(...profile.fit.map((f) => Math.abs(f.errorPercent)));
  return {
    calibration: applyProfile(base.calibration, profile),
    provenance: {
      source:
        `calibrated from ${named.profileFile} (memory x${profile.parameters.memoryScale.value.toFixed(3)}, compute x${profile.parameters.computeScale.value.toFixed(3)}; ` +
        `fit error ${fitError.toFixed(1)}%, ${check}) over ${base.provenance.source}` +
        (mismatch.length > 0 ? `; the profile was fitted on ${mismatch.join(', ')}, not this deployment` : ''),
      gpuFamily: base.provenance.gpuFamily,
      fitted: true,
      profile: named.profileFile,
    },
  };
}
