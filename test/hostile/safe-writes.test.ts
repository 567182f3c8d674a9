import { closeSync, existsSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { unsafeTarget, writeFileAtomically } from '../../reports/write-file-atomically.js';
import { CLI, PROJECT_ROOT, runCli } from '../cli/run-cli.js';

/**
 * Writes are safe: nothing planted in the output folder can redirect a write, a device or a
 * link is never replaced, an output never lands on an input, and a failed write leaves nothing.
 */
const dir = mkdtempSync(join(tmpdir(), 'headroom-writes-'));
const chat = join(PROJECT_ROOT, 'scenarios', 'llama-3.1-8b-h100-chat.yaml');
const small = ['--set', 'stop.requests=50'];

describe('writeFileAtomically', () => {
  it('writes the whole content and leaves no temporary file beside it', () => {
    const out = join(dir, 'plain', 'result.json');
    writeFileAtomically(out, 'x'.repeat(100_000));
    expect(readFileSync(out, 'utf8')).toHaveLength(100_000);
    expect(readdirSync(join(dir, 'plain'))).toEqual(['result.json']);
  });

  it('a link planted at the old predictable temp name (<out>.<pid>.tmp) is never followed', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const out = join(dir, 'planted.json');
    symlinkSync(victim, `${out}.${process.pid}.tmp`);
    writeFileAtomically(out, 'result');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(out, 'utf8')).toBe('result');
  });

  it('refuses a target that is a symbolic link, a folder or a device, and leaves it as it was', () => {
    const target = join(dir, 'real.txt');
    writeFileSync(target, 'keep');
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    expect(() => writeFileAtomically(link, 'x')).toThrow(/symbolic link/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('keep');
    expect(unsafeTarget(dir)).toMatch(/folder/);
    expect(unsafeTarget('/dev/null')).toMatch(/device, FIFO or socket/);
    expect(() => writeFileAtomically('/dev/null', 'x')).toThrow(/device/);
    expect(existsSync('/dev/null')).toBe(true);
  });
});

describe('-o, --junit and --summary', () => {
  it.each([
    ['a symbolic link', () => {
      const link = join(dir, 'out-link.json');
      symlinkSync(join(dir, 'elsewhere.json'), link);
      return link;
    }, /symbolic link/],
    ['a device', () => '/dev/null', /device, FIFO or socket/],
    ['the scenario itself', () => chat, /it is the input/],
  ])('-o onto %s exits 2 before simulating, and the target is untouched', (_what, target, message) => {
    const path = target();
    const before = existsSync(path) && lstatSync(path).isFile() ? readFileSync(path, 'utf8') : null;
    const run = runCli('simulate', chat, ...small, '-o', path);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    if (before !== null) expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('--junit and --summary on one path exit 2 and write neither', () => {
    const both = join(dir, 'same', 'report.xml');
    const run = runCli('check', chat, ...small, '--fail-on', 'ttft.p99 < 1h', '--junit', both, '--summary', both);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--summary .*report\.xml: cannot write there \(it is --junit .*\)/);
    expect(existsSync(both)).toBe(false);
  });

  it('report -o onto one of the results it draws exits 2 and leaves the result intact', () => {
    const result = join(dir, 'drawn.json');
    expect(runCli('simulate', chat, ...small, '-o', result).code).toBe(0);
    const before = readFileSync(result, 'utf8');
    const run = runCli('report', result, '-o', result);
    expect(run.code, run.stderr).toBe(2);
    expect(readFileSync(result, 'utf8')).toBe(before);
  });
});

describe('output channels', () => {
  it('a stdout that cannot be written (a full disk) exits 2 with a message, never 1 and never a stack trace', () => {
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['simulate', chat, ...small, '--json'], ['check', chat, ...small, '--fail-on', 'ttft.p99 < 1h']]) {
        const r = spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 60_000 });
        expect(r.status, `${args[0]}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/cannot write to standard output \(ENOSPC\)/);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      closeSync(full);
    }
  });

  it('a run stopped on its event budget means the same on worker threads as inline: exit 2', () => {
    for (const workers of ['1', '2']) {
      // Enough for the scenario rule's floor (two events per request), not for the run itself.
      const run = runCli('saturation', chat, '--set', 'limits.eventBudget=30000', '--replications', '1', '--workers', workers);
      expect(run.code, `--workers ${workers}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(/event budget of 30000 events exceeded/);
    }
  });
});

describe('a signal during a write', () => {
  it('never leaves a temp file: the write finishes (or is removed), then the process dies of the signal', async () => {
    const out = join(dir, 'signalled');
    const script = join(dir, 'writer.mjs');
    const module = join(PROJECT_ROOT, 'dist', 'reports', 'write-file-atomically.js');
    // Writes 64 MB files back to back, so the signal almost surely lands inside one.
    writeFileSync(
      script,
      `import { writeFileAtomically } from ${JSON.stringify(module)};\n` +
        `const big = 'x'.repeat(64 * 2 ** 20);\n` +
        `process.stdout.write('ready\\n');\n` +
        // Between writes the event loop turns, as a command's does after its last write.
        `for (let i = 0; ; i++) { writeFileAtomically(${JSON.stringify(join(out, 'r.json'))}, big + i); await new Promise((r) => setImmediate(r)); }\n`,
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 400));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    clearTimeout(timer);
    expect(signal).toBe('SIGTERM');
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
