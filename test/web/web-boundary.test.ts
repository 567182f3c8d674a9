import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.ts$/.test(path) ? [path] : [];
  });
}

/** Import statements of a file: [whole statement, specifier]. */
const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^import\s[^;]*?from\s+'([^']+)';/gms)].map((m) => [m[0], m[1]!] as const);

describe('web/ boundaries (STYLE.md: web/ imports only result types)', () => {
  it('web/src imports from engine/ and analyzers/ only with `import type`', () => {
    for (const file of sources('web/src')) {
      for (const [statement, spec] of imports(file)) {
        if (/(^|\/)(engine|analyzers|reports)\//.test(spec)) expect(statement, `${file}: ${statement}`).toMatch(/^import type /);
      }
    }
  });

  it('the data shaping (web/src/shape, format) touches no DOM and no d3, so it runs and is tested in Node', () => {
    for (const file of [...sources('web/src/shape'), 'web/src/format.ts']) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\bdocument\.|\bwindow\.|from 'd3'/);
    }
  });

  it('no web/src file sets innerHTML, outerHTML or insertAdjacentHTML, or uses d3 .html()', () => {
    for (const file of sources('web/src')) {
      // Code only: comments may name what the code avoids.
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|\.html\(/);
    }
  });
});
