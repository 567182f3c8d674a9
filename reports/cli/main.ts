#!/usr/bin/env node
import { CommanderError } from 'commander';
import { RunStopped } from '../../engine/kernel/kernel-errors.js';
import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import { safeOutput } from '../../engine/input/terminal-text.js';
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
        process.stderr.write(`internal error (a bug in Headroom; please report it):\n${safeOutput(error.message)}\n`);
        return EXIT.INTERNAL;
      }
      process.stderr.write(`error: invalid scenario\n${safeOutput(error.message)}\n`);
      return EXIT.INVALID_INPUT;
    }
    if (error instanceof RunStopped) {
      process.stderr.write(`error: ${safeOutput(error.message)}\n`);
      return EXIT.INVALID_INPUT;
    }
    if (error instanceof ExitError) {
      process.stderr.write(`error: ${safeOutput(error.message)}\n`);
      return error.code;
    }
    process.stderr.write(`internal error (a bug in Headroom; please report it): ${safeOutput(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return EXIT.INTERNAL;
  }
}

// A reader that stops early (`headroom simulate --json | head`) closes the pipe: that is the
// reader's choice, not a failure, so the process ends quietly with exit 0. Any other write error
// (a full disk behind a redirect) means the output is lost: exit 2 with a message, never 1 (a
// failed threshold) and never a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.OK);
    const which = stream === process.stdout ? 'standard output' : 'standard error';
    try {
      if (stream === process.stdout) process.stderr.write(`error: cannot write to ${which} (${error.code ?? error.message}); the output is incomplete\n`);
    } catch {
      // stderr is gone too: the exit code is all that is left.
    }
    process.exit(EXIT.INVALID_INPUT);
  });
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
