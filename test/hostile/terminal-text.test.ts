import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasControls, safeLine, safeOutput } from '../../engine/input/terminal-text.js';
import { CLI, PROJECT_ROOT } from '../cli/run-cli.js';

/**
 * Nothing user-controlled reaches a terminal raw: names, keys, paths, flags and lines of a file
 * are shown with their control characters escaped, so they can neither drive the terminal (clear
 * the screen, retitle the window) nor forge a line of a CI log.
 */
const dir = mkdtempSync(join(tmpdir(), 'headroom-terminal-'));
const chat = join(PROJECT_ROOT, 'scenarios', 'llama-3.1-8b-h100-chat.yaml');
const ESC = '\u001b';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('escaping', () => {
  it('safeLine writes every control character as an escape, line breaks too; tabs and ordinary text stay', () => {
    expect(safeLine(`${ESC}[2Jcleared`)).toBe('\\x1b[2Jcleared');
    expect(safeLine(`${ESC}]0;title\u0007`)).toBe('\\x1b]0;title\\x07');
    expect(safeLine('a\r\nPASS all')).toBe('a\\r\\nPASS all');
    expect(safeLine('evil\u202egnp.yaml')).toBe('evil\\u202egnp.yaml');
    expect(safeLine('tab\there é ✓')).toBe('tab\there é ✓');
  });

  it('safeOutput keeps the program\'s own line breaks and escapes the rest; neither leaves a raw control', () => {
    expect(safeOutput(`line one\n${ESC}[31mred\r`)).toBe('line one\n\\x1b[31mred\\r');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(RAW.test(safeLine(text))).toBe(false);
        expect(RAW.test(safeOutput(text))).toBe(false);
        expect(safeLine(text).includes('\n')).toBe(false);
        expect(hasControls(safeLine(text))).toBe(false);
      }),
    );
  });
});

describe('user text on the terminal', () => {
  const forged = `x${ESC}[2J\r\nPASS every threshold holds`;

  it.each([
    ['a scenario path', () => ['simulate', join(dir, `${forged}.yaml`)]],
    ['a --set flag', () => ['simulate', chat, '--set', `serving.${forged}=1`]],
    ['a --set value', () => ['simulate', chat, '--set', `serving.maxNumSeqs=${forged}`]],
    ['a --fail-on threshold', () => ['check', chat, '--fail-on', `ttft.p99 < 1s ${ESC}]0;pwned\u0007`]],
    ['a --vary axis', () => ['saturation', chat, '--vary', `${forged}`]],
    ['an unknown option', () => ['simulate', chat, `--${forged}`]],
    ['an -o path', () => ['simulate', chat, '--set', 'stop.requests=20', '-o', join(dir, `${forged}`, 'x.json')]],
  ])('%s with an escape and a forged line: no raw control character reaches the output', (_what, args) => {
    const r = run(args());
    expect(RAW.test(r.out), r.out).toBe(false);
    expect(r.out).not.toMatch(/^PASS every threshold holds/m);
  });

  it('a scenario name with control characters is refused, naming the key', () => {
    const file = join(dir, 'named.yaml');
    writeFileSync(file, `name: "ok\\r\\nPASS forged"\nmodel: llama-3.1-8b\ncluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }\nworkload:\n  arrival: { process: poisson, rate: 1 }\n  inputTokens: { dist: fixed, value: 8 }\n  outputTokens: { dist: fixed, value: 8 }\n`);
    const r = run(['simulate', file]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('name: expected a name without control characters');
  });

  it('a binary trace is not echoed, and /proc/self/environ reads as empty: no excerpt of a file beyond a short text line', () => {
    const bin = join(dir, 'bin.csv');
    writeFileSync(bin, Buffer.from([0x41, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x53, 0x45, 0x43, 0x52, 0x45, 0x54, 0x3d, 0x68, 0x75, 0x6e, 0x74, 0x65, 0x72, 0x32]));
    const r = run(['simulate', chat, '--set', `workload.arrival={process: trace, file: ${bin}}`]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/with control characters \(binary data\? not shown\)/);
    expect(r.out).not.toContain('SECRET');
    const environ = run(['simulate', chat, '--set', 'workload.arrival={process: trace, file: /proc/self/environ}']);
    expect(environ.code).toBe(2);
    expect(environ.out).toMatch(/\/proc\/self\/environ: the file is empty/);
    const long = join(dir, 'long.csv');
    writeFileSync(long, `${'y'.repeat(500)}\n`);
    expect(run(['simulate', chat, '--set', `workload.arrival={process: trace, file: ${long}}`]).out).toContain(`"${'y'.repeat(40)}…"`);
  });
});
