import { createHash } from 'node:crypto';
import { findModel } from '../../engine/catalog/lookup.js';
import { BoundedFileError, readBoundedFile } from '../../engine/input/bounded-file.js';
import { parsePromLines, readPromBytes, type PromSample } from '../../engine/input/prometheus-text.js';
import { bufferLines } from '../../engine/workload/trace-file.js';
import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import { validateScenario } from '../../engine/scenario/validate-scenario.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import { simulate } from '../../engine/simulate.js';
import { maxScale, PROFILE_VERSION, type CalibrationProfile } from '../../engine/step-time/calibration-profile.js';
import { calibrationFor } from '../../engine/step-time/step-time-calibration.js';
import { NO_WORKLOAD_DATA, type WorkloadData } from '../../engine/workload/workload-data.js';

/**
 * `headroom calibrate --prometheus`: from vLLM metrics scrapes (`vllm:*`, one scrape or a series
 * with timestamps), what the deployment measured, a scenario that reproduces its load, and the
 * memory and compute scales of the catalog constants that make the simulation match it.
 *
 * Identification: mean inter-token latency is decode steps, which are HBM-bound at the batch sizes
 * serving runs, so it pins the memory scale; mean time to first token adds prefill (compute) and
 * queueing, so it pins the compute scale only when prefill is a visible share of it (tested by
 * simulating a 30% slower prefill). What the data does not pin stays at 1, marked unfitted.
 */
export interface MeasuredRun {
  file: string;
  sha256: string;
  /** Requests finished and the completion rate while load was steady (middle half of the scrapes). */
  requests: number;
  requestsPerSecond: number;
  meanPromptTokens: number;
  meanOutputTokens: number;
  /**
   * Standard deviations of the lengths, when the file shows their spread (a scrape's length
   * histograms, fitted as a lognormal with the exact mean); absent: unknown.
   */
  promptTokensSd?: number;
  outputTokensSd?: number;
  meanItlSeconds: number | null;
  meanTtftSeconds: number | null;
  meanRunning: number | null;
  /** The model_name label, when the scrape carries one. */
  modelName: string | null;
  /** How the load was offered, when the file says more than a rate: every request at once, or N clients. */
  offered?: { burst: true } | { concurrency: number };
  /** Per-request lengths, when the file lists them (benchmark results with input_lens/output_lens). */
  lengths?: { input: Int32Array; output: Int32Array };
  /** What the file format is, for the profile's provenance. */
  format?: string;
  /**
   * Which per-token statistic meanItlSeconds is: the inter-token gap ('itl', as vLLM's histogram
   * counts it, per token), or the per-request time per output token ('tpot': benchmark clients
   * time streamed chunks, which can carry several tokens, so their ITL is not per token).
   */
  decodeStatistic?: 'itl' | 'tpot';
}

export interface DeploymentFlags {
  model?: string;
  gpu?: string;
  tp?: number;
  pp?: number;
  /** Replicas serving the measured load (default 1). */
  replicas?: number;
  quantization?: string;
  /** Offered rate (req/s) when the scrapes carry no timestamps to measure it from. */
  rate?: number;
}

export class CalibrateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrateInputError';
  }
}

/** A telemetry file's bytes, bounded (regular file, size caps), a refusal as a CalibrateInputError naming the file. */
export function readTelemetryBytes(file: string, what: string, maxBytes: number): Buffer {
  try {
    return readBoundedFile(file, { what, maxBytes, maxInflatedBytes: maxBytes });
  } catch (error) {
    if (error instanceof BoundedFileError) throw new CalibrateInputError(`${file}: ${error.message}`);
    throw error;
  }
}

/**
 * What a counter (or histogram part) of `name` counted over the scrapes, summed over its label sets
 * (counters across finished_reason, ...): its latest value, less its first when the file is a
 * series of timestamped scrapes whose first already counted something (a server that ran before
 * the window: only the window's requests are the measured run). A series that starts from zero,
 * like a simulation's export, keeps its first interval.
 */
function lastTotal(samples: readonly PromSample[], name: string): number | null {
  const latest = new Map<string, PromSample>();
  const earliest = new Map<string, PromSample>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = JSON.stringify(Object.entries(s.labels).sort());
    const prev = latest.get(key);
    if (prev === undefined || (s.timestamp ?? 0) >= (prev.timestamp ?? 0)) latest.set(key, s);
    const first = earliest.get(key);
    if (s.timestamp !== null && (first === undefined || s.timestamp < (first.timestamp ?? Infinity))) earliest.set(key, s);
  }
  if (latest.size === 0) return null;
  let total = 0;
  for (const [key, s] of latest) {
    const first = earliest.get(key);
    total += first !== undefined && first !== s && first.timestamp !== s.timestamp ? s.value - first.value : s.value;
  }
  return total;
}

/** A histogram's mean from its _sum and _count (exact, whatever the buckets), or null. */
function histogramMean(samples: readonly PromSample[], ...names: string[]): number | null {
  for (const name of names) {
    const sum = lastTotal(samples, `${name}_sum`);
    const count = lastTotal(samples, `${name}_count`);
    if (sum !== null && count !== null && count > 0) return sum / count;
  }
  return null;
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 through erf; error below 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * The spread of a length histogram (vLLM's request_prompt_tokens / request_generation_tokens, 1-2-5
 * buckets): the sigma of the lognormal with the histogram's exact mean whose CDF best matches the
 * cumulative bucket shares (least squares over a grid of sigma), as a standard deviation. Null when
 * the histogram has no buckets with counts, or every request fell in one bucket (no spread seen).
 */
function lengthSd(samples: readonly PromSample[], name: string, mean: number): number | null {
  // Each bucket counted like every other total here: over the window, summed over other labels.
  const buckets = new Map<string, PromSample[]>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
    const list = buckets.get(s.labels.le);
    if (list === undefined) buckets.set(s.labels.le, [s]);
    else list.push(s);
  }
  const counted = new Map<string, { v: number }>();
  for (const [le, list] of buckets) counted.set(le, { v: lastTotal(list, `${name}_bucket`) ?? 0 });
  const total = counted.get('+Inf')?.v ?? 0;
  const points = [...counted.entries()].filter(([le]) => le !== '+Inf').map(([le, x]) => ({ le: Number(le), f: x.v / total })).filter((p) => Number.isFinite(p.le) && p.le > 0).sort((a, b) => a.le - b.le);
  if (!(total > 0) || !(mean > 0) || points.filter((p) => p.f > 0 && p.f < 1).length === 0) return null;
  let best = { sigma: 0, loss: Infinity };
  for (let sigma = 0.02; sigma <= 3; sigma += 0.01) {
    const mu = Math.log(mean) - (sigma * sigma) / 2;
    let loss = 0;
    for (const p of points) loss += (normalCdf((Math.log(p.le) - mu) / sigma) - p.f) ** 2;
    if (loss < best.loss) best = { sigma, loss };
  }
  return mean * Math.sqrt(Math.exp(best.sigma * best.sigma) - 1);
}

/**
 * Completions per second over the middle half of a timestamped counter's span: the start is
 * still filling and the end may be draining, neither the load's own rate.
 */
function steadyRate(samples: readonly PromSample[], name: string): number | null {
  const points = new Map<number, number>();
  for (const s of samples) if (s.name === name && s.timestamp !== null) points.set(s.timestamp, (points.get(s.timestamp) ?? 0) + s.value);
  const series = [...points.entries()].sort((a, b) => a[0] - b[0]);
  if (series.length < 4) return null;
  const t0 = series[0]![0];
  const t1 = series.at(-1)![0];
  const at = (t: number) => series.reduce((best, p) => (Math.abs(p[0] - t) < Math.abs(best[0] - t) ? p : best));
  const a = at(t0 + 0.25 * (t1 - t0));
  const b = at(t0 + 0.75 * (t1 - t0));
  return b[0] > a[0] ? ((b[1] - a[1]) * 1000) / (b[0] - a[0]) : null;
}

/**
 * Where each serving engine keeps what a fit needs, in its own metric names (first found wins):
 * vLLM V1 (`vllm:*`), SGLang (`sglang:*`, which has no request counter: its latency histograms
 * count requests) and TGI (`tgi_*`, whose per-token figure is each request's mean time per token).
 */
interface Dialect {
  name: string;
  requests: string[];
  running: string;
  promptHistogram: string | null;
  promptCounter: string | null;
  outputHistogram: string | null;
  outputCounter: string | null;
  perToken: string[];
  ttft: string | null;
  decodeStatistic: 'itl' | 'tpot';
}

const DIALECTS: readonly Dialect[] = [
  {
    name: 'vllm',
    requests: ['vllm:request_success_total', 'vllm:e2e_request_latency_seconds_count'],
    running: 'vllm:num_requests_running',
    promptHistogram: 'vllm:request_prompt_tokens',
    promptCounter: 'vllm:prompt_tokens_total',
    outputHistogram: 'vllm:request_generation_tokens',
    outputCounter: 'vllm:generation_tokens_total',
    perToken: ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds'],
    ttft: 'vllm:time_to_first_token_seconds',
    decodeStatistic: 'itl',
  },
  {
    name: 'sglang',
    requests: ['sglang:num_requests_total', 'sglang:e2e_request_latency_seconds_count'],
    running: 'sglang:num_running_reqs',
    promptHistogram: null,
    promptCounter: 'sglang:prompt_tokens_total',
    outputHistogram: null,
    outputCounter: 'sglang:generation_tokens_total',
    perToken: ['sglang:inter_token_latency_seconds', 'sglang:time_per_output_token_seconds'],
    ttft: 'sglang:time_to_first_token_seconds',
    decodeStatistic: 'itl',
  },
  {
    name: 'tgi',
    requests: ['tgi_request_success', 'tgi_request_count'],
    running: 'tgi_batch_current_size',
    promptHistogram: 'tgi_request_input_length',
    promptCounter: null,
    outputHistogram: 'tgi_request_generated_tokens',
    outputCounter: null,
    perToken: ['tgi_request_mean_time_per_token_duration'],
    ttft: null,
    decodeStatistic: 'tpot',
  },
];

export function measureRun(file: string, flags: DeploymentFlags): MeasuredRun {
  // One bounded read: the samples and the hash come from the same bytes.
  const bytes = readPromBytes(file);
  const samples = parsePromLines(bufferLines(bytes), file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const names = new Set(samples.map((x) => x.name));
  const d = DIALECTS.find((candidate) => candidate.requests.some((n) => names.has(n)));
  if (d === undefined) {
    throw new CalibrateInputError(`${file}: expected a vLLM, SGLang or TGI scrape (${DIALECTS.map((x) => x.requests[0]).join(', ')}, ...), got none of their request counts`);
  }
  const countName = d.requests.find((n) => names.has(n))!;
  const requests = lastTotal(samples, countName);
  if (requests === null || requests <= 0) throw new CalibrateInputError(`${file}: expected ${countName} above 0, got ${requests ?? 'none'}`);
  const rate = flags.rate ?? steadyRate(samples, countName);
  if (rate === null || !(rate > 0)) {
    throw new CalibrateInputError(`${file}: expected a series of timestamped scrapes to measure the request rate from, got a single scrape; give --rate <req/s>`);
  }
  const mean = (histogram: string | null, counter: string | null) =>
    (histogram === null ? null : histogramMean(samples, histogram)) ?? (counter === null ? 0 : (lastTotal(samples, counter) ?? 0) / requests);
  const meanPrompt = mean(d.promptHistogram, d.promptCounter);
  const meanOutput = mean(d.outputHistogram, d.outputCounter);
  if (!(meanPrompt >= 1) || !(meanOutput >= 1)) {
    const wanted = [d.promptHistogram, d.promptCounter, d.outputHistogram, d.outputCounter].filter((n) => n !== null).join(', ');
    throw new CalibrateInputError(`${file}: expected prompt and generation token counts (${wanted}), got none`);
  }
  const spread = (key: 'promptTokensSd' | 'outputTokensSd', histogram: string | null, mean: number) => {
    const sd = histogram === null ? null : lengthSd(samples, histogram, mean);
    return sd === null ? {} : { [key]: sd };
  };
  const running = samples.filter((x) => x.name === d.running);
  const model = samples.find((x) => x.labels.model_name !== undefined)?.labels.model_name ?? null;
  return {
    file,
    sha256,
    requests,
    requestsPerSecond: rate,
    meanPromptTokens: meanPrompt,
    meanOutputTokens: meanOutput,
    ...spread('promptTokensSd', d.promptHistogram, meanPrompt),
    ...spread('outputTokensSd', d.outputHistogram, meanOutput),
    meanItlSeconds: histogramMean(samples, ...d.perToken),
    meanTtftSeconds: d.ttft === null ? null : histogramMean(samples, d.ttft),
    meanRunning: running.length === 0 ? null : running.reduce((a, x) => a + x.value, 0) / running.length,
    modelName: model,
    format: `prometheus (${d.name})`,
    decodeStatistic: d.decodeStatistic,
  };
}

/**
 * The scenario (and its workload data) that reproduces a measured run on the flagged deployment:
 * per-request lengths replayed when the file lists them, else lognormal lengths at the measured means.
 */
export function scenarioFor(run: MeasuredRun, flags: Required<Pick<DeploymentFlags, 'model' | 'gpu' | 'tp'>> & DeploymentFlags): { scenario: Scenario; data: WorkloadData } {
  const pp = flags.pp ?? 1;
  const replicas = flags.replicas ?? 1;
  const burst = run.offered !== undefined && 'burst' in run.offered;
  // A replayed run (a burst, or per-request lengths) is the run itself; a rate gets enough
  // requests for a steady window, bounded so a fit of ~30 simulations stays quick.
  const replayed = burst || run.lengths !== undefined;
  const requests = Math.round(Math.min(4000, replayed ? run.requests : Math.max(1000, run.requests)));
  const arrival =
    run.offered !== undefined && 'concurrency' in run.offered
      ? { process: 'closed', concurrency: run.offered.concurrency }
      : burst || run.lengths !== undefined
        ? { process: 'trace', file: `${run.file} (replayed)` }
        : { process: 'poisson', rate: run.requestsPerSecond };
  const written = {
    name: 'calibrate',
    seed: 1,
    stop: { requests },
    model: flags.model,
    cluster: { gpu: flags.gpu, nodes: 1, gpusPerNode: flags.tp * pp * replicas },
    serving: { tensorParallelSize: flags.tp, pipelineParallelSize: pp, replicas, ...(flags.quantization !== undefined ? { quantization: flags.quantization } : {}) },
    workload: {
      arrival,
      // The spread from the file's length histograms when it has them; else a coefficient of
      // variation of 1, typical of chat traces (Azure 2023: 0.8 for prompts, 1.2 for answers).
      inputTokens: { dist: 'lognormal', mean: run.meanPromptTokens, sd: run.promptTokensSd ?? run.meanPromptTokens },
      outputTokens: { dist: 'lognormal', mean: run.meanOutputTokens, sd: run.outputTokensSd ?? run.meanOutputTokens },
    },
  };
  const v = validateScenario(written, { file: `${run.file} (as a scenario)`, baseDir: process.cwd() });
  if (!v.ok) throw new ScenarioError(v.issues);
  if (arrival.process !== 'trace') return { scenario: v.scenario, data: NO_WORKLOAD_DATA };
  // A replayed run: every request at once (a burst), or spaced at the measured rate, with its own
  // lengths when the file lists them and the means when it does not.
  const n = run.lengths?.input.length ?? requests;
  const spacing = burst ? 0 : 1 / run.requestsPerSecond;
  const trace = {
    format: 'request-list' as const,
    file: run.file,
    arrivals: Float64Array.from({ length: n }, (_, i) => i * spacing),
    inputTokens: run.lengths?.input ?? new Int32Array(n).fill(Math.round(run.meanPromptTokens)),
    outputTokens: run.lengths?.output ?? new Int32Array(n).fill(Math.round(run.meanOutputTokens)),
  };
  return { scenario: { ...v.scenario, stop: { requests: n, duration: null } }, data: { ...NO_WORKLOAD_DATA, trace } };
}

function profileWith(base: Scenario, memoryScale: number, computeScale: number): CalibrationProfile {
  const p = (value: number) => ({ value, fitted: true, note: '' });
  return {
    kind: 'calibration-profile',
    version: PROFILE_VERSION,
    gpu: base.cluster.gpu.id,
    model: base.model.id,
    tensorParallelSize: base.serving.tensorParallelSize,
    replicas: base.serving.replicas,
    quantization: base.serving.quantization,
    parameters: { memoryScale: p(memoryScale), computeScale: p(computeScale) },
    fittedFrom: [],
    fit: [],
    check: { errorPercent: null, note: '' },
    links: [],
    covered: { requestsPerSecond: null, meanPromptTokens: null, meanOutputTokens: null, runningSequences: null },
  };
}

/** Mean ITL, TPOT and TTFT of the run simulated with these scales. */
function simulated({ scenario, data }: { scenario: Scenario; data: WorkloadData }, memoryScale: number, computeScale: number): { itl: number; tpot: number; ttft: number } {
  const r = simulate({ ...scenario, calibration: { profileFile: '(being fitted)', profile: profileWith(scenario, memoryScale, computeScale) } }, data);
  return { itl: r.latency.itl.mean ?? 0, tpot: r.latency.tpot.mean ?? 0, ttft: r.latency.ttft.mean ?? 0 };
}

/** The x in [lo, hi] where a decreasing f(x) meets target, by bisection on log x. */
function solveDecreasing(f: (x: number) => number, target: number, lo: number, hi: number, steps: number): number {
  let a = Math.log(lo);
  let b = Math.log(hi);
  if (f(Math.exp(b)) >= target) return Math.exp(b);
  if (f(Math.exp(a)) <= target) return Math.exp(a);
  for (let i = 0; i < steps; i++) {
    const mid = (a + b) / 2;
    if (f(Math.exp(mid)) > target) a = mid;
    else b = mid;
  }
  return Math.exp((a + b) / 2);
}

const pct = (sim: number, measured: number) => (100 * (sim - measured)) / measured;

/** The deployment the flags name (--model, --gpu, --tp), or an input error naming what is missing. */
function deploymentOf(runs: readonly MeasuredRun[], flags: DeploymentFlags): Required<Pick<DeploymentFlags, 'model' | 'gpu' | 'tp'>> & DeploymentFlags {
  // The file's model name stands in for --model only when it is a catalog id.
  const named = runs[0]?.modelName ?? null;
  const model = flags.model ?? (named !== null && findModel(named) !== undefined ? named : undefined);
  const { gpu, tp } = flags;
  if (model === undefined || gpu === undefined || tp === undefined) {
    const missing = [model === undefined ? 'model' : null, gpu === undefined ? 'gpu' : null, tp === undefined ? 'tp' : null].filter((m) => m !== null);
    throw new CalibrateInputError(
      `expected ${missing.map((m) => `--${m}`).join(', ')}: the telemetry does not say which ${missing.map((m) => (m === 'tp' ? 'tensor-parallel size' : m)).join(' or ')} served it`,
    );
  }
  return { ...flags, model, gpu, tp };
}

/**
 * A profile with nothing fitted from serving telemetry (scales at 1, marked so): what nccl-tests
 * logs alone give, before their links are added.
 */
export function unfittedProfile(flags: DeploymentFlags): CalibrationProfile {
  const full = deploymentOf([], flags);
  const probe: MeasuredRun = { file: '(no serving telemetry)', sha256: '0'.repeat(64), requests: 1, requestsPerSecond: 1, meanPromptTokens: 1, meanOutputTokens: 1, meanItlSeconds: null, meanTtftSeconds: null, meanRunning: null, modelName: null };
  const { scenario } = scenarioFor(probe, full);
  const none = { value: 1, fitted: false, note: 'no serving telemetry given (--prometheus, --requests or --guidellm): left at 1' };
  return { ...profileWith(scenario, 1, 1), parameters: { memoryScale: none, computeScale: none }, check: { errorPercent: null, note: 'nothing fitted' } };
}

/** Fits a profile on the first measured run and checks it on the others. */
export function fitProfile(runs: readonly MeasuredRun[], flags: DeploymentFlags): CalibrationProfile {
  const full = deploymentOf(runs, flags);
  const [train, ...held] = runs;
  const scenario = scenarioFor(train!, full);
  const base = calibrationFor(scenario.scenario.cluster.gpu, scenario.scenario.serving.quantization).calibration;
  const memHi = maxScale(base, 'memory');
  const compHi = maxScale(base, 'compute');
  const itl = train!.meanItlSeconds;
  const ttft = train!.meanTtftSeconds;
  if (itl === null) throw new CalibrateInputError(`${train!.file}: expected vllm:inter_token_latency_seconds (or vllm:time_per_output_token_seconds) to fit the memory scale from, got none`);

  const tpot = train!.decodeStatistic === 'tpot';
  const decode = (r: { itl: number; tpot: number }) => (tpot ? r.tpot : r.itl);
  const decodeName = tpot ? 'mean time per output token (s)' : 'mean inter-token latency (s)';
  let m = solveDecreasing((x) => decode(simulated(scenario, x, 1)), itl, 0.2, memHi, 12);
  let c = 1;
  let computeNote = 'no vllm:time_to_first_token_seconds in the scrape: left at 1';
  let computeFitted = false;
  if (ttft !== null) {
    const at1 = simulated(scenario, m, 1).ttft;
    const slower = simulated(scenario, m, 0.7).ttft;
    const sensitivity = (slower - at1) / at1;
    if (sensitivity < 0.03) {
      computeNote = `time to first token barely depends on prefill speed at this load (${(100 * sensitivity).toFixed(1)}% for a 30% slower prefill): not identified, left at 1`;
    } else {
      c = solveDecreasing((x) => simulated(scenario, m, x).ttft, ttft, 0.2, compHi, 10);
      if (c >= compHi * 0.999 || c <= 0.2001) {
        // The data asks for a prefill faster than peak (or absurdly slow): what it measured is
        // not prefill speed (the API server's share, queueing, failed requests): not identified.
        computeNote = `time to first token would need a compute scale at its bound (${c.toFixed(3)}): not explained by prefill speed, left at 1`;
        c = 1;
      } else {
        // Prefill chunks share steps with decodes: refit the memory scale with the compute scale found.
        m = solveDecreasing((x) => decode(simulated(scenario, x, c)), itl, 0.2, memHi, 10);
        computeFitted = true;
        computeNote = `fitted on the mean time to first token of ${train!.file}`;
      }
    }
  }
  const at = simulated(scenario, m, c);
  const fit = [{ statistic: decodeName, measured: itl, simulated: decode(at), errorPercent: pct(decode(at), itl) }];
  if (ttft !== null) fit.push({ statistic: 'mean time to first token (s)', measured: ttft, simulated: at.ttft, errorPercent: pct(at.ttft, ttft) });

  let check: CalibrationProfile['check'] = { errorPercent: null, note: 'one measured run: nothing held out to check on (give more --prometheus files)' };
  if (held.length > 0) {
    const errors: number[] = [];
    for (const run of held) {
      const s = scenarioFor(run, full);
      const r = simulated(s, m, c);
      if (run.meanItlSeconds !== null) errors.push(Math.abs(pct(run.decodeStatistic === 'tpot' ? r.tpot : r.itl, run.meanItlSeconds)));
      if (computeFitted && run.meanTtftSeconds !== null) errors.push(Math.abs(pct(r.ttft, run.meanTtftSeconds)));
    }
    check = {
      errorPercent: errors.length === 0 ? null : errors.reduce((a, b) => a + b, 0) / errors.length,
      note: `mean absolute error of the fitted statistics on ${held.map((r) => r.file).join(', ')} (held out of the fit)`,
    };
  }
  const span = (pick: (r: MeasuredRun) => number | null): [number, number] | null => {
    const v = runs.map(pick).filter((x): x is number => x !== null);
    return v.length === 0 ? null : [Math.min(...v), Math.max(...v)];
  };
  return {
    ...profileWith(scenario.scenario, m, c),
    parameters: {
      memoryScale: { value: m, fitted: true, note: `fitted on the ${decodeName.replace(/ \(s\)$/, '')} of ${train!.file}` },
      computeScale: { value: c, fitted: computeFitted, note: computeNote },
    },
    fittedFrom: [...new Map(runs.map((r) => [r.file, { file: r.file, sha256: r.sha256, format: r.format ?? 'prometheus (vllm)' }])).values()],
    fit,
    check,
    covered: {
      requestsPerSecond: span((r) => r.requestsPerSecond),
      meanPromptTokens: span((r) => r.meanPromptTokens),
      meanOutputTokens: span((r) => r.meanOutputTokens),
      runningSequences: span((r) => r.meanRunning),
    },
  };
}
