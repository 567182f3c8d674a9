import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { locateUpward } from '../../engine/input/locate-upward.js';

/**
 * Real measurements live beside the project at ../shared/data (read in place, never copied).
 * A user's clone has no ../shared: tests that need it skip with a printed reason there, and fail
 * under CI=true, where their absence means the check did not run.
 */
function findProjectRoot(): string {
  // Walk up to the package.json: right from test/helpers and from the compiled dist/test/helpers.
  const packageJson = locateUpward(import.meta.url, ['package.json']);
  if (packageJson === null) throw new Error('shared-data: no package.json above test/helpers');
  return dirname(packageJson);
}
const projectRoot = findProjectRoot();
export const SHARED_DATA = resolve(projectRoot, '..', 'shared', 'data');

export function sharedDataPath(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

/** True when the shared data is here. Under CI=true a missing folder throws instead of skipping. */
export function hasSharedData(...parts: string[]): boolean {
  const path = sharedDataPath(...parts);
  if (existsSync(path)) return true;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but ${path} is missing: the checks against real measurements cannot run`);
  }
  console.warn(`skipping: ${path} not found (real-measurement checks need ../shared/data beside the project)`);
  return false;
}
