import { writeFileAtomically } from '../write-file-atomically.js';
import { toJson } from '../writers/json.js';

export interface OutputOptions {
  json?: boolean;
  output?: string;
}

/**
 * Shared output rule of every command: `--json` prints only the JSON on stdout; `-o` writes it
 * atomically; otherwise the human text. With -o and no --json the text still goes to stdout.
 */
export function emit(result: unknown, human: () => string, options: OutputOptions): void {
  if (options.output !== undefined) writeFileAtomically(options.output, toJson(result));
  if (options.json) process.stdout.write(toJson(result));
  else {
    process.stdout.write(human());
    if (options.output !== undefined) process.stdout.write(`wrote ${options.output}\n`);
  }
}
