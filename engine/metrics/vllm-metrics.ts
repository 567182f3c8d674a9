import type { PromSample } from '../input/prometheus-text.js';
import type { SimulationResult } from '../simulation-result.js';
import { IntervalHistograms } from './interval-histograms.js';
import type { RequestHistogramMetric } from './run-metrics.js';
import { TIME_SERIES_BUCKETS } from './run-metrics.js';

/**
 * A simulation's metrics in vLLM's own names (the V1 engine's `vllm:*` Prometheus metrics): one
 * sample per family per time-series interval, stamped with simulated time (ms from the run's
 * start), so dashboards and alert rules written for vLLM read a simulation as they read a server,
 * and `headroom calibrate --prometheus` reads it back.
 *
 * Per interval: the running and waiting gauges, KV-cache usage, the prompt-token, generation-token
 * and finished-request counters, and the latency and length histograms, all cumulative from the
 * run's start as a server's are (so `rate()` and `histogram_quantile` work on them as on real ones).
 */
export interface MetricFamily {
  name: string;
  type: 'gauge' | 'counter' | 'histogram';
  help: string;
  samples: PromSample[];
}

/** vLLM V1's histogram buckets (vllm/v1/metrics/loggers.py). */
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const REQUEST_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

/** vLLM's build_1_2_5_buckets(max_model_len): 1, 2, 5, 10, 20, 50, ... up to the limit. */
function oneTwoFive(max: number): number[] {
  const out: number[] = [];
  for (let exponent = 1; ; exponent *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * exponent > max) return out;
      out.push(m * exponent);
    }
  }
}

/** The histograms a vLLM-named export needs, on vLLM's buckets, aligned with the run's series. */
export function newRequestHistograms(maxModelLen: number): IntervalHistograms<RequestHistogramMetric> {
  const tokens = oneTwoFive(maxModelLen);
  return new IntervalHistograms<RequestHistogramMetric>(
    {
      ttft: TTFT_BUCKETS,
      itl: ITL_BUCKETS,
      tpot: ITL_BUCKETS,
      e2e: REQUEST_BUCKETS,
      queueWait: REQUEST_BUCKETS,
      prefill: REQUEST_BUCKETS,
      decode: REQUEST_BUCKETS,
      promptTokens: tokens,
      outputTokens: tokens,
    },
    TIME_SERIES_BUCKETS,
    0.25,
  );
}

const HISTOGRAM_NAMES: readonly [RequestHistogramMetric, string, string][] = [
  ['ttft', 'vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.'],
  ['itl', 'vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.'],
  ['tpot', 'vllm:request_time_per_output_token_seconds', 'Histogram of time_per_output_token_seconds per request.'],
  ['e2e', 'vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.'],
  ['queueWait', 'vllm:request_queue_time_seconds', 'Histogram of time spent in WAITING phase for request.'],
  ['prefill', 'vllm:request_prefill_time_seconds', 'Histogram of time spent in PREFILL phase for request.'],
  ['decode', 'vllm:request_decode_time_seconds', 'Histogram of time spent in DECODE phase for request.'],
  ['promptTokens', 'vllm:request_prompt_tokens', 'Number of prefill tokens processed.'],
  ['outputTokens', 'vllm:request_generation_tokens', 'Number of generation tokens processed.'],
];

/** The run's metrics as vLLM-named families; `histograms` are those the run recorded (simulate's option). */
export function vllmMetricFamilies(result: SimulationResult, histograms: IntervalHistograms<RequestHistogramMetric>): MetricFamily[] {
  const model = result.scenario.model.id.replace(/[^A-Za-z0-9_.:-]/g, '_');
  const base = { engine: '0', model_name: model };
  const ts = result.timeSeries;
  const width = ts.bucketSeconds;
  if (histograms.intervalSeconds !== width) {
    throw new RangeError(`vllmMetricFamilies: histogram intervals (${histograms.intervalSeconds} s) differ from the series' (${width} s): record them in the same run`);
  }
  const t = ts.total;
  const n = t.running.length;
  const end = result.run.simulatedSeconds;
  const stamp = (i: number) => Math.round(Math.min(end, (i + 1) * width) * 1000);
  const span = (i: number) => Math.min(width, end - i * width);
  const sample = (name: string, value: number, i: number, extra: Record<string, string> = {}): PromSample => ({
    name,
    labels: { ...base, ...extra },
    value,
    timestamp: stamp(i),
  });
  const families: MetricFamily[] = [];

  const gauge = (name: string, help: string, values: readonly number[]) =>
    families.push({ name, type: 'gauge', help, samples: values.slice(0, n).map((v, i) => sample(name, v, i)) });
  gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', t.running);
  gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', t.queueDepth);
  gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', t.kvOccupancy);

  // Counters and histograms open with the scrape a server shows as it starts (all zero at t = 0),
  // so a reader taking a series' deltas (last less first) counts the whole run.
  const zero = (name: string, extra: Record<string, string> = {}): PromSample => ({ name, labels: { ...base, ...extra }, value: 0, timestamp: 0 });
  const counter = (name: string, help: string, perSecond: (i: number) => number, extra: Record<string, string> = {}) => {
    let total = 0;
    const samples: PromSample[] = [zero(name, extra)];
    for (let i = 0; i < n; i++) {
      total += perSecond(i) * span(i);
      samples.push(sample(name, Math.round(total), i, extra));
    }
    families.push({ name, type: 'counter', help, samples });
  };
  const outputs = t.outputTokensPerSecond ?? t.tokensPerSecond.map(() => 0);
  // Prefill tokens: the step tokens less the generated ones (a prompt's first token is generated by its last prefill chunk).
  counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.', (i) => Math.max(0, t.tokensPerSecond[i]! - outputs[i]!));
  counter('vllm:generation_tokens_total', 'Number of generation tokens processed.', (i) => outputs[i]!);
  counter('vllm:request_success_total', 'Count of successfully processed requests.', (i) => t.completedPerSecond[i]!, { finished_reason: 'length' });

  for (const [metric, name, help] of HISTOGRAM_NAMES) {
    const h = histograms.of(metric);
    const samples: PromSample[] = [
      ...h.bounds.map((b) => zero(`${name}_bucket`, { le: formatBound(b) })),
      zero(`${name}_bucket`, { le: '+Inf' }),
      zero(`${name}_count`),
      zero(`${name}_sum`),
    ];
    const cumulative = new Array<number>(h.bounds.length + 1).fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const counts = h.counts[i];
      if (counts !== undefined) for (let k = 0; k < counts.length; k++) cumulative[k]! += counts[k]!;
      sum += h.sums[i] ?? 0;
      let below = 0;
      for (let k = 0; k < h.bounds.length; k++) {
        below += cumulative[k]!;
        samples.push(sample(`${name}_bucket`, below, i, { le: formatBound(h.bounds[k]!) }));
      }
      const count = below + cumulative[h.bounds.length]!;
      samples.push(sample(`${name}_bucket`, count, i, { le: '+Inf' }));
      samples.push(sample(`${name}_count`, count, i));
      samples.push(sample(`${name}_sum`, sum, i));
    }
    families.push({ name, type: 'histogram', help, samples });
  }
  return families;
}

/** A bucket bound as Prometheus clients print it (Python's repr of a float: 0.5, 1.0, 2560.0). */
function formatBound(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
