/**
 * What a deployment sustained while load was offered, from a finite run that started empty.
 *
 * Completions in a window trail arrivals for two reasons: the system is still filling (load starts
 * at t = 0, so only arrivals whose e2e time is under T can have finished by T, and a batch that is
 * still growing holds more requests each second), and a deployment that cannot keep up builds a
 * queue for as long as the load lasts. Only the second says anything about the deployment. So a
 * run that completed nearly what a stable system would have (KEEP_UP_SHARE of it) carried what
 * arrived: its sustained rate is the offered one (conservation: a stable system completes all it
 * accepts); one that fell further behind sustained what it completed.
 */

/**
 * Share of the expected completions a deployment must make in the window to count as keeping up.
 * A stable system completes what arrives up to the ramp and the fluctuation of the number in the
 * system (a few % over a window of a thousand requests); one that falls 5% behind builds a queue.
 */
export const KEEP_UP_SHARE = 0.95;

/**
 * Mean over T in [from, to] of the share of requests whose time in the system is at most T, from
 * a latency CDF (fraction, seconds): what a stable system started at t = 0 has completed of its
 * arrivals by T.
 */
export function finishedShare(cdf: readonly { fraction: number; seconds: number }[], from: number, to: number): number {
  if (cdf.length === 0 || !(to > from)) return 1;
  const at = (t: number): number => {
    if (t >= cdf.at(-1)!.seconds) return 1;
    let i = 0;
    while (i < cdf.length - 1 && cdf[i + 1]!.seconds <= t) i++;
    const a = cdf[i]!;
    const b = cdf[i + 1]!;
    if (t <= a.seconds) return a.fraction;
    return a.fraction + ((b.fraction - a.fraction) * (t - a.seconds)) / (b.seconds - a.seconds);
  };
  const samples = 32;
  let sum = 0;
  for (let k = 0; k < samples; k++) sum += at(from + ((k + 0.5) * (to - from)) / samples);
  return sum / samples;
}

/** Whether `completed` per second is close enough to what a stable system would have completed (`stable`). */
export function keptUp(completed: number, stable: number): boolean {
  return completed >= KEEP_UP_SHARE * stable;
}
