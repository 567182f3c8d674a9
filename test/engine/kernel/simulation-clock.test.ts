import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRIORITY } from '../../../engine/kernel/event-queue.js';
import { EventBudgetExceeded, InvalidScheduleTime } from '../../../engine/kernel/kernel-errors.js';
import { Kernel } from '../../../engine/kernel/simulation-clock.js';

describe('Kernel', () => {
  it('run() fires handlers in time order and the clock reads each event time', () => {
    const k = new Kernel();
    const seen: [string, number][] = [];
    k.at(2, 'b', () => seen.push(['b', k.now]));
    k.at(1, 'a', () => seen.push(['a', k.now]));
    k.after(3, 'c', () => seen.push(['c', k.now]));
    expect(k.run()).toEqual({ eventsFired: 3, drained: true });
    expect(seen).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('run() fires same-time events by priority, then in scheduling order', () => {
    const k = new Kernel();
    const seen: string[] = [];
    k.at(1, 'normal-1', () => seen.push('normal-1'), PRIORITY.NORMAL);
    k.at(1, 'completion', () => seen.push('completion'), PRIORITY.COMPLETION);
    k.at(1, 'normal-2', () => seen.push('normal-2'), PRIORITY.NORMAL);
    k.at(1, 'urgent', () => seen.push('urgent'), PRIORITY.URGENT);
    k.run();
    expect(seen).toEqual(['urgent', 'completion', 'normal-1', 'normal-2']);
  });

  it('cancel() skips the event without counting it', () => {
    const k = new Kernel();
    let fired = false;
    const h = k.at(1, 'x', () => (fired = true));
    k.cancel(h);
    expect(k.run().eventsFired).toBe(0);
    expect(fired).toBe(false);
  });

  it('at() refuses a time before now, NaN or Infinity', () => {
    const k = new Kernel();
    k.at(5, 'later', () => {
      expect(() => k.at(4, 'past', () => {})).toThrow(InvalidScheduleTime);
    });
    k.run();
    expect(() => k.at(Number.NaN, 'nan', () => {})).toThrow(InvalidScheduleTime);
    expect(() => k.at(Infinity, 'inf', () => {})).toThrow(InvalidScheduleTime);
  });

  it('run({ eventBudget }) throws EventBudgetExceeded instead of running forever', () => {
    const k = new Kernel();
    const tick = (): void => void k.after(1, 'tick', tick);
    k.at(0, 'tick', tick);
    expect(() => k.run({ eventBudget: 1000 })).toThrow(EventBudgetExceeded);
    expect(k.eventsFired).toBe(1000);
  });

  it('run({ until }) stops before later events and leaves the clock at until', () => {
    const k = new Kernel();
    k.at(10, 'late', () => {});
    expect(k.run({ until: 4 })).toEqual({ eventsFired: 0, drained: false });
    expect(k.now).toBe(4);
  });

  it('the clock never goes back, whatever handlers schedule (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 100 }), (delays) => {
        const k = new Kernel();
        let last = -1;
        let i = 0;
        const handler = (): void => {
          expect(k.now).toBeGreaterThanOrEqual(last);
          last = k.now;
          if (i < delays.length) k.after(delays[i++]!, 'e', handler);
        };
        for (const d of delays.slice(0, 5)) k.at(d, 'e', handler);
        k.run();
      }),
    );
  });

  describe('reserved events fired in place', () => {
    /**
     * A chain of steps (each schedules the next `delays[i]` later, at COMPLETION priority) among
     * other events at given times and priorities, the chain either queued (at) or reserved and
     * fired in place whenever it is next. Returns what fired, in order, with the clock.
     */
    function runChain(inPlace: boolean, delays: number[], others: { time: number; priority: number }[], options = {}): string[] {
      const k = new Kernel();
      const log: string[] = [];
      let i = 0;
      let pending: ReturnType<Kernel['reserve']> | null = null;
      const step = (): void => {
        log.push(`step${i}@${k.now}`);
        if (i >= delays.length) return;
        const delay = delays[i++]!;
        if (!inPlace) k.after(delay, 'step', onStep, PRIORITY.COMPLETION);
        else pending = k.reserve(k.now + delay, 'step', onStep, PRIORITY.COMPLETION);
      };
      const onStep = (): void => {
        step();
        while (pending !== null) {
          const next: ReturnType<Kernel['reserve']> = pending;
          pending = null;
          if (!k.fireInPlace(next)) {
            k.queueReserved(next);
            return;
          }
          step();
        }
      };
      others.forEach((o, j) => k.at(o.time, `other${j}`, () => log.push(`other${j}@${k.now}`), o.priority));
      k.at(0, 'step', onStep, PRIORITY.COMPLETION);
      try {
        const outcome = k.run(options);
        log.push(`outcome ${JSON.stringify(outcome)} fired ${k.eventsFired} now ${k.now}`);
      } catch (e) {
        log.push(`threw ${(e as Error).name} fired ${k.eventsFired} now ${k.now}`);
      }
      return log;
    }

    it('give the order, clock and counts the queue gives, whatever else is scheduled (property)', () => {
      const delays = fc.array(fc.oneof(fc.constant(1), fc.double({ min: 0, max: 5, noNaN: true })), { maxLength: 40 });
      const others = fc.array(
        fc.record({ time: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 60, noNaN: true })), priority: fc.constantFrom(0, 1, 2, 3) }),
        { maxLength: 20 },
      );
      const options = fc.oneof(fc.constant({}), fc.record({ until: fc.integer({ min: 0, max: 60 }) }), fc.record({ eventBudget: fc.integer({ min: 0, max: 50 }) }));
      fc.assert(
        fc.property(delays, others, options, (d, o, opts) => {
          expect(runChain(true, d, o, opts)).toEqual(runChain(false, d, o, opts));
        }),
      );
    });

    it('fire in place only while run() runs and nothing queued comes first', () => {
      const k = new Kernel();
      const early = k.reserve(1, 'early', () => {});
      expect(k.fireInPlace(early)).toBe(false); // not running: the caller queues it
      let inPlace: boolean[] = [];
      k.at(2, 'other', () => {}, PRIORITY.NORMAL);
      k.at(0, 'start', () => {
        inPlace = [k.fireInPlace(k.reserve(1, 'before-other', () => {})), k.fireInPlace(k.reserve(3, 'after-other', () => {}))];
      });
      k.run();
      expect(inPlace).toEqual([true, false]);
    });
  });
});
