/** Errors the kernel raises when a simulation asks for something impossible. */

/** The run needed more events than its budget allows: a runaway scenario, stopped instead of hanging. */
export class EventBudgetExceeded extends Error {
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

/** Something tried to schedule an event before the current time or at a non-finite time. */
export class InvalidScheduleTime extends Error {
  constructor(at: number, now: number, kind: string) {
    super(`cannot schedule "${kind}" at ${at} s: the clock is at ${now} s and never goes back`);
    this.name = 'InvalidScheduleTime';
  }
}
