import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { locateUpward } from '../../engine/input/locate-upward.js';

/** What a CLI run left behind: its exit code and everything it printed. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The project root: the nearest folder above this file with a package.json. Walking up (rather
 * than a fixed `../..`) keeps it right both from test/cli and from the compiled dist/test/cli.
 */
function findProjectRoot(): string {
  const packageJson = locateUpward(import.meta.url, ['package.json']);
  if (packageJson === null) throw new Error('run-cli: no package.json above test/cli');
  return dirname(packageJson);
}

export const PROJECT_ROOT = findProjectRoot();

/** The built CLI as package.json's bin names it: the bundle `npm run build` makes (reports/cli/bundle.mjs). */
export const CLI = join(PROJECT_ROOT, 'dist', 'reports', 'cli', 'headroom.js');

let built = false;

/** Builds once if the compiled CLI is missing (`npm test` builds first; bare `vitest` may not). */
function ensureBuilt(): void {
  if (built || existsSync(CLI)) {
    built = true;
    return;
  }
  execFileSync('npm', ['run', '-s', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  built = true;
  if (!existsSync(CLI)) throw new Error(`run-cli: npm run build did not produce ${CLI}`);
}

/** Runs `headroom ...args` as a user would, from the project root, and waits for it. */
export function runCli(...args: string[]): CliRun {
  ensureBuilt();
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: PROJECT_ROOT,
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
