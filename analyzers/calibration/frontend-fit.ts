import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateScenario } from '../../engine/scenario/validate-scenario.js';
import { simulate } from '../../engine/simulate.js';

/**
 * The API server's share of client-measured latency (serving.frontendOverhead), fitted on vLLM
 * `benchmark_serving.py` result files that keep per-request records (input_lens, output_lens,
 * ttfts, itls): each run is replayed through the engine alone (all requests at t = 0, as
 * `--request-rate inf` sends them) and the overheads are what the client saw beyond the engine:
 *   perRequest     = mean measured TTFT - mean simulated engine TTFT
 *   perOutputToken = mean measured TPOT - mean simulated engine TPOT
 * over the requests that succeeded.
 */

export interface ClientRequest {
  inputTokens: number;
  outputTokens: number;
  ttft: number;
  e2e: number;
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
 * The 8B run is fitted; the 70B TP8 run checks the fit.
 */
export const LAMBDALABS_RUNS: readonly ClientRun[] = [
  {
    label: 'Llama-3.1-8B FP8 on 1 x H100 (fit)',
    file: 'telemetry/vllm_bench/lambdalabs_1xH100-80GB-SXM_Meta-Llama-3.1-8B-FP8_tp1_len2048.json',
    model: 'llama-3.1-8b',
    gpu: 'h100-sxm',
    tensorParallelSize: 1,
    quantization: 'fp8',
    maxModelLen: 2048,
  },
  {
    label: 'Llama-3.1-70B FP8 on 8 x H100 TP8 (check)',
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

/** The overheads that close the gap between the engine and the client on one run. */
export function fitFrontend(run: ClientRun, requests: readonly ClientRequest[]): { perRequest: number; perOutputToken: number } {
  const c = compareRun(run, requests);
  return { perRequest: Math.max(0, c.measured.ttft - c.engine.ttft), perOutputToken: Math.max(0, c.measured.tpot - c.engine.tpot) };
}

function main(): void {
  const dataDir = process.argv[2] ?? join(process.cwd(), '..', 'shared', 'data');
  const [fitRun] = LAMBDALABS_RUNS;
  const fitted = fitFrontend(fitRun!, readClientRequests(join(dataDir, fitRun!.file)));
  console.log(`fitted on ${fitRun!.label}: ${JSON.stringify(fitted)}`);
  for (const run of LAMBDALABS_RUNS) {
    const requests = readClientRequests(join(dataDir, run.file));
    for (const [name, o] of [['engine only', undefined], ['with the fitted overheads', fitted]] as const) {
      const c = compareRun(run, requests, o);
      const pct = (a: number, b: number) => `${((100 * a) / b - 100).toFixed(1)}%`;
      console.log(
        `  ${run.label}, ${name}: TTFT ${(1e3 * c.engine.ttft).toFixed(1)} ms vs ${(1e3 * c.measured.ttft).toFixed(1)} measured (${pct(c.engine.ttft, c.measured.ttft)}), ` +
          `TPOT ${(1e3 * c.engine.tpot).toFixed(2)} vs ${(1e3 * c.measured.tpot).toFixed(2)} (${pct(c.engine.tpot, c.measured.tpot)}), ` +
          `e2e ${c.engine.e2e.toFixed(3)} s vs ${c.measured.e2e.toFixed(3)} (${pct(c.engine.e2e, c.measured.e2e)})`,
      );
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
