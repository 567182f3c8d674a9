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
});
