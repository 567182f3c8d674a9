import { createHash } from 'node:crypto';
import { bufferLines } from '../../engine/workload/trace-file.js';
import { CalibrateInputError, readTelemetryBytes, type MeasuredRun } from './calibrate-prometheus.js';

/**
 * Results of vLLM's `benchmark_serving.py` / `vllm bench serve` (one JSON object, or JSON lines
 * with one run each) and SGLang's `bench_serving` (the same keys), as measured runs: requests
 * completed, how the load was offered (a rate, `inf` = every request at once, or
 * `max_concurrency` clients), the mean lengths (or the per-request `input_lens` / `output_lens`
 * when saved), and the mean TTFT and inter-token latency (`mean_itl_ms`, else `mean_tpot_ms`).
 */
type Row = Record<string, unknown>;

function positiveInts(v: unknown): Int32Array | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 2 ** 31 - 1) return null;
    out[i] = x;
  }
  return out;
}

function runOf(row: Row, file: string, where: string, sha256: string): MeasuredRun {
  const fail = (message: string): never => {
    throw new CalibrateInputError(`${file}: ${where}${message}`);
  };
  const num = (key: string) => (typeof row[key] === 'number' && Number.isFinite(row[key]) ? (row[key] as number) : null);
  const completed = num('completed');
  if (completed === null || completed < 1) return fail(`expected "completed" (requests finished) of at least 1, got ${JSON.stringify(row.completed ?? null)}`);
  const rate = row.request_rate;
  const concurrency = num('max_concurrency');
  const finiteRate = typeof rate === 'number' && Number.isFinite(rate) && rate > 0 ? rate : null;
  const burst = rate === 'inf' || rate === Infinity || (typeof rate === 'string' && rate.toLowerCase() === 'inf');
  if (finiteRate === null && !burst && concurrency === null) {
    return fail(`expected "request_rate" (req/s or "inf") or "max_concurrency", got ${JSON.stringify(rate ?? null)}`);
  }
  const ttft = num('mean_ttft_ms');
  // Per token: a streamed chunk can carry several tokens, so the client's ITL is per chunk.
  const tpot = num('mean_tpot_ms');
  const itl = tpot ?? num('mean_itl_ms');
  if (itl === null) return fail('expected "mean_tpot_ms" or "mean_itl_ms" to fit the memory scale from, got neither');
  const input = positiveInts(row.input_lens);
  const output = positiveInts(row.output_lens);
  const lengths = input !== null && output !== null && input.length === output.length ? { input, output } : undefined;
  const meanOf = (a: Int32Array) => a.reduce((x, y) => x + y, 0) / a.length;
  const totalIn = num('total_input_tokens');
  const totalOut = num('total_output_tokens');
  const meanPrompt = lengths !== undefined ? meanOf(lengths.input) : totalIn !== null ? totalIn / completed : null;
  const meanOutput = lengths !== undefined ? meanOf(lengths.output) : totalOut !== null ? totalOut / completed : null;
  if (meanPrompt === null || meanOutput === null || meanPrompt < 1 || meanOutput < 1) {
    return fail('expected "total_input_tokens" and "total_output_tokens" (or "input_lens" and "output_lens"), got none');
  }
  return {
    file,
    sha256,
    requests: completed,
    requestsPerSecond: finiteRate ?? (num('request_throughput') ?? completed),
    meanPromptTokens: meanPrompt,
    meanOutputTokens: meanOutput,
    meanItlSeconds: itl / 1000,
    meanTtftSeconds: ttft === null ? null : ttft / 1000,
    meanRunning: null,
    modelName: typeof row.model_id === 'string' ? row.model_id : null,
    ...(concurrency !== null ? { offered: { concurrency } } : burst ? { offered: { burst: true as const } } : {}),
    ...(lengths !== undefined ? { lengths } : {}),
    format: 'vllm benchmark_serving result',
    decodeStatistic: tpot !== null ? ('tpot' as const) : ('itl' as const),
  };
}

/** Every run in a benchmark result file (a JSON object, or one per line). */
export function readVllmBench(file: string): MeasuredRun[] {
  const bytes = readTelemetryBytes(file, 'a benchmark result', 256 * 2 ** 20);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let whole: unknown = undefined;
  try {
    whole = JSON.parse(bytes.toString('utf8'));
  } catch {
    // Not one JSON value: JSON lines, one run per line.
  }
  if (whole !== null && typeof whole === 'object' && !Array.isArray(whole)) return [runOf(whole as Row, file, '', sha256)];
  const runs: MeasuredRun[] = [];
  bufferLines(bytes)((line, lineNo) => {
    if (line.trim() === '') return true;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new CalibrateInputError(`${file}: line ${lineNo}: expected a JSON object (one benchmark run), got invalid JSON (${(error as Error).message})`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new CalibrateInputError(`${file}: line ${lineNo}: expected a JSON object (one benchmark run)`);
    runs.push(runOf(row as Row, file, `line ${lineNo}: `, sha256));
    return true;
  });
  if (runs.length === 0) throw new CalibrateInputError(`${file}: expected benchmark runs (JSON), got none`);
  return runs;
}
