import { EventBudgetExceeded, InvalidScheduleTime } from './kernel-errors.js';
import { EventQueue, PRIORITY } from './event-queue.js';

export type EventHandler = () => void;

/** A scheduled event. Keep the handle to cancel it; `kind` names it in traces and errors. */
export interface EventHandle {
  readonly time: number;
  readonly priority: number;
  readonly sequence: number;
  readonly kind: string;
  cancelled: boolean;
}

interface ScheduledEvent extends EventHandle {
  readonly handler: EventHandler;
}

export interface RunOptions {
  /** Stop before the first event later than this time (the clock then reads `until`). */
  until?: number;
  /** Most events this run may fire; exceeding it throws EventBudgetExceeded. */
  eventBudget?: number;
}

export interface RunOutcome {
  eventsFired: number;
  /** True when the queue emptied; false when `until` stopped the run first. */
  drained: boolean;
}

/**
 * The discrete-event kernel: a clock in seconds and a queue of handlers. It knows nothing of what
 * the handlers model. All run state lives on the instance, so runs never share anything.
 */
export class Kernel {
  private clock = 0;
  private nextSequence = 0;
  private fired = 0;
  private readonly queue = new EventQueue<ScheduledEvent>();

  /** Current simulated time in seconds. */
  get now(): number {
    return this.clock;
  }

  get eventsFired(): number {
    return this.fired;
  }

  get pending(): number {
    return this.queue.size;
  }

  /**
   * True when another event waits at the current instant (possibly a cancelled one: callers use it
   * to decide whether to defer work to the end of the instant, where a false positive only costs
   * one event).
   */
  get moreAtThisInstant(): boolean {
    const next = this.queue.peek();
    return next !== undefined && next.time === this.clock;
  }

  /** Schedules `handler` at absolute time `at` (>= now). */
  at(at: number, kind: string, handler: EventHandler, priority: number = PRIORITY.NORMAL): EventHandle {
    if (!(at >= this.clock) || !Number.isFinite(at)) throw new InvalidScheduleTime(at, this.clock, kind);
    const event: ScheduledEvent = { time: at, priority, sequence: this.nextSequence++, kind, handler, cancelled: false };
    this.queue.push(event);
    return event;
  }

  /** Schedules `handler` after `delay` seconds (>= 0). */
  after(delay: number, kind: string, handler: EventHandler, priority: number = PRIORITY.NORMAL): EventHandle {
    return this.at(this.clock + delay, kind, handler, priority);
  }

  /** Cancels a pending event; it is skipped when its time comes. Cancelling twice is harmless. */
  cancel(handle: EventHandle): void {
    handle.cancelled = true;
  }

  /** Fires events in order until the queue empties, `until` is reached, or the budget runs out. */
  run(options: RunOptions = {}): RunOutcome {
    const until = options.until ?? Infinity;
    const budget = options.eventBudget ?? Infinity;
    const queue = this.queue;
    let firedThisRun = 0;
    for (;;) {
      const next = queue.peek();
      if (next === undefined) return { eventsFired: firedThisRun, drained: true };
      if (next.time > until) {
        this.clock = until;
        return { eventsFired: firedThisRun, drained: false };
      }
      queue.pop();
      if (next.cancelled) continue;
      if (this.fired >= budget) throw new EventBudgetExceeded(budget, this.clock);
      this.clock = next.time;
      this.fired++;
      firedThisRun++;
      next.handler();
    }
  }
}
