#!/usr/bin/env node
import { CommanderError } from 'commander';
import { EventBudgetExceeded } from '../../engine/kernel/kernel-errors.js';
import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import { EXIT, ExitError } from './exit-codes.js';
import { buildProgram } from './program.js';

/** The one place that turns errors into messages and exit codes. */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? EXIT.OK : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      return error.exitCode === 0 ? EXIT.OK : EXIT.INVALID_INPUT;
    }
    if (error instanceof ScenarioError) {
      // A bug met while validating is Headroom's, not the input's.
      if (error.issues.some((i) => i.internal)) {
        process.stderr.write(`internal error (a bug in Headroom; please report it):\n${error.message}\n`);
        return EXIT.INTERNAL;
      }
      process.stderr.write(`error: invalid scenario\n${error.message}\n`);
      return EXIT.INVALID_INPUT;
    }
    if (error instanceof EventBudgetExceeded) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.INVALID_INPUT;
    }
    if (error instanceof ExitError) {
      process.stderr.write(`error: ${error.message}\n`);
      return error.code;
    }
    process.stderr.write(`internal error (a bug in Headroom; please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.INTERNAL;
  }
}

// A reader that stops early (`headroom simulate --json | head`) closes the pipe: that is the
// reader's choice, not a failure, so the process ends quietly with exit 0.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.OK);
    throw error;
  });
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
