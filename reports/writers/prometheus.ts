import type { MetricFamily } from '../../engine/metrics/vllm-metrics.js';
import type { PromSample } from '../../engine/input/prometheus-text.js';

/**
 * Metric families as Prometheus text exposition (format 0.0.4): `# HELP` and `# TYPE` once per
 * family, then its samples with their millisecond timestamps, as one file of scrapes over time.
 */
export function formatPrometheus(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(sampleLine(s));
  }
  return `${out.join('\n')}\n`;
}

function sampleLine(s: PromSample): string {
  const labels = Object.entries(s.labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  return `${s.name}${labels === '' ? '' : `{${labels}}`} ${num(s.value)}${s.timestamp === null ? '' : ` ${s.timestamp}`}`;
}

/** Prometheus' number syntax: integers plain with ".0", others in full precision, infinities spelled out. */
function num(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
