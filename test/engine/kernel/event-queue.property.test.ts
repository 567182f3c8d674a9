import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, firesBefore } from '../../../engine/kernel/event-queue.js';

interface E {
  time: number;
  priority: number;
  sequence: number;
}

describe('EventQueue', () => {
  it('pop() returns events ordered by (time, priority, sequence) for any insertion order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: 0, max: 3 }) }), { maxLength: 300 }),
        (items) => {
          const q = new EventQueue<E>();
          items.forEach((it, sequence) => q.push({ ...it, sequence }));
          const out: E[] = [];
          for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e);
          expect(out).toHaveLength(items.length);
          for (let i = 1; i < out.length; i++) expect(firesBefore(out[i]!, out[i - 1]!)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('pop() gives same-time, same-priority events back in scheduling order', () => {
    const q = new EventQueue<E>();
    for (let sequence = 0; sequence < 50; sequence++) q.push({ time: 1, priority: 2, sequence });
    const order: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) order.push(e.sequence);
    expect(order).toEqual([...Array(50).keys()]);
  });

  it('pop() on an empty queue returns undefined', () => {
    expect(new EventQueue<E>().pop()).toBeUndefined();
  });
});
