import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);

describe('architecture rules (STYLE.md)', () => {
  it('engine/kernel imports nothing outside the kernel (no domain words in the core)', () => {
    for (const file of sources('engine/kernel')) {
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        expect(spec.startsWith('./'), `${file} imports ${spec}`).toBe(true);
      }
    }
  });

  it('engine/ never imports analyzers/ or reports/ (dependency direction)', () => {
    for (const file of sources('engine')) {
      for (const spec of importsOf(file)) expect(spec, `${relative('.', file)} imports ${spec}`).not.toMatch(/(analyzers|reports)\//);
    }
  });

  it('engine/ uses no Math.random and no wall clock (Date.now, new Date, performance.now)', () => {
    for (const file of sources('engine')) {
      // Code only: comments may say what the code avoids.
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(text, file).not.toMatch(/Math\.random|Date\.now|new Date\(|performance\.now/);
    }
  });
});
