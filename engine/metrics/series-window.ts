/** Mean of a bucketed series (bucket width `width`) over [from, to), each bucket weighted by its overlap. */
export function windowMean(values: readonly number[], width: number, from: number, to: number): number {
  let area = 0;
  let span = 0;
  for (let i = Math.floor(from / width); i < values.length && i * width < to; i++) {
    const overlap = Math.min(to, (i + 1) * width) - Math.max(from, i * width);
    if (overlap <= 0) continue;
    area += values[i]! * overlap;
    span += overlap;
  }
  return span > 0 ? area / span : 0;
}
