import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { unsafeTarget, writeFileAtomically } from '../write-file-atomically.js';
import { safeLine, safeOutput } from '../../engine/input/terminal-text.js';
import { toJson } from '../writers/json.js';
import { EXIT, ExitError } from './exit-codes.js';

export interface OutputOptions {
  json?: boolean;
  output?: string;
}

/**
 * Fails fast, before any simulation, when `-o path` could not be written: the path is a folder,
 * or its nearest existing ancestor is not a writable folder.
 */
export function checkOutputPath(path: string | undefined, flag = '-o'): void {
  if (path === undefined) return;
  const full = resolve(path);
  const fail = (why: string): never => {
    throw new ExitError(EXIT.INVALID_INPUT, `${flag} ${path}: cannot write there (${why})`);
  };
  const unsafe = unsafeTarget(full);
  if (unsafe !== null) fail(unsafe);
  let dir = dirname(full);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) fail(`${dir} is a file, not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    fail(`${dir} is not writable`);
  }
}

/**
 * Fails fast when two paths name one file: an output over an input (`-o` onto the scenario or a
 * result being drawn) or two outputs on one path (`--junit` and `--summary`). Links and `..` are
 * resolved, so another spelling of the same file is caught too.
 */
export function checkDistinctPaths(outputs: readonly { flag: string; path: string | undefined }[], inputs: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const input of inputs) seen.set(canonical(input), `the input ${input}`);
  for (const { flag, path } of outputs) {
    if (path === undefined) continue;
    const key = canonical(path);
    const clash = seen.get(key);
    if (clash !== undefined) throw new ExitError(EXIT.INVALID_INPUT, `${flag} ${path}: cannot write there (it is ${clash}); give another file`);
    seen.set(key, `${flag} ${path}`);
  }
}

/** The real path of a file (links and `..` resolved), or its absolute path when it does not exist yet. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Shared output rule of every command: `--json` prints only the JSON on stdout; `-o` writes it
 * atomically; otherwise the human text. With -o and no --json the text still goes to stdout.
 */
export function emit(result: unknown, human: () => string, options: OutputOptions): void {
  if (options.output !== undefined) {
    try {
      writeFileAtomically(options.output, toJson(result));
    } catch (error) {
      throw new ExitError(EXIT.INVALID_INPUT, `-o ${options.output}: cannot write (${(error as Error).message})`);
    }
  }
  if (options.json) process.stdout.write(toJson(result));
  else {
    process.stdout.write(safeOutput(human()));
    if (options.output !== undefined) process.stdout.write(`wrote ${safeLine(options.output)}\n`);
  }
}
