/**
 * Ticks for a log axis that stay readable: 1-2-5 steps while they fit in `max`, else powers of
 * ten only (else every other power), so a three-decade latency axis does not print ten labels.
 */
export function logTicks(domain: readonly number[], max: number): number[] {
  const lo = Math.min(...domain);
  const hi = Math.max(...domain);
  if (!(lo > 0) || !(hi > lo)) return [lo];
  const all: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= lo && t <= hi) all.push(Number(t.toPrecision(12)));
    }
  }
  if (all.length <= max) return all;
  const powers = all.filter((t) => /^1(e|$)/.test(t.toExponential(0).replace('e+', 'e')));
  if (powers.length >= 2 && powers.length <= max) return powers;
  if (powers.length > max) return powers.filter((_, i) => i % Math.ceil(powers.length / max) === 0);
  return all.filter((t) => /^[15]/.test(t.toExponential(0)));
}
