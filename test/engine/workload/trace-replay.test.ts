import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { simulate } from '../../../engine/simulate.js';
import { hasSharedData, sharedDataPath } from '../../helpers/shared-data.js';

function scenarioFor(dir: string, traceFile: string, extra = ''): string {
  const file = join(dir, `replay-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `name: replay
model: llama-3.1-8b
cluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }
workload:
  arrival: { process: trace, file: ${traceFile}${extra} }
stop: { requests: 100000 }
`,
  );
  return file;
}

const FORMATS: Record<string, string> = {
  'azure.csv': 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.0000000,100,10\n2023-11-16 18:17:05.5000000,200,20\n2023-11-16 18:17:07.0000000,300,30\n',
  'vidur.csv': 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,100,10\n2.5,200,20\n4.0,300,30\n',
  'list.csv.gz': 'request_id,arrived_at_s,num_prefill_tokens,num_decode_tokens\n0,0.0,100,10\n1,2.5,200,20\n2,4.0,300,30\n',
  'mooncake.jsonl': '{"timestamp": 0, "input_length": 100, "output_length": 10, "hash_ids": [1]}\n{"timestamp": 2500, "input_length": 200, "output_length": 20, "hash_ids": [1]}\n{"timestamp": 4000, "input_length": 300, "output_length": 30, "hash_ids": [3]}\n',
};

describe('trace replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-replay-'));
  for (const [name, text] of Object.entries(FORMATS)) {
    writeFileSync(join(dir, name), name.endsWith('.gz') ? gzipSync(text) : text);
  }

  it.each(Object.keys(FORMATS))('simulate() replays %s: its requests, lengths and arrival times', (name) => {
    const { scenario, data } = loadScenario(scenarioFor(dir, name));
    const arrivals: [number, number, number][] = [];
    const r = simulate(scenario, data, { onArrival: (seq, _r, t) => arrivals.push([t, seq.promptTokens, seq.outputTokens]) });
    expect(arrivals).toEqual([
      [0, 100, 10],
      [2.5, 200, 20],
      [4, 300, 30],
    ]);
    expect(r.requests.completed).toBe(3);
    expect(r.throughput.outputTokensPerSecond).toBeGreaterThan(0);
  });

  it('timeScale 2 replays the trace twice as fast', () => {
    const { scenario, data } = loadScenario(scenarioFor(dir, 'vidur.csv', ', timeScale: 2'));
    const times: number[] = [];
    simulate(scenario, data, { onArrival: (_s, _r, t) => times.push(t) });
    expect(times).toEqual([0, 1.25, 2]);
  });

  it('stop.requests cuts the replay short', () => {
    const { scenario, data } = loadScenario(scenarioFor(dir, 'azure.csv'), { sets: ['stop.requests=2'] });
    expect(simulate(scenario, data).requests.arrived).toBe(2);
  });

  it.runIf(hasSharedData('workloads'))('replays the 10,000-request Vidur benchmark workload from ../shared/data in full', () => {
    const file = sharedDataPath('workloads', 'workload_splitwise_conv_qps4_seed42_n10000.csv.gz');
    const { scenario, data } = loadScenario(scenarioFor(dir, file), { sets: ['model=llama-2-7b', 'cluster.gpu=a100-80gb'] });
    const r = simulate(scenario, data);
    expect(r.requests.arrived).toBe(10_000);
    expect(r.requests.completed).toBe(10_000);
    // ~4.2 req/s offered over ~2,370 s; a stable system completes them at that rate.
    expect(r.throughput.requestsPerSecond).toBeGreaterThan(3.9);
    expect(r.throughput.requestsPerSecond).toBeLessThan(4.4);
  });
});
