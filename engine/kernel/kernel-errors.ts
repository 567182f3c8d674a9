/** Errors the kernel raises when a simulation asks for something impossible. */

/**
 * A run stopped on purpose because it passed one of its budgets (events, requests waiting): the
 * scenario asks for more work than it can finish, an input problem (exit 2), not a bug. Carries
 * only its message, so it survives the trip back from a worker thread intact (see run-points.ts).
 */
export class RunStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunStopped';
  }
}

/** The run needed more events than its budget allows: a runaway scenario, stopped instead of hanging. */
export class EventBudgetExceeded extends RunStopped {
  constructor(
    readonly budget: number,
    readonly simulatedSeconds: number,
  ) {
    super(
      `event budget of ${budget} events exceeded at simulated time ${simulatedSeconds.toFixed(3)} s; ` +
        'raise limits.eventBudget or shorten the run (stop.requests / stop.duration)',
    );
    this.name = 'EventBudgetExceeded';
  }
}

/** More requests were in the system at once than limits.maxInSystem: the deployment cannot keep up. */
export class TooManyInSystem extends RunStopped {
  constructor(limit: number, simulatedSeconds: number, arrived: number) {
    super(
      `${limit} requests were in the system at once at simulated time ${simulatedSeconds.toFixed(3)} s (after ${arrived} arrivals): ` +
        'the deployment is falling behind its load and the queue grows without bound; lower the rate, shorten the run ' +
        '(stop.requests / stop.duration) or raise limits.maxInSystem',
    );
    this.name = 'TooManyInSystem';
  }
}

/** Something tried to schedule an event before the current time or at a non-finite time. */
export class InvalidScheduleTime extends Error {
  constructor(at: number, now: number, kind: string) {
    super(`cannot schedule "${kind}" at ${at} s: the clock is at ${now} s and never goes back`);
    this.name = 'InvalidScheduleTime';
  }
}
