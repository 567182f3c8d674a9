import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CalibrateInputError, fitProfile, measureRun, unfittedProfile } from '../../analyzers/calibration/calibrate-prometheus.js';
import { readNcclTests } from '../../analyzers/calibration/nccl-tests.js';
import { readGuidellm } from '../../analyzers/calibration/guidellm-runs.js';
import { readVllmBench } from '../../analyzers/calibration/vllm-bench-runs.js';
import { analyzeSaturation } from '../../analyzers/saturation/analyze-saturation.js';
import { findGpu } from '../../engine/catalog/lookup.js';
import { parsePromLines, PromTextError, readPromFile } from '../../engine/input/prometheus-text.js';
import { simulate, simulateWithVllmMetrics } from '../../engine/simulate.js';
import { calibrationProfileSchema } from '../../engine/step-time/calibration-profile.js';
import { textLines } from '../../engine/workload/trace-file.js';
import { NO_WORKLOAD_DATA } from '../../engine/workload/workload-data.js';
import { formatPrometheus } from '../../reports/writers/prometheus.js';
import { hasSharedData, sharedDataPath } from '../helpers/shared-data.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';

/**
 * Calibration from a deployment's own telemetry, end to end: a run on a GPU whose HBM is 30%
 * slower than the catalog's H100 is exported as vLLM Prometheus scrapes; calibrating an h100-sxm
 * profile from them recovers the slowdown, and the profile makes the catalog H100 reproduce the run.
 */
const dir = mkdtempSync(join(tmpdir(), 'headroom-calibrate-'));
const h100 = findGpu('h100-sxm')!;
const { id: _id, source: _source, vendor: _vendor, rentalPrice: _price, ...spec } = h100;
const chat = (gpu: unknown, requests = 3000) =>
  tinyScenario({
    stop: { requests },
    cluster: { gpu, nodes: 1, gpusPerNode: 1 },
    workload: {
      arrival: { process: 'poisson', rate: 12 },
      inputTokens: { dist: 'lognormal', mean: 1150, sd: 900 },
      outputTokens: { dist: 'lognormal', mean: 210, sd: 250 },
    },
  });
const { result: slow, metrics: slowMetrics } = simulateWithVllmMetrics(chat({ ...spec, name: 'slow-h100', hbmTBps: h100.hbmTBps * 0.7 }));
const scrape = join(dir, 'slow.prom');
writeFileSync(scrape, formatPrometheus(slowMetrics));
const flags = { model: 'llama-3.1-8b', gpu: 'h100-sxm', tp: 1 };

describe('calibrate --prometheus: the round trip', () => {
  const run = measureRun(scrape, flags);
  const profile = fitProfile([run], flags);

  it('reads back what the simulation wrote: requests, means and the rate while the load was steady', () => {
    expect(run.requests).toBe(3000);
    expect(run.meanItlSeconds).toBeCloseTo(slow.latency.itl.mean!, 9);
    expect(run.meanTtftSeconds).toBeCloseTo(slow.latency.ttft.mean!, 9);
    expect(run.requestsPerSecond / 12 - 1).toBeLessThan(0.08);
    expect(run.requestsPerSecond / 12 - 1).toBeGreaterThan(-0.08);
  });

  it("reads the lengths' spread from the scrape's length histograms (1-2-5 buckets), not only their means", () => {
    // Written as lognormal sd 900 (prompts) and 250 (answers); a lognormal fitted to the buckets with the exact mean.
    console.log(`length sd from buckets: prompts ${run.promptTokensSd!.toFixed(0)} (900), answers ${run.outputTokensSd!.toFixed(0)} (250)`);
    expect(run.promptTokensSd! / 900).toBeGreaterThan(0.8);
    expect(run.promptTokensSd! / 900).toBeLessThan(1.2);
    expect(run.outputTokensSd! / 250).toBeGreaterThan(0.75);
    expect(run.outputTokensSd! / 250).toBeLessThan(1.25);
  });

  it('recovers the 30% slower memory within 5%, leaves compute near 1, and says what fitted each', () => {
    expect(calibrationProfileSchema.safeParse(profile).success).toBe(true);
    expect(profile.parameters.memoryScale.value).toBeGreaterThan(0.665);
    expect(profile.parameters.memoryScale.value).toBeLessThan(0.735);
    expect(Math.abs(profile.parameters.computeScale.value - 1)).toBeLessThan(0.1);
    expect(profile.parameters.memoryScale.note).toMatch(/mean inter-token latency/);
    expect(profile.fittedFrom).toEqual([{ file: scrape, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), format: 'prometheus (vllm)' }]);
    for (const f of profile.fit) expect(Math.abs(f.errorPercent), f.statistic).toBeLessThan(5);
    expect(profile.check).toMatchObject({ errorPercent: null, note: expect.stringMatching(/nothing held out/) });
  });

  it('the profile makes the catalog H100 reproduce the slow run: TPOT p50 within 10% (uncalibrated: ~25% off)', () => {
    const plain = simulate(chat('h100-sxm'));
    const calibrated = simulate({ ...chat('h100-sxm'), calibration: { profileFile: 'p.json', profile } });
    const off = (r: typeof plain) => Math.abs(r.latency.tpot.p50! / slow.latency.tpot.p50! - 1);
    console.log(`TPOT p50: slow ${slow.latency.tpot.p50}, uncalibrated ${plain.latency.tpot.p50} (${(100 * off(plain)).toFixed(1)}% off), calibrated ${calibrated.latency.tpot.p50} (${(100 * off(calibrated)).toFixed(1)}% off)`);
    expect(off(plain)).toBeGreaterThan(0.15);
    expect(off(calibrated)).toBeLessThan(0.1);
    expect(calibrated.calibration).toMatchObject({ fitted: true, profile: 'p.json', source: expect.stringMatching(/^calibrated from p\.json \(memory x0\.\d+/) });
  });

  it('a simulation outside what the profile covered says it is extrapolating (rate, mean lengths); inside, it does not', () => {
    const inside = simulate({ ...chat('h100-sxm', 300), calibration: { profileFile: 'p.json', profile } });
    expect(inside.calibration.extrapolating).toBeUndefined();
    const busier = chat('h100-sxm', 300);
    const outside = simulate({
      ...busier,
      workload: { ...busier.workload, arrival: { process: 'poisson', rate: 30 }, outputTokens: { dist: 'fixed', value: 2000 } },
      calibration: { profileFile: 'p.json', profile },
    });
    expect(outside.calibration.extrapolating).toEqual([
      expect.stringMatching(/^rate 30\.0 req\/s per replica outside the profile's 1\d\.\d-1\d\.\d req\/s per replica$/),
      expect.stringMatching(/^mean answer 2\.00e\+3 tokens outside the profile's/),
    ]);
    expect(outside.calibration.source).toMatch(/; extrapolating: rate 30\.0/);
  });

  it('a second run checks the fit: held out, its error reported', () => {
    const other = join(dir, 'other.prom');
    writeFileSync(other, formatPrometheus(simulateWithVllmMetrics({ ...chat({ ...spec, name: 'slow-h100', hbmTBps: h100.hbmTBps * 0.7 }), seed: 9 }).metrics));
    const checked = fitProfile([run, measureRun(other, flags)], flags);
    expect(checked.check.errorPercent).not.toBeNull();
    expect(checked.check.errorPercent!).toBeLessThan(10);
    expect(checked.check.note).toContain(other);
  });

  it('is deterministic: the same scrapes give the same profile, byte for byte', () => {
    expect(JSON.stringify(fitProfile([measureRun(scrape, flags)], flags))).toBe(JSON.stringify(profile));
  });

  it('the profile travels to worker threads by value: a saturation analysis differs with it and is identical across worker counts', async () => {
    const scenario = { ...chat('h100-sxm', 1500), slo: { ttftP99: 2, tpotP99: 0.05 } };
    const withProfile = { ...scenario, calibration: { profileFile: 'p.json', profile } };
    const rates = [4, 8];
    const one = await analyzeSaturation({ scenario: withProfile, data: NO_WORKLOAD_DATA }, { workers: 1, replications: 1, rates });
    const two = await analyzeSaturation({ scenario: withProfile, data: NO_WORKLOAD_DATA }, { workers: 2, replications: 1, rates });
    const none = await analyzeSaturation({ scenario, data: NO_WORKLOAD_DATA }, { workers: 2, replications: 1, rates });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(one.points[1]!.latency.tpot.p50).not.toBe(none.points[1]!.latency.tpot.p50);
    expect(one.calibration.source).toMatch(/^calibrated from p\.json/);
  });
});

describe('calibrate: bad input is named', () => {
  it.each([
    ['a line that is not a sample', 'vllm:num_requests_running{engine="0" 3\n', /^x\.prom: line 1: expected "," or "}" after label engine/],
    ['a value that is not a number', 'vllm:num_requests_running 3x\n', /^x\.prom: line 1: expected a number for vllm:num_requests_running, got "3x"/],
    ['a fractional timestamp', 'vllm:num_requests_running 3 12.5\n', /^x\.prom: line 1: expected a timestamp in integer milliseconds, got "12\.5"/],
    ['only comments', '# HELP x y\n', /^x\.prom: expected Prometheus samples/],
  ])('%s', (_what, text, message) => {
    expect(() => parsePromLines(textLines(text), 'x.prom')).toThrow(PromTextError);
    expect(() => parsePromLines(textLines(text), 'x.prom')).toThrow(message);
  });

  it('a single scrape without timestamps asks for --rate, and a missing deployment flag is named', () => {
    const single = join(dir, 'single.prom');
    writeFileSync(single, 'vllm:request_success_total{finished_reason="length"} 10\nvllm:request_prompt_tokens_sum 1000\nvllm:request_prompt_tokens_count 10\nvllm:request_generation_tokens_sum 500\nvllm:request_generation_tokens_count 10\nvllm:inter_token_latency_seconds_sum 1\nvllm:inter_token_latency_seconds_count 100\n');
    expect(() => measureRun(single, flags)).toThrow(/give --rate <req\/s>/);
    const run = measureRun(single, { ...flags, rate: 2 });
    expect(run.requestsPerSecond).toBe(2);
    expect(() => fitProfile([run], { gpu: 'h100-sxm' })).toThrow(CalibrateInputError);
    expect(() => fitProfile([run], { gpu: 'h100-sxm' })).toThrow(/expected --model, --tp: the telemetry does not say which model or tensor-parallel size served it/);
  });
});

const REAL = ['telemetry', 'prometheus', 'er0080_vllm-0.25.1_opt-125m-tp2_2xRTX3090_metrics_loaded.prom'] as const;
describe.skipIf(!hasSharedData(...REAL))('real vLLM scrapes parse', () => {
  const real = sharedDataPath(...REAL);
  it('vLLM 0.25.1 under load (../shared/data/telemetry): counters, gauges and histograms read back', () => {
    const samples = readPromFile(real);
    const get = (name: string) => samples.filter((s) => s.name === name);
    expect(get('vllm:num_requests_running')[0]!.value).toBe(64);
    expect(get('vllm:time_to_first_token_seconds_count')[0]!.value).toBe(664);
    const run = measureRun(real, { rate: 10 });
    expect(run.meanPromptTokens).toBe(512);
    expect(run.modelName).toBe('opt-125m-tp2');
  });
});

const LAMBDA = ['telemetry', 'vllm_bench', 'lambdalabs_1xH100-80GB-SXM_Meta-Llama-3.1-8B-FP8_tp1_len2048.json'] as const;
describe.skipIf(!hasSharedData(...LAMBDA))('calibrate --requests on a real vllm benchmark_serving result', () => {
  it('Lambda Labs, 1 x H100 SXM, Llama-3.1-8B FP8, 10 ShareGPT prompts at once: the TPOT fits, TTFT is not explained by prefill and says so', () => {
    const runs = readVllmBench(sharedDataPath(...LAMBDA));
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({ requests: 10, offered: { burst: true }, decodeStatistic: 'tpot', modelName: 'neuralmagic/Meta-Llama-3.1-8B-FP8' });
    expect(run.meanItlSeconds).toBeCloseTo(0.006018531635219421, 12);
    const profile = fitProfile(runs, { model: 'llama-3.1-8b', gpu: 'h100-sxm', tp: 1, quantization: 'fp8' });
    console.log(`Lambda 8B FP8 H100: memory x${profile.parameters.memoryScale.value.toFixed(3)}; ${profile.fit.map((f) => `${f.statistic} ${f.errorPercent.toFixed(1)}%`).join(', ')}`);
    // Measured 6.0 ms per output token; the catalog H100 fp8 constants predict a faster decode.
    expect(profile.parameters.memoryScale.value).toBeGreaterThan(0.7);
    expect(profile.parameters.memoryScale.value).toBeLessThan(1);
    expect(Math.abs(profile.fit[0]!.errorPercent)).toBeLessThan(2);
    expect(profile.parameters.computeScale).toMatchObject({ value: 1, fitted: false, note: expect.stringMatching(/not explained by prefill speed/) });
  });
});

describe('calibrate --requests: bad input is named', () => {
  it.each([
    ['no completed count', '{"request_rate": 1, "mean_tpot_ms": 5}', /x\.json: expected "completed"/],
    ['no rate or concurrency', '{"completed": 5, "mean_tpot_ms": 5, "total_input_tokens": 10, "total_output_tokens": 10}', /expected "request_rate" \(req\/s or "inf"\) or "max_concurrency"/],
    ['no per-token latency', '{"completed": 5, "request_rate": 2, "total_input_tokens": 10, "total_output_tokens": 10}', /expected "mean_tpot_ms" or "mean_itl_ms"/],
    ['a bad line among JSON lines', '{"completed": 5, "request_rate": 2, "mean_tpot_ms": 5, "total_input_tokens": 10, "total_output_tokens": 10}\n{oops\n', /x\.json: line 2: expected a JSON object \(one benchmark run\), got invalid JSON/],
  ])('%s', (_what, text, message) => {
    const file = join(dir, 'x.json');
    writeFileSync(file, text);
    expect(() => readVllmBench(file)).toThrow(message);
  });
});

const GUIDELLM = ['telemetry', 'guidellm', 'danielkorat_guidellm-bench_openai_gpt-oss-20b_tp4_quant-none_benchmarks.json'] as const;
describe.skipIf(!hasSharedData(...GUIDELLM))('calibrate --guidellm reads real guidellm reports', () => {
  it('gpt-oss-20b (synchronous, 30 requests): one client, per-request lengths, TPOT and TTFT means', () => {
    const [run, ...rest] = readGuidellm(sharedDataPath(...GUIDELLM));
    expect(rest).toEqual([]);
    expect(run).toMatchObject({ requests: 30, offered: { concurrency: 1 }, decodeStatistic: 'tpot', format: 'guidellm benchmark report' });
    expect(run!.lengths!.input).toHaveLength(30);
    // Lengths come from every successful request; guidellm's own metrics leave out its warm-up and
    // cool-down requests (25 of the 30 here: their prompt mean is 92.7, all 30 average 103.1).
    expect(run!.meanPromptTokens).toBeCloseTo(run!.lengths!.input.reduce((a, b) => a + b, 0) / 30, 9);
    expect(run!.meanItlSeconds).toBeCloseTo(0.02992480437271297, 12);
    expect(run!.meanTtftSeconds).toBeGreaterThan(0.01);
  });
});

describe('calibrate --guidellm: bad input is named', () => {
  const base = { config: { strategy: { type_: 'synchronous' } }, metrics: { time_per_output_token_ms: { successful: { mean: 20 } } }, requests: { successful: [{ prompt_tokens: 10, output_tokens: 5 }] } };
  it.each([
    ['no benchmarks', {}, /expected a guidellm report with benchmarks\[\], got none/],
    ['no successful requests', { benchmarks: [{ ...base, requests: { successful: [] } }] }, /benchmarks\[0\]: expected requests\.successful/],
    ['a request without token counts', { benchmarks: [{ ...base, requests: { successful: [{ prompt_tokens: 0 }] } }] }, /benchmarks\[0\]: requests\.successful\[0\]: expected prompt_tokens and output_tokens/],
    ['an unknown strategy', { benchmarks: [{ ...base, config: { strategy: { type_: 'sweep' } } }] }, /expected config\.strategy\.type_ synchronous, concurrent, constant, poisson or throughput, got "sweep"/],
    ['no time per output token', { benchmarks: [{ ...base, metrics: {} }] }, /expected metrics\.time_per_output_token_ms\.successful\.mean/],
  ])('%s', (_what, report, message) => {
    const file = join(dir, 'g.json');
    writeFileSync(file, JSON.stringify(report));
    expect(() => readGuidellm(file)).toThrow(message);
  });
});

const NCCL = ['telemetry', 'nccl', 'superbench_8xA100-SXM4-40GB_nccl_allreduce.log'] as const;
describe.skipIf(!hasSharedData(...NCCL))('calibrate --nccl reads real nccl-tests logs', () => {
  it('superbench, 8 x A100 in one node: latency floor and bus-bandwidth plateau; a profile carrying them sets the TP8 all-reduce', () => {
    const m = readNcclTests(sharedDataPath(...NCCL));
    expect(m).toMatchObject({ operation: 'all_reduce', ranks: 8, nodes: 1 });
    expect(m.rows).toHaveLength(32);
    expect(m.alphaSeconds).toBeCloseTo(35.42e-6, 9);
    expect(m.busBandwidthGBps).toBeCloseTo(235.26, 6);
    const base = unfittedProfile({ model: 'llama-3.1-70b', gpu: 'a100-80gb', tp: 8 });
    const profile = { ...base, links: [{ operation: m.operation, ranks: m.ranks, nodes: m.nodes, alphaSeconds: m.alphaSeconds, busBandwidthGBps: m.busBandwidthGBps, file: m.file }] };
    expect(calibrationProfileSchema.safeParse(profile).success).toBe(true);
    const tp8 = tinyScenario({ model: 'llama-3.1-70b', cluster: { gpu: 'a100-80gb', nodes: 1, gpusPerNode: 8 }, serving: { tensorParallelSize: 8 }, stop: { requests: 200 } });
    const plain = simulate(tp8);
    const linked = simulate({ ...tp8, calibration: { profileFile: 'nccl.json', profile } });
    expect(linked.utilization.communicationShare).not.toBe(plain.utilization.communicationShare);
    // Scales unfitted: nothing but the all-reduce moves.
    expect(profile.parameters.memoryScale).toMatchObject({ value: 1, fitted: false });
  });

  it('logs without a result table, or with a broken row, are named', () => {
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '# nThread 1 nGpus 8\nnothing here\n');
    expect(() => readNcclTests(empty)).toThrow(/expected an nccl-tests result table/);
    const broken = join(dir, 'broken.log');
    writeFileSync(broken, '#       size         count    type   redop     time   algbw   busbw  error\n   1024   256   float   sum   abc   1   2   0\n');
    expect(() => readNcclTests(broken)).toThrow(/broken\.log: line 2: expected a result row/);
  });
});

const SGLANG = ['telemetry', 'prometheus', 'sglang_docs_production_metrics_llama-3.1-8b.prom'] as const;
describe.skipIf(!hasSharedData(...SGLANG))('calibrate --prometheus reads SGLang and TGI scrapes in their own names', () => {
  it("SGLang's documented scrape (Llama-3.1-8B under load): requests from its e2e histogram, per-token latency, running requests", () => {
    const run = measureRun(sharedDataPath(...SGLANG), { rate: 20 });
    expect(run).toMatchObject({ format: 'prometheus (sglang)', requests: 11228, meanRunning: 162, modelName: 'meta-llama/Llama-3.1-8B-Instruct' });
    expect(run.meanItlSeconds).toBeGreaterThan(0);
    expect(run.meanTtftSeconds).toBeGreaterThan(0);
  });

  it("a TGI scrape series: the window's request count (last less first), input and generated-token histograms, the mean time per token (TPOT)", () => {
    const tgi = join(dir, 'tgi.prom');
    writeFileSync(
      tgi,
      [
        'tgi_request_success 40 1000', 'tgi_request_success 80 2000', 'tgi_request_success 120 3000', 'tgi_request_success 160 4000', 'tgi_request_success 200 5000',
        'tgi_request_input_length_sum 20000 5000', 'tgi_request_input_length_count 200 5000',
        'tgi_request_generated_tokens_sum 10000 5000', 'tgi_request_generated_tokens_count 200 5000',
        'tgi_request_mean_time_per_token_duration_sum 2 5000', 'tgi_request_mean_time_per_token_duration_count 200 5000',
        'tgi_batch_current_size 12 5000',
      ].join('\n'),
    );
    const run = measureRun(tgi, {});
    // 200 finished by the last scrape, 40 of them before the first: the window's run is 160 requests.
    expect(run).toMatchObject({ format: 'prometheus (tgi)', requests: 160, meanPromptTokens: 100, meanOutputTokens: 50, meanItlSeconds: 0.01, meanTtftSeconds: null, decodeStatistic: 'tpot', meanRunning: 12 });
    expect(run.requestsPerSecond).toBeCloseTo(40, 9);
  });

  it('a scrape of none of the three is refused, naming what it looked for', () => {
    const other = join(dir, 'other.prom');
    writeFileSync(other, 'process_cpu_seconds_total 12\n');
    expect(() => measureRun(other, { rate: 1 })).toThrow(/expected a vLLM, SGLang or TGI scrape \(vllm:request_success_total, sglang:num_requests_total, tgi_request_success, \.\.\.\)/);
  });
});
