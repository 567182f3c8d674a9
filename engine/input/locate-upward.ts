import { existsSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The first of `candidates` (paths relative to a directory) that exists in the directory of the
 * module at `moduleUrl` or in one above it, nearest first; null when none does. Built modules find
 * the package's other files this way wherever the build put them: tsc's dist/ mirrors the
 * sources, the bundled CLI (reports/cli/bundle.mjs) sits in dist/reports/cli/ with its chunks one
 * level deeper, and an installed package has the same shape under node_modules/.
 */
export function locateUpward(moduleUrl: string, candidates: readonly string[]): string | null {
  let dir = dirname(fileURLToPath(moduleUrl));
  const root = parse(dir).root;
  for (;;) {
    for (const candidate of candidates) {
      const path = join(dir, candidate);
      if (existsSync(path)) return path;
    }
    if (dir === root) return null;
    dir = dirname(dir);
  }
}
