import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowNetwork, type FlowHandle } from '../../../engine/fabric/flow-network.js';
import { Kernel, type EventHandle, type EventHandler } from '../../../engine/kernel/simulation-clock.js';

/** A kernel that counts the flow network's live (scheduled, not cancelled, not yet fired) events. */
class CountingKernel extends Kernel {
  live = 0;
  mostLive = 0;
  scheduled = 0;

  override at(at: number, kind: string, handler: EventHandler, priority?: number): EventHandle {
    if (kind !== 'fabric-flow') return super.at(at, kind, handler, priority);
    this.scheduled++;
    this.live++;
    this.mostLive = Math.max(this.mostLive, this.live);
    const handle: EventHandle = super.at(
      at,
      kind,
      () => {
        this.live--;
        handler();
      },
      priority,
    );
    return handle;
  }

  override cancel(handle: EventHandle): void {
    if (handle.kind === 'fabric-flow' && !handle.cancelled) this.live--;
    super.cancel(handle);
  }
}

const GB = 1e9;
const close = (actual: number, expected: number, relative = 1e-12) =>
  expect(Math.abs(actual - expected), `observed ${actual}, expected ${expected} (relative tolerance ${relative})`).toBeLessThanOrEqual(Math.abs(expected) * relative);

function recorder() {
  const landed: { id: number; at: number }[] = [];
  return { landed, onDone: (flow: FlowHandle) => landed.push({ id: flow.id, at: flow.endedAt! }) };
}

describe('FlowNetwork: flows sharing links max-min fairly on the kernel', () => {
  it('gives one flow on a link the link: it lands at bytes / capacity plus its latency', () => {
    const kernel = new Kernel();
    const net = new FlowNetwork(kernel, [{ capacity: 50 * GB }]);
    const { landed, onDone } = recorder();
    const flow = net.start({ path: [0], bytes: 1e9, latencySeconds: 4e-6, tag: 'kv-transfer', owner: 3, onDone });
    expect(net.rateOf(flow)).toBe(50 * GB);
    kernel.run();
    expect(landed).toHaveLength(1);
    close(landed[0]!.at, 1e9 / (50 * GB) + 4e-6);
    expect(flow.state).toBe('done');
  });

  it('gives n equal flows on one link 1/n each, and they land together in one event', () => {
    const kernel = new CountingKernel();
    const net = new FlowNetwork(kernel, [{ capacity: 100 * GB }]);
    const { landed, onDone } = recorder();
    const flows = net.startAll(Array.from({ length: 4 }, () => ({ path: [0], bytes: 1e9, tag: 't', owner: 0, onDone })));
    for (const f of flows) expect(net.rateOf(f)).toBe(25 * GB);
    kernel.run();
    expect(landed.map((l) => l.id)).toEqual(flows.map((f) => f.id));
    for (const l of landed) close(l.at, (4 * 1e9) / (100 * GB));
    expect(kernel.eventsFired).toBe(1);
    expect(net.recomputations).toBe(2); // the start batch, the common end
  });

  it('recomputes rates only when a flow starts or ends, with one live kernel event at a time', () => {
    // A (2 GB) starts at 0 alone; B (1 GB) joins at 1 s on the same 1 GB/s link. Until 1 s A moves
    // 1 GB; then each has 1 GB left at 0.5 GB/s, and both land at 3 s together.
    const kernel = new CountingKernel();
    const net = new FlowNetwork(kernel, [{ capacity: 1 * GB }]);
    const { landed, onDone } = recorder();
    net.start({ path: [0], bytes: 2e9, tag: 'a', owner: 0, onDone });
    kernel.at(1, 'test-start', () => {
      net.start({ path: [0], bytes: 1e9, tag: 'b', owner: 1, onDone });
    });
    kernel.run();
    expect(landed.map((l) => l.at)).toEqual([3, 3]);
    // Events: the test's own start and one fabric event for the common end; the event first
    // scheduled at 2 s was cancelled when B arrived, never fired.
    expect(kernel.eventsFired).toBe(2);
    expect(net.events).toBe(1);
    expect(net.recomputations).toBe(3);
    expect(kernel.mostLive).toBe(1);
    expect(kernel.scheduled).toBe(2);
  });

  it('speeds the others up when a flow is cancelled, never calls the cancelled flow back, and keeps what it moved', () => {
    const kernel = new Kernel();
    const net = new FlowNetwork(kernel, [{ capacity: 1 * GB }]);
    const { landed, onDone } = recorder();
    const a = net.start({ path: [0], bytes: 2e9, tag: 'kv-transfer', owner: 0, onDone });
    const b = net.start({ path: [0], bytes: 2e9, tag: 'tp-allreduce', owner: 1, onDone });
    kernel.at(1, 'test-cancel', () => net.cancel(b));
    kernel.run();
    // 0..1 s: 0.5 GB/s each; then A alone moves its last 1.5 GB at 1 GB/s.
    expect(landed).toEqual([{ id: a.id, at: 2.5 }]);
    expect(b.state).toBe('cancelled');
    expect(b.endedAt).toBe(1);
    net.cancel(b); // harmless twice
    const usage = net.usage(0);
    close(usage.busyBytes, 2.5e9);
    expect(usage.byTag).toEqual([
      { tag: 'kv-transfer', bytes: 2e9 },
      { tag: 'tp-allreduce', bytes: 0.5e9 },
    ]);
    expect(usage.byOwner).toEqual([
      { owner: 0, bytes: 2e9 },
      { owner: 1, bytes: 0.5e9 },
    ]);
  });

  it('cancels a flow waiting out its latency: it never lands', () => {
    const kernel = new Kernel();
    const net = new FlowNetwork(kernel, [{ capacity: 1 * GB }]);
    const { landed, onDone } = recorder();
    const flow = net.start({ path: [0], bytes: 1e9, latencySeconds: 1, tag: 't', owner: 0, onDone });
    kernel.at(1.5, 'test-cancel', () => net.cancel(flow));
    kernel.run();
    expect(landed).toEqual([]);
    expect(flow.state).toBe('cancelled');
    expect(net.activeFlows).toBe(0);
  });

  it('lands a flow on an empty path (or of zero bytes) after its latency only, from a kernel event', () => {
    const kernel = new Kernel();
    const net = new FlowNetwork(kernel, [{ capacity: 1 }]);
    const { landed, onDone } = recorder();
    net.start({ path: [], bytes: 1e12, latencySeconds: 2e-6, tag: 'local', owner: 0, onDone });
    net.start({ path: [0], bytes: 0, latencySeconds: 0, tag: 'empty', owner: 0, onDone });
    expect(landed).toEqual([]); // never synchronously
    kernel.run();
    expect(landed.map((l) => l.at)).toEqual([0, 2e-6]);
    expect(net.usage(0).busyBytes).toBe(0);
  });

  it('leaves flows on other links alone: a start elsewhere recomputes only its own group', () => {
    const kernel = new Kernel();
    const net = new FlowNetwork(kernel, [{ capacity: 1 * GB }, { capacity: 1 * GB }]);
    const { onDone } = recorder();
    const a = net.start({ path: [0], bytes: 1e9, tag: 't', owner: 0, onDone });
    const b = net.start({ path: [1], bytes: 1e9, tag: 't', owner: 0, onDone });
    expect(net.rateOf(a)).toBe(1 * GB);
    expect(net.rateOf(b)).toBe(1 * GB);
    kernel.run();
    expect(net.usage(0).peakUtilization).toBe(1);
  });

  it('keeps a bounded utilization profile and its mean per link', () => {
    const kernel = new Kernel();
    const net = new FlowNetwork(kernel, [{ capacity: 1 * GB }], { seriesBuckets: 8, seriesInitialSeconds: 0.5 });
    net.start({ path: [0], bytes: 1e9, tag: 't', owner: 0, onDone: () => {} });
    kernel.at(3.9, 'test-end', () => {});
    kernel.run();
    const usage = net.usage(0);
    close(usage.meanUtilization, 1 / 3.9);
    expect(usage.profile!.bucketSeconds).toBe(0.5);
    expect(usage.profile!.utilization).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    kernel.at(40, 'test-later', () => {});
    kernel.run();
    const later = net.usage(0).profile!;
    // 40 s no longer fit 8 buckets of 0.5 s: the width doubled to 8 s, and the first bucket averages 1 s busy in 8.
    expect(later.bucketSeconds).toBe(8);
    expect(later.utilization).toEqual([1 / 8, 0, 0, 0, 0]);
  });

  it('refuses bad flows: unknown links, a link crossed twice, negative bytes', () => {
    const net = new FlowNetwork(new Kernel(), [{ capacity: 1 }]);
    const base = { tag: 't', owner: 0, onDone: () => {} };
    expect(() => net.start({ ...base, path: [1], bytes: 1 })).toThrow(/link 1/);
    expect(() => net.start({ ...base, path: [0, 0], bytes: 1 })).toThrow(/twice/);
    expect(() => net.start({ ...base, path: [0], bytes: -1 })).toThrow(/bytes/);
    expect(() => new FlowNetwork(new Kernel(), [{ capacity: 0 }])).toThrow(/capacity/);
  });

  /** Random fabrics and flows starting at random times. */
  const scenario = fc
    .array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 })
    .chain((capacities) =>
      fc.record({
        capacities: fc.constant(capacities),
        flows: fc.array(
          fc.record({
            path: fc.uniqueArray(fc.integer({ min: 0, max: capacities.length - 1 }), { minLength: 0, maxLength: capacities.length }),
            bytes: fc.integer({ min: 0, max: 1000 }),
            start: fc.integer({ min: 0, max: 20 }),
            latency: fc.constantFrom(0, 0.5, 2),
            cancelAt: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
      }),
    );

  function play({ capacities, flows }: { capacities: number[]; flows: { path: number[]; bytes: number; start: number; latency: number; cancelAt?: number }[] }) {
    const kernel = new CountingKernel();
    const net = new FlowNetwork(kernel, capacities.map((capacity) => ({ capacity })));
    const handles: (FlowHandle | undefined)[] = [];
    const landedAt = new Map<number, number>();
    flows.forEach((f, i) => {
      kernel.at(f.start, 'test-start', () => {
        handles[i] = net.start({ path: f.path, bytes: f.bytes, latencySeconds: f.latency, tag: `tag${i % 3}`, owner: i % 2, onDone: (h) => landedAt.set(i, h.endedAt!) });
      });
      if (f.cancelAt !== undefined) kernel.at(f.cancelAt, 'test-cancel', () => handles[i] !== undefined && net.cancel(handles[i]!));
    });
    kernel.run();
    return { kernel, net, handles, landedAt };
  }

  it('conserves bytes: every link carried exactly what its flows moved, by tag and by owner', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { net, handles } = play(s);
        const expected = s.capacities.map(() => 0);
        s.flows.forEach((f, i) => {
          const h = handles[i]!;
          const moved = h.state === 'cancelled' ? f.bytes - net.remainingBytes(h) : f.bytes;
          for (const l of f.path) expected[l]! += moved;
        });
        s.capacities.forEach((cap, l) => {
          const usage = net.usage(l);
          expect(Math.abs(usage.busyBytes - expected[l]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected[l]!));
          const byTag = usage.byTag.reduce((sum, t) => sum + t.bytes, 0);
          const byOwner = usage.byOwner.reduce((sum, o) => sum + o.bytes, 0);
          expect(Math.abs(byTag - expected[l]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected[l]!));
          expect(Math.abs(byOwner - expected[l]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected[l]!));
          expect(usage.peakUtilization).toBeLessThanOrEqual(1 + 1e-9);
          expect(cap).toBeGreaterThan(0);
        });
      }),
    );
  });

  it('lands every uncancelled flow no sooner than it could alone, and keeps one live kernel event at most', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { kernel, handles, landedAt } = play(s);
        expect(kernel.mostLive).toBeLessThanOrEqual(1);
        expect(kernel.live).toBe(0);
        s.flows.forEach((f, i) => {
          const h = handles[i]!;
          if (h.state === 'cancelled') {
            expect(landedAt.has(i)).toBe(false);
            return;
          }
          expect(h.state).toBe('done');
          const alone = f.path.length === 0 || f.bytes === 0 ? 0 : f.bytes / Math.min(...f.path.map((l) => s.capacities[l]!));
          expect(landedAt.get(i)!).toBeGreaterThanOrEqual(f.start + alone + f.latency - 1e-9);
        });
      }),
    );
  });

  it('gives the same landing times on the same input (no hidden state, no randomness)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect([...play(s).landedAt]).toEqual([...play(s).landedAt]);
      }),
    );
  });
});
