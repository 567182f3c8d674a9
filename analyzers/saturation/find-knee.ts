/**
 * The knee search: from a starting rate, double (or halve) until the SLO's verdict flips, then
 * bisect between the last rate that meets it and the first that does not, until they are within
 * `precision` of each other (relative). `meets` evaluates a rate (running its simulations).
 */
export interface KneeSearchOptions {
  start: number;
  precision: number;
  minRate: number;
  maxRate: number;
  meets: (rate: number) => Promise<boolean>;
}

export type KneeSearchOutcome =
  | { found: true; lo: number; hi: number }
  | { found: false; reason: string; lo: number | null; hi: number | null };

export async function findKnee({ start, precision, minRate, maxRate, meets }: KneeSearchOptions): Promise<KneeSearchOutcome> {
  let lo: number;
  let hi: number;
  if (await meets(start)) {
    lo = start;
    for (;;) {
      const next = lo * 2;
      if (next > maxRate) {
        return { found: false, reason: `the SLO still holds at ${fmt(lo)} req/s; no knee below the ${fmt(maxRate)} req/s search limit`, lo, hi: null };
      }
      if (!(await meets(next))) {
        hi = next;
        break;
      }
      lo = next;
    }
  } else {
    hi = start;
    for (;;) {
      const next = hi / 2;
      if (next < minRate) {
        return { found: false, reason: `the SLO is not met even at ${fmt(hi)} req/s (searched down to ${fmt(minRate)} req/s)`, lo: null, hi };
      }
      if (await meets(next)) {
        lo = next;
        break;
      }
      hi = next;
    }
  }
  return { found: true, ...(await bisectKnee(lo, hi, precision, meets)) };
}

/** Bisects between a rate that meets the SLO (lo) and one that does not (hi) until they are within `precision`. */
export async function bisectKnee(lo: number, hi: number, precision: number, meets: (rate: number) => Promise<boolean>): Promise<{ lo: number; hi: number }> {
  while ((hi - lo) / lo > precision) {
    const mid = (lo + hi) / 2;
    // Doubles ran out of room between lo and hi: the bracket cannot narrow any further.
    if (mid <= lo || mid >= hi) break;
    if (await meets(mid)) lo = mid;
    else hi = mid;
  }
  return { lo, hi };
}

/**
 * The rate where a curve first crosses 1 going up, interpolated linearly between the evaluated
 * rates around it (points sorted by rate); the first rate itself when it is already over 1; null
 * when the curve never crosses.
 */
export function firstCrossing(points: readonly { rate: number; value: number }[]): { rate: number } | null {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.value <= 1) continue;
    if (i === 0) return { rate: p.rate };
    const q = points[i - 1]!;
    const t = (1 - q.value) / (p.value - q.value);
    return { rate: q.rate + t * (p.rate - q.rate) };
  }
  return null;
}

function fmt(rate: number): string {
  return rate.toPrecision(3);
}
