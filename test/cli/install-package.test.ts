import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './run-cli.js';

/**
 * Headroom installed into another repository from a packed tarball (`npm pack`; a git URL
 * installs the same files after its `prepare` build): its `headroom` bin runs a shipped scenario,
 * and the tarball carries what runs (engine, analyzers, CLI, report app, scenarios), not the tests.
 */

const dir = mkdtempSync(join(tmpdir(), 'headroom-install-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('installing Headroom as a dependency', () => {
  it('a packed tarball installs with a working bin', () => {
    // The build is npm test's; --ignore-scripts packs it as it is.
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim().split('\n').at(-1)!;
    const tarball = join(dir, packed);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('package/dist/reports/cli/headroom.js');
    expect(listing).toContain('package/dist/analyzers/simulate-worker.js');
    expect(listing).toContain('package/dist/report-app/index.html');
    expect(listing).toContain('package/scenarios/llama-3.1-8b-h100-chat.yaml');
    expect(listing.some((f) => f.startsWith('package/dist/test/'))).toBe(false);

    const project = join(dir, 'consumer');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball], { cwd: project, encoding: 'utf8' });
    expect(readdirSync(join(project, 'node_modules', '.bin'))).toContain('headroom');
    const bin = join(project, 'node_modules', '.bin', 'headroom');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe('0.1.0');
    const run = spawnSync(bin, ['simulate', 'node_modules/headroom/scenarios/llama-3.1-8b-h100-chat.yaml', '--set', 'stop.requests=100', '--json'], { cwd: project, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).requests.completed).toBe(100);
  });
});
