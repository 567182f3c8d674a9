import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateScenario } from '../../engine/scenario/validate-scenario.js';
import { simulate } from '../../engine/simulate.js';

/**
 * The API server's share of client-measured latency (serving.frontendOverhead), from online
 * benchmark runs: each run is simulated with the engine alone and the overheads are what the client
 * saw beyond the engine.
 *
 * Fitted on DataCrunch's SGLang `bench_serving` run of Llama-3.3-70B bf16 on 4 x H200 (TP4) at
 * 1 request/s (shared/data/telemetry/vllm_bench/datacrunch_h200_sglang_llama-3.3-70b_tp4_online_output.jsonl:
 * random 1..1024-token prompts and outputs, Poisson arrivals, 300 requests):
 *   perRequest     = measured median TTFT - simulated engine median TTFT
 *   perOutputToken = measured median ITL - simulated engine median ITL (0 when the engine is slower)
 * at low load, where nothing queues. Checked on the same deployment at 2 and 4 requests/s.
 *
 * LambdaLabs' vLLM runs (10 prompts at rate inf, per-request records) are compared too but not
 * fitted: their inter-chunk gaps are ~10x the TPOT (the server streamed ~10 tokens per chunk), so
 * their TTFT includes ~9 decode steps that are chunking, not a per-request cost.
 */

export interface ClientRequest {
  inputTokens: number;
  outputTokens: number;
  ttft: number;
  e2e: number;
}

/** One row of an SGLang `bench_serving` JSONL (the summary figures this fit reads). */
export interface ServingSummary {
  dataset: string;
  rate: number;
  inputLen: number;
  outputLen: number;
  completed: number;
  medianTtft: number;
  medianItl: number;
  medianE2e: number;
}

export const DATACRUNCH_FILE = 'telemetry/vllm_bench/datacrunch_h200_sglang_llama-3.3-70b_tp4_online_output.jsonl';

/** The random-dataset rows of an SGLang bench_serving JSONL, seconds. */
export function readServingSummaries(path: string): ServingSummary[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, number | string>)
    .filter((r) => r.dataset_name === 'random')
    .map((r) => ({
      dataset: String(r.dataset_name),
      rate: Number(r.request_rate),
      inputLen: Number(r.random_input_len),
      outputLen: Number(r.random_output_len),
      completed: Number(r.completed),
      medianTtft: Number(r.median_ttft_ms) / 1000,
      medianItl: Number(r.median_itl_ms) / 1000,
      medianE2e: Number(r.median_e2e_latency_ms) / 1000,
    }));
}

/**
 * Simulates one DataCrunch row: Llama-3.3-70B (Llama-3.1-70B's architecture) bf16 on 4 x H200 at
 * TP4, Poisson at the row's rate, lengths uniform in 1..len (SGLang's random dataset with its
 * default range ratio 0: the file's token totals give means of ~510 and ~535, as uniform 1..1024
 * does), as many requests as completed. Returns the simulated medians (client-side with `overhead`).
 */
export function simulateServingRow(row: ServingSummary, overhead = { perRequest: 0, perOutputToken: 0 }): { ttft: number; itl: number; e2e: number } {
  const validated = validateScenario(
    {
      name: `datacrunch-${row.rate}`,
      seed: 1,
      stop: { requests: row.completed },
      model: 'llama-3.1-70b',
      cluster: { gpu: 'h200', nodes: 1, gpusPerNode: 4 },
      serving: { tensorParallelSize: 4, replicas: 1, frontendOverhead: overhead },
      workload: {
        arrival: { process: 'poisson', rate: row.rate },
        inputTokens: { dist: 'uniform', min: 1, max: row.inputLen },
        outputTokens: { dist: 'uniform', min: 1, max: row.outputLen },
      },
    },
    { file: DATACRUNCH_FILE, baseDir: '.' },
  );
  if (!validated.ok) throw new Error(JSON.stringify(validated.issues));
  const r = simulate(validated.scenario);
  return { ttft: r.latency.ttft.p50!, itl: r.latency.itl.p50!, e2e: r.latency.e2e.p50! };
}

/** The overheads fitted on the lowest-rate row (nothing queues there). */
export function fitFrontendOnServing(rows: readonly ServingSummary[]): { perRequest: number; perOutputToken: number } {
  const low = [...rows].sort((a, b) => a.rate - b.rate)[0]!;
  const engine = simulateServingRow(low);
  return { perRequest: Math.max(0, low.medianTtft - engine.ttft), perOutputToken: Math.max(0, low.medianItl - engine.itl) };
}

/** A benchmark_serving run and the deployment it measured. */
export interface ClientRun {
  label: string;
  file: string;
  model: string;
  gpu: string;
  tensorParallelSize: number;
  quantization: 'bf16' | 'fp8';
  maxModelLen: number;
}

/**
 * LambdaLabsML/vllm-benchmark (shared/data/telemetry/SOURCE.md, section 1): ShareGPT, 10 prompts
 * at rate inf, vllm/vllm-openai (2024-09, V0 engine), neuralmagic FP8 checkpoints, max-model-len 2048.
 * Compared, not fitted (see the top of this file); their TPOT checks the engine's decode.
 */
export const LAMBDALABS_RUNS: readonly ClientRun[] = [
  {
    label: 'Llama-3.1-8B FP8 on 1 x H100',
    file: 'telemetry/vllm_bench/lambdalabs_1xH100-80GB-SXM_Meta-Llama-3.1-8B-FP8_tp1_len2048.json',
    model: 'llama-3.1-8b',
    gpu: 'h100-sxm',
    tensorParallelSize: 1,
    quantization: 'fp8',
    maxModelLen: 2048,
  },
  {
    label: 'Llama-3.1-70B FP8 on 8 x H100 TP8',
    file: 'telemetry/vllm_bench/lambdalabs_8xH100-80GB-SXM_Meta-Llama-3.1-70B-Instruct-FP8_tp8_len2048.json',
    model: 'llama-3.1-70b',
    gpu: 'h100-sxm',
    tensorParallelSize: 8,
    quantization: 'fp8',
    maxModelLen: 2048,
  },
];

/** The successful requests of a benchmark_serving result (failed ones have no first token). */
export function readClientRequests(path: string): ClientRequest[] {
  const j = JSON.parse(readFileSync(path, 'utf8')) as { input_lens: number[]; output_lens: number[]; ttfts: number[]; itls: number[][] };
  const out: ClientRequest[] = [];
  j.input_lens.forEach((inputTokens, i) => {
    const outputTokens = j.output_lens[i]!;
    const ttft = j.ttfts[i]!;
    if (!(outputTokens >= 1 && ttft > 0)) return;
    out.push({ inputTokens, outputTokens, ttft, e2e: ttft + (j.itls[i] ?? []).reduce((a, b) => a + b, 0) });
  });
  return out;
}

export interface ClientComparison {
  requests: number;
  measured: { ttft: number; tpot: number; e2e: number };
  engine: { ttft: number; tpot: number; e2e: number };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Replays `requests` (all sent at t = 0) through the engine of `run`'s deployment with the given
 * front-end overheads and returns the measured and simulated means (client-side when overheads are
 * non-zero). vLLM V0 of that era: no chunked prefill below 32k context, a 2048-token budget, 256 seqs.
 */
export function compareRun(run: ClientRun, requests: readonly ClientRequest[], overhead = { perRequest: 0, perOutputToken: 0 }): ClientComparison {
  const n = requests.length;
  const validated = validateScenario(
    {
      name: run.label,
      stop: { requests: n },
      model: run.model,
      cluster: { gpu: run.gpu, nodes: 1, gpusPerNode: run.tensorParallelSize },
      serving: {
        tensorParallelSize: run.tensorParallelSize,
        quantization: run.quantization,
        enableChunkedPrefill: false,
        maxModelLen: run.maxModelLen,
        maxNumBatchedTokens: Math.max(2048, run.maxModelLen),
        maxNumSeqs: 256,
        frontendOverhead: overhead,
      },
      workload: { arrival: { process: 'trace', file: 'benchmark.json' } },
    },
    { file: run.file, baseDir: '.' },
  );
  if (!validated.ok) throw new Error(`${run.label}: ${JSON.stringify(validated.issues)}`);
  const trace = {
    format: 'request-list' as const,
    file: run.file,
    arrivals: new Float64Array(n),
    inputTokens: Int32Array.from(requests.map((r) => r.inputTokens)),
    outputTokens: Int32Array.from(requests.map((r) => r.outputTokens)),
  };
  const result = simulate(validated.scenario, { trace, inputSamples: null, outputSamples: null });
  const multi = requests.filter((r) => r.outputTokens > 1);
  return {
    requests: n,
    measured: {
      ttft: mean(requests.map((r) => r.ttft)),
      // Token-weighted, as the engine's own mean over its decode steps is: a 6-token answer streamed
      // in one chunk would otherwise weigh as much as a 700-token one.
      tpot: multi.reduce((a, r) => a + (r.e2e - r.ttft), 0) / multi.reduce((a, r) => a + r.outputTokens - 1, 0),
      e2e: mean(requests.map((r) => r.e2e)),
    },
    engine: { ttft: result.latency.ttft.mean!, tpot: weightedTpot(result, multi), e2e: result.latency.e2e.mean! },
  };
}

/** The simulated token-weighted TPOT: (sum of e2e - ttft) / (sum of output tokens - 1), from the means. */
function weightedTpot(result: ReturnType<typeof simulate>, multi: readonly ClientRequest[]): number {
  // Every request but single-token ones contributes (e2e - ttft); their sum is n x (mean e2e - mean ttft).
  const n = result.latency.e2e.count;
  const decodeSeconds = n * (result.latency.e2e.mean! - result.latency.ttft.mean!);
  return decodeSeconds / multi.reduce((a, r) => a + r.outputTokens - 1, 0);
}

function main(): void {
  const dataDir = process.argv[2] ?? join(process.cwd(), '..', 'shared', 'data');
  const rows = readServingSummaries(join(dataDir, DATACRUNCH_FILE));
  const fitted = fitFrontendOnServing(rows);
  console.log(`fitted on DataCrunch SGLang 70B TP4 H200 at ${rows[0]!.rate} req/s: ${JSON.stringify(fitted)}`);
  const pct = (a: number, b: number) => `${((100 * a) / b - 100).toFixed(1)}%`;
  for (const row of rows) {
    const engine = simulateServingRow(row);
    const client = simulateServingRow(row, fitted);
    console.log(
      `  ${row.rate} req/s: median TTFT ${(1e3 * client.ttft).toFixed(1)} ms (engine ${(1e3 * engine.ttft).toFixed(1)}) vs ${(1e3 * row.medianTtft).toFixed(1)} measured (${pct(client.ttft, row.medianTtft)}), ` +
        `ITL ${(1e3 * client.itl).toFixed(2)} vs ${(1e3 * row.medianItl).toFixed(2)} (${pct(client.itl, row.medianItl)}), e2e ${client.e2e.toFixed(2)} s vs ${row.medianE2e.toFixed(2)} (${pct(client.e2e, row.medianE2e)})`,
    );
  }
  for (const run of LAMBDALABS_RUNS) {
    const requests = readClientRequests(join(dataDir, run.file));
    const c = compareRun(run, requests, fitted);
    console.log(
      `  ${run.label} (compared): mean TTFT ${(1e3 * c.engine.ttft).toFixed(1)} ms vs ${(1e3 * c.measured.ttft).toFixed(1)} (${pct(c.engine.ttft, c.measured.ttft)}), ` +
        `TPOT ${(1e3 * c.engine.tpot).toFixed(2)} vs ${(1e3 * c.measured.tpot).toFixed(2)} (${pct(c.engine.tpot, c.measured.tpot)}), e2e ${pct(c.engine.e2e, c.measured.e2e)}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
