import { EventBudgetExceeded, InvalidScheduleTime } from './kernel-errors.js';
import { EventQueue, firesBefore, PRIORITY } from './event-queue.js';

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

/**
 * An event whose place in the order is taken (its time, priority and sequence, as `at` gives them)
 * but which is not queued: its owner fires it in place when it is next (Kernel.fireInPlace), and
 * queues it only when something comes first (Kernel.queueReserved, the same object: one allocation
 * either way). A replica's step ends are this: most of them are the next event anyway, and firing
 * them in place skips the queue without changing any order.
 */
export type ReservedEvent = EventHandle;

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
  /** While run() runs: where it stops, the events it may fire, and how many it has fired. */
  private running = false;
  private until = Infinity;
  private budget = Infinity;
  private firedThisRun = 0;

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

  /**
   * Takes the place in the order of an event at absolute time `at` (>= now) without queueing it:
   * `handler` runs if it is queued (queueReserved); fired in place, its owner runs what it stands for.
   */
  reserve(at: number, kind: string, handler: EventHandler, priority: number = PRIORITY.NORMAL): ReservedEvent {
    if (!(at >= this.clock) || !Number.isFinite(at)) throw new InvalidScheduleTime(at, this.clock, kind);
    const event: ScheduledEvent = { time: at, priority, sequence: this.nextSequence++, kind, handler, cancelled: false };
    return event;
  }

  /**
   * Fires a reserved event now if run() would fire it next: nothing queued fires before it (a
   * cancelled event in front counts, as run() would look behind it), it is within `until` and the
   * budget. Then the clock is at its time and it is counted, exactly as if it had been queued and
   * popped; the caller runs its handler. False: the caller queues it (queueReserved).
   */
  fireInPlace(event: ReservedEvent): boolean {
    if (!this.running || event.time > this.until || this.fired >= this.budget) return false;
    const next = this.queue.peek();
    if (next !== undefined && !firesBefore(event, next)) return false;
    this.clock = event.time;
    this.fired++;
    this.firedThisRun++;
    return true;
  }

  /** Queues a reserved event at its place in the order; its handle cancels it like any. */
  queueReserved(event: ReservedEvent): EventHandle {
    this.queue.push(event as ScheduledEvent);
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
    if (this.running) throw new Error('Kernel.run: already running (a handler called run)');
    this.running = true;
    this.until = until;
    this.budget = budget;
    this.firedThisRun = 0;
    try {
      return this.loop(until, budget);
    } finally {
      this.running = false;
    }
  }

  private loop(until: number, budget: number): RunOutcome {
    const queue = this.queue;
    for (;;) {
      const next = queue.peek();
      if (next === undefined) return { eventsFired: this.firedThisRun, drained: true };
      if (next.time > until) {
        this.clock = until;
        return { eventsFired: this.firedThisRun, drained: false };
      }
      queue.pop();
      if (next.cancelled) continue;
      if (this.fired >= budget) throw new EventBudgetExceeded(budget, this.clock);
      this.clock = next.time;
      this.fired++;
      this.firedThisRun++;
      next.handler();
    }
  }
}
