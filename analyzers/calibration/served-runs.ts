import { readFileSync } from 'node:fs';
import { replicaShapeOf } from '../../engine/replica/replica-shape.js';
import { validateScenario } from '../../engine/scenario/validate-scenario.js';
import { simulate } from '../../engine/simulate.js';
import { createRooflineStepTime } from '../../engine/step-time/roofline-step-time.js';
import type { StepTimeCalibration } from '../../engine/step-time/step-time-calibration.js';
import { nelderMead } from './fit-tools.js';

/**
 * Online (`benchmark_serving`) runs of a whole deployment, simulated as the benchmark drove them
 * (Poisson arrivals at the run's rate, its lengths, its replica count), to fit or check a GPU
 * family's constants on what a served deployment does rather than on one batch.
 */
export interface ServedRun {
  label: string;
  /** The written scenario that reproduces the run. */
  scenario: Record<string, unknown>;
  measured: { medianTtft: number; medianTpot: number };
}

export const NERDALERT_FILE = 'telemetry/vllm_bench/nerdalert_vllm-bench-automation_results.json';

/**
 * nerdalert/vllm-bench-automation (shared/data/telemetry/SOURCE.md, section 1): Llama-3.2-3B-Instruct
 * bf16 on 4 x L40S, four TP1 vLLM replicas behind kgateway (llm-d, May 2025, vLLM V1),
 * `benchmark_serving --dataset-name random --random-input-len 1000 --random-output-len 500` at 10 and
 * 30 requests/s (Poisson) for three gateway set-ups. Prompts are 999 tokens (the file's totals);
 * outputs average ~270 tokens (the runs stop at EOS), simulated at that mean, fixed: the
 * distribution is not in the file. Rate-inf bursts are left out (they measure the gateway's queue).
 */
export function readNerdalertRuns(path: string): ServedRun[] {
  const runs: ServedRun[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    const rate = r.request_rate;
    if (typeof rate !== 'number') continue;
    const completed = Number(r.completed);
    runs.push({
      label: `${String(r.deployment)} at ${rate} req/s`,
      scenario: {
        name: `nerdalert-${String(r.deployment)}-${rate}`,
        seed: 1,
        stop: { requests: completed },
        model: 'llama-3.2-3b',
        cluster: { gpu: 'l40s', nodes: 1, gpusPerNode: 4 },
        serving: { tensorParallelSize: 1, replicas: Number(r.decode_replicas), router: 'round-robin' },
        workload: {
          arrival: { process: 'poisson', rate },
          inputTokens: { dist: 'fixed', value: Math.round(Number(r.total_input_tokens) / completed) },
          outputTokens: { dist: 'fixed', value: Math.round(Number(r.total_output_tokens) / completed) },
        },
      },
      measured: { medianTtft: Number(r.median_ttft_ms) / 1000, medianTpot: Number(r.median_tpot_ms) / 1000 },
    });
  }
  return runs;
}

/** Simulated client-side medians of a served run under `calibration` (the GPU's own when omitted). */
export function simulateServed(run: ServedRun, calibration?: StepTimeCalibration): { ttft: number; tpot: number } {
  const validated = validateScenario(run.scenario, { file: run.label, baseDir: '.' });
  if (!validated.ok) throw new Error(`${run.label}: ${JSON.stringify(validated.issues)}`);
  const scenario = validated.scenario;
  const options = calibration === undefined ? {} : { stepTimeModel: createRooflineStepTime(replicaShapeOf(scenario), calibration) };
  const r = simulate(scenario, undefined, options);
  return { ttft: r.latency.ttft.p50!, tpot: r.latency.tpot.p50! };
}

/**
 * Fits `key` (a fraction in (0, 1]) of `base` to the median TPOT of `runs` by least squares on log
 * ratios: what decode at the runs' batch sizes says about that constant.
 */
export function fitServedFraction(runs: readonly ServedRun[], base: StepTimeCalibration, key: keyof StepTimeCalibration): number {
  const loss = ([z]: number[]) => {
    const value = 1 / (1 + Math.exp(-z!));
    let sum = 0;
    for (const run of runs) sum += Math.log(simulateServed(run, { ...base, [key]: value }).tpot / run.measured.medianTpot) ** 2;
    return sum;
  };
  const start = base[key] as number;
  const [z] = nelderMead(loss, [Math.log(start / (1 - start))], 0.3, 200);
  return 1 / (1 + Math.exp(-z!));
}
