import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/**
 * `headroom check` as CI meets it: the built CLI spawned on small scenarios written to a temp
 * folder, judged by exit code (0 all hold, 1 a threshold failed, 2 invalid input), what it prints
 * and the JUnit and Markdown files it writes.
 */

const dir = mkdtempSync(join(tmpdir(), 'headroom-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One H100 serving Llama-3.1-8B: 2000 chat-like requests at 2 req/s, lognormal lengths. */
const CHAT = `name: check-chat
seed: 11
stop: { requests: 2000 }
model: llama-3.1-8b
cluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }
serving: { tensorParallelSize: 1 }
workload:
  arrival: { process: poisson, rate: 2 }
  inputTokens: { dist: lognormal, mean: 512, sd: 256 }
  outputTokens: { dist: lognormal, mean: 128, sd: 64 }
`;

/**
 * An M/D/1-like queue: one sequence at a time, whole prefills, fixed lengths (service time about
 * 0.12 s), an SLO on the mean queue wait. At 2 req/s it runs far below its saturation rate.
 */
const MD1 = `name: check-md1
seed: 5
stop: { requests: 3000 }
model: llama-3.1-8b
cluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }
serving: { maxNumSeqs: 1, enableChunkedPrefill: false, maxNumBatchedTokens: 8192 }
workload:
  arrival: { process: poisson, rate: 2 }
  inputTokens: { dist: fixed, value: 64 }
  outputTokens: { dist: fixed, value: 16 }
slo: { queueWaitMean: 500ms }
`;

function scenarioFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const chat = scenarioFile('chat.yaml', CHAT);

describe('headroom check: exit codes', () => {
  it('`check <scenario> --fail-on "ttft.p99 < 1h"` exits 0 and prints a table with PASS and the measured value', () => {
    const run = runCli('check', chat, '--fail-on', 'ttft.p99 < 1h');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('PASS check-chat');
    expect(run.stdout).toMatch(/ttft\.p99 < 1h\s*│\s*[\d.]+ms\s*│ PASS/);
    expect(run.stdout).toContain('all 1 threshold holds');
  });

  it('`check --fail-on "ttft.p99 < 1ms" --junit --summary` exits 1, names the failing threshold with its measured value, and writes both reports', () => {
    const junit = join(dir, 'reports', 'junit.xml');
    const summary = join(dir, 'reports', 'summary.md');
    const run = runCli('check', chat, '--fail-on', 'ttft.p99 < 1h', '--fail-on', 'ttft.p99 < 1ms', '--junit', junit, '--summary', summary);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('1 of 2 thresholds failed');
    expect(run.stdout).toMatch(/check-chat: ttft\.p99 < 1ms: measured [\d.]+ms/);

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="check-chat" tests="2" failures="1"');
    expect(xml).toContain('<testcase classname="headroom.check.check-chat" name="ttft.p99 &lt; 1h"');
    expect(xml).toMatch(/<failure message="ttft\.p99 &lt; 1ms: measured [\d.]+ms" type="threshold"\/>/);
    expect(xml.match(/<failure/g)).toHaveLength(1);

    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('## ❌ Headroom check: 1 of 2 thresholds failed');
    expect(md).toContain('| threshold | measured | result |');
    expect(md).toMatch(/\| `ttft\.p99 < 1ms` \(--fail-on\) \| [\d.]+ms \| ❌ fail \|/);
    expect(md).toMatch(/\| `ttft\.p99 < 1h` \(--fail-on\) \| [\d.]+ms \| ✅ pass \|/);
    expect(md).toContain('TTFT p99');
    // Atomic writes leave no temporary files beside the reports.
    expect(readdirSync(join(dir, 'reports')).sort()).toEqual(['junit.xml', 'summary.md']);
  });

  it('`check --set cost.gpuHourUsd=2.5 --fail-on "cost.usdPerMillionOutputTokens < 100"` gates on cost and puts the cost in the JUnit suite', () => {
    const junit = join(dir, 'cost', 'junit.xml');
    const run = runCli('check', chat, '--set', 'cost.gpuHourUsd=2.5', '--fail-on', 'cost.usdPerMillionOutputTokens < 100', '--fail-on', 'cost.usdPerHour < 1', '--junit', junit);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/cost\.usdPerMillionOutputTokens < 100\s*│\s*\$[\d.]+\s*│ PASS/);
    expect(run.stdout).toMatch(/check-chat: cost\.usdPerHour < 1: measured \$2\.5/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<property name="usdPerHour" value="2.5"/>');
    expect(xml).toMatch(/<property name="usdPerMillionOutputTokens" value="[\d.]+"\/>/);
  });

  it('`check --fail-on "ttft.p99 <"` exits 2 before running anything, naming the expression and the column, and writes no report', () => {
    const junit = join(dir, 'malformed', 'junit.xml');
    const run = runCli('check', chat, '--fail-on', 'ttft.p99 < 1h', '--fail-on', 'ttft.p99 <', '--junit', junit);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('invalid --fail-on: ttft.p99 <: expected a number after "<" at column 11, got the end of the expression');
    expect(run.stderr).toContain(`  ttft.p99 <\n  ${' '.repeat(10)}^`);
    expect(existsSync(join(dir, 'malformed'))).toBe(false);
  });

  it.each([
    ['ttft.p99 << 2s', 'at column 11'],
    ['ttft.p99 < 2 parsecs', 'unknown unit "parsecs" at column 14'],
    ['ttft.p99 < NaN', 'expected a number after "<" at column 12, got "NaN"'],
    ['ttft.p98 < 2s', 'unknown field "ttft.p98" at column 1'],
    ['slo.attainment >= 2s', 'unit "s" does not fit slo.attainment (a fraction) at column 20'],
  ])('`check --fail-on %j` exits 2 saying where it failed to parse', (expression, where) => {
    const run = runCli('check', chat, '--fail-on', expression);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`invalid --fail-on: ${expression}: `);
    expect(run.stderr).toContain(where);
  });

  it('`check <scenario>` without --fail-on and without checks: exits 2 saying there is nothing to check', () => {
    const run = runCli('check', chat);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no thresholds to check');
  });

  it('`check a.yaml b.yaml` exits 2 before running anything when either scenario is invalid', () => {
    const bad = scenarioFile('bad.yaml', CHAT.replace('rate: 2', 'rate: -2'));
    const run = runCli('check', chat, bad, '--fail-on', 'ttft.p99 < 1h');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('bad.yaml: workload.arrival.rate');
  });
});

describe('headroom check: the scenario checks: list', () => {
  it('is used when no --fail-on is given: all hold -> exit 0, each threshold in the table as coming from the scenario', () => {
    const file = scenarioFile('with-checks.yaml', `${CHAT}checks: ["ttft.p99 < 1h", "requests.dropped == 0", "throughput.requestsPerSecond > 1 req/s"]\n`);
    const run = runCli('check', file);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('all 3 thresholds hold');
    expect(run.stdout.match(/scenario checks/g)).toHaveLength(3);
  });

  it('is checked together with --fail-on, and a failing scenario check exits 1', () => {
    const file = scenarioFile('failing-checks.yaml', `${CHAT}checks: ["e2e.p99 < 1ms"]\n`);
    const run = runCli('check', file, '--fail-on', 'ttft.p99 < 1h');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('1 of 2 thresholds failed');
    expect(run.stdout).toMatch(/check-chat: e2e\.p99 < 1ms: measured [\d.]+s/);
  });

  it('a malformed check in the scenario exits 2 naming the file, checks[i] and the column', () => {
    const file = scenarioFile('bad-checks.yaml', `${CHAT}checks: ["ttft.p99 < 1h", "ttft.p99 <"]\n`);
    const run = runCli('check', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad-checks.yaml: checks[1]: ttft.p99 <: expected a number after "<" at column 11');
  });

  it('a threshold on a field the run has no value for fails with the reason (slo.attainment without an slo)', () => {
    const run = runCli('check', chat, '--fail-on', 'slo.attainment >= 99%');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL (not measured)');
    expect(run.stdout).toContain('slo.attainment >= 99%: not measured: the scenario states no slo');
  });
});

describe('headroom check: saturation thresholds', () => {
  it('`saturation.headroom >= 10%` on an M/D/1-like scenario runs the saturation analysis, passes, and reports the headroom', () => {
    const file = scenarioFile('md1.yaml', MD1);
    const summary = join(dir, 'md1-summary.md');
    const run = runCli('check', file, '--fail-on', 'saturation.headroom >= 10%', '--fail-on', 'queueWait.mean < 500ms', '--replications', '2', '--summary', summary);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/saturation analysis of \d+ simulations/);
    const headroom = /saturation\.headroom >= 10%\s*│\s*([\d.]+)%\s*│ PASS/.exec(run.stdout);
    expect(headroom, run.stdout).not.toBeNull();
    // Service time about 0.12 s: saturation near 8 req/s, so 2 req/s leaves well over half.
    expect(Number(headroom![1])).toBeGreaterThan(50);
    expect(Number(headroom![1])).toBeLessThan(100);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('Saturation at **');
    expect(md).toMatch(/headroom \*\*[\d.]+%\*\*/);
  });
});

describe('headroom check --help', () => {
  it('exits 0 and shows the grammar, the exit codes and examples', () => {
    const run = runCli('check', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: headroom check');
    expect(run.stdout).toContain('--fail-on <expr>');
    expect(run.stdout).toContain('Exit 0 when all hold, 1 when any fails, 2 on invalid input.');
    expect(run.stdout).toMatch(/^Examples:\n {2}headroom check /m);
  });
});

describe('progress in a CI log', () => {
  it('check prints one line per stage on stderr when stderr is not a terminal', () => {
    const run = runCli('check', 'scenarios/llama-3.1-8b-h100-chat.yaml', '--set', 'stop.requests=300', '--fail-on', 'ttft.p99 < 1h');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('checking scenarios/llama-3.1-8b-h100-chat.yaml');
  });
});

describe('check writes what it gated', () => {
  it('--json prints the check report (each scenario\'s results inside) and -o writes it; headroom report draws it', () => {
    const json = runCli('check', 'scenarios/llama-3.1-8b-h100-chat.yaml', '--set', 'stop.requests=300', '--fail-on', 'ttft.p99 < 1ms', '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ kind: 'check', passed: false, failed: 1 });
    expect(report.scenarios[0].simulation.kind).toBe('simulation');
    const dir = mkdtempSync(join(tmpdir(), 'headroom-check-json-'));
    const file = join(dir, 'check.json');
    const written = runCli('check', 'scenarios/llama-3.1-8b-h100-chat.yaml', '--set', 'stop.requests=300', '--fail-on', 'ttft.p99 < 1h', '-o', file);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`wrote ${file}`);
    const html = runCli('report', file, '-o', join(dir, 'check.html'));
    expect(html.code).toBe(0);
    expect(existsSync(join(dir, 'check.html'))).toBe(true);
  });
});

describe('the Markdown summary shows cost', () => {
  it('with cost.gpuHourUsd the summary says what the load costs per 1M output tokens', () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-cost-md-'));
    const summary = join(dir, 'summary.md');
    const run = runCli('check', 'scenarios/llama-3.1-8b-h100-chat.yaml', '--set', 'stop.requests=300', '--set', 'cost={gpuHourUsd: 2}', '--fail-on', 'ttft.p99 < 1h', '--summary', summary);
    expect(run.code).toBe(0);
    expect(readFileSync(summary, 'utf8')).toMatch(/Cost at this load: \$2\.00\/h for 1 GPUs: \$[\d.]+ per 1M output tokens/);
  });
});
