import { createHash } from 'node:crypto';
import { CalibrateInputError, readTelemetryBytes, type MeasuredRun } from './calibrate-prometheus.js';

/**
 * guidellm benchmark reports (`benchmarks.json`: metadata, args, benchmarks[]), one measured run
 * per benchmark: how it offered load (`config.strategy`: synchronous = one client, concurrent =
 * N clients, constant / poisson = a rate, throughput = everything at once), the per-request prompt
 * and output token counts of its successful requests, and the mean TTFT and time per output token.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function runOf(b: Obj, file: string, i: number, sha256: string): MeasuredRun {
  const where = `${file}: benchmarks[${i}]`;
  const fail = (message: string): never => {
    throw new CalibrateInputError(`${where}: ${message}`);
  };
  const strategy = at(b, 'config', 'strategy');
  const kind = at(strategy, 'type_');
  const successful = at(b, 'requests', 'successful');
  if (!Array.isArray(successful) || successful.length === 0) return fail('expected requests.successful (the per-request records), got none');
  const input = new Int32Array(successful.length);
  const output = new Int32Array(successful.length);
  successful.forEach((r, k) => {
    const p = num(at(r, 'prompt_tokens'));
    const o = num(at(r, 'output_tokens'));
    if (p === null || o === null || p < 1 || o < 1 || !Number.isInteger(p) || !Number.isInteger(o)) {
      fail(`requests.successful[${k}]: expected prompt_tokens and output_tokens as whole numbers of at least 1, got ${JSON.stringify([at(r, 'prompt_tokens'), at(r, 'output_tokens')])}`);
    }
    input[k] = p!;
    output[k] = o!;
  });
  const tpot = num(at(b, 'metrics', 'time_per_output_token_ms', 'successful', 'mean'));
  if (tpot === null) return fail('expected metrics.time_per_output_token_ms.successful.mean, got none');
  const ttft = num(at(b, 'metrics', 'time_to_first_token_ms', 'successful', 'mean'));
  const rps = num(at(b, 'metrics', 'requests_per_second', 'successful', 'mean'));
  let offered: MeasuredRun['offered'];
  let rate = rps ?? 1;
  if (kind === 'synchronous') offered = { concurrency: 1 };
  else if (kind === 'concurrent') {
    const n = num(at(strategy, 'streams')) ?? num(at(strategy, 'max_concurrency'));
    if (n === null || n < 1) return fail('expected config.strategy.streams (clients) for a concurrent benchmark, got none');
    offered = { concurrency: n };
  } else if (kind === 'constant' || kind === 'poisson') {
    const r = num(at(strategy, 'rate'));
    if (r === null || r <= 0) return fail(`expected config.strategy.rate for a ${kind} benchmark, got none`);
    rate = r;
  } else if (kind === 'throughput') offered = { burst: true };
  else return fail(`expected config.strategy.type_ synchronous, concurrent, constant, poisson or throughput, got ${JSON.stringify(kind ?? null)}`);
  const mean = (a: Int32Array) => a.reduce((x, y) => x + y, 0) / a.length;
  return {
    file,
    sha256,
    requests: successful.length,
    requestsPerSecond: rate,
    meanPromptTokens: mean(input),
    meanOutputTokens: mean(output),
    meanItlSeconds: tpot / 1000,
    meanTtftSeconds: ttft === null ? null : ttft / 1000,
    meanRunning: null,
    modelName: typeof at(b, 'config', 'requests', 'model') === 'string' ? (at(b, 'config', 'requests', 'model') as string) : null,
    ...(offered !== undefined ? { offered } : {}),
    lengths: { input, output },
    format: 'guidellm benchmark report',
    decodeStatistic: 'tpot',
  };
}

/** Every benchmark in a guidellm report. */
export function readGuidellm(file: string): MeasuredRun[] {
  const bytes = readTelemetryBytes(file, 'a guidellm report', 512 * 2 ** 20);
  let report: unknown;
  try {
    report = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CalibrateInputError(`${file}: expected a guidellm report (JSON), got invalid JSON (${(error as Error).message})`);
  }
  const benchmarks = at(report, 'benchmarks');
  if (!Array.isArray(benchmarks) || benchmarks.length === 0) throw new CalibrateInputError(`${file}: expected a guidellm report with benchmarks[], got none`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return benchmarks.map((b, i) => {
    if (!isObj(b)) throw new CalibrateInputError(`${file}: benchmarks[${i}]: expected an object`);
    return runOf(b, file, i, sha256);
  });
}
