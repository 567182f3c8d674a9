/**
 * maxMinRates(paths, capacity) -> the max-min fair rate of each flow: progressive filling (water
 * filling). Every flow's rate rises from 0 at the same pace; when a link's capacity is used up,
 * the flows crossing it freeze at the rate they reached, and the others keep rising on what is
 * left. The result is the unique allocation where no flow can gain without taking from a flow
 * whose rate is already no higher (Bertsekas & Gallager, Data Networks, 2nd ed., section 6.5.2).
 *
 * `paths[f]` lists the link indices flow f crosses (at least one); `capacity(l)` is link l's
 * capacity in bytes per second (> 0). Rates come back in the order of `paths`. Pure: nothing is
 * kept between calls. Cost: one pass over the links and flows per distinct bottleneck level, so
 * O(levels x (links + sum of path lengths)); the flow network calls it per connected group of
 * flows, never for the whole cluster at once unless the whole cluster shares links.
 */
export function maxMinRates(paths: readonly (readonly number[])[], capacity: (link: number) => number): number[] {
  const flows = paths.length;
  const rates = new Array<number>(flows).fill(0);
  if (flows === 0) return rates;

  // Dense local numbering of the links these flows touch, so the arrays below stay small.
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
  const links = linkIds.length;
  const cap = new Float64Array(links);
  const left = new Float64Array(links);
  const crossing = new Int32Array(links);
  for (let l = 0; l < links; l++) {
    const c = capacity(linkIds[l]!);
    if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`maxMinRates: link ${linkIds[l]} has capacity ${c}; expected a finite number above 0`);
    cap[l] = c;
    left[l] = c;
  }
  for (const path of localPaths) for (const l of path) crossing[l]!++;

  const frozen = new Uint8Array(flows);
  const saturated = new Uint8Array(links);
  let unfrozen = flows;
  let level = 0;
  while (unfrozen > 0) {
    // The next bottleneck: the link whose leftover capacity, shared by its rising flows, runs out first.
    let step = Infinity;
    for (let l = 0; l < links; l++) {
      if (crossing[l]! > 0) {
        const share = left[l]! / crossing[l]!;
        if (share < step) step = share;
      }
    }
    level += step;
    for (let l = 0; l < links; l++) {
      const n = crossing[l]!;
      if (n === 0) continue;
      left[l] = left[l]! - step * n;
      // A relative tolerance absorbs rounding: the link that set `step` lands on ~0, not exactly.
      if (left[l]! <= cap[l]! * 1e-12) {
        left[l] = 0;
        saturated[l] = 1;
      }
    }
    for (let f = 0; f < flows; f++) {
      if (frozen[f]) continue;
      const path = localPaths[f]!;
      let blocked = false;
      for (const l of path) if (saturated[l]) blocked = true;
      if (!blocked) continue;
      frozen[f] = 1;
      rates[f] = level;
      unfrozen--;
      for (const l of path) crossing[l]!--;
    }
  }
  return rates;
}
