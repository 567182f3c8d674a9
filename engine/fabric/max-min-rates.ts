/**
 * maxMinRates(paths, capacity) -> the max-min fair rate of each flow: progressive filling (water
 * filling). Every flow's rate rises from 0 at the same pace; when a link's capacity is used up,
 * the flows crossing it freeze at the rate they reached, and the others keep rising on what is
 * left. The result is the unique allocation where no flow can gain without taking from a flow
 * whose rate is already no higher (Bertsekas & Gallager, Data Networks, 2nd ed., section 6.5.2).
 *
 * `paths[f]` lists the link indices flow f crosses (at least one, none twice); `capacity(l)` is
 * link l's capacity in bytes per second (> 0). Rates come back in the order of `paths`, and do not
 * depend on that order. Pure: nothing is kept between calls. Cost: one pass over the links and
 * flows per distinct bottleneck level, so O(levels x (links + sum of path lengths)).
 */
export function maxMinRates(paths: readonly (readonly number[])[], capacity: (link: number) => number): number[] {
  // Dense local numbering of the links these flows touch, so the scratch arrays stay small.
  const localOf = new Map<number, number>();
  const linkIds: number[] = [];
  const localPaths: number[][] = paths.map((path, f) => {
    if (path.length === 0) throw new RangeError(`maxMinRates: flow ${f} crosses no link (a flow on an empty path has no rate)`);
    return path.map((link) => {
      let local = localOf.get(link);
      if (local === undefined) {
        local = linkIds.length;
        localOf.set(link, local);
        linkIds.push(link);
      }
      return local;
    });
  });
  const n = linkIds.length;
  const solver = new MaxMinSolver(n);
  const cap = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    const c = capacity(linkIds[l]!);
    if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`maxMinRates: link ${linkIds[l]} has capacity ${c}; expected a finite number above 0`);
    cap[l] = c;
  }
  const rates = new Array<number>(paths.length).fill(0);
  solver.solve(localPaths, cap, rates);
  return rates;
}

/**
 * The same progressive filling on link indices of a fixed network, with scratch arrays kept
 * between calls: the flow network solves a group on every flow start and end, and allocating per
 * call was most of its cost (written for speed; maxMinRates above is the readable entry point).
 */
export class MaxMinSolver {
  private readonly left: Float64Array;
  private readonly crossing: Int32Array;
  private readonly saturated: Uint8Array;
  private readonly touched: number[] = [];

  constructor(links: number) {
    this.left = new Float64Array(links);
    this.crossing = new Int32Array(links);
    this.saturated = new Uint8Array(links);
  }

  /** Writes each path's max-min rate into `rates` (same order). Paths are non-empty, links valid. */
  solve(paths: readonly (readonly number[])[], capacity: ArrayLike<number>, rates: number[]): void {
    const { left, crossing, saturated, touched } = this;
    const flows = paths.length;
    for (const path of paths) {
      for (const l of path) {
        if (crossing[l] === 0) {
          touched.push(l);
          left[l] = capacity[l]!;
        }
        crossing[l]!++;
      }
    }
    const frozen = new Uint8Array(flows);
    let unfrozen = flows;
    let level = 0;
    while (unfrozen > 0) {
      // The next bottleneck: the link whose leftover capacity, shared by its rising flows, runs out first.
      let step = Infinity;
      for (const l of touched) {
        const n = crossing[l]!;
        if (n > 0) {
          const share = left[l]! / n;
          if (share < step) step = share;
        }
      }
      level += step;
      for (const l of touched) {
        const n = crossing[l]!;
        if (n === 0) continue;
        left[l] = left[l]! - step * n;
        // A relative tolerance absorbs rounding: the link that set `step` lands on ~0, not exactly.
        if (left[l]! <= capacity[l]! * 1e-12) {
          left[l] = 0;
          saturated[l] = 1;
        }
      }
      for (let f = 0; f < flows; f++) {
        if (frozen[f]) continue;
        const path = paths[f]!;
        let blocked = false;
        for (const l of path) if (saturated[l]) blocked = true;
        if (!blocked) continue;
        frozen[f] = 1;
        rates[f] = level;
        unfrozen--;
        for (const l of path) crossing[l]!--;
      }
    }
    for (const l of touched) {
      crossing[l] = 0;
      saturated[l] = 0;
    }
    touched.length = 0;
  }
}
