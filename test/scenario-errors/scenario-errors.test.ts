import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue, formatIssues } from '../../engine/scenario/format-issues.js';
import { MAX_SCENARIO_BYTES, readScenarioFile } from '../../engine/scenario/read-scenario-file.js';
import { ScenarioError, type ScenarioIssue } from '../../engine/scenario/scenario-issue.js';
import { validateScenario } from '../../engine/scenario/validate-scenario.js';

/**
 * One fixture per bad input, each with the exact message a user sees (the CLI prints
 * formatIssues). Fixtures are written to a temp folder, read with readScenarioFile and validated,
 * as `headroom simulate` does; the folder prefix is cut from the lines so they read "file: ...".
 */

const dir = mkdtempSync(join(tmpdir(), 'headroom-scenario-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `name: fixture
model: llama-3.1-8b
cluster:
  gpu: h100-sxm
serving:
  tensorParallelSize: 1
workload:
  arrival: { process: poisson, rate: 5 }
  inputTokens: { dist: fixed, value: 512 }
  outputTokens: { dist: fixed, value: 128 }
`;

/** VALID with `from` replaced by `to` (each must match once). */
function edit(from: string, to: string, text = VALID): string {
  if (!text.includes(from)) throw new Error(`fixture base has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** The issues of a fixture file, read and validated as the CLI does. */
function issuesOf(name: string, text: string | Buffer): ScenarioIssue[] {
  const path = join(dir, name);
  writeFileSync(path, text);
  try {
    const { file, baseDir, raw } = readScenarioFile(path);
    const result = validateScenario(raw, { file, baseDir });
    return result.ok ? [] : result.issues;
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
}

/** The lines a user sees for a fixture, with the temp folder cut off. */
function linesOf(name: string, text: string | Buffer): string[] {
  return issuesOf(name, text).map((issue) => formatIssue(issue).replace(`${dir}/`, ''));
}

const TOP_LEVEL_KEYS = 'name, description, seed, stop, model, cluster, serving, workload, slo, checks, limits, calibration, failures, recovery, autoscaling, clients, cost';

describe('scenario errors: each bad input gets one clear "file: key.path: expected X, got Y" line', () => {
  it('the valid base fixture has no issues (so every case below fails only for its own edit)', () => {
    expect(linesOf('valid.yaml', VALID)).toEqual([]);
  });

  it('an unknown top-level key (servng) is named, with the valid keys and the likely one', () => {
    expect(linesOf('servng.yaml', `${VALID}servng: { tensorParallelSize: 2 }\n`)).toEqual([
      `servng.yaml: servng: unknown key (did you mean serving?); expected one of ${TOP_LEVEL_KEYS}`,
    ]);
  });

  it('a string for a number (tensorParallelSize: four) names the key', () => {
    expect(linesOf('tp-four.yaml', edit('tensorParallelSize: 1', 'tensorParallelSize: four'))).toEqual([
      'tp-four.yaml: serving.tensorParallelSize: expected an integer, got "four"',
    ]);
  });

  it('a YAML .nan rate is refused as not finite, naming the key', () => {
    expect(linesOf('nan-rate.yaml', edit('rate: 5', 'rate: .nan'))).toEqual([
      'nan-rate.yaml: workload.arrival.rate: expected a finite number, got NaN',
    ]);
  });

  it('an infinite rate (.inf) is refused as not finite', () => {
    expect(linesOf('inf-rate.yaml', edit('rate: 5', 'rate: .inf'))).toEqual([
      'inf-rate.yaml: workload.arrival.rate: expected a finite number, got Infinity',
    ]);
  });

  it('an absurd rate (1e12) is refused with the bound stated', () => {
    expect(linesOf('huge-rate.yaml', edit('rate: 5', 'rate: 1e12'))).toEqual([
      'huge-rate.yaml: workload.arrival.rate: expected at most 100000 requests per second, got 1000000000000',
    ]);
  });

  it('a negative rate is refused', () => {
    expect(linesOf('negative-rate.yaml', edit('rate: 5', 'rate: -3'))).toEqual([
      'negative-rate.yaml: workload.arrival.rate: expected a rate above 0 requests per second, got -3',
    ]);
  });

  it('TP 3 on 8 GPUs per node is refused: TP must divide the node', () => {
    expect(linesOf('tp3.yaml', edit('tensorParallelSize: 1', 'tensorParallelSize: 3'))).toEqual([
      'tp3.yaml: serving.tensorParallelSize: expected a divisor of the 8 GPUs per node (1, 2, 4, 8) or a multiple of it (a TP group spanning whole nodes, e.g. 16), got 3',
    ]);
  });

  it('Llama-3.1-405B on one H100 at TP1 does not fit: the message names model, weights per GPU and the HBM budget', () => {
    const lines = linesOf('405b-one-h100.yaml', edit('llama-3.1-8b', 'llama-3.1-405b'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^405b-one-h100\.yaml: model: llama-3\.1-405b needs 756 GiB of bf16 weights = 756 GiB per GPU at TP1 PP1, but h100-sxm has 71\.7 GiB usable \(0\.9 x 79\.6 GiB\); raise serving\.tensorParallelSize or use quantization fp8$/,
    );
  });

  it('an unknown GPU id lists the catalog ids', () => {
    expect(linesOf('h999.yaml', edit('gpu: h100-sxm', 'gpu: h999'))).toEqual([
      'h999.yaml: cluster.gpu: unknown GPU "h999"; expected one of a100-80gb, b200, h100-sxm, h200, l40s, mi300x',
    ]);
  });

  it('an unknown model id lists the catalog ids', () => {
    expect(linesOf('llama-9.yaml', edit('model: llama-3.1-8b', 'model: llama-9'))).toEqual([
      expect.stringMatching(/^llama-9\.yaml: model: unknown model "llama-9"; expected one of deepseek-v3, .*llama-3\.1-8b/),
    ]);
  });

  it('a __proto__ key in YAML is an unknown key and pollutes nothing', () => {
    const lines = linesOf('proto.yaml', `${VALID}__proto__: { polluted: true }\n`);
    expect(lines).toEqual([`proto.yaml: __proto__: unknown key; expected one of ${TOP_LEVEL_KEYS}`]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a nested __proto__ key is an unknown key at its path', () => {
    const lines = linesOf('proto-nested.yaml', edit('  tensorParallelSize: 1', '  tensorParallelSize: 1\n  __proto__: { polluted: true }'));
    expect(lines).toEqual([expect.stringMatching(/^proto-nested\.yaml: serving\.__proto__: unknown key; expected one of tensorParallelSize, /)]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a __proto__ key in JSON (secure-json-parse) is an unknown key and pollutes nothing', () => {
    const json = JSON.stringify({ name: 'x', model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm' }, workload: { arrival: { process: 'poisson', rate: 1 }, inputTokens: { dist: 'fixed', value: 1 }, outputTokens: { dist: 'fixed', value: 1 } } });
    const lines = linesOf('proto.json', json.replace('{"name"', '{"__proto__": {"polluted": true}, "name"'));
    expect(lines).toEqual([`proto.json: __proto__: unknown key; expected one of ${TOP_LEVEL_KEYS}`]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a YAML syntax error is reported with its line number', () => {
    expect(linesOf('syntax-tab.yaml', edit('  tensorParallelSize: 1', '\ttensorParallelSize: 1'))).toEqual([
      'syntax-tab.yaml: line 6: Tabs are not allowed as indentation',
    ]);
  });

  it('a YAML syntax error reports its first complaint per line, from the line of the slip', () => {
    const lines = linesOf('syntax-brace.yaml', edit('rate: 5 }', 'rate: 5 }}'));
    expect(lines[0]).toBe('syntax-brace.yaml: line 8: Unexpected flow-map-end token in YAML stream: "}"');
    expect(new Set(lines.map((l) => /line (\d+)/.exec(l)?.[1])).size).toBe(lines.length);
  });

  it('a duplicate key is a YAML error with its line number', () => {
    expect(linesOf('duplicate.yaml', `${VALID}name: again\n`)).toEqual(['duplicate.yaml: line 11: Map keys must be unique']);
  });

  it('a JSON syntax error is reported with its line number', () => {
    expect(linesOf('syntax.json', '{\n  "name": "x",\n  "model": "llama-3.1-8b",,\n}')).toEqual([
      expect.stringMatching(/^syntax\.json: line 3: /),
    ]);
  });

  it('uniform lengths with min > max are refused at the min key', () => {
    expect(linesOf('uniform.yaml', edit('inputTokens: { dist: fixed, value: 512 }', 'inputTokens: { dist: uniform, min: 900, max: 100 }'))).toEqual([
      'uniform.yaml: workload.inputTokens.min: expected at most max (100), got 900',
    ]);
  });

  it('chunked prefill off with maxNumBatchedTokens < maxModelLen is refused, naming both keys (vLLM rule)', () => {
    const lines = linesOf(
      'no-chunked.yaml',
      edit('  tensorParallelSize: 1', '  tensorParallelSize: 1\n  enableChunkedPrefill: false\n  maxNumBatchedTokens: 4096\n  maxModelLen: 16384'),
    );
    expect(lines).toEqual([
      'no-chunked.yaml: serving.maxNumBatchedTokens: expected at least serving.maxModelLen (16384) when serving.enableChunkedPrefill is false (a prompt must fit one step), got 4096; raise serving.maxNumBatchedTokens, lower serving.maxModelLen or enable chunked prefill',
    ]);
  });

  it('an slo key outside <metric><Stat> (ttftP42) is refused with the valid pattern', () => {
    expect(linesOf('slo.yaml', `${VALID}slo: { ttftP99: 2s, ttftP42: 1s }\n`)).toEqual([
      'slo.yaml: slo.ttftP42: unknown key; expected <metric><Stat> with metric one of ttft, tpot, itl, e2e, queueWait and Stat one of Mean, P50, P90, P95, P99 (e.g. ttftP99)',
    ]);
  });

  it('a duration of "2 parsecs" is refused with what a duration looks like', () => {
    expect(linesOf('parsecs.yaml', `${VALID}stop: { duration: 2 parsecs }\n`)).toEqual([
      'parsecs.yaml: stop.duration: expected a duration like "250ms", "2s", "10m", "1h" or a number of seconds, got "2 parsecs"',
    ]);
  });

  it('an unknown arrival process lists the valid ones', () => {
    expect(linesOf('posson.yaml', edit('process: poisson', 'process: posson'))).toEqual([
      'posson.yaml: workload.arrival.process: expected one of poisson, gamma, trace, closed, got "posson"',
    ]);
  });

  it('an unknown key inside an arrival names the arrival keys', () => {
    expect(linesOf('arrival-key.yaml', edit('rate: 5', 'rate: 5, burst: 2'))).toEqual([
      'arrival-key.yaml: workload.arrival.burst: unknown key; expected one of process, rate',
    ]);
  });

  it('a blockSize outside 8, 16, 32, 64, 128 lists the valid ones', () => {
    expect(linesOf('block.yaml', edit('  tensorParallelSize: 1', '  tensorParallelSize: 1\n  blockSize: 12'))).toEqual([
      'block.yaml: serving.blockSize: expected one of 8, 16, 32, 64, 128, got 12',
    ]);
  });

  it('a poisson workload with stop {} never ends and is refused', () => {
    expect(linesOf('no-stop.yaml', `${VALID}stop: {}\n`)).toEqual([
      'no-stop.yaml: stop: expected requests or duration (a poisson arrival process never ends by itself), got neither',
    ]);
  });

  it('a closed workload with stop {} is refused', () => {
    expect(linesOf('closed-no-stop.yaml', `${edit('{ process: poisson, rate: 5 }', '{ process: closed, concurrency: 4 }')}stop: {}\n`)).toEqual([
      "closed-no-stop.yaml: stop: expected requests or duration (a closed workload's clients keep sending forever), got neither",
    ]);
  });

  it('a missing file is reported as not found', () => {
    expect(() => readScenarioFile(join(dir, 'nope.yaml'))).toThrow(ScenarioError);
    expect(issuesOf('exists.yaml', VALID)).toEqual([]);
    try {
      readScenarioFile(join(dir, 'nope.yaml'));
    } catch (error) {
      expect(formatIssues((error as ScenarioError).issues).replace(`${dir}/`, '')).toBe('nope.yaml: file not found');
    }
  });

  it('a directory is refused as not a scenario file', () => {
    expect(() => readScenarioFile(dir)).toThrow(/: expected a scenario file \(a regular file\), got a folder$/);
  });

  it('an empty file is refused as an empty document', () => {
    expect(linesOf('empty.yaml', '')).toEqual([
      'empty.yaml: expected a scenario map (name, model, cluster, workload, ...), got an empty document',
    ]);
  });

  it('a top-level list is refused', () => {
    expect(linesOf('list.yaml', '- a\n- b\n')).toEqual(['list.yaml: expected a map of keys, got a list of 2']);
  });

  it('a file over 1 MB is refused before parsing', () => {
    expect(linesOf('big.yaml', `${VALID}description: "${'x'.repeat(MAX_SCENARIO_BYTES)}"\n`)).toEqual([
      'big.yaml: expected a scenario file of at most 1 MB, got 1.0 MB',
    ]);
  });

  it('nesting deeper than 32 levels is refused (block maps and flow lists), even 500k brackets deep', () => {
    let deep = 'name: deep\nx:\n';
    for (let i = 1; i <= 40; i++) deep += `${' '.repeat(i)}k:\n`;
    deep += `${' '.repeat(41)}v\n`;
    expect(linesOf('deep.yaml', deep)).toEqual([expect.stringMatching(/^deep\.yaml: x(\.k)+: expected nesting at most 32 levels deep, got deeper$/)]);
    const started = Date.now();
    expect(linesOf('brackets.yaml', `${'['.repeat(500_000)}${']'.repeat(500_000)}`)).toEqual([
      'brackets.yaml: line 1: expected nesting at most 32 levels deep, got deeper',
    ]);
    expect(linesOf('dashes.yaml', `${'- '.repeat(100_000)}x\n`)).toEqual([
      'dashes.yaml: line 1: expected nesting at most 32 levels deep, got deeper',
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a YAML alias bomb ("billion laughs") is refused, not expanded', () => {
    let bomb = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n';
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      bomb += `${next}: &${next} [${Array(10).fill(`*${prev}`).join(',')}]\n`;
    }
    expect(linesOf('bomb.yaml', bomb)).toEqual([expect.stringMatching(/^bomb\.yaml: cannot expand the YAML document: Excessive alias count/)]);
  });

  it('a language-specific tag (!!js/function) is refused, not executed or stringified', () => {
    expect(linesOf('tag.yaml', `${VALID}description: !!js/function "function () { return 1 }"\n`)).toEqual([
      'tag.yaml: line 11: Unresolved tag: tag:yaml.org,2002:js/function',
    ]);
  });

  it('a label with <script> is data: it is quoted back, never interpreted', () => {
    expect(linesOf('script.yaml', edit('gpu: h100-sxm', 'gpu: "<script>alert(1)</script>"'))).toEqual([
      'script.yaml: cluster.gpu: unknown GPU "<script>alert(1)</script>"; expected one of a100-80gb, b200, h100-sxm, h200, l40s, mi300x',
    ]);
  });

  it('ALL issues of a file are reported together, not just the first', () => {
    const text = edit(
      'tensorParallelSize: 1',
      'tensorParallelSize: four',
      edit('rate: 5', 'rate: .nan', edit('gpu: h100-sxm', 'gpu: h999', `${VALID}servng: {}\nslo: { ttftP42: 1s }\n`)),
    );
    expect(linesOf('all.yaml', text)).toEqual([
      'all.yaml: cluster.gpu: unknown GPU "h999"; expected one of a100-80gb, b200, h100-sxm, h200, l40s, mi300x',
      'all.yaml: serving.tensorParallelSize: expected an integer, got "four"',
      'all.yaml: workload.arrival.rate: expected a finite number, got NaN',
      'all.yaml: slo.ttftP42: unknown key; expected <metric><Stat> with metric one of ttft, tpot, itl, e2e, queueWait and Stat one of Mean, P50, P90, P95, P99 (e.g. ttftP99)',
      `all.yaml: servng: unknown key (did you mean serving?); expected one of ${TOP_LEVEL_KEYS}`,
    ]);
  });

  it('ALL cross-field rule issues are reported together too', () => {
    const text = edit(
      'tensorParallelSize: 1',
      'tensorParallelSize: 1\n  enableChunkedPrefill: false\n  maxNumBatchedTokens: 4096\n  maxModelLen: 16384',
      edit('inputTokens: { dist: fixed, value: 512 }', 'inputTokens: { dist: uniform, min: 900, max: 100 }', `${VALID}stop: {}\n`),
    );
    expect(issuesOf('rules.yaml', text).map((i) => i.path.join('.'))).toEqual([
      'stop',
      'workload.inputTokens.min',
      'serving.maxNumBatchedTokens',
    ]);
  });

  it('formatIssue writes list indices as [n] and quotes odd keys', () => {
    expect(formatIssue({ file: 'f.yaml', path: ['checks', 2, 'rate'], message: 'expected a number, got "x"' })).toBe(
      'f.yaml: checks[2].rate: expected a number, got "x"',
    );
    expect(formatIssue({ file: 'f.yaml', path: ['a.b', 'c d'], message: 'm' })).toBe('f.yaml: ["a.b"]["c d"]: m');
    expect(formatIssue({ file: 'f.yaml', path: [], message: 'Map keys must be unique', line: 4 })).toBe('f.yaml: line 4: Map keys must be unique');
  });
});

describe('catalog id typos', () => {
  it.each([
    ['h100', 'h100-sxm'],
    ['h100-sx', 'h100-sxm'],
    ['mi300', 'mi300x'],
  ])('cluster.gpu %s suggests %s', (typo, suggestion) => {
    const r = validateScenario(
      { name: 't', model: 'llama-3.1-8b', cluster: { gpu: typo }, workload: { arrival: { process: 'poisson', rate: 1 }, inputTokens: { dist: 'fixed', value: 1 }, outputTokens: { dist: 'fixed', value: 1 } } },
      { file: 't.yaml', baseDir: '.' },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toContain(`(did you mean ${suggestion}?)`);
  });
});

describe('scenario errors: prefix caching, conversations and routers', () => {
  const OUT = '  outputTokens: { dist: fixed, value: 128 }\n';
  it('a conversation without a think time names the key and the duration it expects', () => {
    expect(linesOf('sessions.yaml', edit(OUT, `${OUT}  sessions: { turns: 3 }\n`))).toEqual([
      'sessions.yaml: workload.sessions.thinkTime: expected a duration like "250ms", "2s", "10m", "1h" or a number of seconds, got nothing',
    ]);
  });

  it('a prefix share above 1 and zero prefix groups are refused with their bounds', () => {
    expect(linesOf('share.yaml', edit(OUT, `${OUT}  prefix: { groups: 0, tokens: 10, share: 2 }\n`))).toEqual([
      'share.yaml: workload.prefix.groups: expected at least 1, got 0',
      'share.yaml: workload.prefix.share: expected at most 1, got 2',
    ]);
  });

  it('a misspelt router lists the routers there are', () => {
    expect(linesOf('router.yaml', edit('tensorParallelSize: 1', 'tensorParallelSize: 1\n  router: kv-awar'))).toEqual([
      'router.yaml: serving.router: expected one of round-robin, least-outstanding, kv-aware, prefix-hash, session-affinity, got "kv-awar"',
    ]);
  });

  it('a trace with a synthetic prefix is refused: a trace carries its own prompts', () => {
    writeFileSync(join(dir, 'mini.jsonl'), '{"timestamp": 0, "input_length": 600, "output_length": 5, "hash_ids": [1, 2]}\n');
    const text = edit('  arrival: { process: poisson, rate: 5 }\n  inputTokens: { dist: fixed, value: 512 }\n  outputTokens: { dist: fixed, value: 128 }\n', '  arrival: { process: trace, file: mini.jsonl }\n  prefix: { groups: 2, tokens: 100 }\n');
    expect(linesOf('trace-prefix.yaml', text)).toEqual([
      'trace-prefix.yaml: workload.prefix: expected no prefix with a trace (a trace\'s prompts are what it recorded; Mooncake traces carry their prefix blocks as hash_ids), got one',
    ]);
  });
});
