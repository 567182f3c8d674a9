/** The CLI's exit codes (DESIGN.md): the only place they are defined. */
export const EXIT = {
  OK: 0,
  /** An SLO or threshold check failed. */
  CHECK_FAILED: 1,
  /** Invalid input or usage: nothing was simulated, nothing written. */
  INVALID_INPUT: 2,
  /** A bug in Headroom itself. */
  INTERNAL: 3,
} as const;

/** Thrown by commands to end with a given code and message (usage errors found after parsing). */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}
