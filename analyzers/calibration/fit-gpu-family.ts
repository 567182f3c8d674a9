import type { GpuSpec, ModelSpec } from '../../engine/catalog/catalog-types.js';
import { findFabric, findGpu, findModel } from '../../engine/catalog/lookup.js';
import { createRooflineStepTime } from '../../engine/step-time/roofline-step-time.js';
import type { StepTimeCalibration } from '../../engine/step-time/step-time-calibration.js';
import { logistic, logit, nelderMead, relativeErrors, summarizeErrors, type ErrorSummary } from './fit-tools.js';
import type { StaticBatchCase } from './serving-benchmarks.js';
import { staticBatchSeconds } from './static-batch-time.js';

/**
 * Fits a GPU family's step-time constants to published static-batch runs (serving-benchmarks.ts),
 * through the same roofline model the simulator uses, and reports the errors on the rows it was fitted
 * on and on the rows it was not.
 *
 * The fit is a maximum a-posteriori estimate: squared log ratios of predicted to measured batch
 * time (relative error, sigma 5%: the run-to-run noise of these benchmarks) plus a weak log-normal
 * prior on each constant around the starting family's value (sigma: a factor of 2, or of 10 for a
 * cost with no prior measurement). The prior only decides directions the data leaves open, e.g.
 * how a small-batch step splits into HBM time and fixed costs when two models share a GPU.
 */

/** Constants a family fit may free, with how each is kept in range. */
const FRACTIONS = new Set<keyof StepTimeCalibration>([
  'computeEfficiency',
  'fp8ComputeEfficiency',
  'memoryEfficiency',
  'fp8MemoryEfficiency',
  'elementwiseEfficiency',
  'attentionComputeEfficiency',
  'attentionMemoryEfficiency',
  'allReduceBandwidthEfficiency',
]);

export type FittedConstant = keyof Omit<StepTimeCalibration, 'fittedOn' | 'rooflineSharpness' | 'customAllReduceMaxBytes'>;

export interface FamilyFitSpec {
  /** Family name the fitted constants are for (mi300x, h100). */
  family: string;
  /** Catalog GPU the rows ran on. */
  gpu: string;
  /** Where the fit starts and what its prior is centred on. */
  base: StepTimeCalibration;
  /** Constants the fit frees; the rest stay as in `base`. */
  free: readonly FittedConstant[];
  /** Prior centre for a constant whose base is 0 (no measurement at all), with a factor-10 sigma. */
  unmeasuredPrior?: Partial<Record<FittedConstant, number>>;
  /** Rows the constants are fitted on. */
  train: (c: StaticBatchCase) => boolean;
  /** Rows held out to check them. */
  check: (c: StaticBatchCase) => boolean;
  /** The engine's token budget per step in that row's run. */
  maxNumBatchedTokens: (c: StaticBatchCase) => number;
}

export interface FamilyFitResult {
  family: string;
  fitted: Partial<Record<FittedConstant, number>>;
  train: ErrorSummary;
  check: ErrorSummary;
}

const NOISE = 0.05;
const PRIOR_SIGMA = Math.log(2);
const UNMEASURED_SIGMA = Math.log(10);

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fit: the catalog has no ${what}`);
  return value;
}

/** Predicted batch seconds of every case under `calibration`. */
export function predictCases(
  cases: readonly StaticBatchCase[],
  gpu: GpuSpec,
  calibration: StepTimeCalibration,
  maxNumBatchedTokens: (c: StaticBatchCase) => number,
): number[] {
  const fabric = must(findFabric(gpu.intraNodeFabric), `fabric ${gpu.intraNodeFabric}`);
  const models = new Map<string, ModelSpec>();
  return cases.map((c) => {
    const model = models.get(c.model) ?? must(findModel(c.model), `model ${c.model}`);
    models.set(c.model, model);
    const step = createRooflineStepTime(
      {
        model,
        gpu,
        tensorParallelSize: c.tensorParallelSize,
        pipelineParallelSize: 1,
        weightDtype: c.weightDtype,
        kvCacheDtype: c.kvCacheDtype,
        tensorParallelFabric: fabric,
      },
      calibration,
      { memoTokens: 0 },
    );
    return staticBatchSeconds(step, {
      batch: c.batch,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      maxNumBatchedTokens: maxNumBatchedTokens(c),
    });
  });
}

/**
 * The roofline at 100%: every efficiency 1, no fixed cost, links infinitely fast. A measured batch
 * faster than this is physically impossible (mislabelled lengths, or work the benchmark skipped),
 * so such a row can neither fit nor check anything.
 */
export const IDEAL_CALIBRATION: StepTimeCalibration = {
  fittedOn: 'ideal roofline (lower bound)',
  computeEfficiency: 1,
  fp8ComputeEfficiency: 1,
  memoryEfficiency: 1,
  fp8MemoryEfficiency: 1,
  rooflineSharpness: Infinity,
  elementwiseEfficiency: 1,
  perOpOverheadSeconds: 0,
  attentionComputeEfficiency: 1,
  attentionMemoryEfficiency: 1,
  allReduceBandwidthEfficiency: 1e9,
  allReduceLatencySeconds: 0,
  allReduceFixedSeconds: 0,
  customAllReduceMaxBytes: 0,
  customAllReduceFixedSeconds: 0,
  customAllReduceBandwidthEfficiency: 1,
  sendRecvBandwidthEfficiency: 1e9,
  sendRecvLatencySeconds: 0,
  stepOverheadSeconds: 0,
  perSequenceOverheadSeconds: 0,
};

/** True when the measured time is at least the ideal roofline's (see IDEAL_CALIBRATION). */
export function aboveRooflineBound(c: StaticBatchCase, maxNumBatchedTokens: (c: StaticBatchCase) => number): boolean {
  const gpu = must(findGpu(c.gpu), `GPU ${c.gpu}`);
  return c.seconds >= predictCases([c], gpu, IDEAL_CALIBRATION, maxNumBatchedTokens)[0]!;
}

/** Errors of `calibration` on the spec's training and held-out rows. */
export function familyErrors(spec: FamilyFitSpec, cases: readonly StaticBatchCase[], calibration: StepTimeCalibration): { train: ErrorSummary; check: ErrorSummary } {
  const gpu = must(findGpu(spec.gpu), `GPU ${spec.gpu}`);
  const errorsOf = (rows: StaticBatchCase[]) =>
    summarizeErrors(relativeErrors(predictCases(rows, gpu, calibration, spec.maxNumBatchedTokens), rows.map((r) => r.seconds)));
  return { train: errorsOf(cases.filter(spec.train)), check: errorsOf(cases.filter(spec.check)) };
}

export function fitFamily(spec: FamilyFitSpec, cases: readonly StaticBatchCase[]): FamilyFitResult {
  const gpu = must(findGpu(spec.gpu), `GPU ${spec.gpu}`);
  const train = cases.filter(spec.train);
  if (train.length === 0) throw new Error(`fit ${spec.family}: no training rows`);
  const observed = train.map((c) => c.seconds);
  const centre = spec.free.map((key) => {
    const base = spec.base[key] as number;
    return base > 0 ? base : must(spec.unmeasuredPrior?.[key], `prior for ${key}`);
  });
  const encode = (key: FittedConstant, value: number) => (FRACTIONS.has(key) ? logit(value) : Math.log(value));
  const decode = (z: readonly number[]) => {
    const out: Partial<Record<FittedConstant, number>> = {};
    spec.free.forEach((key, i) => (out[key] = FRACTIONS.has(key) ? logistic(z[i]!) : Math.exp(z[i]!)));
    return out;
  };
  const loss = (z: number[]): number => {
    const fitted = decode(z);
    const predicted = predictCases(train, gpu, { ...spec.base, ...fitted }, spec.maxNumBatchedTokens);
    let sum = 0;
    for (let i = 0; i < predicted.length; i++) sum += (Math.log(predicted[i]! / observed[i]!) / NOISE) ** 2;
    spec.free.forEach((key, i) => {
      const sigma = (spec.base[key] as number) > 0 ? PRIOR_SIGMA : UNMEASURED_SIGMA;
      sum += (Math.log(fitted[key]! / centre[i]!) / sigma) ** 2;
    });
    return Number.isFinite(sum) ? sum : Infinity;
  };
  const start = spec.free.map((key, i) => encode(key, centre[i]!));
  const fitted = decode(nelderMead(loss, nelderMead(loss, start, 0.3, 2000), 0.1, 2000));
  return { family: spec.family, fitted, ...familyErrors(spec, cases, { ...spec.base, ...fitted }) };
}
