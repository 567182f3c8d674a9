import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../engine/scenario/load-scenario.js';
import { simulate } from '../../engine/simulate.js';
import { hasSharedData } from '../helpers/shared-data.js';

/**
 * Every shipped scenario, simulated at 300 requests, pinned as golden figures. A change in the
 * engine that moves a prediction shows up here as a diff to review (update with `vitest -u`).
 */
const dir = 'scenarios';
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const needsShared = (file: string) => readFileSync(join(dir, file), 'utf8').includes('shared/data');

const round = (v: unknown): unknown => {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(6));
  if (Array.isArray(v)) return v.map(round);
  // The CDF points repeat what the percentiles pin, at 54 lines each: left out to keep diffs readable.
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'cdf').map(([k, x]) => [k, round(x)]));
  return v;
};

describe('shipped scenarios (golden)', () => {
  it('there are at least six, each opening with a comment that states its question', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).toMatch(/^# Question: /);
  });

  for (const file of files) {
    it.runIf(!needsShared(file) || hasSharedData('workloads'))(`${file} simulates to its pinned figures`, async () => {
      const { scenario, data } = loadScenario(join(dir, file), { sets: ['stop.requests=300'] });
      const r = simulate(scenario, data);
      expect(r.requests.completed + r.requests.dropped).toBe(300);
      const figures = { requests: r.requests, latency: r.latency, throughput: r.throughput, slo: r.slo, memory: r.memory };
      await expect(`${JSON.stringify(round(figures), null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${file.replace(/\.yaml$/, '.json')}`);
    });
  }
});
