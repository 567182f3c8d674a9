import { validateScenario } from '../../engine/scenario/validate-scenario.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';

/** A small valid written scenario: Llama-3.1-8B on one H100, fixed lengths, Poisson at 1 req/s. */
export function writtenScenario(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    name: 'tiny',
    seed: 1,
    stop: { requests: 200 },
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    serving: { tensorParallelSize: 1, replicas: 1 },
    workload: {
      arrival: { process: 'poisson', rate: 1 },
      inputTokens: { dist: 'fixed', value: 256 },
      outputTokens: { dist: 'fixed', value: 64 },
    },
  };
  return deepMerge(base, overrides);
}

/** Validates a written scenario built from `overrides`, failing loudly with the issues. */
export function tinyScenario(overrides: Record<string, unknown> = {}): Scenario {
  const result = validateScenario(writtenScenario(overrides), { file: 'tiny.yaml', baseDir: process.cwd() });
  if (!result.ok) throw new Error(`tiny scenario invalid: ${JSON.stringify(result.issues)}`);
  return result.scenario;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Merges objects key by key; a distribution ({ dist } or { process }) replaces the old one whole. */
function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    const replaces = isPlainObject(v) && ('dist' in v || 'process' in v);
    out[k] = isPlainObject(v) && isPlainObject(prev) && !replaces ? deepMerge(prev, v) : v;
  }
  return out;
}
