import * as z from 'zod';
import { BoundedFileError, readBoundedText } from '../input/bounded-file.js';
import type { StepTimeCalibration } from './step-time-calibration.js';

/**
 * A calibration profile: what `headroom calibrate` fitted from a deployment's own telemetry, in a
 * versioned file a scenario names (`calibration: { profile: path }`). It scales the catalog GPU's
 * constants rather than replacing them: `memoryScale` multiplies every bandwidth efficiency (GEMM
 * weight streaming, KV reads, element-wise kernels), `computeScale` every FLOP efficiency, so what
 * the data pins down (decode steps mostly show memory; prefill shows compute) moves the physics as
 * a whole and what it does not stays at the catalog's value, marked `fitted: false`.
 */
export const PROFILE_VERSION = 1;

const parameter = z.strictObject({
  value: z.number().gt(0).max(10),
  /** False when the data could not identify it: it stays at its default (1 for a scale). */
  fitted: z.boolean(),
  /** What identified it, in words (or why nothing did). */
  note: z.string().max(500),
});

const range = z.tuple([z.number(), z.number()]).nullable();

export const calibrationProfileSchema = z.strictObject({
  kind: z.literal('calibration-profile'),
  version: z.literal(PROFILE_VERSION),
  /** The deployment the telemetry came from; a scenario that differs gets a warning in its result. */
  gpu: z.string().max(100),
  model: z.string().max(100),
  tensorParallelSize: z.number().int().positive(),
  /** Replicas that served the measured load (its rates are the cluster's). */
  replicas: z.number().int().positive().default(1),
  quantization: z.string().max(20),
  parameters: z.strictObject({ memoryScale: parameter, computeScale: parameter }),
  /** The files fitted, with their SHA-256, so a profile can be traced to its data. */
  fittedFrom: z.array(z.strictObject({ file: z.string().max(4096), sha256: z.string().regex(/^[0-9a-f]{64}$/), format: z.string().max(40) })).max(64),
  /** Relative error of each fitted statistic, simulated vs measured, at the fitted parameters. */
  fit: z.array(z.strictObject({ statistic: z.string().max(100), measured: z.number(), simulated: z.number(), errorPercent: z.number() })).max(64),
  /** The same on data held out of the fit; null when there was nothing to hold out, with why. */
  check: z.strictObject({ errorPercent: z.number().nullable(), note: z.string().max(500) }),
  /**
   * Collective measurements (nccl-tests): per operation, the ranks and hosts it spanned, its latency
   * floor (alpha) and bus-bandwidth plateau (beta). An all-reduce inside one node sets the TP
   * all-reduce's bandwidth efficiency and fixed cost; the rest wait for the fabric analysis.
   */
  links: z
    .array(
      z.strictObject({
        operation: z.string().max(40),
        ranks: z.number().int().positive(),
        nodes: z.number().int().positive(),
        alphaSeconds: z.number().nonnegative().nullable(),
        busBandwidthGBps: z.number().positive(),
        file: z.string().max(4096),
      }),
    )
    .max(64)
    .default([]),
  /** What the data covered: a simulation outside these says it is extrapolating. */
  covered: z.strictObject({ requestsPerSecond: range, meanPromptTokens: range, meanOutputTokens: range, runningSequences: range }),
});

export type CalibrationProfile = z.output<typeof calibrationProfileSchema>;

/**
 * The catalog constants with a profile's scales applied; efficiencies stay at most 1 (of peak).
 * An all-reduce measured inside one node (nccl-tests) replaces the ring all-reduce's bandwidth
 * efficiency (bus bandwidth / the GPU's scale-up link) and fixed cost (its latency floor less the
 * ring steps the model adds) for a TP group of the same size.
 */
export function applyProfile(base: StepTimeCalibration, profile: CalibrationProfile, deployment?: { linkGBps: number; tensorParallelSize: number }): StepTimeCalibration {
  const m = profile.parameters.memoryScale.value;
  const c = profile.parameters.computeScale.value;
  const cap = (x: number) => Math.min(1, x);
  const ring = deployment === undefined ? undefined : profile.links.find((l) => l.operation === 'all_reduce' && l.nodes === 1 && l.ranks === deployment.tensorParallelSize);
  const collective =
    ring === undefined || deployment === undefined
      ? {}
      : {
          allReduceBandwidthEfficiency: cap(ring.busBandwidthGBps / deployment.linkGBps),
          ...(ring.alphaSeconds === null ? {} : { allReduceFixedSeconds: Math.max(0, ring.alphaSeconds - 2 * (ring.ranks - 1) * base.allReduceLatencySeconds) }),
        };
  return { ...scaleCalibration(base, m, c), ...collective };
}

/** The catalog constants with every bandwidth efficiency x memoryScale and FLOP efficiency x computeScale, capped at 1. */
export function scaleCalibration(base: StepTimeCalibration, m: number, c: number): StepTimeCalibration {
  const cap = (x: number) => Math.min(1, x);
  return {
    ...base,
    fittedOn: `${base.fittedOn}; scaled by a calibration profile (memory x${m.toFixed(3)}, compute x${c.toFixed(3)})`,
    memoryEfficiency: cap(base.memoryEfficiency * m),
    fp8MemoryEfficiency: cap(base.fp8MemoryEfficiency * m),
    attentionMemoryEfficiency: cap(base.attentionMemoryEfficiency * m),
    elementwiseEfficiency: cap(base.elementwiseEfficiency * m),
    computeEfficiency: cap(base.computeEfficiency * c),
    fp8ComputeEfficiency: cap(base.fp8ComputeEfficiency * c),
    attentionComputeEfficiency: cap(base.attentionComputeEfficiency * c),
  };
}

/** Largest scale that keeps every efficiency at most 1: the fit's upper bound. */
export function maxScale(base: StepTimeCalibration, which: 'memory' | 'compute'): number {
  const effs =
    which === 'memory'
      ? [base.memoryEfficiency, base.fp8MemoryEfficiency, base.attentionMemoryEfficiency, base.elementwiseEfficiency]
      : [base.computeEfficiency, base.fp8ComputeEfficiency, base.attentionComputeEfficiency];
  return 1 / Math.max(...effs);
}

/** A profile file that could not be read or is not a profile: each problem with its key path. */
export class ProfileFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: { path: (string | number)[]; message: string }[],
  ) {
    super(issues.map((i) => `${file}: ${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('\n'));
    this.name = 'ProfileFileError';
  }
}

/** Reads and checks a profile file (bounded: a regular file of at most 4 MB of JSON). */
export function readProfileFile(file: string): CalibrationProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(readBoundedText(file, { what: 'a calibration profile', maxBytes: 4 * 2 ** 20 }));
  } catch (error) {
    if (error instanceof BoundedFileError) throw new ProfileFileError(file, [{ path: [], message: error.message }]);
    if (error instanceof SyntaxError) throw new ProfileFileError(file, [{ path: [], message: `not valid JSON (${error.message})` }]);
    throw error;
  }
  const parsed = calibrationProfileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProfileFileError(
      file,
      parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
    );
  }
  return parsed.data;
}
