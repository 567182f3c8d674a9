import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { locateUpward } from '../../../engine/input/locate-upward.js';
import { CLI, PROJECT_ROOT } from '../../cli/run-cli.js';

describe('locateUpward: how built modules find the package files wherever the build put them', () => {
  const root = mkdtempSync(join(tmpdir(), 'headroom-locate-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // A package laid out as the bundle lays it out: dist/reports/cli/bundle/chunk.js.
  const chunkDir = join(root, 'pkg', 'dist', 'reports', 'cli', 'bundle');
  mkdirSync(chunkDir, { recursive: true });
  mkdirSync(join(root, 'pkg', 'dist', 'report-app'), { recursive: true });
  writeFileSync(join(root, 'pkg', 'package.json'), '{}');
  writeFileSync(join(root, 'pkg', 'dist', 'report-app', 'index.html'), '');
  writeFileSync(join(root, 'pkg', 'dist', 'reports', 'cli', 'simulate-worker.js'), '');
  const chunk = pathToFileURL(join(chunkDir, 'chunk.js')).href;

  it('finds the nearest match above the module, trying the candidates in order at each level', () => {
    expect(locateUpward(chunk, ['simulate-worker.js'])).toBe(join(root, 'pkg', 'dist', 'reports', 'cli', 'simulate-worker.js'));
    expect(locateUpward(chunk, ['report-app/index.html', 'dist/report-app/index.html'])).toBe(join(root, 'pkg', 'dist', 'report-app', 'index.html'));
    expect(locateUpward(chunk, ['package.json'])).toBe(join(root, 'pkg', 'package.json'));
  });

  it('answers null when nothing matches up to the root', () => {
    expect(locateUpward(chunk, ['no-such-file-anywhere.headroom'])).toBeNull();
  });

  it("names the bundle as package.json's bin, with its worker beside it", () => {
    const bin = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { bin: { headroom: string } }).bin.headroom;
    expect(join(PROJECT_ROOT, bin)).toBe(CLI);
    expect(CLI.endsWith(join('dist', 'reports', 'cli', 'headroom.js'))).toBe(true);
    const built = pathToFileURL(join(CLI, '..', 'bundle', 'any.js')).href;
    expect(locateUpward(built, ['simulate-worker.js'])).toBe(join(CLI, '..', 'simulate-worker.js'));
  });
});
