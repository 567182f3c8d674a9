/**
 * The fit behind engine/step-time/step-time-calibration.ts, kept runnable so the next engineer can
 * redo it when the model or the data changes:
 *
 *     npx tsx analyzers/calibration/operator-profile-fit.ts [path/to/shared/data]
 *
 * prints every fitted constant with its error on training and held-out rows. The data is read in
 * place from <data root>/profiling (Vidur's operator profiles, see its SOURCE.md), never copied;
 * every reader takes the data root, so the tests (and a user's own profiles laid out alike) call it.
 *
 * Train / hold-out split:
 * - Linear layers: each GPU family is fitted on Llama-2-7B (vidur compute/{a100,h100}/.../mlp.csv,
 *   all rows: num_tokens 1..4096, TP 1/2/4/8). Meta-Llama-3-8B on A100 is held out entirely: a
 *   different architecture (GQA 32/8 heads, FFN 14336) and a wider token range (up to 32768).
 * - All-reduce: single-node rows (devices_per_node == num_workers) of vidur network/{a100,h100}_dgx;
 *   fitted on the even-indexed rows in size order of each ring length, checked on the odd ones.
 * - Send/recv: the single-node rows of the same folders, fitted on all of them (used only for
 *   pipeline activations; nothing to hold out against).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { FabricSpec, GpuSpec, ModelSpec } from '../../engine/catalog/catalog-types.js';
import { findFabric, findGpu, findModel } from '../../engine/catalog/lookup.js';
import { ringAllReduceSeconds, sendRecvSeconds } from '../../engine/step-time/collectives.js';
import { createRooflineStepTime } from '../../engine/step-time/roofline-step-time.js';
import {
  FITTED_CALIBRATIONS,
  type CalibrationFamily,
  type StepTimeCalibration,
} from '../../engine/step-time/step-time-calibration.js';
import { formatSummary, logistic, logit, logLoss, nelderMead, relativeErrors, summarizeErrors } from './fit-tools.js';

export { formatSummary, nelderMead, relativeErrors, summarizeErrors, type ErrorSummary } from './fit-tools.js';

// ---------------------------------------------------------------- data

/** The ops Vidur times per layer outside attention; their sum is the layer's "linear" time. */
export const LINEAR_OPS = [
  'input_layernorm',
  'attn_pre_proj',
  'attn_rope',
  'attn_post_proj',
  'post_attention_layernorm',
  'mlp_up_proj',
  'mlp_act',
  'mlp_down_proj',
  'add',
] as const;

export interface LinearProfileRow {
  numTokens: number;
  tensorParallelSize: number;
  /** Sum of the medians of LINEAR_OPS, seconds, for one layer on one GPU. */
  seconds: number;
  architecture: { heads: number; kvHeads: number; hidden: number; ffn: number };
}

export interface CollectiveProfileRow {
  gpus: number;
  bytes: number;
  /** Median time, seconds. */
  seconds: number;
}

export interface LinearProfile {
  label: string;
  file: string;
  model: ModelSpec;
  gpu: GpuSpec;
  family: CalibrationFamily;
  /** Used to fit the family's constants (true) or held out (false). */
  training: boolean;
}

function mustFind<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`catalog has no ${what}`);
  return value;
}

/** The three Vidur linear-layer profiles and how the fit uses each. */
export function linearProfiles(dataRoot: string): LinearProfile[] {
  const a100 = mustFind(findGpu('a100-80gb'), 'gpu a100-80gb');
  const h100 = mustFind(findGpu('h100-sxm'), 'gpu h100-sxm');
  const llama2 = mustFind(findModel('llama-2-7b'), 'model llama-2-7b');
  const llama3 = mustFind(findModel('llama-3.1-8b'), 'model llama-3.1-8b');
  const file = (gpu: string, model: string): string =>
    join(dataRoot, 'profiling', 'vidur', 'compute', gpu, 'meta-llama', model, 'mlp.csv');
  return [
    { label: 'A100 Llama-2-7B', file: file('a100', 'Llama-2-7b-hf'), model: llama2, gpu: a100, family: 'a100', training: true },
    { label: 'H100 Llama-2-7B', file: file('h100', 'Llama-2-7b-hf'), model: llama2, gpu: h100, family: 'h100', training: true },
    // Meta-Llama-3-8B has the architecture of the catalog's llama-3.1-8b (config.json shapes are equal).
    { label: 'A100 Llama-3-8B (held out)', file: file('a100', 'Meta-Llama-3-8B'), model: llama3, gpu: a100, family: 'a100', training: false },
  ];
}

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

function numberField(row: Record<string, string>, key: string, path: string): number {
  const value = Number(row[key]);
  if (row[key] === undefined || !Number.isFinite(value)) throw new Error(`${path}: column ${key} is not a number: ${row[key]}`);
  return value;
}

export function readLinearProfile(path: string): LinearProfileRow[] {
  return readCsv(path).map((row) => {
    let ms = 0;
    for (const op of LINEAR_OPS) ms += numberField(row, `time_stats.${op}.median`, path);
    return {
      numTokens: numberField(row, 'num_tokens', path),
      tensorParallelSize: numberField(row, 'num_tensor_parallel_workers', path),
      seconds: ms / 1e3,
      architecture: {
        heads: numberField(row, 'n_head', path),
        kvHeads: numberField(row, 'n_kv_head', path),
        hidden: numberField(row, 'n_embd', path),
        ffn: numberField(row, 'n_expanded_embd', path),
      },
    };
  });
}

/** Rows of a Vidur all_reduce.csv or send_recv.csv measured inside one node. */
export function readSingleNodeCollective(path: string): CollectiveProfileRow[] {
  const op = path.endsWith('send_recv.csv') ? 'send_recv' : 'all_reduce';
  return readCsv(path)
    .filter((row) => row.devices_per_node === row.num_workers)
    .map((row) => ({
      gpus: numberField(row, 'num_workers', path),
      bytes: numberField(row, 'size', path),
      seconds: numberField(row, `time_stats.${op}.median`, path) / 1e3,
    }));
}

export interface CollectiveProfile {
  label: string;
  allReduceFile: string;
  sendRecvFile: string;
  family: CalibrationFamily;
  fabric: FabricSpec;
}

/** Vidur's DGX-node profiles: NVSwitch-connected A100s (NVLink 3) and H100s (NVLink 4). */
export function collectiveProfiles(dataRoot: string): CollectiveProfile[] {
  const folder = (name: string, file: string): string => join(dataRoot, 'profiling', 'vidur', 'network', name, file);
  return [
    {
      label: 'A100 DGX (NVLink 3)',
      allReduceFile: folder('a100_dgx', 'all_reduce.csv'),
      sendRecvFile: folder('a100_dgx', 'send_recv.csv'),
      family: 'a100',
      fabric: mustFind(findFabric('nvlink3'), 'fabric nvlink3'),
    },
    {
      label: 'H100 DGX (NVLink 4)',
      allReduceFile: folder('h100_dgx', 'all_reduce.csv'),
      sendRecvFile: folder('h100_dgx', 'send_recv.csv'),
      family: 'h100',
      fabric: mustFind(findFabric('nvlink4'), 'fabric nvlink4'),
    },
  ];
}

/** Even-indexed rows (in size order, per ring length) train; odd-indexed rows are held out. */
export function splitEvenOdd(rows: readonly CollectiveProfileRow[]): { train: CollectiveProfileRow[]; holdout: CollectiveProfileRow[] } {
  const train: CollectiveProfileRow[] = [];
  const holdout: CollectiveProfileRow[] = [];
  const byGpus = new Map<number, CollectiveProfileRow[]>();
  for (const row of rows) byGpus.set(row.gpus, [...(byGpus.get(row.gpus) ?? []), row]);
  for (const group of byGpus.values()) {
    group.sort((a, b) => a.bytes - b.bytes || a.seconds - b.seconds);
    group.forEach((row, index) => (index % 2 === 0 ? train : holdout).push(row));
  }
  return { train, holdout };
}

// ---------------------------------------------------------------- models under fit

/** Predicted per-layer linear seconds for each row, with the roofline model itself. */
export function predictLinear(
  model: ModelSpec,
  gpu: GpuSpec,
  rows: readonly LinearProfileRow[],
  calibration: StepTimeCalibration,
): number[] {
  const fabric = mustFind(findFabric(gpu.intraNodeFabric), `fabric ${gpu.intraNodeFabric}`);
  const models = new Map<number, ReturnType<typeof createRooflineStepTime>>();
  return rows.map((row) => {
    let stepModel = models.get(row.tensorParallelSize);
    if (stepModel === undefined) {
      stepModel = createRooflineStepTime(
        {
          model,
          gpu,
          tensorParallelSize: row.tensorParallelSize,
          pipelineParallelSize: 1,
          weightDtype: 'bf16',
          kvCacheDtype: 'bf16',
          tensorParallelFabric: fabric,
        },
        calibration,
      );
      models.set(row.tensorParallelSize, stepModel);
    }
    const n = row.numTokens;
    return stepModel.stepTime({
      prefillTokens: n,
      prefillSeqs: 1,
      prefillAttentionPairs: (n * (n + 1)) / 2,
      prefillContextTokens: 0,
      decodeSeqs: 0,
      decodeContextTokens: 0,
    }).perLayer.linearSeconds;
  });
}

export function predictAllReduce(rows: readonly CollectiveProfileRow[], fabric: FabricSpec, calibration: StepTimeCalibration): number[] {
  return rows.map((row) =>
    ringAllReduceSeconds(
      row.bytes,
      row.gpus,
      fabric.GBpsPerGpu,
      calibration.allReduceLatencySeconds,
      calibration.allReduceBandwidthEfficiency,
      calibration.allReduceFixedSeconds,
    ),
  );
}

export function predictSendRecv(rows: readonly CollectiveProfileRow[], fabric: FabricSpec, calibration: StepTimeCalibration): number[] {
  return rows.map((row) =>
    sendRecvSeconds(row.bytes, fabric.GBpsPerGpu, calibration.sendRecvLatencySeconds, calibration.sendRecvBandwidthEfficiency),
  );
}

// ---------------------------------------------------------------- errors

// ---------------------------------------------------------------- fits

export type LinearFit = Pick<
  StepTimeCalibration,
  'computeEfficiency' | 'memoryEfficiency' | 'elementwiseEfficiency' | 'perOpOverheadSeconds' | 'rooflineSharpness'
>;

/**
 * Fits the five linear-layer constants of one GPU family to profile rows, by least squares on log
 * ratios. Efficiencies stay in (0, 1), overhead and sharpness - 1 positive, through the transforms.
 */
export function fitLinear(
  data: readonly { model: ModelSpec; gpu: GpuSpec; rows: readonly LinearProfileRow[] }[],
  base: StepTimeCalibration,
): LinearFit {
  const decode = (z: number[]): LinearFit => ({
    computeEfficiency: logistic(z[0] as number),
    memoryEfficiency: logistic(z[1] as number),
    elementwiseEfficiency: logistic(z[2] as number),
    perOpOverheadSeconds: Math.exp(z[3] as number),
    rooflineSharpness: 1 + Math.exp(z[4] as number),
  });
  const loss = (z: number[]): number => {
    const calibration = { ...base, ...decode(z) };
    let sum = 0;
    for (const d of data) sum += logLoss(predictLinear(d.model, d.gpu, d.rows, calibration), d.rows.map((r) => r.seconds));
    return sum;
  };
  const start = [logit(0.7), logit(0.8), logit(0.6), Math.log(4e-6), Math.log(0.5)];
  // A restart from the first optimum shakes the simplex out of a collapsed direction.
  return decode(nelderMead(loss, nelderMead(loss, start), 0.2));
}

export type AllReduceFit = Pick<StepTimeCalibration, 'allReduceBandwidthEfficiency' | 'allReduceLatencySeconds' | 'allReduceFixedSeconds'>;

export function fitAllReduce(rows: readonly CollectiveProfileRow[], fabric: FabricSpec, base: StepTimeCalibration): AllReduceFit {
  const decode = (z: number[]): AllReduceFit => ({
    allReduceBandwidthEfficiency: Math.exp(z[0] as number),
    allReduceLatencySeconds: Math.exp(z[1] as number),
    allReduceFixedSeconds: Math.exp(z[2] as number),
  });
  const observed = rows.map((r) => r.seconds);
  const loss = (z: number[]): number => logLoss(predictAllReduce(rows, fabric, { ...base, ...decode(z) }), observed);
  const start = [Math.log(0.6), Math.log(1e-6), Math.log(2e-5)];
  return decode(nelderMead(loss, nelderMead(loss, start), 0.2));
}

export type SendRecvFit = Pick<StepTimeCalibration, 'sendRecvBandwidthEfficiency' | 'sendRecvLatencySeconds'>;

export function fitSendRecv(rows: readonly CollectiveProfileRow[], fabric: FabricSpec, base: StepTimeCalibration): SendRecvFit {
  const decode = (z: number[]): SendRecvFit => ({
    sendRecvBandwidthEfficiency: Math.exp(z[0] as number),
    sendRecvLatencySeconds: Math.exp(z[1] as number),
  });
  const observed = rows.map((r) => r.seconds);
  const loss = (z: number[]): number => logLoss(predictSendRecv(rows, fabric, { ...base, ...decode(z) }), observed);
  return decode(nelderMead(loss, nelderMead(loss, [Math.log(0.7), Math.log(1e-5)]), 0.2));
}

/** Everything the fit produces for one family, with the errors it leaves. */
export interface FamilyFit {
  family: CalibrationFamily;
  linear: LinearFit;
  allReduce: AllReduceFit;
  sendRecv: SendRecvFit;
}

/** Runs every fit; the constants in step-time-calibration.ts are what this returned. */
export function fitAll(dataRoot: string): FamilyFit[] {
  const profiles = linearProfiles(dataRoot);
  return collectiveProfiles(dataRoot).map((net) => {
    const base = FITTED_CALIBRATIONS[net.family];
    const training = profiles
      .filter((p) => p.training && p.family === net.family)
      .map((p) => ({ model: p.model, gpu: p.gpu, rows: readLinearProfile(p.file) }));
    const allReduceRows = splitEvenOdd(readSingleNodeCollective(net.allReduceFile)).train;
    return {
      family: net.family,
      linear: fitLinear(training, base),
      allReduce: fitAllReduce(allReduceRows, net.fabric, base),
      sendRecv: fitSendRecv(readSingleNodeCollective(net.sendRecvFile), net.fabric, base),
    };
  });
}

/** Error report of a set of calibrations against every profile, as the test prints it. */
export function errorReport(calibrations: Readonly<Record<CalibrationFamily, StepTimeCalibration>>, dataRoot: string): string[] {
  const lines: string[] = [];
  for (const p of linearProfiles(dataRoot)) {
    const rows = readLinearProfile(p.file);
    const errors = relativeErrors(predictLinear(p.model, p.gpu, rows, calibrations[p.family]), rows.map((r) => r.seconds));
    lines.push(formatSummary(`linear ${p.label}${p.training ? ' (training)' : ''}`, summarizeErrors(errors)));
    for (const tp of [1, 2, 4, 8]) {
      const index = rows.map((r, i) => (r.tensorParallelSize === tp ? i : -1)).filter((i) => i >= 0);
      lines.push(formatSummary(`    TP${tp}`, summarizeErrors(index.map((i) => errors[i] as number))));
    }
  }
  for (const net of collectiveProfiles(dataRoot)) {
    const { train, holdout } = splitEvenOdd(readSingleNodeCollective(net.allReduceFile));
    const cal = calibrations[net.family];
    for (const [name, rows] of [['training', train], ['held out', holdout]] as const) {
      lines.push(
        formatSummary(`all-reduce ${net.label} ${name}`, summarizeErrors(relativeErrors(predictAllReduce(rows, net.fabric, cal), rows.map((r) => r.seconds)))),
      );
    }
    for (const gpus of [2, 4, 8]) {
      const rows = holdout.filter((r) => r.gpus === gpus);
      lines.push(formatSummary(`    ${gpus} GPUs held out`, summarizeErrors(relativeErrors(predictAllReduce(rows, net.fabric, cal), rows.map((r) => r.seconds)))));
    }
    const sends = readSingleNodeCollective(net.sendRecvFile);
    lines.push(
      formatSummary(`send/recv ${net.label}`, summarizeErrors(relativeErrors(predictSendRecv(sends, net.fabric, cal), sends.map((r) => r.seconds)))),
    );
  }
  return lines;
}

function main(): void {
  const dataRoot = process.argv[2] ?? join(process.cwd(), '..', 'shared', 'data');
  const fits = fitAll(dataRoot);
  const refitted = { ...FITTED_CALIBRATIONS };
  for (const fit of fits) {
    refitted[fit.family] = { ...FITTED_CALIBRATIONS[fit.family], ...fit.linear, ...fit.allReduce, ...fit.sendRecv };
    console.log(`${fit.family}:`, JSON.stringify({ ...fit.linear, ...fit.allReduce, ...fit.sendRecv }, null, 2));
  }
  console.log('\nerrors of the refitted constants:');
  for (const line of errorReport(refitted, dataRoot)) console.log(line);
  console.log('\nerrors of the constants in step-time-calibration.ts:');
  for (const line of errorReport(FITTED_CALIBRATIONS, dataRoot)) console.log(line);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
