// npm run build, after tsc: bundles the CLI (and its simulation worker) into one module graph.
// Run from dist/ as tsc leaves it, Node resolves, reads and compiles ~190 files (ours and our
// dependencies') before `headroom simulate` starts: a fifth of a short command's wall time. The
// bundle is dist/reports/cli/headroom.js (package.json's bin; tsc's main.js beside it stays a
// working unbundled CLI), the worker goes beside it, shared code and each lazily imported command
// into dist/reports/cli/bundle/. piscina stays external: it starts workers from files of its own.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const out = 'dist/reports/cli';
rmSync(`${out}/bundle`, { recursive: true, force: true });
await build({
  entryPoints: { headroom: `${out}/main.js`, 'simulate-worker': 'dist/analyzers/simulate-worker.js' },
  outdir: out,
  chunkNames: 'bundle/[name]-[hash]',
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['piscina'],
  // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins.
  banner: { js: "import { createRequire as headroomCreateRequire } from 'node:module'; const require = headroomCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
