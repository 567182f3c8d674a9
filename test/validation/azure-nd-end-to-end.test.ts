import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../engine/simulate.js';
import { hasSharedData, sharedDataPath } from '../helpers/shared-data.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';

/**
 * End-to-end check against real measurements that were never used to fit anything: the "End-to-End
 * Inference Workloads" rows of Azure's AI benchmarking guide (ND A100 v4, ND H100 v5, ND H200 v5;
 * ../shared/data/fabric/, read in place). Each row is output tokens per second for a fixed batch
 * (concurrency) with 128-token prompts and 8 output tokens. The simulator reproduces the setup as a
 * closed loop of `batch` clients on continuous batching without chunked prefill, 4 rounds each.
 * The guide does not state the engine or dtype for H100/H200 (A100 says float16); we simulate bf16.
 */
const FILES = {
  'a100-80gb': 'azure-ai-benchmarking-guide_ND_A100_v4_results.md',
  'h100-sxm': 'azure-ai-benchmarking-guide_ND_H100_v5_results.md',
  h200: 'azure-ai-benchmarking-guide_ND_H200_v5_results.md',
} as const;
/** Sections of the guide and the catalog model with the same architecture. */
const MODELS: Record<string, string> = { 'LLAMA 3 (8B)': 'llama-3.1-8b', 'LLAMA 3 (70B)': 'llama-3.1-70b' };

interface Row {
  gpu: keyof typeof FILES;
  model: string;
  tp: number;
  batch: number;
  measured: number;
}

/** Reads the guide's e2e tables: a "### <model>" heading, an optional "world size N", rows "| Tokens per second | batch | value |". */
function readRows(): Row[] {
  const rows: Row[] = [];
  for (const [gpu, file] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
    const text = readFileSync(sharedDataPath('fabric', file), 'utf8');
    const sections = text.split(/^### /m).slice(1);
    for (const section of sections) {
      const title = section.split('\n')[0]!.trim();
      const model = MODELS[title];
      if (model === undefined) continue;
      const tp = Number(/world size (\d+)/.exec(section)?.[1] ?? 1);
      for (const m of section.matchAll(/\|\s*Tokens per second\s*\|\s*(\d+)\s*\|\s*([\d.]+)\s*\|/g)) {
        rows.push({ gpu, model, tp, batch: Number(m[1]), measured: Number(m[2]) });
      }
    }
  }
  return rows;
}

function simulatedTokensPerSecond(row: Row): number {
  const scenario = tinyScenario({
    model: row.model,
    stop: { requests: row.batch * 4 },
    cluster: { gpu: row.gpu, gpusPerNode: row.tp },
    // An offline benchmark (Azure's guide drives the engine directly): no API server in front.
    serving: { tensorParallelSize: row.tp, replicas: 1, maxNumSeqs: row.batch, maxNumBatchedTokens: 8192, enableChunkedPrefill: false, frontendOverhead: { perRequest: 0 } },
    workload: {
      arrival: { process: 'closed', concurrency: row.batch, thinkTime: 0 },
      inputTokens: { dist: 'fixed', value: 128 },
      outputTokens: { dist: 'fixed', value: 8 },
    },
  });
  // An offline benchmark reports total output over total time: the whole run, drain included.
  return simulate(scenario).throughput.wholeRun.outputTokensPerSecond;
}

describe.runIf(hasSharedData('fabric'))('end to end against Azure ND benchmarks (held out: no fit used them)', () => {
  it('reproduces every Llama 3 8B and 70B row within 25%, median within 10%', () => {
    const rows = readRows();
    expect(rows.length).toBe(12);
    const errors = rows.map((row) => {
      const simulated = simulatedTokensPerSecond(row);
      const error = simulated / row.measured - 1;
      console.log(
        `${row.model} on ${row.tp} x ${row.gpu}, batch ${row.batch}: simulated ${simulated.toFixed(0)} tok/s, measured ${row.measured} tok/s, error ${(100 * error).toFixed(1)}%`,
      );
      return Math.abs(error);
    });
    const sorted = [...errors].sort((a, b) => a - b);
    const median = (sorted[5]! + sorted[6]!) / 2;
    console.log(`median |error| ${(100 * median).toFixed(1)}%, max ${(100 * sorted.at(-1)!).toFixed(1)}%`);
    expect(median, 'median |error|, tolerance 10%').toBeLessThanOrEqual(0.1);
    expect(sorted.at(-1)!, 'max |error|, tolerance 25%').toBeLessThanOrEqual(0.25);
  });
});
