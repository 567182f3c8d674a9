import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomically } from '../write-file-atomically.js';
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
  if (existsSync(full) && statSync(full).isDirectory()) fail('it is a folder; give a file name');
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
    process.stdout.write(human());
    if (options.output !== undefined) process.stdout.write(`wrote ${options.output}\n`);
  }
}
