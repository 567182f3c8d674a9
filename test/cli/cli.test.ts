import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, type CliRun } from './run-cli.js';

/**
 * The `headroom` command line as a user meets it: the built CLI spawned from the project root,
 * judged only by exit code, stdout, stderr and the files it writes (DESIGN.md: exit 0 ok,
 * 1 check failed, 2 invalid input or usage; `--json` prints only JSON; bad input names the file
 * and the key path and leaves no output file). Runs are kept short (300 requests) and few.
 */

const CHAT = 'scenarios/llama-3.1-8b-h100-chat.yaml';
const SHORT = ['--set', 'stop.requests=300'];

const dir = mkdtempSync(join(tmpdir(), 'headroom-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small valid scenario (one H100, fixed lengths, 300 requests) with `from` replaced by `to`. */
const BASE = `name: cli-fixture
seed: 7
stop: { requests: 300 }
model: llama-3.1-8b
cluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }
serving: { tensorParallelSize: 1 }
workload:
  arrival: { process: poisson, rate: 4 }
  inputTokens: { dist: fixed, value: 256 }
  outputTokens: { dist: fixed, value: 32 }
`;

function scenarioFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function edited(from: string, to: string): string {
  if (!BASE.includes(from)) throw new Error(`fixture base has no ${JSON.stringify(from)}`);
  return BASE.replace(from, to);
}

/** A fresh output path in the temp folder; `assertNoOutput` checks nothing (not even a temp file) was left. */
let outputs = 0;
function outPath(): string {
  outputs += 1;
  return join(dir, `out-${outputs}.json`);
}
function expectNoOutput(path: string): void {
  expect(existsSync(path)).toBe(false);
  const base = path.slice(dir.length + 1);
  expect(readdirSync(dir).filter((f) => f.startsWith(base))).toEqual([]);
}

/** A usage/input failure as the contract wants it: exit 2, a message on stderr, nothing on stdout. */
function expectInvalid(run: CliRun): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim()).not.toBe('');
}

function lazy<T>(f: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: f() }).v;
}

// ---------------------------------------------------------------------------------------------
// help

const helpCache = new Map<string, CliRun>();
function help(command?: string): CliRun {
  const key = command ?? '';
  let run = helpCache.get(key);
  if (!run) {
    run = command === undefined ? runCli('--help') : runCli(command, '--help');
    helpCache.set(key, run);
  }
  return run;
}

/** The commands `headroom --help` lists. */
function listedCommands(): string[] {
  const text = help().stdout;
  const section = text.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)\b/gm)].map((m) => m[1] ?? '').filter((c) => c !== 'help');
}

/** The `headroom ...` lines of a help text's Example(s) section. */
function exampleLines(text: string): string[] {
  const match = /^Examples?:\n((?: {2}.*\n?)+)/m.exec(text);
  return (match?.[1] ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('headroom '));
}

/**
 * Checks that an example line would run: a listed command, every option it uses is in that
 * command's own help, `--set` values are key=value, and the scenario files it names exist.
 */
function expectRunnableExample(line: string): void {
  const words = line.split(/\s+/);
  const command = words[1] ?? '';
  expect(listedCommands(), line).toContain(command);
  const commandHelp = help(command);
  expect(commandHelp.code).toBe(0);
  for (let i = 2; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (word.startsWith('-')) {
      expect(commandHelp.stdout, `${line}: option ${word}`).toContain(word);
      if (word === '--set') expect(words[i + 1] ?? '', line).toMatch(/^[\w.]+=\S+$/);
      if (word === '-o' || word === '--output') i += 1; // an output path need not exist
    } else if (/\.(ya?ml|json)$/.test(word) && words[i - 1]?.startsWith('-') !== true) {
      expect(existsSync(join(PROJECT_ROOT, word)), `${line}: ${word} exists`).toBe(true);
    }
  }
}

describe('help', () => {
  it('`headroom --help` exits 0 and shows an Example section of runnable command lines', () => {
    const run = help();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Examples?:$/m);
    expect(listedCommands()).toEqual(expect.arrayContaining(['simulate', 'saturation', 'check', 'steptime', 'catalog']));
    const examples = exampleLines(run.stdout);
    expect(examples.length).toBeGreaterThan(0);
    for (const line of examples) expectRunnableExample(line);
  });

  for (const command of ['simulate', 'saturation', 'check', 'steptime', 'catalog']) {
    it(`\`headroom ${command} --help\` exits 0 and shows an Example section of runnable ${command} lines`, () => {
      const run = help(command);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: headroom ${command}`);
      const examples = exampleLines(run.stdout);
      expect(examples.length).toBeGreaterThan(0);
      for (const line of examples) {
        expect(line.startsWith(`headroom ${command}`), line).toBe(true);
        expectRunnableExample(line);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// simulate

interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

const chatJson = lazy(() => runCli('simulate', CHAT, ...SHORT, '--json'));

describe('simulate', () => {
  it('`simulate <scenario> --json` prints only the simulation result JSON and exits 0', () => {
    const run = chatJson();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as {
      kind: string;
      version: number;
      seed: number;
      scenario: { name: string; stop: { requests: number } };
      requests: { arrived: number; completed: number; dropped: number; preempted: number; retried: number };
      latency: Record<'ttft' | 'tpot' | 'e2e' | 'queueWait', LatencySummary>;
      throughput: { requestsPerSecond: number; inputTokensPerSecond: number; outputTokensPerSecond: number };
      slo: { attainment: number; goodputRequestsPerSecond: number };
    };
    expect(result.kind).toBe('simulation');
    expect(result.version).toBe(1);
    expect(result.seed).toBe(42);
    expect(result.scenario.name).toBe('llama-3.1-8b-h100-chat');
    expect(result.scenario.stop.requests).toBe(300);
    expect(result.requests.arrived).toBe(300);
    expect(result.requests.arrived).toBe(result.requests.completed + result.requests.dropped);
    for (const metric of ['ttft', 'tpot', 'e2e', 'queueWait'] as const) {
      const s = result.latency[metric];
      for (const key of ['count', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const) {
        expect(typeof s[key], `${metric}.${key}`).toBe('number');
        expect(Number.isFinite(s[key]), `${metric}.${key}`).toBe(true);
        expect(s[key], `${metric}.${key}`).toBeGreaterThanOrEqual(0);
      }
    }
    const ttft = result.latency.ttft;
    expect(ttft.count).toBeGreaterThan(0);
    expect(ttft.p50).toBeLessThanOrEqual(ttft.p90);
    expect(ttft.p90).toBeLessThanOrEqual(ttft.p95);
    expect(ttft.p95).toBeLessThanOrEqual(ttft.p99);
    expect(ttft.p99).toBeLessThanOrEqual(ttft.max);
    expect(ttft.mean).toBeLessThanOrEqual(ttft.max);
    expect(result.throughput.requestsPerSecond).toBeGreaterThan(0);
    expect(result.throughput.outputTokensPerSecond).toBeGreaterThan(0);
    expect(result.slo.attainment).toBeGreaterThanOrEqual(0);
    expect(result.slo.attainment).toBeLessThanOrEqual(1);
  });

  it('`simulate <scenario>` prints a human summary with TTFT and throughput and exits 0', () => {
    const run = runCli('simulate', CHAT, ...SHORT);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('TTFT');
    expect(run.stdout).toContain('throughput');
    expect(run.stdout).toContain('llama-3.1-8b-h100-chat');
    expect(() => JSON.parse(run.stdout)).toThrow();
  });

  const firstFile = lazy(() => {
    const path = outPath();
    return { path, run: runCli('simulate', CHAT, ...SHORT, '-o', path) };
  });

  it('`simulate <scenario> -o out.json` writes the JSON that --json prints, byte for byte, and says where', () => {
    const { path, run } = firstFile();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('TTFT');
    expect(run.stdout).toContain(`wrote ${path}`);
    expect(readFileSync(path, 'utf8')).toBe(chatJson().stdout);
  });

  it('`simulate <scenario> -o` twice with the same seed writes byte-identical files; `--seed 2` differs', () => {
    const first = readFileSync(firstFile().path, 'utf8');
    const again = outPath();
    const rerun = runCli('simulate', CHAT, ...SHORT, '--json', '-o', again);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(first);
    expect(rerun.stdout).toBe(first); // --json with -o: the same JSON on stdout, and only it

    const seeded = outPath();
    const other = runCli('simulate', CHAT, ...SHORT, '--seed', '2', '-o', seeded);
    expect(other.code, other.stderr).toBe(0);
    const otherText = readFileSync(seeded, 'utf8');
    expect(otherText).not.toBe(first);
    const parsed = JSON.parse(otherText) as { seed: number; scenario: { seed: number } };
    expect(parsed.seed).toBe(2);
    expect(parsed.scenario.seed).toBe(2);
  });

  it('`simulate <scenario> --set workload.arrival.rate=3` simulates the overridden rate', () => {
    const run = runCli('simulate', CHAT, ...SHORT, '--set', 'workload.arrival.rate=3', '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      scenario: { workload: { arrival: { process: string; rate: number } } };
      requests: { arrived: number; completed: number; dropped: number };
    };
    expect(result.scenario.workload.arrival).toMatchObject({ process: 'poisson', rate: 3 });
    expect(result.requests.arrived).toBe(result.requests.completed + result.requests.dropped);
  });

  it('`simulate <1-GPU scenario> --set serving.tensorParallelSize=3 -o f` exits 2 naming tensorParallelSize and writes nothing', () => {
    const out = outPath();
    const run = runCli('simulate', CHAT, ...SHORT, '--set', 'serving.tensorParallelSize=3', '-o', out);
    expectInvalid(run);
    expect(run.stderr).toContain('tensorParallelSize');
    expect(run.stderr).toContain(CHAT);
    expectNoOutput(out);
  });

  it('`simulate <scenario> --set nokey` (no =) exits 2 explaining the key.path=value form', () => {
    const out = outPath();
    const run = runCli('simulate', CHAT, '--set', 'nokey', '-o', out);
    expectInvalid(run);
    expect(run.stderr).toContain('nokey');
    expect(run.stderr).toContain('=');
    expectNoOutput(out);
  });

  it('`simulate <scenario> --set limits.eventBudget=1000` on 300 requests exits 2 with "event budget" and writes nothing', () => {
    const out = outPath();
    const run = runCli('simulate', CHAT, ...SHORT, '--set', 'limits.eventBudget=1000', '-o', out);
    expectInvalid(run);
    expect(run.stderr).toContain('event budget');
    expectNoOutput(out);
  });

  it('`simulate <scenario named <script>>` simulates and returns the name verbatim in JSON', () => {
    const name = '<script>alert(1)</script>';
    const file = scenarioFile('hostile.yaml', edited('name: cli-fixture', `name: '${name}'`));
    const run = runCli('simulate', file, '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { scenario: { name: string }; requests: { arrived: number } };
    expect(result.scenario.name).toBe(name);
    expect(result.requests.arrived).toBe(300);
  });
});

// ---------------------------------------------------------------------------------------------
// bad input: exit 2, file name and key path in the message, no output file

describe('simulate rejects bad input', () => {
  it('`simulate <scenario with an unknown key>` exits 2 naming the file and the key path', () => {
    const file = scenarioFile('unknown-key.yaml', edited('serving: { tensorParallelSize: 1 }', 'serving: { tensorParallelSize: 1, maxNumSeq: 64 }'));
    const out = outPath();
    const run = runCli('simulate', file, '-o', out);
    expectInvalid(run);
    expect(run.stderr).toContain('unknown-key.yaml');
    expect(run.stderr).toContain('serving.maxNumSeq');
    expectNoOutput(out);
  });

  it('`simulate <scenario with rate .nan>` exits 2 naming the file and workload.arrival.rate', () => {
    const file = scenarioFile('nan-rate.yaml', edited('rate: 4', 'rate: .nan'));
    const out = outPath();
    const run = runCli('simulate', file, '-o', out);
    expectInvalid(run);
    expect(run.stderr).toContain('nan-rate.yaml');
    expect(run.stderr).toContain('workload.arrival.rate');
    expectNoOutput(out);
  });

  it('`simulate <missing file>` exits 2 naming the file', () => {
    const missing = join(dir, 'does-not-exist.yaml');
    const out = outPath();
    const run = runCli('simulate', missing, '-o', out);
    expectInvalid(run);
    expect(run.stderr).toContain('does-not-exist.yaml');
    expect(run.stderr.toLowerCase()).toContain('not found');
    expectNoOutput(out);
  });

  it('`simulate <invalid YAML>` exits 2 naming the file and the line', () => {
    const file = scenarioFile('broken.yaml', edited('  outputTokens: { dist: fixed, value: 32 }', '  outputTokens: { dist: fixed, value: [32 }'));
    const out = outPath();
    const run = runCli('simulate', file, '-o', out);
    expectInvalid(run);
    expect(run.stderr).toContain('broken.yaml');
    expect(run.stderr).toMatch(/line \d+/);
    expectNoOutput(out);
  });

  it('`simulate <trace scenario whose trace has a malformed line 3>` exits 2 naming the trace file and line 3', () => {
    writeFileSync(
      join(dir, 'bad-trace.csv'),
      [
        'TIMESTAMP,ContextTokens,GeneratedTokens',
        '2023-11-16 18:17:03.9799600,100,10',
        '2023-11-16 18:17:04.1799600,not-a-number,10',
        '2023-11-16 18:17:04.9799600,120,12',
        '',
      ].join('\n'),
    );
    const workload = `workload:
  arrival: { process: trace, file: bad-trace.csv }
`;
    const file = scenarioFile('trace.yaml', BASE.slice(0, BASE.indexOf('workload:')) + workload);
    const out = outPath();
    const run = runCli('simulate', file, '-o', out);
    expectInvalid(run);
    expect(run.stderr).toContain('bad-trace.csv');
    expect(run.stderr).toContain('line 3');
    expect(run.stderr).toContain('ContextTokens');
    expectNoOutput(out);
  });
});

// ---------------------------------------------------------------------------------------------
// usage errors

describe('usage errors', () => {
  it('`headroom frobnicate` (unknown command) exits 2', () => {
    const run = runCli('frobnicate');
    expectInvalid(run);
    expect(run.stderr).toContain('frobnicate');
  });

  // Usage errors inside a subcommand must exit 2 as well (commander's own exit code is 1, the
  // "check failed" code; exitOverride has to reach the subcommands).
  it('`simulate <scenario> --bogus` (unknown option) exits 2', () => {
    const run = runCli('simulate', CHAT, '--bogus');
    expectInvalid(run);
    expect(run.stderr).toContain('--bogus');
  });

  it('`simulate <scenario> --seed abc` (invalid option value) exits 2 naming --seed', () => {
    const run = runCli('simulate', CHAT, '--seed', 'abc');
    expectInvalid(run);
    expect(run.stderr).toContain('--seed');
  });

  it('`simulate <scenario> -o <folder>` exits 2 before simulating, saying it is a folder', () => {
    const run = runCli('simulate', CHAT, '-o', dir);
    expectInvalid(run);
    expect(run.stderr).toContain('is a folder');
  });

  it('`simulate <scenario> -o <file>/x.json` exits 2: a file stands where a folder should be', () => {
    const file = scenarioFile('not-a-folder.yaml', BASE);
    const run = runCli('simulate', CHAT, '-o', join(file, 'x.json'));
    expectInvalid(run);
    expect(run.stderr).toContain('not a folder');
  });

  it('`headroom --version` prints the package version and exits 0', () => {
    const run = runCli('--version');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version);
  });
});

// ---------------------------------------------------------------------------------------------
// steptime

const STEP = ['steptime', '--model', 'llama-3.1-70b', '--gpu', 'h100-sxm', '--tp', '4', '--prefill-tokens', '0', '--decode-seqs', '64', '--context', '1024'];

describe('steptime', () => {
  it('`steptime --model llama-3.1-70b --gpu h100-sxm --tp 4 ... --json` prints the step breakdown as JSON', () => {
    const run = runCli(...STEP, '--json');
    expect(run.code, run.stderr).toBe(0);
    const step = JSON.parse(run.stdout) as {
      stepSeconds: unknown;
      layers: unknown;
      bound: unknown;
      perLayer: Record<'linearSeconds' | 'attentionSeconds' | 'communicationSeconds', unknown>;
    };
    expect(typeof step.stepSeconds).toBe('number');
    expect(step.stepSeconds as number).toBeGreaterThan(0);
    expect(Number.isFinite(step.stepSeconds)).toBe(true);
    expect(step.layers).toBe(80);
    expect(['compute', 'memory']).toContain(step.bound);
    for (const key of ['linearSeconds', 'attentionSeconds', 'communicationSeconds'] as const) {
      expect(typeof step.perLayer[key], key).toBe('number');
      expect(step.perLayer[key] as number, key).toBeGreaterThanOrEqual(0);
    }
    expect(step.perLayer.communicationSeconds as number).toBeGreaterThan(0);
    // the per-layer parts of all 80 layers fit inside the step
    const perLayer = step.perLayer as Record<string, number>;
    const layersTotal = 80 * ((perLayer.linearSeconds ?? 0) + (perLayer.attentionSeconds ?? 0) + (perLayer.communicationSeconds ?? 0));
    expect(layersTotal).toBeLessThanOrEqual((step.stepSeconds as number) * (1 + 1e-9));
  });

  it('`steptime --model llama-3.1-70b --gpu h100-sxm --tp 4 ...` prints a readable breakdown', () => {
    const run = runCli(...STEP);
    expect(run.code, run.stderr).toBe(0);
    expect(() => JSON.parse(run.stdout)).toThrow();
    expect(run.stdout).toContain('llama-3.1-70b');
    expect(run.stdout).toMatch(/step [\d.]+ ms/);
    expect(run.stdout).toMatch(/linear/);
    expect(run.stdout).toMatch(/attention/);
    expect(run.stdout).toMatch(/all-reduce|communication/);
    expect(run.stdout.endsWith("\n")).toBe(true);
    expect(run.stdout).toMatch(/memory-bound|compute-bound/);
  });

  it('`steptime --model <unknown>` and `--gpu <unknown>` exit 2 naming the valid ids', () => {
    const model = runCli('steptime', '--model', 'gpt-9', '--gpu', 'h100-sxm', '--decode-seqs', '1');
    expectInvalid(model);
    expect(model.stderr).toContain('gpt-9');
    for (const id of ['llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b', 'deepseek-v3']) expect(model.stderr).toContain(id);

    const gpu = runCli('steptime', '--model', 'llama-3.1-8b', '--gpu', 'tpu-v9', '--decode-seqs', '1');
    expectInvalid(gpu);
    expect(gpu.stderr).toContain('tpu-v9');
    for (const id of ['a100-80gb', 'h100-sxm', 'h200', 'b200', 'l40s', 'mi300x']) expect(gpu.stderr).toContain(id);
  });

  it('`steptime` takes its defaults from the scenario schema: DeepSeek-V3 runs in its fp8 checkpoint dtype unless told otherwise', () => {
    const args = ['steptime', '--model', 'deepseek-v3', '--gpu', 'h200', '--tp', '8', '--decode-seqs', '64', '--context', '2048', '--json'];
    const byDefault = JSON.parse(runCli(...args).stdout);
    const fp8 = JSON.parse(runCli(...args, '--quantization', 'fp8').stdout);
    expect(byDefault.weightDtype).toBe('fp8');
    expect(byDefault.stepSeconds).toBe(fp8.stepSeconds);
  });

  it('`steptime` refuses a shape that `simulate` refuses, with the same message: weights that do not fit, heads that do not split', () => {
    const cases: [string[], Record<string, unknown>][] = [
      [['--model', 'llama-3.1-405b', '--gpu', 'h100-sxm', '--tp', '1'], { model: 'llama-3.1-405b', cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 }, serving: { tensorParallelSize: 1, replicas: 1 } }],
      [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--tp', '3'], { model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 3 }, serving: { tensorParallelSize: 3, replicas: 1 } }],
    ];
    for (const [flags, shape] of cases) {
      const step = runCli('steptime', ...flags, '--decode-seqs', '1');
      expectInvalid(step);
      const file = join(dir, `refused-${flags[1]}.json`);
      writeFileSync(file, JSON.stringify({ name: 'refused', stop: { requests: 1 }, ...shape, workload: { arrival: { process: 'poisson', rate: 1 }, inputTokens: { dist: 'fixed', value: 1 }, outputTokens: { dist: 'fixed', value: 1 } } }));
      const sim = runCli('simulate', file);
      expectInvalid(sim);
      const reason = (text: string) => text.split('\n').find((l) => l.includes(': expected') || l.includes(' needs '))!.replace(/^[^:]+: /, '');
      expect(reason(step.stderr)).toBe(reason(sim.stderr));
    }
  });

  it('`steptime ... --decode-seqs 0 --prefill-tokens 0` (an empty step) exits 2', () => {
    const run = runCli('steptime', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--decode-seqs', '0', '--prefill-tokens', '0');
    expectInvalid(run);
    expect(run.stderr).toMatch(/--decode-seqs|--prefill-tokens/);
  });
});

// ---------------------------------------------------------------------------------------------
// catalog

const REQUIRED = {
  gpus: ['a100-80gb', 'h100-sxm', 'h200', 'b200', 'l40s', 'mi300x'],
  models: ['llama-2-7b', 'llama-2-70b', 'llama-3.1-8b', 'llama-3.1-70b', 'llama-3.1-405b', 'mixtral-8x7b', 'qwen2.5-72b', 'deepseek-v3'],
  fabrics: ['nvlink3', 'nvlink4', 'nvlink5', 'infiniband-ndr', 'infiniband-xdr', 'roce-400g', 'pcie5'],
};

describe('catalog', () => {
  it('`catalog` lists every required GPU, model and fabric id', () => {
    const run = runCli('catalog');
    expect(run.code, run.stderr).toBe(0);
    const words = new Set(run.stdout.split(/[\s│|]+/));
    for (const id of [...REQUIRED.gpus, ...REQUIRED.models, ...REQUIRED.fabrics]) expect(words.has(id), id).toBe(true);
  });

  it('`catalog gpus --json` gives every GPU with a non-empty source', () => {
    const run = runCli('catalog', 'gpus', '--json');
    expect(run.code, run.stderr).toBe(0);
    const catalog = JSON.parse(run.stdout) as { gpus: Array<{ id: string; source: unknown }> };
    expect(Array.isArray(catalog.gpus)).toBe(true);
    expect(catalog.gpus.map((g) => g.id)).toEqual(expect.arrayContaining(REQUIRED.gpus));
    for (const gpu of catalog.gpus) {
      expect(typeof gpu.source, gpu.id).toBe('string');
      expect((gpu.source as string).trim().length, gpu.id).toBeGreaterThan(0);
    }
  });

  it('`catalog nonsense` exits 2 naming the valid sections', () => {
    const run = runCli('catalog', 'nonsense');
    expectInvalid(run);
    expect(run.stderr).toContain('nonsense');
    for (const section of ['gpus', 'models', 'fabrics']) expect(run.stderr).toContain(section);
  });
});

// ---------------------------------------------------------------------------------------------
// pipes

describe('a reader that closes the pipe early', () => {
  it('`simulate --json | head -c 10` ends quietly: exit 0, nothing on stderr', async () => {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('./run-cli.js');
    const child = spawn(process.execPath, [CLI, 'simulate', 'scenarios/llama-3.1-8b-h100-chat.yaml', '--set', 'stop.requests=2000', '--json'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then close our end, as `head -c 10` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('--set errors name the flag', () => {
  it('a value a --set wrote is reported against that --set, not the scenario file', () => {
    const run = runCli('simulate', 'scenarios/llama-3.1-70b-h100-tp4.yaml', '--set', 'serving.replicas=40');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('scenarios/llama-3.1-70b-h100-tp4.yaml (--set serving.replicas=40): serving.replicas: expected at most 2');
  });

  it('--set key=null unsets a pinned key: the replicas default back to what the cluster holds', () => {
    const run = runCli('simulate', 'scenarios/llama-3.1-70b-h100-tp4.yaml', '--set', 'serving.replicas=null', '--set', 'serving.tensorParallelSize=8', '--set', 'stop.requests=100', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).scenario.serving.replicas).toBe(1);
  });
});
