import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allGatherSeconds,
  allToAllSeconds,
  hierarchicalAllReduceSeconds,
  ringAllReduceSeconds,
  sendRecvSeconds,
} from '../../../engine/step-time/collectives.js';

function expectClose(label: string, observed: number, expected: number, tolerance = 1e-12): void {
  expect(
    Math.abs(observed - expected) <= tolerance * Math.abs(expected),
    `${label}: observed ${observed}, expected ${expected}, relative tolerance ${tolerance}`,
  ).toBe(true);
}

describe('collectives', () => {
  it('ringAllReduceSeconds(64 MiB, 8, 450 GB/s, 1 us) moves 2 x 7/8 of the message over each link and pays 14 latency steps', () => {
    const bytes = 64 * 2 ** 20;
    expectClose('all-reduce', ringAllReduceSeconds(bytes, 8, 450, 1e-6), 14e-6 + (1.75 * bytes) / 450e9);
    expectClose('with efficiency and fixed cost', ringAllReduceSeconds(bytes, 8, 450, 1e-6, 0.5, 3e-5), 3e-5 + 14e-6 + (1.75 * bytes) / 225e9);
  });

  it('ringAllReduceSeconds, allGatherSeconds and allToAllSeconds over one GPU, or of 0 bytes, take 0 s', () => {
    for (const f of [ringAllReduceSeconds, allGatherSeconds, allToAllSeconds]) {
      expect(f(1e6, 1, 450, 1e-6, 0.8, 3e-5)).toBe(0);
      expect(f(0, 8, 450, 1e-6, 0.8, 3e-5)).toBe(0);
    }
    expect(sendRecvSeconds(0, 450, 1e-5)).toBe(0);
  });

  it('allGatherSeconds is half the bandwidth and latency of ringAllReduceSeconds; allToAllSeconds sends (n-1)/n of the buffer', () => {
    expectClose('all-gather', allGatherSeconds(1e6, 4, 100, 2e-6), 3 * 2e-6 + (0.75 * 1e6) / 100e9);
    expectClose('all-to-all', allToAllSeconds(1e6, 4, 100, 2e-6, 0.5), 3 * 2e-6 + (0.75 * 1e6) / 50e9);
  });

  it('sendRecvSeconds(bytes, GBps, latency, efficiency) is latency + bytes / (GBps x efficiency)', () => {
    expectClose('send/recv', sendRecvSeconds(8e6, 400, 5e-6, 0.8), 5e-6 + 8e6 / 320e9);
  });

  it('ringAllReduceSeconds rejects negative bytes, n < 1 and non-positive bandwidth with a RangeError', () => {
    expect(() => ringAllReduceSeconds(-1, 2, 100, 0)).toThrow(RangeError);
    expect(() => ringAllReduceSeconds(1, 0, 100, 0)).toThrow(RangeError);
    expect(() => ringAllReduceSeconds(1, 2, 0, 0)).toThrow(RangeError);
    expect(() => sendRecvSeconds(Number.NaN, 100, 0)).toThrow(RangeError);
  });

  it('ringAllReduceSeconds is non-decreasing in bytes and in ring length, and never below the bandwidth term', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e10, noNaN: true }),
        fc.double({ min: 0, max: 1e10, noNaN: true }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        (a, b, n, gbps) => {
          const [small, large] = a <= b ? [a, b] : [b, a];
          const t = (bytes: number, gpus: number): number => ringAllReduceSeconds(bytes, gpus, gbps, 1e-6, 0.8, 2e-5);
          return (
            t(small, n) <= t(large, n) &&
            t(large, n) <= t(large, n + 1) &&
            t(large, n) >= (n === 1 || large === 0 ? 0 : ((2 * (n - 1)) / n) * large / (gbps * 1e9))
          );
        },
      ),
    );
  });

  describe('hierarchical all-reduce (a TP group spanning nodes)', () => {
    const nvlink = { GBps: 450, latencySeconds: 1e-6 };
    const ndr = { GBps: 50, latencySeconds: 4e-6 };

    it('on one node it is the ring all-reduce', () => {
      for (const bytes of [2048, 1 << 20, 1 << 28]) {
        expectClose(`${bytes} B`, hierarchicalAllReduceSeconds(bytes, 8, 1, nvlink, ndr, 0.8, 2e-5), ringAllReduceSeconds(bytes, 8, 450, 1e-6, 0.8, 2e-5));
      }
    });

    it('across two nodes of 8 it pays two network steps and the NIC carries 1/8 of the message each way', () => {
      const bytes = 1 << 30;
      // NIC: 2(k-1)/k x bytes/8 at 50 GB/s = 2.68 ms; NVLink: 2 x 7/8 x bytes at 450 GB/s = 4.18 ms: NVLink is busier.
      expectClose('2 nodes', hierarchicalAllReduceSeconds(bytes, 8, 2, nvlink, ndr), 14e-6 + 8e-6 + (1.75 * bytes) / 450e9);
      // At a quarter of the NIC speed the network phase sets the time.
      const slowNic = { GBps: 12.5, latencySeconds: 4e-6 };
      expectClose('slow NIC', hierarchicalAllReduceSeconds(bytes, 8, 2, nvlink, slowNic), 14e-6 + 8e-6 + bytes / 8 / 12.5e9);
    });

    it('small messages (decode) cost latency: more nodes, more network steps', () => {
      const t = (k: number) => hierarchicalAllReduceSeconds(16 * 1024, 8, k, nvlink, ndr);
      expect(t(2)).toBeGreaterThan(t(1));
      expect(t(4) - t(2)).toBeCloseTo(4 * 4e-6, 6);
    });
  });
});
