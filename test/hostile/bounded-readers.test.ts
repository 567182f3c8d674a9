import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT } from '../cli/run-cli.js';

/**
 * Every file the user names is bounded before it is read: regular files only, a size cap per
 * kind that the message states, a cap on what a gzip file decompresses to. Each case must end
 * with exit 2, a message naming the file, and no output file; the spawn timeout guards against a
 * hang (a FIFO read used to block forever).
 */
const dir = mkdtempSync(join(tmpdir(), 'headroom-readers-'));
const fifo = join(dir, 'pipe');
execFileSync('mkfifo', [fifo]);
const folder = mkdtempSync(join(dir, 'folder-'));
const huge = join(dir, 'huge.csv');
writeFileSync(huge, '');
truncateSync(huge, 2 ** 30 + 1); // sparse: costs no disk
// 64 MB of zeros compress to ~64 KB; nine gzip members in a row inflate to 576 MB, past the 512 MB cap.
const member = gzipSync(Buffer.alloc(64 * 2 ** 20, 0x30));
const bomb = join(dir, 'bomb.csv.gz');
writeFileSync(bomb, Buffer.concat(Array.from({ length: 9 }, () => member)));
const hugeScenario = join(dir, 'huge.yaml');
writeFileSync(hugeScenario, '');
truncateSync(hugeScenario, 2 ** 20 + 1);

/** A scenario whose workload reads `path` as a trace (or as empirical lengths). */
function scenarioReading(path: string, as: 'trace' | 'lengths'): string {
  const file = join(dir, `reads-${as}-${Math.random().toString(36).slice(2)}.yaml`);
  const workload =
    as === 'trace'
      ? `workload:\n  arrival: { process: trace, file: ${JSON.stringify(path)} }\n`
      : `workload:\n  arrival: { process: poisson, rate: 1 }\n  inputTokens: { dist: empirical, file: ${JSON.stringify(path)} }\n  outputTokens: { dist: fixed, value: 8 }\n`;
  writeFileSync(file, `name: hostile\nstop: { requests: 10 }\nmodel: llama-3.1-8b\ncluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }\n${workload}`);
  return file;
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
}

const HOSTILE: [string, string, RegExp][] = [
  ['a FIFO', fifo, /got a FIFO \(named pipe\)/],
  ['/dev/zero', '/dev/zero', /got a device/],
  ['a folder', folder, /got a folder/],
  ['a missing file', join(dir, 'missing.csv'), /file not found/],
];

describe('every reader is bounded before it reads', () => {
  it.each(HOSTILE)('a scenario file that is %s: exit 2, named, nothing written', (_what, path, message) => {
    const out = join(dir, 'never.json');
    const r = run(['simulate', path, '-o', out]);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it.each(HOSTILE)('a trace that is %s: exit 2, named, nothing written', (_what, path, message) => {
    const out = join(dir, 'never.json');
    const r = run(['simulate', scenarioReading(path, 'trace'), '-o', out]);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it.each(HOSTILE)('an empirical-length file that is %s: exit 2, named', (_what, path, message) => {
    const r = run(['simulate', scenarioReading(path, 'lengths')]);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each(HOSTILE)('a result given to report that is %s: exit 2, named, no report', (_what, path, message) => {
    const out = join(dir, 'never.html');
    const r = run(['report', path, '-o', out]);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('sizes are capped per kind, and the message states the cap', () => {
    const scenario = run(['simulate', hugeScenario]);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toMatch(/expected a scenario file of at most 1 MB, got 1\.0 MB/);
    const trace = run(['simulate', scenarioReading(huge, 'trace')]);
    expect(trace.code).toBe(2);
    expect(trace.stderr).toMatch(/expected a trace of at most 1 GB, got 1\.0 GB/);
    const result = run(['report', huge, '-o', join(dir, 'never.html')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/expected a result file of at most 64 MB, got 1\.0 GB/);
  });

  it('a gzip trace that inflates past its cap is refused as such, not read to the end', () => {
    const r = run(['simulate', scenarioReading(bomb, 'trace')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/expected a trace that decompresses to at most 512 MB, got more/);
  });

  it('a scenario is parsed in linear time: a 1 MB map of 70,000 keys is refused as unknown keys, the list capped', () => {
    const keys = join(dir, 'keys.yaml');
    writeFileSync(keys, `name: keys\nstuff: {${Array.from({ length: 70_000 }, (_, i) => `k${i}: ${i}`).join(', ')}}\n`);
    const r = run(['simulate', keys]);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').length).toBeLessThan(30);
  });

  it('a JSON scenario with a repeated key is refused with its line, as a YAML one is', () => {
    const dup = join(dir, 'dup.json');
    writeFileSync(dup, '{\n  "name": "a",\n  "name": "b"\n}\n');
    const r = run(['simulate', dup]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dup}: line 3: Map keys must be unique`);
  });

  it('thousands of issues print the first twenty and say how many more', () => {
    const many = join(dir, 'many.yaml');
    writeFileSync(many, `name: many\n${Array.from({ length: 3000 }, (_, i) => `k${i}: 1`).join('\n')}\n`);
    const r = run(['simulate', many]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.\.\. and \d+ more issues/);
    expect(r.stderr.split('\n').length).toBeLessThan(30);
  });
});
