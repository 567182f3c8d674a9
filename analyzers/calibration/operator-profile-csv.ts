import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { ModelSpec } from '../../engine/catalog/catalog-types.js';
import { findGpu, findModel } from '../../engine/catalog/lookup.js';
import { calibrationFor } from '../../engine/step-time/step-time-calibration.js';
import { maxScale, PROFILE_VERSION, scaleCalibration, type CalibrationProfile } from '../../engine/step-time/calibration-profile.js';
import { CalibrateInputError, readTelemetryBytes, type DeploymentFlags } from './calibrate-prometheus.js';
import { logLoss, nelderMead } from './fit-tools.js';
import { LINEAR_OPS, predictLinear, type CollectiveProfileRow, type LinearProfileRow } from './operator-profile-fit.js';

/**
 * `headroom calibrate --profile-csv`: a deployment's own operator profiles, in the CSV layout of
 * Vidur's profiler (the one the catalog constants were fitted on, engine/step-time/
 * step-time-calibration.ts):
 * - a linear-layer profile (`mlp.csv`: per token count and TP size, the median time of each op of a
 *   layer outside attention) fits the profile's memory and compute scales: small batches are
 *   weight-streaming (memory), large ones FLOP-bound (compute). Fitted on every other row in token
 *   order, checked on the rows between;
 * - a collective profile (`all_reduce.csv`): single-node all-reduce times per message size, read as
 *   a link (latency floor, bus-bandwidth plateau) like an nccl-tests log.
 */
export type OperatorProfile =
  | { kind: 'linear'; file: string; sha256: string; rows: LinearProfileRow[] }
  | { kind: 'all-reduce'; file: string; sha256: string; rows: CollectiveProfileRow[] };

const SMALL_BYTES = 64 * 1024;

export function readOperatorProfileCsv(file: string): OperatorProfile {
  const bytes = readTelemetryBytes(file, 'an operator-profile CSV', 64 * 2 ** 20);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(bytes, { columns: true, skip_empty_lines: true, info: true }) as typeof records;
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new CalibrateInputError(`${file}: ${e.lines === undefined ? '' : `line ${e.lines}: `}expected CSV with a header row, got ${e.message.split('\n')[0]}`);
  }
  if (records.length === 0) throw new CalibrateInputError(`${file}: expected a header row and at least one profile row, got none`);
  const columns = Object.keys(records[0]!.record);
  const num = (r: (typeof records)[number], key: string): number => {
    const text = r.record[key];
    const value = Number(text);
    if (text === undefined || text.trim() === '' || !Number.isFinite(value)) {
      throw new CalibrateInputError(`${file}: line ${r.info.lines}: expected a number in column ${key}, got ${JSON.stringify((text ?? '').slice(0, 40))}`);
    }
    return value;
  };
  if (columns.includes('time_stats.mlp_up_proj.median')) {
    const missing = [...LINEAR_OPS.map((op) => `time_stats.${op}.median`), 'num_tokens', 'num_tensor_parallel_workers', 'n_head', 'n_kv_head', 'n_embd', 'n_expanded_embd'].filter((c) => !columns.includes(c));
    if (missing.length > 0) throw new CalibrateInputError(`${file}: line 1: expected the linear-layer profile columns, got none of ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', ...' : ''}`);
    const rows = records.map((r) => {
      const ms = LINEAR_OPS.reduce((sum, op) => sum + num(r, `time_stats.${op}.median`), 0);
      const row: LinearProfileRow = {
        numTokens: num(r, 'num_tokens'),
        tensorParallelSize: num(r, 'num_tensor_parallel_workers'),
        seconds: ms / 1e3,
        architecture: { heads: num(r, 'n_head'), kvHeads: num(r, 'n_kv_head'), hidden: num(r, 'n_embd'), ffn: num(r, 'n_expanded_embd') },
      };
      if (!(row.seconds > 0) || !(row.numTokens >= 1) || !Number.isInteger(row.tensorParallelSize) || row.tensorParallelSize < 1) {
        throw new CalibrateInputError(`${file}: line ${r.info.lines}: expected a positive time, num_tokens >= 1 and an integer TP size >= 1, got ${ms} ms, ${row.numTokens}, ${row.tensorParallelSize}`);
      }
      return row;
    });
    return { kind: 'linear', file, sha256, rows };
  }
  if (columns.includes('time_stats.all_reduce.median')) {
    for (const c of ['num_workers', 'size', 'devices_per_node']) if (!columns.includes(c)) throw new CalibrateInputError(`${file}: line 1: expected column ${c} in an all-reduce profile, got none`);
    const rows = records
      .filter((r) => r.record.devices_per_node === r.record.num_workers)
      .map((r) => ({ gpus: num(r, 'num_workers'), bytes: num(r, 'size'), seconds: num(r, 'time_stats.all_reduce.median') / 1e3 }));
    if (rows.length === 0) throw new CalibrateInputError(`${file}: expected single-node rows (devices_per_node = num_workers), got none`);
    return { kind: 'all-reduce', file, sha256, rows };
  }
  throw new CalibrateInputError(
    `${file}: line 1: expected a Vidur-style operator profile (a linear-layer profile with time_stats.mlp_up_proj.median, or an all-reduce profile with time_stats.all_reduce.median), got columns ${columns.slice(0, 5).join(', ')}`,
  );
}

/** Each ring size of an all-reduce profile as a link: latency floor (median time up to 64 KiB) and bus-bandwidth plateau. */
export function allReduceLinks(profile: Extract<OperatorProfile, { kind: 'all-reduce' }>): CalibrationProfile['links'] {
  const sizes = [...new Set(profile.rows.map((r) => r.gpus))].filter((n) => n > 1).sort((a, b) => a - b);
  return sizes.map((n) => {
    const rows = profile.rows.filter((r) => r.gpus === n);
    const small = rows.filter((r) => r.bytes <= SMALL_BYTES).map((r) => r.seconds).sort((a, b) => a - b);
    const bySize = [...rows].sort((a, b) => a.bytes - b.bytes);
    const largest = bySize.slice(Math.floor(bySize.length * 0.8));
    const bus = Math.max(...largest.map((r) => (r.bytes / r.seconds / 1e9) * ((2 * (n - 1)) / n)));
    return { operation: 'all_reduce', ranks: n, nodes: 1, alphaSeconds: small.length === 0 ? null : small[Math.floor(small.length / 2)]!, busBandwidthGBps: bus, file: profile.file };
  });
}

const pct = (sim: number, measured: number) => (100 * (sim - measured)) / measured;

/**
 * Fits the memory and compute scales to linear-layer profiles on the flagged GPU and model; a scale
 * the rows cannot move (every row bound by the other resource) stays at 1, marked so.
 */
export function fitLinearProfiles(profiles: readonly Extract<OperatorProfile, { kind: 'linear' }>[], flags: DeploymentFlags): CalibrationProfile {
  const gpu = flags.gpu === undefined ? undefined : findGpu(flags.gpu);
  const model = flags.model === undefined ? undefined : findModel(flags.model);
  if (gpu === undefined || model === undefined) {
    throw new CalibrateInputError(`expected --gpu and --model naming catalog entries: the GPU the operator profiles were measured on and the model whose layers they time${flags.gpu !== undefined && gpu === undefined ? ` (no GPU ${JSON.stringify(flags.gpu)})` : ''}${flags.model !== undefined && model === undefined ? ` (no model ${JSON.stringify(flags.model)})` : ''}`);
  }
  for (const p of profiles) checkArchitecture(p, model);
  const base = calibrationFor(gpu, 'bf16').calibration;
  const all = profiles.flatMap((p) => [...p.rows].sort((a, b) => a.tensorParallelSize - b.tensorParallelSize || a.numTokens - b.numTokens));
  const train = all.filter((_, i) => i % 2 === 0);
  const held = all.filter((_, i) => i % 2 === 1);
  const predict = (rows: readonly LinearProfileRow[], m: number, c: number) => predictLinear(model, gpu, rows, scaleCalibration(base, m, c));
  const memHi = maxScale(base, 'memory');
  const compHi = maxScale(base, 'compute');
  const clamp = (x: number, hi: number) => Math.min(hi, Math.max(0.2, x));
  const decode = (z: number[]) => [clamp(Math.exp(z[0]!), memHi), clamp(Math.exp(z[1]!), compHi)] as const;
  const observed = train.map((r) => r.seconds);
  const [m0, c0] = decode(nelderMead((z) => logLoss(predict(train, ...decode(z)), observed), [0, 0]));
  // A scale is identified when moving it 10% moves some row's prediction by at least 2%.
  const moves = (m: number, c: number) => {
    const a = predict(train, m0, c0);
    const b = predict(train, m, c);
    return Math.max(...a.map((x, i) => Math.abs(b[i]! / x - 1)));
  };
  const memoryIdentified = moves(m0 * 0.9, c0) >= 0.02;
  const computeIdentified = moves(m0, c0 * 0.9) >= 0.02;
  // One scale left at 1: the other is refitted alone, so it does not carry the first one's share.
  const alone = (which: 'memory' | 'compute'): number => {
    const scale = (z: number[]) => clamp(Math.exp(z[0]!), which === 'memory' ? memHi : compHi);
    const at = (z: number[]) => (which === 'memory' ? predict(train, scale(z), 1) : predict(train, 1, scale(z)));
    return scale(nelderMead((z) => logLoss(at(z), observed), [0]));
  };
  const m = !memoryIdentified ? 1 : computeIdentified ? m0 : alone('memory');
  const c = !computeIdentified ? 1 : memoryIdentified ? c0 : alone('compute');
  const mean = (x: readonly number[]) => x.reduce((a, b) => a + b, 0) / Math.max(1, x.length);
  const error = (rows: readonly LinearProfileRow[]) => {
    const p = predict(rows, m, c);
    return rows.reduce((sum, r, i) => sum + Math.abs(pct(p[i]!, r.seconds)), 0) / Math.max(1, rows.length);
  };
  const files = profiles.map((p) => p.file).join(', ');
  const why = (which: string, other: string) => `no row of ${files} depends on ${which} (every one is ${other}-bound at these token counts): left at 1`;
  return {
    kind: 'calibration-profile',
    version: PROFILE_VERSION,
    gpu: gpu.id,
    model: model.id,
    tensorParallelSize: flags.tp ?? Math.min(...all.map((r) => r.tensorParallelSize)),
    replicas: flags.replicas ?? 1,
    quantization: 'bf16',
    parameters: {
      memoryScale: {
        value: m,
        fitted: memoryIdentified,
        note: memoryIdentified ? `fitted on the linear-layer times of the small-batch rows of ${files} (${train.length} rows, mean |error| ${error(train).toFixed(1)}%)` : why('memory bandwidth', 'compute'),
      },
      computeScale: {
        value: c,
        fitted: computeIdentified,
        note: computeIdentified ? `fitted on the linear-layer times of the large-batch rows of ${files} (${train.length} rows, mean |error| ${error(train).toFixed(1)}%)` : why('compute', 'memory'),
      },
    },
    fittedFrom: profiles.map((p) => ({ file: p.file, sha256: p.sha256, format: 'operator profile (linear layers)' })),
    fit: [
      {
        statistic: 'linear-layer time per layer (s), mean of the fitted rows',
        measured: mean(train.map((r) => r.seconds)),
        simulated: mean(predict(train, m, c)),
        errorPercent: pct(mean(predict(train, m, c)), mean(train.map((r) => r.seconds))),
      },
    ],
    check: {
      errorPercent: held.length === 0 ? null : error(held),
      note: held.length === 0 ? 'one row: nothing held out' : `mean absolute error of the linear-layer time on the ${held.length} rows between the fitted ones (held out)`,
    },
    links: [],
    covered: { requestsPerSecond: null, meanPromptTokens: null, meanOutputTokens: null, runningSequences: null },
  };
}

/** The profile timed the flagged model's layers: its architecture columns must be the model's. */
function checkArchitecture(p: Extract<OperatorProfile, { kind: 'linear' }>, model: ModelSpec): void {
  const a = p.rows[0]!.architecture;
  const want = { heads: model.heads, kvHeads: model.kvHeads, hidden: model.hidden, ffn: model.ffn };
  if (a.heads !== want.heads || a.kvHeads !== want.kvHeads || a.hidden !== want.hidden || a.ffn !== want.ffn) {
    throw new CalibrateInputError(
      `${p.file}: line 2: expected the layers of ${model.id} (heads ${want.heads}, kv heads ${want.kvHeads}, hidden ${want.hidden}, ffn ${want.ffn}), got heads ${a.heads}, kv heads ${a.kvHeads}, hidden ${a.hidden}, ffn ${a.ffn}: give the --model it profiled`,
    );
  }
}

