import { scenarioJsonSchema } from '../../../engine/scenario/scenario-json-schema.js';
import { writeFileAtomically } from '../../write-file-atomically.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { checkOutputPath } from '../output.js';

/** `headroom schema`: the scenario format's JSON Schema, on stdout or to a file. */
export function schemaCommand(options: { output?: string }): void {
  checkOutputPath(options.output);
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (options.output === undefined) process.stdout.write(text);
  else {
    try {
      writeFileAtomically(options.output, text);
    } catch (error) {
      throw new ExitError(EXIT.INVALID_INPUT, `-o ${options.output}: cannot write (${(error as Error).message})`);
    }
    process.stdout.write(`wrote ${safeLine(options.output)}\n`);
  }
}
